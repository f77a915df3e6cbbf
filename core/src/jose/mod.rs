//! JOSE: JWS (RFC 7515), JWT (RFC 7519) and JWE (RFC 7516).
//!
//! - [`jws`] frames signatures itself (base64url + JSON) and signs/verifies through
//!   [`crate::crypto::Signer`] and [`crate::crypto::PublicKey`], so a JWS costs the provider's raw
//!   signature operation plus a little parsing.
//! - [`jwt`] adds claim validation (`iss`, `aud`, `typ`, and the time rules of
//!   [`crate::claims::TimeRules`]) on top of [`jws`].
//! - [`jwe`] encrypts and decrypts with ECDH-ES (P-256, P-384, X25519) and RSA-OAEP-256 over
//!   AES-GCM; the key agreement and ciphers run in josekit, whose types stay inside this module.
//!
//! Every input is size-capped, every algorithm checked against an allow-list (`none`, HMAC and
//! unknown algorithms are never accepted), and every failure is a typed [`crate::Error`].
//!
//! ```
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::jose::{jws, Header};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let token = jws::sign_compact(b"hello", &Header::default(), &key)?;
//! let verified = jws::verify_compact(&token, key.public_key(), &jws::VerifyOptions::default())?;
//! assert_eq!(verified.payload, b"hello");
//! # Ok::<(), inkan_core::Error>(())
//! ```

pub mod jwe;
pub mod jws;
pub mod jwt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::crypto::{Jwk, Signer};
use crate::encoding::b64url_decode;
use crate::{Error, Result};

/// Largest JOSE input accepted by default, in bytes (1 MiB).
pub const DEFAULT_MAX_LEN: usize = 1024 * 1024;

/// A JWS/JWT header (RFC 7515 §4): the registered members inkan reads, plus any others.
///
/// Serialises members in the order declared here, then `extra` in insertion order, so the
/// encoded header of a given value is stable.
///
/// ```
/// use inkan_core::jose::Header;
/// let h = Header { kid: Some("k1".into()), ..Header::default() }.with_typ("JWT");
/// assert_eq!(serde_json::to_string(&h)?, r#"{"kid":"k1","typ":"JWT"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Signature algorithm; set from the signer when signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Key identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Media type of the whole object (e.g. `JWT`, `dc+sd-jwt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// Media type of the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cty: Option<String>,
    /// The signer's public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwk: Option<Jwk>,
    /// The signer's certificate chain (standard base64 DER, leaf first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
    /// Extension members the recipient must understand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<Vec<String>>,
    /// Every other member, in order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Header {
    /// A header naming `signer`'s algorithm and key identifier.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
    /// use inkan_core::jose::Header;
    /// let key = SoftwareKey::generate(Algorithm::Es256)?.with_kid("k1");
    /// let h = Header::for_signer(&key);
    /// assert_eq!((h.alg.as_deref(), h.kid.as_deref()), (Some("ES256"), Some("k1")));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn for_signer(signer: &dyn Signer) -> Self {
        Header {
            alg: Some(signer.algorithm().jose_name().to_owned()),
            kid: signer.key_id().map(str::to_owned),
            ..Header::default()
        }
    }

    /// The same header with `typ` set.
    pub fn with_typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// The header to sign with `signer`: `alg` is filled in, and a different `alg` is refused.
    fn signed_by(&self, signer: &dyn Signer) -> Result<Header> {
        let alg = signer.algorithm();
        match self.alg.as_deref() {
            Some(name) if name != alg.jose_name() => Err(Error::AlgorithmKeyMismatch {
                alg: name.to_owned(),
                key: alg.key_type().to_string(),
            }),
            _ => Ok(Header {
                alg: Some(alg.jose_name().to_owned()),
                ..self.clone()
            }),
        }
    }
}

/// Fails with [`Error::TooLarge`] if `len` exceeds `limit`.
fn check_len(len: usize, limit: usize) -> Result<()> {
    if len > limit {
        return Err(Error::TooLarge { size: len, limit });
    }
    Ok(())
}

/// A [`Error::JoseMalformed`].
fn malformed(msg: impl Into<String>) -> Error {
    Error::JoseMalformed(msg.into())
}

/// Decodes one base64url part of a JOSE object; bad base64 makes the object malformed.
fn decode_part(text: &str, what: &str) -> Result<Vec<u8>> {
    b64url_decode(text).map_err(|_| malformed(format!("{what} is not base64url")))
}

/// Decodes a base64url JSON object (a protected header).
fn decode_json_object(text: &str, what: &str) -> Result<Map<String, Value>> {
    serde_json::from_slice(&decode_part(text, what)?)
        .map_err(|e| malformed(format!("{what} is not a JSON object: {e}")))
}

/// Checks `crit` (RFC 7515 §4.1.11): every name must be understood by the caller and present in
/// the integrity-protected header.
fn check_crit(
    crit: Option<&[String]>,
    understood: &[String],
    protected_has: impl Fn(&str) -> bool,
) -> Result<()> {
    let Some(names) = crit else { return Ok(()) };
    if names.is_empty() {
        return Err(malformed("crit must not be empty"));
    }
    for name in names {
        if !understood.iter().any(|u| u == name) {
            return Err(malformed(format!(
                "unsupported critical header parameter {name:?}"
            )));
        }
        if !protected_has(name) {
            return Err(malformed(format!(
                "critical header parameter {name:?} is not protected"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_with_extra_members() {
        let text = r#"{"alg":"ES256","typ":"JWT","x5c":["AA=="],"nonce":"n","b":[1]}"#;
        let h: Header = serde_json::from_str(text).unwrap();
        assert_eq!(h.extra.len(), 2);
        assert_eq!(serde_json::to_string(&h).unwrap(), text);
    }

    #[test]
    fn duplicate_header_members_are_rejected() {
        let dup = r#"{"alg":"ES256","alg":"none"}"#;
        assert!(serde_json::from_str::<Header>(dup).is_err());
    }

    #[test]
    fn crit_rules() {
        let understood = vec!["exp".to_owned()];
        let yes = |_: &str| true;
        assert!(check_crit(None, &[], yes).is_ok());
        assert!(check_crit(Some(&["exp".into()]), &understood, yes).is_ok());
        assert_eq!(
            check_crit(Some(&[]), &understood, yes).unwrap_err().code(),
            "jose.malformed"
        );
        assert_eq!(
            check_crit(Some(&["b64".into()]), &understood, yes)
                .unwrap_err()
                .code(),
            "jose.malformed"
        );
        assert!(check_crit(Some(&["exp".into()]), &understood, |_| false).is_err());
    }
}
