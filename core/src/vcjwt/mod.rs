//! VC-JWT and VP-JWT: W3C Verifiable Credentials Data Model 1.1 in a JWT (the "JWT encoding" of
//! VCDM 1.1 §6.3.1), the `jwt_vc_json` format of OpenID4VCI / OpenID4VP 1.0.
//!
//! A credential travels as the `vc` claim; the JWT's registered claims stand for its properties:
//!
//! | JWT claim | VCDM 1.1 property |
//! |---|---|
//! | `iss` | `issuer` (or `issuer.id`) |
//! | `nbf` | `issuanceDate` |
//! | `exp` | `expirationDate` |
//! | `jti` | `id` |
//! | `sub` | `credentialSubject.id` |
//!
//! Signing ([`sign_vc`]) writes both, so any reader finds what it looks for; reading
//! ([`parse_vc`]) accepts either and refuses a token in which the two disagree, each conflict
//! with its own code (`vcjwt.iss_mismatch`, `vcjwt.sub_mismatch`, `vcjwt.jti_mismatch`,
//! `vcjwt.date_mismatch`). A presentation is the `vp` claim, signed by the holder (`iss`) for
//! one verifier (`aud`) and one request (`nonce`), carrying VC-JWTs ([`sign_vp`], [`parse_vp`]).
//!
//! Parsing verifies nothing; the signature ([`ParsedVcJwt::verify_signature`]) and the validity
//! period ([`ParsedVcJwt::check_time`]) are separate steps so a verifier can report each, and
//! [`verify_vc`] / [`verify_vp`] do them all. Issuer keys come from the trust store or from the
//! issuer's DID ([`resolve_keys`]).
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::did::{did_key, KeyDidResolver};
//! use inkan_core::trust::StaticTrustStore;
//! use inkan_core::vcjwt::{self, KeySources};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let issuer = did_key(key.public_key());
//! let key = key.with_kid(format!("{issuer}#{}", &issuer["did:key:".len()..]));
//! let credential = serde_json::json!({
//!     "@context": ["https://www.w3.org/2018/credentials/v1"],
//!     "type": ["VerifiableCredential", "IDCredential"],
//!     "issuer": issuer,
//!     "issuanceDate": "2025-01-01T00:00:00Z",
//!     "credentialSubject": {"id": "did:example:holder", "given_name": "Max"},
//! });
//! let token = vcjwt::sign_vc(&credential, &key)?;
//! let trust = StaticTrustStore::builder().trusted_did(&issuer).build();
//! let keys = KeySources { trust: &trust, dids: &KeyDidResolver };
//! let vc = vcjwt::verify_vc(&token, &keys, &Default::default(), &FixedClock::at_unix(1_800_000_000))?;
//! assert_eq!(vc.subject(), Some("did:example:holder"));
//! assert_eq!(vc.credential()["issuanceDate"], "2025-01-01T00:00:00Z");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod keys;
mod vc;
mod vp;

pub use keys::{KeyOrigin, KeySources, ResolvedKeys, resolve_keys};
pub use vc::{ParsedVcJwt, credential_to_claims, parse_vc, sign_vc, verify_vc};
pub use vp::{MAX_VP_CREDENTIALS, ParsedVpJwt, PresentationOptions, parse_vp, sign_vp, verify_vp};

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::encoding::b64url_decode;
use crate::jose::{DEFAULT_MAX_LEN, Header, jws};
use crate::{Error, Result};

/// The VCDM 1.1 base context, which must come first in `@context`.
pub const CONTEXT_V1: &str = "https://www.w3.org/2018/credentials/v1";

/// The media type written in the `typ` header of VC-JWTs and VP-JWTs.
pub const TYP: &str = "JWT";

/// A [`Error::VcJwtMalformed`].
fn malformed(msg: impl Into<String>) -> Error {
    Error::VcJwtMalformed(msg.into())
}

/// The header and claims of a compact JWT, nothing verified; the size is capped.
fn decode_token(token: &str) -> Result<(Header, Map<String, Value>)> {
    if token.len() > DEFAULT_MAX_LEN {
        return Err(Error::TooLarge {
            size: token.len(),
            limit: DEFAULT_MAX_LEN,
        });
    }
    let header = jws::peek_header(token)?;
    let payload = token
        .split('.')
        .nth(1)
        .ok_or_else(|| malformed("not a compact JWT"))?;
    let bytes = b64url_decode(payload).map_err(|_| malformed("the payload is not base64url"))?;
    let claims = serde_json::from_slice(&bytes)
        .map_err(|e| malformed(format!("the payload is not a JSON object: {e}")))?;
    Ok((header, claims))
}

/// The object under `name` (`vc` or `vp`).
fn object_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<&'a Map<String, Value>> {
    match claims.get(name) {
        Some(Value::Object(object)) => Ok(object),
        Some(_) => Err(malformed(format!("the {name} claim is not an object"))),
        None => Err(malformed(format!("no {name} claim"))),
    }
}

/// A string claim, if present; any other type is malformed.
fn string_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(format!("{name} must be a string"))),
    }
}

/// A NumericDate claim, if present (integers only, like [`crate::jose::jwt`]).
fn date_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| malformed(format!("{name} must be an integer NumericDate"))),
    }
}

/// Checks `@context` (VCDM 1.1 base context first) and that `type` holds `base`.
fn check_shape(object: &Map<String, Value>, what: &str, base: &str) -> Result<()> {
    let first = match object.get("@context") {
        Some(Value::Array(list)) => list.first().and_then(Value::as_str),
        Some(Value::String(one)) => Some(one.as_str()),
        _ => None,
    };
    if first != Some(CONTEXT_V1) {
        return Err(malformed(format!("{what} @context must start with {CONTEXT_V1}")));
    }
    if !types(object).any(|t| t == base) {
        return Err(malformed(format!("{what} type must include {base}")));
    }
    Ok(())
}

/// The strings of a `type` member (a string or an array; other entries are skipped).
fn types(object: &Map<String, Value>) -> impl Iterator<Item = &str> {
    let list: &[Value] = match object.get("type") {
        Some(Value::Array(list)) => list,
        Some(one @ Value::String(_)) => std::slice::from_ref(one),
        _ => &[],
    };
    list.iter().filter_map(Value::as_str)
}

/// An XML Schema `dateTime` (RFC 3339 profile, as VCDM 1.1 writes them) in seconds since the
/// epoch; fractional seconds are dropped.
fn parse_date(text: &str, property: &str) -> Result<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|e| malformed(format!("{property} is not an RFC 3339 date-time: {e}")))
}

/// Seconds since the epoch as an RFC 3339 UTC date-time (`2025-01-01T00:00:00Z`).
fn format_date(unix: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| malformed(format!("{unix} is not a representable date")))
}

/// Maps a JOSE algorithm refusal (`none`, HMAC, unknown, not allowed) to the VC-JWT code.
fn vc_alg_error(e: Error) -> Error {
    match e {
        Error::UnsupportedAlgorithm(alg) => Error::VcJwtAlgorithm(alg),
        other => other,
    }
}

/// Maps the JWT time errors to the VC-JWT codes.
fn vc_time_error(e: Error) -> Error {
    match e {
        Error::Expired => Error::VcJwtExpired,
        Error::NotYetValid => Error::VcJwtNotYetValid,
        other => other,
    }
}

#[cfg(test)]
mod tests;
