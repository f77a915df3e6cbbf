//! One parsed certificate: the DER it came from plus the fields chain validation and profiles read.

use std::fmt::{self, Write as _};
use std::sync::{Arc, OnceLock};

use const_oid::AssociatedOid;
use const_oid::db::{rfc5280, rfc5912, rfc8410};
use der::{Decode as _, Encode as _, Reader as _};
use sha2::Digest as _;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints as RawBasicConstraints, ExtendedKeyUsage,
    KeyUsage as RawKeyUsage, SubjectAltName, SubjectKeyIdentifier,
};

use super::ObjectIdentifier;
use crate::crypto::{Algorithm, PublicKey, PublicKeyData};
use crate::{Error, Result};

/// Largest DER certificate accepted, in bytes.
pub const MAX_CERT_DER: usize = 64 * 1024;
/// Largest PEM text accepted by [`Certificate::from_pem_bundle`], in bytes.
pub const MAX_PEM: usize = 1024 * 1024;

/// Extensions this module understands well enough that a critical one is not "unknown".
const HANDLED_EXTENSIONS: [ObjectIdentifier; 7] = [
    rfc5280::ID_CE_BASIC_CONSTRAINTS,
    rfc5280::ID_CE_KEY_USAGE,
    rfc5280::ID_CE_EXT_KEY_USAGE,
    rfc5280::ID_CE_SUBJECT_ALT_NAME,
    rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
    rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    // Purely informational: nothing to enforce, so marking it critical changes nothing.
    rfc5280::ID_CE_ISSUER_ALT_NAME,
];

/// The RSASSA-PSS parameters inkan verifies (SHA-256, MGF1-SHA-256, 32-byte salt), in the two
/// DER forms seen in practice: hash parameters as NULL, or absent.
const PSS_SHA256_PARAMS: [&[u8]; 2] = [
    &[
        0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
        0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03,
        0x02, 0x01, 0x20,
    ],
    &[
        0x30, 0x30, 0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0xa1, 0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0b,
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa2, 0x03, 0x02, 0x01, 0x20,
    ],
];

/// The keyUsage bits (RFC 5280 §4.2.1.3) that chain validation and profiles look at.
///
/// ```
/// use inkan_core::x509::{Certificate, KeyUsage};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// let iaca = Certificate::from_der(der)?;
/// let ku: KeyUsage = iaca.key_usage().expect("IACA has keyUsage");
/// assert!(ku.key_cert_sign() && ku.crl_sign() && !ku.digital_signature());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage(RawKeyUsage);

impl KeyUsage {
    /// `digitalSignature`: the key signs data (credentials, MSOs, tokens).
    pub fn digital_signature(&self) -> bool {
        self.0.digital_signature()
    }

    /// `nonRepudiation` (also called `contentCommitment`).
    pub fn non_repudiation(&self) -> bool {
        self.0.non_repudiation()
    }

    /// `keyAgreement`.
    pub fn key_agreement(&self) -> bool {
        self.0.key_agreement()
    }

    /// `keyCertSign`: the key signs certificates.
    pub fn key_cert_sign(&self) -> bool {
        self.0.key_cert_sign()
    }

    /// `cRLSign`: the key signs revocation lists.
    pub fn crl_sign(&self) -> bool {
        self.0.crl_sign()
    }
}

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
///
/// ```
/// use inkan_core::x509::{BasicConstraints, Certificate};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// let iaca = Certificate::from_der(der)?;
/// assert_eq!(iaca.basic_constraints(), Some(BasicConstraints { ca: true, path_len: Some(0) }));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the subject is a certification authority.
    pub ca: bool,
    /// How many non-self-issued intermediate certificates may follow this one, if limited.
    pub path_len: Option<u8>,
}

/// An X.509 v3 certificate: its DER, kept verbatim, and the fields inkan reads, decoded once.
///
/// Parsing decodes every extension inkan understands (keyUsage, basicConstraints, extKeyUsage,
/// subjectAltName, subject/authority key identifiers), so a malformed one fails here with
/// [`Error::X509Malformed`] rather than later. Cloning is cheap (shared).
///
/// ```
/// use inkan_core::x509::Certificate;
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let ds = Certificate::from_der(der)?;
/// assert_eq!(ds.subject(), "C=US,CN=utopia ds");
/// assert_eq!(ds.issuer(), "C=US,CN=utopia iaca");
/// assert_eq!(ds.not_before(), 1_601_510_400); // 2020-10-01T00:00:00Z
/// assert_eq!(ds.extended_key_usage(), ["1.0.18013.5.1.2".parse()?]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Certificate(Arc<Inner>);

struct Inner {
    der: Vec<u8>,
    tbs: Vec<u8>,
    cert: x509_cert::Certificate,
    /// RFC 4514 renderings, made on first use: most verifications compare names as DER and
    /// never need the text (rendering both names cost more than the rest of the parse).
    subject: OnceLock<String>,
    issuer: OnceLock<String>,
    not_before: i64,
    not_after: i64,
    ext: ParsedExtensions,
}

#[derive(Default)]
struct ParsedExtensions {
    key_usage: Option<KeyUsage>,
    basic: Option<BasicConstraints>,
    eku: Vec<ObjectIdentifier>,
    san_dns: Vec<String>,
    san_uri: Vec<String>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
}

impl Certificate {
    /// Parses one DER certificate (at most [`MAX_CERT_DER`] bytes, no trailing data).
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// assert_eq!(Certificate::from_der(b"\x30\x03\x02\x01\x00").unwrap_err().code(), "x509.malformed");
    /// ```
    pub fn from_der(der: &[u8]) -> Result<Self> {
        if der.len() > MAX_CERT_DER {
            return Err(Error::TooLarge {
                size: der.len(),
                limit: MAX_CERT_DER,
            });
        }
        let cert = x509_cert::Certificate::from_der(der).map_err(malformed)?;
        let tbs = tbs_bytes(der).map_err(malformed)?.to_vec();
        if cert.tbs_certificate.signature != cert.signature_algorithm {
            return Err(Error::X509Malformed(
                "signature algorithm differs between TBSCertificate and Certificate".into(),
            ));
        }
        let tbs_cert = &cert.tbs_certificate;
        let inner = Inner {
            subject: OnceLock::new(),
            issuer: OnceLock::new(),
            not_before: unix(tbs_cert.validity.not_before)?,
            not_after: unix(tbs_cert.validity.not_after)?,
            ext: ParsedExtensions::parse(tbs_cert.extensions.as_deref().unwrap_or_default())?,
            der: der.to_vec(),
            tbs,
            cert,
        };
        Ok(Self(Arc::new(inner)))
    }

    /// Parses a PEM holding exactly one `CERTIFICATE` block.
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
    /// let pem = Certificate::from_der(der)?.to_pem();
    /// assert_eq!(Certificate::from_pem(&pem)?.der(), der);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_pem(pem: &str) -> Result<Self> {
        let mut all = Self::from_pem_bundle(pem)?;
        match (all.pop(), all.is_empty()) {
            (Some(cert), true) => Ok(cert),
            _ => Err(Error::X509Malformed(
                "expected exactly one CERTIFICATE PEM block".into(),
            )),
        }
    }

    /// Parses every `CERTIFICATE` block of a PEM bundle, in order (at least one).
    ///
    /// Text between blocks (such as `subject=` comment lines) is ignored; a block with another
    /// label is an error, so a private key pasted by mistake is not silently skipped.
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let bundle = format!("# DS\n{}# IACA\n{}", Certificate::from_der(ds)?.to_pem(),
    ///                      Certificate::from_der(iaca)?.to_pem());
    /// let certs = Certificate::from_pem_bundle(&bundle)?;
    /// assert_eq!(certs.len(), 2);
    /// assert_eq!(certs[1].subject(), "C=US,CN=utopia iaca");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_pem_bundle(pem: &str) -> Result<Vec<Self>> {
        if pem.len() > MAX_PEM {
            return Err(Error::TooLarge {
                size: pem.len(),
                limit: MAX_PEM,
            });
        }
        let certs = pem_blocks(pem)
            .map(|block| {
                let (label, der) = der::pem::decode_vec(block?.as_bytes()).map_err(malformed)?;
                if label != "CERTIFICATE" {
                    return Err(Error::X509Malformed(format!(
                        "expected a CERTIFICATE PEM block, found {label}"
                    )));
                }
                Self::from_der(&der)
            })
            .collect::<Result<Vec<_>>>()?;
        if certs.is_empty() {
            return Err(Error::X509Malformed("no CERTIFICATE PEM block".into()));
        }
        Ok(certs)
    }

    /// The PEM form (`-----BEGIN CERTIFICATE-----`, LF line endings).
    pub fn to_pem(&self) -> String {
        // Encoding bytes we already hold as base64 cannot fail; the fallback is unreachable.
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.0.der).unwrap_or_default()
    }

    /// The DER bytes, exactly as parsed.
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let cert = Certificate::from_der(ds)?;
    /// assert_eq!(cert.der(), ds);
    /// assert!(cert.der().len() > cert.tbs_der().len());
    /// assert!(cert.to_pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The DER `TBSCertificate`: the bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.0.tbs
    }

    /// The subject distinguished name as an RFC 4514 string (last RDN first, e.g. `C=US,CN=x`).
    pub fn subject(&self) -> &str {
        self.0
            .subject
            .get_or_init(|| name_string(&self.0.cert.tbs_certificate.subject))
    }

    /// The issuer distinguished name as an RFC 4514 string.
    pub fn issuer(&self) -> &str {
        self.0
            .issuer
            .get_or_init(|| name_string(&self.0.cert.tbs_certificate.issuer))
    }

    /// Whether subject and issuer are the same name (a root or a re-keyed CA).
    pub fn is_self_issued(&self) -> bool {
        let tbs = &self.0.cert.tbs_certificate;
        tbs.subject == tbs.issuer
    }

    /// Whether this certificate's subject is exactly `other`'s issuer (DER comparison).
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let (iaca, ds) = (Certificate::from_der(iaca)?, Certificate::from_der(ds)?);
    /// assert!(iaca.is_issuer_of(&ds) && iaca.is_self_issued());
    /// assert!(!ds.is_issuer_of(&iaca) && !ds.is_self_issued());
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn is_issuer_of(&self, other: &Certificate) -> bool {
        self.0.cert.tbs_certificate.subject == other.0.cert.tbs_certificate.issuer
    }

    /// The serial number's big-endian bytes, as encoded (a leading zero keeps it positive).
    pub fn serial(&self) -> &[u8] {
        self.0.cert.tbs_certificate.serial_number.as_bytes()
    }

    /// Start of the validity period, in seconds since the Unix epoch.
    pub fn not_before(&self) -> i64 {
        self.0.not_before
    }

    /// End of the validity period (inclusive), in seconds since the Unix epoch.
    pub fn not_after(&self) -> i64 {
        self.0.not_after
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> Result<Vec<u8>> {
        self.0
            .cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(malformed)
    }

    /// The subject public key, prepared by the default crypto provider.
    ///
    /// Fails with [`Error::InvalidKey`] or [`Error::UnsupportedAlgorithm`] for keys inkan cannot
    /// use (e.g. RSA under 2048 bits, curves other than P-256/P-384/Ed25519).
    ///
    /// ```
    /// use inkan_core::crypto::KeyType;
    /// use inkan_core::x509::Certificate;
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// assert_eq!(Certificate::from_der(der)?.public_key()?.key_type(), KeyType::P256);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::new(PublicKeyData::from_spki_der(&self.spki_der()?)?)
    }

    /// The algorithm the issuer signed this certificate with, as inkan names it.
    ///
    /// Supported: ecdsa-with-SHA256 (ES256), ecdsa-with-SHA384 (ES384), Ed25519,
    /// sha256WithRSAEncryption (RS256) and RSASSA-PSS with SHA-256/MGF1-SHA-256/32-byte salt
    /// (PS256). Anything else is [`Error::UnsupportedAlgorithm`].
    ///
    /// ```
    /// use inkan_core::crypto::Algorithm;
    /// use inkan_core::x509::Certificate;
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// assert_eq!(Certificate::from_der(der)?.signature_algorithm()?, Algorithm::Es256);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn signature_algorithm(&self) -> Result<Algorithm> {
        let alg = &self.0.cert.signature_algorithm;
        let params = alg.parameters.as_ref();
        let null_or_absent = params.is_none_or(|p| p.is_null());
        let alg = match alg.oid {
            rfc5912::ECDSA_WITH_SHA_256 if params.is_none() => Algorithm::Es256,
            rfc5912::ECDSA_WITH_SHA_384 if params.is_none() => Algorithm::Es384,
            rfc8410::ID_ED_25519 if params.is_none() => Algorithm::EdDsa,
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION if null_or_absent => Algorithm::Rs256,
            rfc5912::ID_RSASSA_PSS if params.is_some_and(is_pss_sha256) => Algorithm::Ps256,
            oid => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "certificate signature algorithm {oid}"
                )));
            }
        };
        Ok(alg)
    }

    /// The signature in JOSE/COSE form (ECDSA's DER `Ecdsa-Sig-Value` converted to raw `r‖s`).
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// assert_eq!(Certificate::from_der(ds)?.signature_raw()?.len(), 64); // P-256 r‖s
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn signature_raw(&self) -> Result<Vec<u8>> {
        let bits = self
            .0
            .cert
            .signature
            .as_bytes()
            .ok_or_else(|| Error::X509Malformed("signature has unused bits".into()))?;
        match self.signature_algorithm()? {
            Algorithm::Es256 => ecdsa_der_to_raw(bits, 32),
            Algorithm::Es384 => ecdsa_der_to_raw(bits, 48),
            Algorithm::EdDsa | Algorithm::Rs256 | Algorithm::Ps256 => Ok(bits.to_vec()),
        }
    }

    /// Checks that `issuer_key` signed this certificate.
    ///
    /// Fails with [`Error::UnsupportedAlgorithm`] for an algorithm inkan does not verify,
    /// [`Error::AlgorithmKeyMismatch`] if it does not fit the key and [`Error::BadSignature`].
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let (iaca, ds) = (Certificate::from_der(iaca)?, Certificate::from_der(ds)?);
    /// ds.verify_signed_by(&iaca.public_key()?)?;
    /// assert_eq!(ds.verify_signed_by(&ds.public_key()?).unwrap_err().code(), "crypto.bad_signature");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn verify_signed_by(&self, issuer_key: &PublicKey) -> Result<()> {
        use crate::crypto::Verifier as _;
        let alg = self.signature_algorithm()?;
        issuer_key.verify(alg, self.tbs_der(), &self.signature_raw()?)
    }

    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.0.ext.key_usage
    }

    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.0.ext.basic
    }

    /// The extKeyUsage purposes (empty when the extension is absent).
    pub fn extended_key_usage(&self) -> &[ObjectIdentifier] {
        &self.0.ext.eku
    }

    /// The subjectAltName `dNSName` entries.
    pub fn san_dns_names(&self) -> &[String] {
        &self.0.ext.san_dns
    }

    /// The subjectAltName `uniformResourceIdentifier` entries.
    pub fn san_uris(&self) -> &[String] {
        &self.0.ext.san_uri
    }

    /// The subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.0.ext.ski.as_deref()
    }

    /// The authorityKeyIdentifier's `keyIdentifier`, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.0.ext.aki.as_deref()
    }

    /// Every extension as `(oid, critical, DER extnValue contents)`, for profiles that read more.
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let ds = Certificate::from_der(der)?;
    /// let critical: Vec<String> = ds.extensions().filter(|e| e.1).map(|e| e.0.to_string()).collect();
    /// assert_eq!(critical, ["2.5.29.15", "2.5.29.37"]); // keyUsage, extKeyUsage
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn extensions(&self) -> impl Iterator<Item = (ObjectIdentifier, bool, &[u8])> + '_ {
        self.raw_extensions()
            .iter()
            .map(|e| (e.extn_id, e.critical, e.extn_value.as_bytes()))
    }

    /// Critical extensions that neither this module nor `also_handled` knows how to process.
    ///
    /// ```
    /// use inkan_core::x509::{Certificate, ObjectIdentifier};
    /// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let ds = Certificate::from_der(ds)?;
    /// assert!(ds.unknown_critical_extensions(&[]).is_empty());
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn unknown_critical_extensions(&self, also_handled: &[ObjectIdentifier]) -> Vec<ObjectIdentifier> {
        self.raw_extensions()
            .iter()
            .filter(|e| e.critical)
            .map(|e| e.extn_id)
            .filter(|oid| !HANDLED_EXTENSIONS.contains(oid) && !also_handled.contains(oid))
            .collect()
    }

    /// SHA-256 over the DER: the `x5t#S256` thumbprint and OpenID4VP `x509_hash` input.
    ///
    /// ```
    /// use inkan_core::x509::Certificate;
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let t = Certificate::from_der(der)?.sha256_thumbprint();
    /// assert_eq!(t.len(), 32);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn sha256_thumbprint(&self) -> [u8; 32] {
        sha2::Sha256::digest(&self.0.der).into()
    }

    fn raw_extensions(&self) -> &[Extension] {
        self.0
            .cert
            .tbs_certificate
            .extensions
            .as_deref()
            .unwrap_or_default()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.der == other.0.der
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("issuer", &self.0.issuer)
            .field("not_before", &self.0.not_before)
            .field("not_after", &self.0.not_after)
            .finish_non_exhaustive()
    }
}

impl ParsedExtensions {
    fn parse(exts: &[Extension]) -> Result<Self> {
        let mut out = Self::default();
        for (i, ext) in exts.iter().enumerate() {
            if exts.iter().skip(i + 1).any(|e| e.extn_id == ext.extn_id) {
                return Err(Error::X509Malformed(format!(
                    "duplicate extension {}",
                    ext.extn_id
                )));
            }
            out.read(ext)?;
        }
        Ok(out)
    }

    fn read(&mut self, ext: &Extension) -> Result<()> {
        let value = ext.extn_value.as_bytes();
        match ext.extn_id {
            RawKeyUsage::OID => self.key_usage = Some(KeyUsage(decode::<RawKeyUsage>(value)?)),
            RawBasicConstraints::OID => {
                let bc = decode::<RawBasicConstraints>(value)?;
                self.basic = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            ExtendedKeyUsage::OID => self.eku = decode::<ExtendedKeyUsage>(value)?.0,
            SubjectAltName::OID => {
                for name in decode::<SubjectAltName>(value)?.0 {
                    match name {
                        GeneralName::DnsName(dns) => self.san_dns.push(dns.to_string()),
                        GeneralName::UniformResourceIdentifier(uri) => self.san_uri.push(uri.to_string()),
                        _ => {}
                    }
                }
            }
            SubjectKeyIdentifier::OID => {
                self.ski = Some(decode::<SubjectKeyIdentifier>(value)?.0.into_bytes());
            }
            AuthorityKeyIdentifier::OID => {
                self.aki = decode::<AuthorityKeyIdentifier>(value)?
                    .key_identifier
                    .map(|k| k.into_bytes());
            }
            _ => {}
        }
        Ok(())
    }
}

fn decode<'a, T: der::Decode<'a>>(value: &'a [u8]) -> Result<T> {
    T::from_der(value).map_err(malformed)
}

fn malformed(err: impl fmt::Display) -> Error {
    Error::X509Malformed(err.to_string())
}

/// The raw `TBSCertificate` TLV: the first element of the outer SEQUENCE, byte for byte.
fn tbs_bytes(der: &[u8]) -> der::Result<&[u8]> {
    let mut reader = der::SliceReader::new(der)?;
    reader.sequence(|seq| {
        let tbs = seq.tlv_bytes()?;
        seq.tlv_bytes()?; // signatureAlgorithm
        seq.tlv_bytes()?; // signatureValue
        Ok(tbs)
    })
}

/// RFC 4514 rendering; a name that cannot be rendered is malformed (never a panic in `Display`).
/// A name as RFC 4514 text. Rendering fails only for an attribute value that cannot be
/// re-encoded, which a parsed certificate does not hold; such a name renders as a marker that
/// no RFC 4514 name equals.
fn name_string(name: &x509_cert::name::Name) -> String {
    let mut out = String::new();
    match write!(out, "{name}") {
        Ok(()) => out,
        Err(_) => "<unrenderable name>".into(),
    }
}

fn unix(time: x509_cert::time::Time) -> Result<i64> {
    i64::try_from(time.to_unix_duration().as_secs())
        .map_err(|_| Error::X509Malformed("validity time out of range".into()))
}

fn is_pss_sha256(params: &der::Any) -> bool {
    params
        .to_der()
        .is_ok_and(|der| PSS_SHA256_PARAMS.contains(&der.as_slice()))
}

/// Converts a DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` to fixed-size `r‖s`.
fn ecdsa_der_to_raw(der: &[u8], half: usize) -> Result<Vec<u8>> {
    let bad = |_| Error::X509Malformed("ECDSA signature is not a DER Ecdsa-Sig-Value".into());
    let (r, s) = der::SliceReader::new(der)
        .and_then(|mut reader| {
            let rs = reader.sequence(|seq| {
                Ok((
                    seq.decode::<der::asn1::UintRef<'_>>()?,
                    seq.decode::<der::asn1::UintRef<'_>>()?,
                ))
            })?;
            reader.finish(rs)
        })
        .map_err(bad)?;
    let mut raw = vec![0u8; 2 * half];
    for (int, offset) in [(r, 0), (s, half)] {
        let bytes = int.as_bytes();
        // An integer longer than the curve order cannot be a valid signature half.
        let pad = half.checked_sub(bytes.len()).ok_or(Error::BadSignature)?;
        raw.get_mut(offset + pad..offset + half)
            .ok_or(Error::BadSignature)?
            .copy_from_slice(bytes);
    }
    Ok(raw)
}

/// Yields each `-----BEGIN …-----` … `-----END …-----` block of a PEM text.
fn pem_blocks(text: &str) -> impl Iterator<Item = Result<&str>> + '_ {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(BEGIN)?;
        let block = rest.get(start..)?;
        let end = block.find(END).and_then(|e| {
            let close = block.get(e + END.len()..)?.find("-----")?;
            Some(e + END.len() + close + "-----".len())
        });
        match end.and_then(|len| Some((block.get(..len)?, block.get(len..)?))) {
            Some((pem, tail)) => {
                rest = tail;
                Some(Ok(pem))
            }
            None => {
                rest = "";
                Some(Err(Error::X509Malformed("unterminated PEM block".into())))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IACA: &[u8] = include_bytes!("testdata/annexd-iaca.der");
    const DS: &[u8] = include_bytes!("testdata/annexd-ds.der");

    #[test]
    fn annex_d_fields() {
        let ds = Certificate::from_der(DS).unwrap();
        assert_eq!(ds.serial().len(), 20);
        assert_eq!(ds.not_after(), 1_633_046_400); // 2021-10-01
        assert_eq!(
            ds.authority_key_id(),
            Certificate::from_der(IACA).unwrap().subject_key_id()
        );
        assert!(ds.basic_constraints().is_none());
        assert!(ds.key_usage().unwrap().digital_signature());
        assert!(ds.unknown_critical_extensions(&[]).is_empty());
        assert_eq!(ds.tbs_der(), &DS[4..4 + 0x195 + 4]);
    }

    #[test]
    fn rsa_pss_from_openssl_cli() {
        let der = include_bytes!("testdata/pss-selfsigned.der");
        let cert = Certificate::from_der(der).unwrap();
        assert_eq!(cert.signature_algorithm().unwrap(), Algorithm::Ps256);
        cert.verify_signed_by(&cert.public_key().unwrap()).unwrap();
        let mut tampered = der.to_vec();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let tampered = Certificate::from_der(&tampered).unwrap();
        let err = tampered
            .verify_signed_by(&cert.public_key().unwrap())
            .unwrap_err();
        assert_eq!(err.code(), "crypto.bad_signature");
        // PSS with other parameters (salt 20 instead of 32) is not PS256.
        let params = PSS_SHA256_PARAMS[0];
        let mut salt20 = der.to_vec();
        let places: Vec<usize> = der
            .windows(params.len())
            .enumerate()
            .filter(|(_, w)| *w == params)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(places.len(), 2, "TBS and outer signature algorithm");
        for at in places {
            salt20[at + params.len() - 1] = 20;
        }
        let salt20 = Certificate::from_der(&salt20).unwrap();
        assert_eq!(
            salt20.signature_algorithm().unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
    }

    #[test]
    fn ecdsa_der_conversion() {
        // r = 1, s = 0x80 (needs a leading zero in DER).
        let der = [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80];
        let raw = ecdsa_der_to_raw(&der, 32).unwrap();
        assert_eq!(raw[31], 1);
        assert_eq!(raw[63], 0x80);
        assert_eq!(raw.iter().filter(|b| **b != 0).count(), 2);
        let long = [&[0x30, 0x25, 0x02, 0x21][..], &[0x7f; 33], &[0x02, 0x00]].concat();
        assert!(ecdsa_der_to_raw(&long, 32).is_err());
        assert_eq!(
            ecdsa_der_to_raw(&der[..8], 32).unwrap_err().code(),
            "x509.malformed"
        );
    }

    #[test]
    fn pem_edge_cases() {
        let pem = Certificate::from_der(DS).unwrap().to_pem();
        let unterminated = pem.replace("-----END CERTIFICATE-----", "");
        assert_eq!(
            Certificate::from_pem(&unterminated).unwrap_err().code(),
            "x509.malformed"
        );
        assert_eq!(
            Certificate::from_pem("nothing here").unwrap_err().code(),
            "x509.malformed"
        );
        let key = pem.replace("CERTIFICATE", "PRIVATE KEY");
        assert_eq!(
            Certificate::from_pem_bundle(&key).unwrap_err().code(),
            "x509.malformed"
        );
        let two = format!("{pem}{pem}");
        assert_eq!(Certificate::from_pem(&two).unwrap_err().code(), "x509.malformed");
        assert_eq!(Certificate::from_pem_bundle(&two).unwrap().len(), 2);
    }

    #[test]
    fn size_caps() {
        let big = vec![0u8; MAX_CERT_DER + 1];
        assert_eq!(Certificate::from_der(&big).unwrap_err().code(), "input.too_large");
        let text = " ".repeat(MAX_PEM + 1);
        assert_eq!(
            Certificate::from_pem_bundle(&text).unwrap_err().code(),
            "input.too_large"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_der_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = Certificate::from_der(&bytes);
        }

        #[test]
        fn mutated_certificate_never_panics(pos in 0usize..DS.len(), byte in proptest::prelude::any::<u8>()) {
            let mut der = DS.to_vec();
            der[pos] = byte;
            if let Ok(cert) = Certificate::from_der(&der) {
                let _ = cert.public_key();
                let _ = cert.signature_raw();
            }
        }

        #[test]
        fn arbitrary_pem_never_panics(text in "(-----(BEGIN|END) [A-Z ]{0,12}-----|[A-Za-z0-9+/=\n]{0,80}){0,6}") {
            let _ = Certificate::from_pem_bundle(&text);
        }
    }
}
