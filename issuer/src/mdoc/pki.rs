//! Test IACA roots and document signer certificates with the ISO 18013-5 Annex B profile,
//! signed through core's [`Signer`] (so the IACA key may live in an HSM).
//!
//! IACA: self-signed, basicConstraints cA pathLen 0 (critical), keyUsage keyCertSign + cRLSign
//! (critical), subjectKeyIdentifier, issuerAltName (a URI). DS: keyUsage digitalSignature
//! (critical), extKeyUsage `id-mdl-kp-mdlDS` (critical), authority/subject key identifiers,
//! issuerAltName. ECDSA (P-256/P-384) and Ed25519 keys are supported.

use std::str::FromStr;
use std::time::Duration;

use der::asn1::{BitString, Ia5String, OctetString, UtcTime};
use der::{Decode, Encode};
use inkan_core::clock::Clock;
use inkan_core::crypto::{Algorithm, PublicKey, Signer};
use inkan_core::mdoc::EXT_KEY_USAGE_MDL_DS;
use inkan_core::x509::{Certificate, ObjectIdentifier};
use inkan_core::{Error, Result};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, IssuerAltName, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::ext::{AsExtension, Extension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{TbsCertificate, Version};

/// IACA validity of the test roots: 5 years.
const IACA_SECS: i64 = 5 * 365 * 86_400;
/// DS validity: 1 year (18013-5 Annex B caps it at 457 days).
const DS_SECS: i64 = 365 * 86_400;

/// A test IACA root for `country` (self-signed with `iaca_key`) and a document signer
/// certificate for `ds_key` issued by it, both valid from the clock's now.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let (iaca_key, ds_key) = (SoftwareKey::generate(Algorithm::Es256)?, SoftwareKey::generate(Algorithm::Es256)?);
/// let (iaca, ds) = inkan_issuer::mdoc::pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &FixedClock::at_unix(1_800_000_000))?;
/// assert!(iaca.is_issuer_of(&ds));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn test_iaca_and_ds(
    iaca_key: &dyn Signer,
    ds_key: &dyn Signer,
    country: &str,
    clock: &dyn Clock,
) -> Result<(Certificate, Certificate)> {
    let iaca = iaca(iaca_key, country, clock)?;
    let ds_public = PublicKey::from_jwk(&ds_key.public_jwk())?;
    let ds = document_signer(iaca_key, &iaca, &ds_public, country, clock)?;
    Ok((iaca, ds))
}

/// A self-signed IACA root certificate.
pub fn iaca(key: &dyn Signer, country: &str, clock: &dyn Clock) -> Result<Certificate> {
    let public = PublicKey::from_jwk(&key.public_jwk())?;
    let name = name(&format!("CN={country} test IACA,C={}", country_code(country)))?;
    let ski = key_id(&public)?;
    let extensions = vec![
        ext(
            &BasicConstraints {
                ca: true,
                path_len_constraint: Some(0),
            },
            &name,
            true,
        )?,
        ext(
            &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            &name,
            true,
        )?,
        ext(&SubjectKeyIdentifier(octets(ski)?), &name, false)?,
        ext(&issuer_alt_name(country)?, &name, false)?,
    ];
    let now = clock.now_unix();
    build(
        key,
        &public,
        name.clone(),
        name,
        (now, now + IACA_SECS),
        extensions,
    )
}

/// A document signer certificate for `subject_key`, issued by `iaca` with `iaca_key`.
pub fn document_signer(
    iaca_key: &dyn Signer,
    iaca: &Certificate,
    subject_key: &PublicKey,
    country: &str,
    clock: &dyn Clock,
) -> Result<Certificate> {
    let issuer = Name::from_der(iaca_der_name(iaca)?.as_slice()).map_err(x509_error)?;
    let subject = name(&format!("CN={country} test DS,C={}", country_code(country)))?;
    let authority = iaca.subject_key_id().map(|k| octets(k.to_vec())).transpose()?;
    let extensions = vec![
        ext(&KeyUsage(KeyUsages::DigitalSignature.into()), &subject, true)?,
        ext(&ExtendedKeyUsage(vec![EXT_KEY_USAGE_MDL_DS]), &subject, true)?,
        ext(
            &AuthorityKeyIdentifier {
                key_identifier: authority,
                ..Default::default()
            },
            &subject,
            false,
        )?,
        ext(
            &SubjectKeyIdentifier(octets(key_id(subject_key)?)?),
            &subject,
            false,
        )?,
        ext(&issuer_alt_name(country)?, &subject, false)?,
    ];
    let now = clock.now_unix();
    let not_after = (now + DS_SECS).min(iaca.not_after());
    build(
        iaca_key,
        subject_key,
        issuer,
        subject,
        (now, not_after),
        extensions,
    )
}

/// The issuer's subject Name in DER, taken from its certificate so the DS names it exactly.
fn iaca_der_name(iaca: &Certificate) -> Result<Vec<u8>> {
    let cert = x509_cert::Certificate::from_der(iaca.der()).map_err(x509_error)?;
    cert.tbs_certificate.subject.to_der().map_err(x509_error)
}

fn build(
    signer: &dyn Signer,
    subject_key: &PublicKey,
    issuer: Name,
    subject: Name,
    (not_before, not_after): (i64, i64),
    extensions: Vec<Extension>,
) -> Result<Certificate> {
    let algorithm = signature_algorithm(signer.algorithm())?;
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] &= 0x7f; // positive
    serial[0] |= 0x01; // no leading zero byte
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(x509_error)?,
        signature: algorithm.clone(),
        issuer,
        validity: Validity {
            not_before: time(not_before)?,
            not_after: time(not_after)?,
        },
        subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(&subject_key.data().to_spki_der()?)
            .map_err(x509_error)?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(x509_error)?;
    let signature = x509_signature(signer.algorithm(), &signer.sign(&tbs_der)?)?;
    let cert = x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature).map_err(x509_error)?,
    };
    Certificate::from_der(&cert.to_der().map_err(x509_error)?)
}

/// The certificate signature algorithm for a signer's algorithm.
fn signature_algorithm(alg: Algorithm) -> Result<AlgorithmIdentifierOwned> {
    let oid = match alg {
        Algorithm::Es256 => "1.2.840.10045.4.3.2",
        Algorithm::Es384 => "1.2.840.10045.4.3.3",
        Algorithm::EdDsa => "1.3.101.112",
        other => {
            return Err(Error::UnsupportedAlgorithm(format!(
                "{other} for an mdoc certificate"
            )));
        }
    };
    Ok(AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap(oid),
        parameters: None,
    })
}

/// X.509 wants ECDSA signatures as DER `ECDSA-Sig-Value`; COSE/JOSE signers give r‖s.
fn x509_signature(alg: Algorithm, raw: &[u8]) -> Result<Vec<u8>> {
    let bad = |e: p256::ecdsa::Error| Error::Crypto(format!("signer returned a bad signature: {e}"));
    Ok(match alg {
        Algorithm::Es256 => p256::ecdsa::Signature::from_slice(raw)
            .map_err(bad)?
            .to_der()
            .as_bytes()
            .to_vec(),
        Algorithm::Es384 => p384::ecdsa::Signature::from_slice(raw)
            .map_err(bad)?
            .to_der()
            .as_bytes()
            .to_vec(),
        _ => raw.to_vec(),
    })
}

fn ext<T: AsExtension>(value: &T, subject: &Name, critical: bool) -> Result<Extension> {
    let mut extension = value.to_extension(subject, &[]).map_err(x509_error)?;
    extension.critical = critical;
    Ok(extension)
}

fn issuer_alt_name(country: &str) -> Result<IssuerAltName> {
    let uri = format!(
        "https://iaca.{}.example",
        country.to_lowercase().replace(' ', "-")
    );
    Ok(IssuerAltName(vec![GeneralName::UniformResourceIdentifier(
        Ia5String::new(&uri).map_err(x509_error)?,
    )]))
}

/// RFC 5280 §4.2.1.2 method: a hash of the public key (here SHA-256, truncated to 20 bytes).
fn key_id(key: &PublicKey) -> Result<Vec<u8>> {
    Ok(Sha256::digest(key.data().to_sec1(false))
        .get(..20)
        .unwrap_or_default()
        .to_vec())
}

fn octets(bytes: Vec<u8>) -> Result<OctetString> {
    OctetString::new(bytes).map_err(x509_error)
}

fn name(rfc4514: &str) -> Result<Name> {
    Name::from_str(rfc4514).map_err(x509_error)
}

/// A two-letter country code from a country name (tests only need something valid).
fn country_code(country: &str) -> String {
    let code: String = country
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(2)
        .collect();
    if code.len() == 2 {
        code.to_uppercase()
    } else {
        "XX".into()
    }
}

fn time(unix: i64) -> Result<Time> {
    let secs = u64::try_from(unix).map_err(|_| Error::X509Malformed("time before 1970".into()))?;
    UtcTime::from_unix_duration(Duration::from_secs(secs))
        .map(Time::UtcTime)
        .map_err(x509_error)
}

fn x509_error(err: impl std::fmt::Display) -> Error {
    Error::X509Malformed(err.to_string())
}
