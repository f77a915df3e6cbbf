//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): the rules on top of RFC 9901. Pure: the issuer key
//! and type metadata are fetched by the crates that own I/O and handed in.
//!
//! - `typ` is `dc+sd-jwt`; the legacy `vc+sd-jwt` is accepted, but a `vc+sd-jwt` payload with
//!   `@context` is a W3C VC (VC-JOSE-COSE), not an SD-JWT VC: both `@context` and `vct`, or
//!   neither, is an error.
//! - `vct` (a string) is required; `iss`, `iat`, `nbf`, `exp` have their JWT types; `cnf` and
//!   `status` are objects; none of `iss`, `vct`, `vct#integrity`, `nbf`, `exp`, `cnf`, `status`
//!   may be selectively disclosable.
//! - Type metadata is integrity-checked against `vct#integrity` (W3C Subresource Integrity).

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{ClaimPath, PathElem};
use crate::{Error, Result};

/// The SD-JWT VC media type (`typ`).
pub const TYP: &str = "dc+sd-jwt";
/// The earlier SD-JWT VC media type, still accepted when verifying.
pub const LEGACY_TYP: &str = "vc+sd-jwt";
/// Claims that must be in the clear (SD-JWT VC §3.2.2.2 / RFC 9901 §9.7).
pub const NEVER_DISCLOSABLE: [&str; 7] = ["iss", "vct", "vct#integrity", "nbf", "exp", "cnf", "status"];

/// What an SD-JWT VC says about itself, read from the processed payload.
///
/// ```
/// use inkan_core::sdjwt::vc;
/// let claims = serde_json::json!({"vct": "urn:eudi:pid:1", "iss": "https://issuer.example", "exp": 2000000000});
/// let info = vc::check_claims(claims.as_object().unwrap(), &[])?;
/// assert_eq!((info.vct.as_str(), info.iss.as_deref()), ("urn:eudi:pid:1", Some("https://issuer.example")));
/// let w3c = serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/v2"]});
/// assert_eq!(vc::check_claims(w3c.as_object().unwrap(), &[]).unwrap_err().code(), "sdjwt.vc_invalid");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VcInfo {
    /// The credential type.
    pub vct: String,
    /// `vct#integrity`, if present.
    pub vct_integrity: Option<String>,
    /// The issuer, if named.
    pub iss: Option<String>,
    /// `iat`, `nbf`, `exp` (seconds since the epoch).
    pub iat: Option<i64>,
    /// Not before.
    pub nbf: Option<i64>,
    /// Expiry.
    pub exp: Option<i64>,
    /// The `status` claim, left for the status check.
    pub status: Option<Map<String, Value>>,
}

/// Fails unless `typ` names an SD-JWT VC (case-insensitive, `application/` optional).
///
/// ```
/// use inkan_core::sdjwt::vc;
/// assert!(vc::check_typ(Some("dc+sd-jwt")).is_ok());
/// assert!(vc::check_typ(Some("application/vc+sd-jwt")).is_ok());
/// assert_eq!(vc::check_typ(Some("JWT")).unwrap_err().code(), "sdjwt.vc_invalid");
/// ```
pub fn check_typ(typ: Option<&str>) -> Result<()> {
    if typ.is_some_and(is_vc_typ) {
        Ok(())
    } else {
        Err(Error::SdJwtVcInvalid(format!(
            "typ is {typ:?}, expected {TYP:?} (or {LEGACY_TYP:?})"
        )))
    }
}

/// Whether a header `typ` is one of the SD-JWT VC media types.
pub fn is_vc_typ(typ: &str) -> bool {
    let lower = typ.to_ascii_lowercase();
    let bare = lower.strip_prefix("application/").unwrap_or(&lower);
    bare == TYP || bare == LEGACY_TYP
}

/// Checks the processed payload of an SD-JWT VC; `disclosed` are the places Disclosures landed
/// ([`super::Processed::disclosed`]), none of which may be a [`NEVER_DISCLOSABLE`] claim.
pub fn check_claims(claims: &Map<String, Value>, disclosed: &[ClaimPath]) -> Result<VcInfo> {
    let bad = |msg: String| Error::SdJwtVcInvalid(msg);
    match (claims.contains_key("@context"), claims.get("vct")) {
        (true, Some(_)) => return Err(bad("the payload has both @context and vct".into())),
        (true, None) => {
            return Err(bad("the payload has @context: a W3C VC, not an SD-JWT VC".into()));
        }
        (false, None) => return Err(bad("vct is required".into())),
        (false, Some(_)) => {}
    }
    if let Some(path) = disclosed.iter().find(|p| is_never_disclosable(p)) {
        return Err(bad(format!("{path} must not be selectively disclosable")));
    }
    let text = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{name} must be a string"))),
    };
    let time = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(format!("{name} must be an integer NumericDate"))),
    };
    for name in ["cnf", "status"] {
        if claims.get(name).is_some_and(|v| !v.is_object()) {
            return Err(bad(format!("{name} must be an object")));
        }
    }
    Ok(VcInfo {
        vct: text("vct")?.ok_or_else(|| bad("vct is required".into()))?,
        vct_integrity: text("vct#integrity")?,
        iss: text("iss")?,
        iat: time("iat")?,
        nbf: time("nbf")?,
        exp: time("exp")?,
        status: claims.get("status").and_then(Value::as_object).cloned(),
    })
}

fn is_never_disclosable(path: &ClaimPath) -> bool {
    matches!(path.steps(), [PathElem::Key(name)] if NEVER_DISCLOSABLE.contains(&name.as_str()))
}

/// Checks `bytes` (fetched type metadata) against a Subresource Integrity value such as
/// `sha256-<base64>`; several space-separated values pass if any strong one matches.
///
/// ```
/// use inkan_core::sdjwt::vc;
/// // SRI of the empty document under SHA-256.
/// vc::check_integrity(b"", "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")?;
/// assert_eq!(vc::check_integrity(b"x", "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
///     .unwrap_err().code(), "sdjwt.vct_integrity");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn check_integrity(bytes: &[u8], integrity: &str) -> Result<()> {
    use base64::Engine as _;
    let mut known = false;
    for item in integrity.split_whitespace() {
        // Options after '?' are ignored, as SRI says.
        let item = item.split('?').next().unwrap_or_default();
        let Some((alg, expected)) = item.split_once('-') else {
            continue;
        };
        let digest = match alg {
            "sha256" => Sha256::digest(bytes).to_vec(),
            "sha384" => Sha384::digest(bytes).to_vec(),
            "sha512" => Sha512::digest(bytes).to_vec(),
            _ => continue,
        };
        known = true;
        if base64::engine::general_purpose::STANDARD.encode(digest) == expected {
            return Ok(());
        }
    }
    Err(Error::SdJwtVctIntegrity(if known {
        "the metadata does not match vct#integrity".into()
    } else {
        format!("no supported hash in {integrity:?}")
    }))
}
