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
use crate::crypto::Jwk;
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

/// Largest issuer metadata or JWKS document accepted, in bytes.
pub const MAX_METADATA_LEN: usize = 256 * 1024;

/// Where an issuer publishes its JWT VC Issuer Metadata: `/.well-known/jwt-vc-issuer` inserted
/// between the host and the path of `iss`, which must be an `https` URL without query or
/// fragment.
///
/// ```
/// use inkan_core::sdjwt::vc;
/// assert_eq!(vc::issuer_metadata_url("https://example.com/tenant/1234")?,
///            "https://example.com/.well-known/jwt-vc-issuer/tenant/1234");
/// assert_eq!(vc::issuer_metadata_url("https://example.com")?, "https://example.com/.well-known/jwt-vc-issuer");
/// assert!(vc::issuer_metadata_url("http://example.com").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issuer_metadata_url(iss: &str) -> Result<String> {
    let bad = || {
        Error::SdJwtVcInvalid(format!(
            "iss {iss:?} is not an https URL without query or fragment"
        ))
    };
    let rest = iss
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| iss.get(8..))
        .ok_or_else(bad)?;
    if rest.contains(['?', '#']) {
        return Err(bad());
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return Err(bad());
    }
    Ok(format!(
        "https://{host}/.well-known/jwt-vc-issuer{}",
        path.trim_end_matches('/')
    ))
}

/// JWT VC Issuer Metadata: the issuer's keys, inline or by reference.
///
/// ```
/// use inkan_core::sdjwt::vc::IssuerMetadata;
/// let doc = br#"{"issuer": "https://example.com", "jwks_uri": "https://example.com/jwks.json"}"#;
/// let meta = IssuerMetadata::parse(doc, "https://example.com")?;
/// assert_eq!(meta.jwks_uri.as_deref(), Some("https://example.com/jwks.json"));
/// assert_eq!(IssuerMetadata::parse(doc, "https://other.example").unwrap_err().code(), "sdjwt.vc_invalid");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerMetadata {
    /// The issuer identifier (equal to the credential's `iss`).
    pub issuer: String,
    /// Inline keys.
    pub jwks: Option<Vec<Jwk>>,
    /// Where the keys are, when not inline.
    pub jwks_uri: Option<String>,
}

impl IssuerMetadata {
    /// Parses the metadata document; `issuer` must equal `expected_issuer`, and exactly one of
    /// `jwks` and `jwks_uri` must be present.
    pub fn parse(bytes: &[u8], expected_issuer: &str) -> Result<Self> {
        let bad = |msg: String| Error::SdJwtVcInvalid(format!("issuer metadata: {msg}"));
        if bytes.len() > MAX_METADATA_LEN {
            return Err(Error::TooLarge {
                size: bytes.len(),
                limit: MAX_METADATA_LEN,
            });
        }
        let doc: Map<String, Value> =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not a JSON object: {e}")))?;
        let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        if issuer != expected_issuer {
            return Err(bad(format!("issuer {issuer:?} is not {expected_issuer:?}")));
        }
        let jwks = doc.get("jwks").map(|v| jwks_keys(v).map_err(bad)).transpose()?;
        let jwks_uri = match doc.get("jwks_uri") {
            None => None,
            Some(Value::String(uri)) => Some(uri.clone()),
            Some(_) => return Err(bad("jwks_uri must be a string".into())),
        };
        if jwks.is_some() == jwks_uri.is_some() {
            return Err(bad("exactly one of jwks and jwks_uri is required".into()));
        }
        Ok(Self {
            issuer: issuer.to_owned(),
            jwks,
            jwks_uri,
        })
    }
}

/// Parses a JWK Set document (`{"keys": [...]}`); private keys are refused.
///
/// ```
/// use inkan_core::sdjwt::vc::parse_jwks;
/// let keys = parse_jwks(br#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
/// assert_eq!(keys.len(), 1);
/// assert!(parse_jwks(b"[]").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn parse_jwks(bytes: &[u8]) -> Result<Vec<Jwk>> {
    if bytes.len() > MAX_METADATA_LEN {
        return Err(Error::TooLarge {
            size: bytes.len(),
            limit: MAX_METADATA_LEN,
        });
    }
    let doc: Value = serde_json::from_slice(bytes)?;
    jwks_keys(&doc).map_err(|e| Error::SdJwtVcInvalid(format!("JWKS: {e}")))
}

fn jwks_keys(doc: &Value) -> std::result::Result<Vec<Jwk>, String> {
    let keys = doc
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("a JWKS needs a keys array")?;
    keys.iter()
        .map(|k| {
            let jwk: Jwk = serde_json::from_value(k.clone()).map_err(|e| format!("not a JWK: {e}"))?;
            if jwk.is_private() {
                return Err("a published key holds private members".into());
            }
            Ok(jwk)
        })
        .collect()
}

/// When the issuer key comes from `x5c`, the leaf certificate must name `iss`: as a
/// subjectAltName URI equal to it, or, for an `https` `iss`, a dNSName equal to its host.
///
/// ```
/// use inkan_core::sdjwt::vc;
/// use inkan_core::x509::Certificate;
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// let cert = Certificate::from_der(der)?;
/// assert_eq!(vc::check_x5c_issuer("https://issuer.example", &cert).unwrap_err().code(), "trust.untrusted");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn check_x5c_issuer(iss: &str, leaf: &crate::x509::Certificate) -> Result<()> {
    if leaf.san_uris().iter().any(|u| u == iss) {
        return Ok(());
    }
    let host = iss
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| iss.get(8..))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    if let Some(host) = host.filter(|h| !h.is_empty())
        && leaf.san_dns_names().iter().any(|d| d.eq_ignore_ascii_case(host))
    {
        return Ok(());
    }
    Err(Error::Untrusted(format!(
        "the x5c certificate does not name the issuer {iss:?} in its subjectAltName"
    )))
}
