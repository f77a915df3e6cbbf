//! MOSIP Claim 169: encode identity JSON into QR text signed by any [`SigningKey`] (software or
//! foreign), and decode QR text without verifying it (to show what a code holds; verification
//! is [`Verifier::verify_text`](crate::Verifier::verify_text)).

use std::sync::Arc;

use inkan_core::claim169::{self, EncodeOptions, Encryption, IdentityData, ParseOptions};
use inkan_core::cose::EncAlgorithm;
use inkan_core::cose::cwt::CwtClaims;

use crate::error::{Domain, InDomain, InkanError, Result};
use crate::keys::{SignatureAlgorithm, SigningKey};

/// The CWT claims around the identity data (Unix seconds for the times).
///
/// ```
/// assert!(inkan::CwtMeta::default().iss.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct CwtMeta {
    /// Issuer (`iss`, claim 1).
    #[uniffi(default)]
    pub iss: Option<String>,
    /// Subject (`sub`, claim 2).
    #[uniffi(default)]
    pub sub: Option<String>,
    /// Expiry (`exp`, claim 4).
    #[uniffi(default)]
    pub exp: Option<i64>,
    /// Not before (`nbf`, claim 5).
    #[uniffi(default)]
    pub nbf: Option<i64>,
    /// Issued at (`iat`, claim 6).
    #[uniffi(default)]
    pub iat: Option<i64>,
}

/// Content encryption of an encrypted Claim 169 QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Claim169Encryption {
    /// AES-128-GCM (16-byte key).
    A128Gcm,
    /// AES-256-GCM (32-byte key).
    A256Gcm,
}

/// How [`claim169_encode`] builds the QR text.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct Claim169EncodeOptions {
    /// Key id for the COSE header (the signing key's id when absent).
    #[uniffi(default)]
    pub kid: Option<String>,
    /// Encrypt the signed credential with this algorithm and [`Self::encryption_key`].
    #[uniffi(default)]
    pub encryption: Option<Claim169Encryption>,
    /// The symmetric key for [`Self::encryption`].
    #[uniffi(default)]
    pub encryption_key: Option<Vec<u8>>,
}

/// Encodes identity JSON (the specification's field names: `id`, `fullName`, …) with the CWT
/// claims in `meta` into Claim 169 QR text signed by `key` (EdDSA or ES256).
///
/// ```
/// use inkan::{claim169_encode, claim169_decode, Claim169EncodeOptions, CwtMeta, SignatureAlgorithm, SigningKey};
/// let key = SigningKey::generate(SignatureAlgorithm::EdDsa)?;
/// let meta = CwtMeta { iss: Some("https://issuer.example".into()), ..CwtMeta::default() };
/// let qr = claim169_encode(r#"{"id":"3918592438","fullName":"Janardhan BS"}"#.into(), meta, key, Claim169EncodeOptions::default())?;
/// let decoded = claim169_decode(qr, None)?;
/// assert_eq!(decoded.issuer.as_deref(), Some("https://issuer.example"));
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn claim169_encode(
    identity_json: String,
    meta: CwtMeta,
    key: Arc<SigningKey>,
    options: Claim169EncodeOptions,
) -> Result<String> {
    let json: serde_json::Value = serde_json::from_str(&identity_json)
        .map_err(inkan_core::Error::from)
        .in_domain(Domain::Claim169)?;
    let identity = IdentityData::from_json(&json).in_domain(Domain::Claim169)?;
    let meta = CwtClaims {
        iss: meta.iss,
        sub: meta.sub,
        exp: meta.exp,
        nbf: meta.nbf,
        iat: meta.iat,
        ..CwtClaims::default()
    };
    let encryption = match (options.encryption, options.encryption_key) {
        (None, None) => None,
        (Some(alg), Some(key)) => Some(Encryption::new(
            match alg {
                Claim169Encryption::A128Gcm => EncAlgorithm::A128Gcm,
                Claim169Encryption::A256Gcm => EncAlgorithm::A256Gcm,
            },
            key,
        )),
        _ => {
            return Err(InkanError::bad_argument(
                Domain::Claim169,
                "encryption and encryption_key go together",
            ));
        }
    };
    let options = EncodeOptions {
        kid: options.kid.or_else(|| key.key_id()).map(String::into_bytes),
        encryption,
        ..EncodeOptions::default()
    };
    let signer = key.for_call();
    let result = claim169::encode(&identity, &meta, &signer, &options);
    signer.finish(result, Domain::Claim169)
}

/// What a Claim 169 QR holds, read WITHOUT checking its signature or validity: for display
/// only. Use [`Verifier::verify_text`](crate::Verifier::verify_text) to trust it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnverifiedClaim169 {
    /// The identity data as JSON (the specification's field names).
    pub identity_json: String,
    /// `iss`.
    pub issuer: Option<String>,
    /// `sub`.
    pub subject: Option<String>,
    /// `exp` (Unix seconds).
    pub expires: Option<i64>,
    /// `nbf` (Unix seconds).
    pub not_before: Option<i64>,
    /// `iat` (Unix seconds).
    pub issued_at: Option<i64>,
    /// The signature algorithm the header names, if inkan supports it.
    pub algorithm: Option<SignatureAlgorithm>,
    /// The COSE key id, as text when it is UTF-8, else hex.
    pub kid: Option<String>,
    /// Whether the credential was encrypted.
    pub encrypted: bool,
    /// Codes of tolerated deviations from the specification.
    pub warnings: Vec<String>,
}

/// Decodes Claim 169 QR text without verifying it (see [`UnverifiedClaim169`]);
/// `decryption_key` opens an encrypted one.
///
/// ```
/// let err = inkan::claim169_decode("not base45!".into(), None).unwrap_err();
/// assert_eq!((err.code(), matches!(err, inkan::InkanError::Claim169 { .. })), ("encoding.bad_base45", true));
/// ```
#[uniffi::export]
pub fn claim169_decode(qr_text: String, decryption_key: Option<Vec<u8>>) -> Result<UnverifiedClaim169> {
    let options = ParseOptions {
        decryption_key: decryption_key.map(Into::into),
        ..ParseOptions::default()
    };
    let parsed = claim169::parse(&qr_text, &options).in_domain(Domain::Claim169)?;
    let cwt = parsed.cwt();
    Ok(UnverifiedClaim169 {
        identity_json: parsed.claims().to_json().to_string(),
        issuer: cwt.iss.clone(),
        subject: cwt.sub.clone(),
        expires: cwt.exp,
        not_before: cwt.nbf,
        issued_at: cwt.iat,
        algorithm: parsed.algorithm().ok().map(Into::into),
        kid: parsed.kid().map(|kid| match std::str::from_utf8(kid) {
            Ok(text) => text.to_owned(),
            Err(_) => hex::encode(kid),
        }),
        encrypted: parsed.encryption().is_some(),
        warnings: parsed.warnings().iter().map(|w| w.code().to_owned()).collect(),
    })
}
