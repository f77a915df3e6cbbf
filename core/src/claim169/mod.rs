//! MOSIP Claim 169 QR credentials ("169 - QR Code Specifications" v1.2.0).
//!
//! A Claim 169 QR code is Base45 text over a zlib stream over a COSE_Sign1 (EdDSA or ES256),
//! optionally inside a COSE_Encrypt0 (A256GCM or A128GCM), whose payload is a CWT claims set
//! carrying the identity data as claim 169. This module reuses the layers core already has
//! ([`crate::encoding`] for Base45 and capped zlib, [`crate::cose`] for bounded CBOR, COSE and
//! CWT, [`TimeRules`] for `exp`/`nbf`/`iat`) and adds the typed [`IdentityData`] model.
//!
//! Decoding comes in two steps so a verifier can pick the issuer key (by `kid` or `x5chain`)
//! between them: [`parse`] undoes the encodings and reads the fields without checking anything,
//! then [`ParsedClaim169::verify_signature`] and [`ParsedClaim169::check_time`] (or both at once
//! with [`ParsedClaim169::verify`]) check it. [`decode`] does it all in one call.
//!
//! Deviations found in the specification's own example (CWT tag 61, claim 169 as a bstr,
//! gender as text, a single map where an array is expected) are accepted and reported as
//! [`Warning`]s, never silently.
//!
//! ```
//! use inkan_core::claim169::{self, EncodeOptions, IdentityData, ParseOptions};
//! use inkan_core::claims::TimeRules;
//! use inkan_core::clock::FixedClock;
//! use inkan_core::cose::cwt::CwtClaims;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let person = IdentityData { full_name: Some("Jane Doe".into()), ..IdentityData::default() };
//! let meta = CwtClaims { iss: Some("https://id.example".into()), exp: Some(2_000), ..CwtClaims::default() };
//! let qr = claim169::encode(&person, &meta, &key, &EncodeOptions::default())?;
//!
//! let parsed = claim169::parse(&qr, &ParseOptions::default())?;
//! assert_eq!(parsed.issuer(), Some("https://id.example"));
//! parsed.verify_signature(key.public_key())?;
//! parsed.check_time(&TimeRules::default(), &FixedClock::at_unix(1_000))?;
//! assert_eq!(parsed.claims(), &person);
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod model;
mod warning;

use ciborium::Value;
use coset::Label;
use zeroize::Zeroizing;

pub use model::{
    Biometric, BiometricFormat, BodyPart, Gender, IdentityData, ImageSubFormat, MaritalStatus, PhotoFormat,
    SoundSubFormat, SubFormat, TemplateSubFormat, UnknownCode,
};
pub use warning::Warning;

use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::cose::cbor::{self, CborLimits};
use crate::cose::cwt::{self, CwtClaims, SignOptions};
use crate::cose::{
    DecodeOptions, EncAlgorithm, Encrypt0, Encrypt0Builder, Sign1, TAG_CWT, TAG_ENCRYPT0, TagPolicy,
};
use crate::crypto::{Algorithm, Signer, Verifier};
use crate::encoding::{InflateLimit, base45_decode, base45_encode, zlib_compress, zlib_decompress};
use crate::{Error, Result};

/// The CWT claim key of the identity data.
pub const CLAIM_169: i64 = 169;

/// zlib level for encoding: the smallest output, since every byte enlarges the QR code.
const ZLIB_LEVEL: u32 = 9;

/// Encryption of the signed credential in a COSE_Encrypt0.
///
/// ```
/// use inkan_core::claim169::Encryption;
/// use inkan_core::cose::EncAlgorithm;
/// let enc = Encryption::new(EncAlgorithm::A256Gcm, vec![7; 32]);
/// assert!(!format!("{enc:?}").contains('7'));
/// ```
#[derive(Clone)]
pub struct Encryption {
    /// A256GCM or A128GCM (the specification's two).
    pub alg: EncAlgorithm,
    /// The symmetric key, wiped on drop.
    pub key: Zeroizing<Vec<u8>>,
    /// Key id for the COSE_Encrypt0's unprotected header.
    pub kid: Option<Vec<u8>>,
    /// A fixed 12-byte IV (random when `None`; an IV must never repeat under one key).
    pub iv: Option<[u8; 12]>,
}

impl Encryption {
    /// Encryption with `alg` under `key`, a random IV and no key id.
    pub fn new(alg: EncAlgorithm, key: Vec<u8>) -> Self {
        Self {
            alg,
            key: Zeroizing::new(key),
            kid: None,
            iv: None,
        }
    }
}

impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryption")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// How [`encode`] builds the QR text.
///
/// ```
/// use inkan_core::claim169::EncodeOptions;
/// let options = EncodeOptions { kid: Some(b"k-1101".to_vec()), ..EncodeOptions::default() };
/// assert!(options.encryption.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct EncodeOptions {
    /// Key id for the COSE_Sign1's unprotected header.
    pub kid: Option<Vec<u8>>,
    /// Issuer certificate chain (DER, leaf first) for `x5chain`.
    pub x5chain: Vec<Vec<u8>>,
    /// Encrypt the signed credential.
    pub encryption: Option<Encryption>,
    /// Wrap the COSE_Sign1 in the CWT tag 61 (not what the specification does; for tests of
    /// decoders that must tolerate it).
    pub cwt_tag: bool,
}

/// Encodes `identity` with the CWT claims in `meta` (iss, sub, exp, nbf, iat, …) into the QR
/// text: CWT → COSE_Sign1 signed by `signer` (EdDSA or ES256) → optional COSE_Encrypt0 → zlib →
/// Base45.
///
/// `meta` must not carry claim 169 itself ([`Error::InvalidClaim`]).
///
/// ```
/// use inkan_core::claim169::{self, EncodeOptions, Encryption, IdentityData, ParseOptions};
/// use inkan_core::cose::{cwt::CwtClaims, EncAlgorithm};
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let options = EncodeOptions {
///     encryption: Some(Encryption::new(EncAlgorithm::A128Gcm, vec![1; 16])),
///     ..EncodeOptions::default()
/// };
/// let qr = claim169::encode(&IdentityData::default(), &CwtClaims::default(), &key, &options)?;
/// let err = claim169::parse(&qr, &ParseOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "claim169.needs_decryption_key");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn encode(
    identity: &IdentityData,
    meta: &CwtClaims,
    signer: &dyn Signer,
    options: &EncodeOptions,
) -> Result<String> {
    check_signature_algorithm(signer.algorithm())?;
    if meta.claim(&Label::Int(CLAIM_169)).is_some() {
        return Err(Error::InvalidClaim(
            "the CWT meta must not carry claim 169".into(),
        ));
    }
    let mut claims = meta.clone();
    claims.other.push((Label::Int(CLAIM_169), identity.to_cbor()));
    let sign_options = SignOptions {
        kid: options.kid.clone(),
        x5chain: options.x5chain.clone(),
        external_aad: Vec::new(),
        cwt_tag: options.cwt_tag,
    };
    let signed = cwt::sign(&claims, signer, &sign_options)?;
    let cose = match &options.encryption {
        None => signed,
        Some(encryption) => encrypt(encryption, &signed)?,
    };
    Ok(base45_encode(&zlib_compress(&cose, ZLIB_LEVEL)))
}

fn encrypt(encryption: &Encryption, plaintext: &[u8]) -> Result<Vec<u8>> {
    if encryption.alg == EncAlgorithm::A192Gcm {
        return Err(Error::UnsupportedAlgorithm(
            "Claim 169 encrypts with A128GCM or A256GCM".into(),
        ));
    }
    let mut builder = Encrypt0Builder::new(encryption.alg);
    if let Some(kid) = &encryption.kid {
        builder = builder.kid(kid.clone());
    }
    if let Some(iv) = encryption.iv {
        builder = builder.iv(iv);
    }
    builder.encrypt(&encryption.key, plaintext)?.encode(true)
}

/// The specification signs with EdDSA or ES256 only.
fn check_signature_algorithm(alg: Algorithm) -> Result<()> {
    match alg {
        Algorithm::EdDsa | Algorithm::Es256 => Ok(()),
        other => Err(Error::UnsupportedAlgorithm(format!(
            "Claim 169 signs with EdDSA or ES256, not {}",
            other.jose_name()
        ))),
    }
}

/// How [`parse`] reads untrusted QR text.
///
/// ```
/// use inkan_core::claim169::ParseOptions;
/// let options = ParseOptions { decryption_key: Some(vec![0; 32].into()), ..ParseOptions::default() };
/// assert_eq!(options.inflate_limit.bytes(), 64 * 1024);
/// assert!(!format!("{options:?}").contains("[0"));
/// ```
#[derive(Clone, Default)]
pub struct ParseOptions {
    /// The symmetric key for an encrypted credential (wiped on drop).
    pub decryption_key: Option<Zeroizing<Vec<u8>>>,
    /// The most bytes the zlib stream may inflate to.
    pub inflate_limit: InflateLimit,
    /// Size and depth caps for every CBOR layer (COSE, claims set, claim 169).
    pub limits: CborLimits,
}

impl std::fmt::Debug for ParseOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseOptions")
            .field(
                "decryption_key",
                &self.decryption_key.as_ref().map(|_| "<secret>"),
            )
            .field("inflate_limit", &self.inflate_limit)
            .field("limits", &self.limits)
            .finish()
    }
}

/// Reads QR text into its parts without checking the signature or the time claims.
///
/// Base45 → capped inflate → bounded CBOR → decryption (when encrypted; the key must be in
/// `options`) → COSE_Sign1 → CWT claims → [`IdentityData`]. Errors keep the code of the layer
/// that failed (`encoding.bad_base45`, `encoding.inflate_limit`, `cbor.too_deep`,
/// `cose.malformed`, `crypto.decryption_failed`, `claim169.missing_169`, …).
///
/// ```
/// use inkan_core::claim169::{parse, ParseOptions};
/// let err = parse("not base45!", &ParseOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "encoding.bad_base45");
/// ```
pub fn parse(qr_text: &str, options: &ParseOptions) -> Result<ParsedClaim169> {
    let packed = base45_decode(qr_text)?;
    let bytes = zlib_decompress(&packed, options.inflate_limit)?;
    let mut warnings = Vec::new();
    let decode = DecodeOptions {
        limits: options.limits,
        tag: TagPolicy::Optional,
        allow_unprotected_alg: false,
    };
    let outer = cose_value(cbor::decode(&bytes, &options.limits)?, &mut warnings);
    let (sign1, claims, encryption) = if is_encrypt0(&outer) {
        open_encrypted(outer, options, &decode, &mut warnings)?
    } else {
        let (sign1, claims) = signed_claims(outer, &decode)?;
        (Some(sign1), claims, None)
    };
    let mut cwt = CwtClaims::from_value(claims)?;
    let identity = take_claim169(&mut cwt, &options.limits, &mut warnings)?;
    Ok(ParsedClaim169 {
        sign1,
        cwt,
        identity,
        warnings,
        encryption,
    })
}

/// The COSE_Sign1 in `value` and the claims set it carries, as CBOR.
fn signed_claims(value: Value, decode: &DecodeOptions) -> Result<(Sign1, Value)> {
    let sign1 = Sign1::from_value(value, decode)?;
    let payload = sign1
        .payload()
        .ok_or_else(|| Error::CoseMalformed("a Claim 169 CWT cannot have a detached payload".into()))?;
    let claims = cbor::decode(payload, &decode.limits)?;
    Ok((sign1, claims))
}

/// Decrypts a COSE_Encrypt0 and reads what it holds: a COSE_Sign1, or (encrypted but never
/// signed) the claims set itself.
fn open_encrypted(
    value: Value,
    options: &ParseOptions,
    decode: &DecodeOptions,
    warnings: &mut Vec<Warning>,
) -> Result<(Option<Sign1>, Value, Option<EncAlgorithm>)> {
    let message = Encrypt0::from_value(value, decode)?;
    let key = options.decryption_key.as_ref().ok_or(Error::Claim169Encrypted)?;
    let inner = cbor::decode(&message.decrypt(key, b"")?, &options.limits)?;
    let encryption = Some(message.algorithm()?);
    match inner {
        claims @ Value::Map(_) => Ok((None, claims, encryption)),
        other => {
            let (sign1, claims) = signed_claims(cose_value(other, warnings), decode)?;
            Ok((Some(sign1), claims, encryption))
        }
    }
}

/// Strips a CWT tag 61 and notes a missing COSE tag, reporting both.
fn cose_value(value: Value, warnings: &mut Vec<Warning>) -> Value {
    let value = match value {
        Value::Tag(TAG_CWT, inner) => {
            warnings.push(Warning::CwtTag);
            *inner
        }
        other => other,
    };
    if matches!(value, Value::Array(_)) {
        warnings.push(Warning::UntaggedCose);
    }
    value
}

/// A COSE_Encrypt0: tag 16, or an untagged array of its three items.
fn is_encrypt0(value: &Value) -> bool {
    match value {
        Value::Tag(tag, _) => *tag == TAG_ENCRYPT0,
        Value::Array(items) => items.len() == 3,
        _ => false,
    }
}

/// Removes claim 169 from the claims set and reads it (a bstr-wrapped map is tolerated).
fn take_claim169(
    cwt: &mut CwtClaims,
    limits: &CborLimits,
    warnings: &mut Vec<Warning>,
) -> Result<IdentityData> {
    let index = cwt
        .other
        .iter()
        .position(|(label, _)| *label == Label::Int(CLAIM_169))
        .ok_or(Error::Claim169Missing)?;
    let (_, value) = cwt.other.remove(index);
    let value = match value {
        Value::Bytes(wrapped) => {
            warnings.push(Warning::WrappedClaim);
            cbor::decode(&wrapped, limits)?
        }
        other => other,
    };
    let (identity, found) = IdentityData::from_cbor(value)?;
    warnings.extend(found);
    Ok(identity)
}

/// A Claim 169 credential read from QR text, not yet verified.
///
/// Nothing here is trustworthy until [`ParsedClaim169::verify_signature`] has passed with a key
/// the caller trusts for [`ParsedClaim169::issuer`]; the `kid` and `x5chain` accessors exist
/// to find that key.
///
/// ```
/// use inkan_core::claim169::{self, EncodeOptions, IdentityData, ParseOptions};
/// use inkan_core::cose::cwt::CwtClaims;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let options = EncodeOptions { kid: Some(b"k1".to_vec()), ..EncodeOptions::default() };
/// let qr = claim169::encode(&IdentityData::default(), &CwtClaims::default(), &key, &options)?;
/// let parsed = claim169::parse(&qr, &ParseOptions::default())?;
/// assert_eq!(parsed.kid(), Some(&b"k1"[..]));
/// assert_eq!(parsed.algorithm()?, Algorithm::EdDsa);
/// let other = SoftwareKey::generate(Algorithm::EdDsa)?;
/// assert_eq!(parsed.verify_signature(other.public_key()).unwrap_err().code(), "crypto.bad_signature");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedClaim169 {
    /// `None` when the credential was only encrypted, never signed.
    sign1: Option<Sign1>,
    cwt: CwtClaims,
    identity: IdentityData,
    warnings: Vec<Warning>,
    encryption: Option<EncAlgorithm>,
}

impl ParsedClaim169 {
    /// The signature algorithm of the protected header ([`Error::Claim169Unsigned`] when the
    /// credential is only encrypted).
    pub fn algorithm(&self) -> Result<Algorithm> {
        self.signed()?.algorithm()
    }

    /// The signer's key id, if the COSE_Sign1 names one.
    pub fn kid(&self) -> Option<&[u8]> {
        self.sign1.as_ref()?.kid()
    }

    /// The signer's certificate chain (DER, leaf first); empty when there is none.
    pub fn x5chain(&self) -> Result<Vec<&[u8]>> {
        self.sign1.as_ref().map_or(Ok(Vec::new()), Sign1::x5chain)
    }

    fn signed(&self) -> Result<&Sign1> {
        self.sign1.as_ref().ok_or(Error::Claim169Unsigned)
    }

    /// The CWT issuer (`iss`), unverified.
    pub fn issuer(&self) -> Option<&str> {
        self.cwt.iss.as_deref()
    }

    /// The CWT claims other than claim 169 (iss, sub, exp, nbf, iat, …), unverified.
    pub fn cwt(&self) -> &CwtClaims {
        &self.cwt
    }

    /// The COSE_Sign1 the credential came in (`None` when it was only encrypted).
    pub fn sign1(&self) -> Option<&Sign1> {
        self.sign1.as_ref()
    }

    /// The content encryption, when the credential was encrypted.
    pub fn encryption(&self) -> Option<EncAlgorithm> {
        self.encryption
    }

    /// The deviations from the specification that parsing tolerated.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The identity data, unverified.
    pub fn claims(&self) -> &IdentityData {
        &self.identity
    }

    /// The identity data, unverified.
    pub fn into_claims(self) -> IdentityData {
        self.identity
    }

    /// Verifies the COSE_Sign1 signature with `key`.
    ///
    /// Errors: [`Error::Claim169Unsigned`] for an empty signature or a credential that was only
    /// encrypted, [`Error::BadSignature`],
    /// [`Error::AlgorithmKeyMismatch`], and [`Error::UnsupportedAlgorithm`] for an algorithm
    /// other than EdDSA or ES256.
    pub fn verify_signature(&self, key: &dyn Verifier) -> Result<()> {
        let sign1 = self.signed()?;
        check_signature_algorithm(sign1.algorithm()?)?;
        if sign1.as_coset().signature.is_empty() {
            return Err(Error::Claim169Unsigned);
        }
        sign1.verify(key, b"")
    }

    /// Checks `exp`, `nbf` and `iat` against `clock` (`jwt.expired`, `jwt.not_yet_valid`,
    /// `jwt.issued_in_future`).
    pub fn check_time(&self, rules: &TimeRules, clock: &dyn Clock) -> Result<()> {
        self.cwt.check_time(rules, clock)
    }

    /// Verifies the signature, then the time claims.
    pub fn verify(
        self,
        key: &dyn Verifier,
        rules: &TimeRules,
        clock: &dyn Clock,
    ) -> Result<VerifiedClaim169> {
        self.verify_signature(key)?;
        self.check_time(rules, clock)?;
        Ok(VerifiedClaim169(self))
    }
}

/// A Claim 169 credential whose signature and time claims have been checked.
///
/// Only [`ParsedClaim169::verify`] (and [`decode`]) make one.
///
/// ```
/// use inkan_core::claim169::{self, EncodeOptions, IdentityData, ParseOptions};
/// use inkan_core::claims::TimeRules;
/// use inkan_core::clock::FixedClock;
/// use inkan_core::cose::cwt::CwtClaims;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let person = IdentityData { id: Some("7".into()), ..IdentityData::default() };
/// let qr = claim169::encode(&person, &CwtClaims::default(), &key, &EncodeOptions::default())?;
/// let ok = claim169::decode(&qr, &ParseOptions::default(), key.public_key(), &TimeRules::default(),
///                           &FixedClock::at_unix(0))?;
/// assert_eq!(ok.claims().id.as_deref(), Some("7"));
/// assert!(ok.warnings().is_empty());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedClaim169(ParsedClaim169);

impl VerifiedClaim169 {
    /// The verified identity data.
    pub fn claims(&self) -> &IdentityData {
        &self.0.identity
    }

    /// The verified identity data.
    pub fn into_claims(self) -> IdentityData {
        self.0.identity
    }

    /// The verified CWT claims other than claim 169.
    pub fn cwt(&self) -> &CwtClaims {
        &self.0.cwt
    }

    /// The deviations from the specification that parsing tolerated.
    pub fn warnings(&self) -> &[Warning] {
        &self.0.warnings
    }

    /// Everything parsing found (headers, encryption).
    pub fn parsed(&self) -> &ParsedClaim169 {
        &self.0
    }
}

/// Parses and fully checks QR text in one call: signature with `key` (never optional here),
/// then the time claims against `clock`.
///
/// ```
/// use inkan_core::claim169::{self, ParseOptions};
/// use inkan_core::claims::TimeRules;
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let err = claim169::decode("ABC", &ParseOptions::default(), key.public_key(), &TimeRules::default(),
///                            &FixedClock::at_unix(0)).unwrap_err();
/// assert_eq!(err.code(), "encoding.bad_zlib");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn decode(
    qr_text: &str,
    options: &ParseOptions,
    key: &dyn Verifier,
    rules: &TimeRules,
    clock: &dyn Clock,
) -> Result<VerifiedClaim169> {
    parse(qr_text, options)?.verify(key, rules, clock)
}

#[cfg(test)]
mod tests;
