//! The JSON Web Key (RFC 7517) as a plain typed value.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::{Error, Result};

/// A JSON Web Key. Private members (`d`, `p`, `q`, `dp`, `dq`, `qi`) are [`Secret`]s: wiped on
/// drop and never printed by `Debug`.
///
/// Unknown members are kept in `other` so a key round-trips unchanged.
///
/// ```
/// use inkan_core::crypto::Jwk;
/// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#)?;
/// assert!(jwk.is_private());
/// assert!(!format!("{jwk:?}").contains("nWGx"));
/// assert!(!jwk.to_public().is_private());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type: `OKP`, `EC` or `RSA`.
    pub kty: String,
    /// Curve for `OKP`/`EC` keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// Public x coordinate (EC) or public key (OKP), base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Public y coordinate (EC), base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Private scalar / seed / RSA private exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<Secret>,
    /// RSA first prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<Secret>,
    /// RSA second prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<Secret>,
    /// RSA first factor CRT exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dp: Option<Secret>,
    /// RSA second factor CRT exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dq: Option<Secret>,
    /// RSA first CRT coefficient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qi: Option<Secret>,
    /// Key identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Intended algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Intended use (`sig`/`enc`).
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// X.509 certificate chain, standard base64 DER.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
    /// Any other members, kept as they were.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Jwk {
    /// Largest JWK JSON accepted, in bytes (an RSA-4096 private key is ~3.3 KB).
    pub const MAX_JSON: usize = 16 * 1024;

    /// Parses a JWK from JSON text, capped at [`Jwk::MAX_JSON`] bytes.
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > Self::MAX_JSON {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: Self::MAX_JSON,
            });
        }
        serde_json::from_str(text).map_err(|e| Error::key(format!("not a JWK: {e}")))
    }

    /// Serialises to compact JSON.
    ///
    /// ```
    /// use inkan_core::crypto::Jwk;
    /// let jwk = Jwk { kty: "OKP".into(), crv: Some("Ed25519".into()), ..Jwk::default() };
    /// assert_eq!(jwk.to_json(), r#"{"kty":"OKP","crv":"Ed25519"}"#);
    /// ```
    pub fn to_json(&self) -> String {
        // Serialising a struct of strings and a JSON map cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether any private member is present.
    pub fn is_private(&self) -> bool {
        self.d.is_some()
            || self.p.is_some()
            || self.q.is_some()
            || self.dp.is_some()
            || self.dq.is_some()
            || self.qi.is_some()
    }

    /// A copy with every private member removed.
    pub fn to_public(&self) -> Jwk {
        Jwk {
            d: None,
            p: None,
            q: None,
            dp: None,
            dq: None,
            qi: None,
            ..self.clone()
        }
    }

    /// A required member, or an [`Error::InvalidKey`] naming it.
    pub(crate) fn member<'a>(&self, value: &'a Option<String>, name: &str) -> Result<&'a str> {
        value
            .as_deref()
            .ok_or_else(|| Error::key(format!("JWK ({}) lacks \"{name}\"", self.kty)))
    }
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Jwk");
        s.field("kty", &self.kty);
        for (name, value) in [
            ("crv", &self.crv),
            ("kid", &self.kid),
            ("alg", &self.alg),
            ("x", &self.x),
            ("y", &self.y),
            ("n", &self.n),
            ("e", &self.e),
        ] {
            if let Some(v) = value {
                s.field(name, v);
            }
        }
        if self.is_private() {
            s.field("private", &"<redacted>");
        }
        s.finish_non_exhaustive()
    }
}

/// A private JWK member (base64url text): wiped on drop, redacted in `Debug`.
///
/// ```
/// use inkan_core::crypto::Secret;
/// let s = Secret::new("c2VjcmV0".to_owned());
/// assert_eq!(s.expose(), "c2VjcmV0");
/// assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps secret text.
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The secret text; keep the borrow short.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
