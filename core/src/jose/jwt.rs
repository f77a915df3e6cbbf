//! JSON Web Token (RFC 7519): a JWS whose payload is a JSON object of claims, validated for
//! issuer, audience, type and time (through [`TimeRules`], the one place time claims are checked).
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::jose::{jwt, Header};
//! let key = SoftwareKey::generate(Algorithm::Es256)?;
//! let claims = serde_json::json!({"iss": "https://issuer", "aud": "me", "exp": 2_000});
//! let token = jwt::sign(claims.as_object().unwrap(), &Header::for_signer(&key).with_typ("JWT"), &key)?;
//! let rules = jwt::JwtValidation::default().with_issuer("https://issuer").with_audience("me");
//! let v = jwt::verify(&token, key.public_key(), &rules, &FixedClock::at_unix(1_000))?;
//! assert_eq!(v.claims["iss"], "https://issuer");
//! let late = jwt::verify(&token, key.public_key(), &rules, &FixedClock::at_unix(3_000));
//! assert_eq!(late.unwrap_err().code(), "jwt.expired");
//! # Ok::<(), inkan_core::Error>(())
//! ```

use std::borrow::Borrow;

use serde_json::{Map, Value};

use super::Header;
use super::jws::{self, VerifyOptions};
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::crypto::{Algorithm, PublicKey, Signer};
use crate::{Error, Result};

/// How a JWT is validated after its signature verifies.
///
/// ```
/// use inkan_core::jose::jwt::JwtValidation;
/// let v = JwtValidation::default().with_audience("a").with_audience("b").with_typ("JWT");
/// assert_eq!(v.audiences, ["a", "b"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JwtValidation {
    /// Signature algorithms, size cap and understood `crit` names.
    pub jws: VerifyOptions,
    /// `exp`/`nbf`/`iat` rules (leeway, required `exp`, maximum age).
    pub time: TimeRules,
    /// If set, `iss` must equal it.
    pub issuer: Option<String>,
    /// If not empty, `aud` (a string or an array) must contain one of these.
    pub audiences: Vec<String>,
    /// If set, the header's `typ` must match it (case-insensitively, `application/` optional).
    pub typ: Option<String>,
}

impl JwtValidation {
    /// Requires `iss` to equal `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Adds an accepted audience (e.g. both the issuer and the token endpoint for RFC 7523).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Requires the header `typ` to be `typ`.
    pub fn with_typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Checks header and claims of a token whose signature already verified.
    fn check(&self, header: &Header, claims: &Map<String, Value>, clock: &dyn Clock) -> Result<()> {
        if let Some(expected) = &self.typ {
            check_typ(expected, header.typ.as_deref())?;
        }
        if let Some(expected) = &self.issuer {
            match claims.get("iss") {
                None => return Err(Error::InvalidClaim("iss is required".into())),
                Some(Value::String(iss)) if iss == expected => {}
                Some(Value::String(_)) => return Err(Error::IssuerMismatch),
                Some(_) => return Err(Error::InvalidClaim("iss must be a string".into())),
            }
        }
        if !self.audiences.is_empty() {
            check_audience(&self.audiences, claims.get("aud"))?;
        }
        let time = |name| numeric_date(claims, name);
        self.time.check(time("exp")?, time("nbf")?, time("iat")?, clock)
    }
}

/// A JWT whose signature verified and whose claims passed validation.
///
/// ```
/// use inkan_core::clock::SystemClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jwt, Header};
/// let key = SoftwareKey::generate(Algorithm::Es384)?;
/// let token = jwt::sign(serde_json::json!({"sub": "s"}).as_object().unwrap(), &Header::default(), &key)?;
/// let v = jwt::verify(&token, key.public_key(), &Default::default(), &SystemClock)?;
/// assert_eq!((v.claims["sub"].as_str(), v.algorithm), (Some("s"), Algorithm::Es384));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJwt {
    /// The header.
    pub header: Header,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The algorithm the signature was checked with.
    pub algorithm: Algorithm,
}

/// Signs `claims` as a compact JWT. `header.alg` is set from `signer`.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, jwt, Header};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let token = jwt::sign(serde_json::json!({"n": 1}).as_object().unwrap(), &Header::default().with_typ("JWT"), &key)?;
/// assert_eq!(jws::peek_header(&token)?.typ.as_deref(), Some("JWT"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign(claims: &Map<String, Value>, header: &Header, signer: &dyn Signer) -> Result<String> {
    jws::sign_compact(&serde_json::to_vec(claims)?, header, signer)
}

/// Verifies a compact JWT with `key` and validates it against `validation` at `clock`'s time.
///
/// Signature errors are those of [`jws::verify_compact`]; then [`Error::InvalidClaim`] (missing
/// or mistyped claim, e.g. a non-integer `exp`), [`Error::IssuerMismatch`],
/// [`Error::AudienceMismatch`], [`Error::Expired`], [`Error::NotYetValid`],
/// [`Error::IssuedInFuture`].
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jwt, Header};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let token = jwt::sign(serde_json::json!({"aud": ["a", "b"]}).as_object().unwrap(), &Header::default(), &key)?;
/// let want_c = jwt::JwtValidation::default().with_audience("c");
/// let err = jwt::verify(&token, key.public_key(), &want_c, &FixedClock::at_unix(0)).unwrap_err();
/// assert_eq!(err.code(), "jwt.aud_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify(
    token: &str,
    key: &PublicKey,
    validation: &JwtValidation,
    clock: &dyn Clock,
) -> Result<VerifiedJwt> {
    verify_with(token, validation, clock, |_, _| Ok(key))
}

/// Verifies a compact JWT with the key `resolve` picks from the header and the *unverified*
/// claims (e.g. by `iss` and `kid`), then validates it like [`verify`].
///
/// ```
/// use inkan_core::clock::SystemClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jwt, Header};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let claims = serde_json::json!({"iss": "a"});
/// let token = jwt::sign(claims.as_object().unwrap(), &Header::default(), &key)?;
/// let v = jwt::verify_with(&token, &Default::default(), &SystemClock, |_h, claims| {
///     assert_eq!(claims["iss"], "a"); // pick the issuer's key
///     Ok(key.public_key())
/// })?;
/// assert_eq!(v.algorithm, Algorithm::EdDsa);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_with<F, K>(
    token: &str,
    validation: &JwtValidation,
    clock: &dyn Clock,
    resolve: F,
) -> Result<VerifiedJwt>
where
    F: FnOnce(&Header, &Map<String, Value>) -> Result<K>,
    K: Borrow<PublicKey>,
{
    // Resolvers may need `iss`, so the claims are parsed before the key is chosen; the parse
    // is kept, so the JSON is read once.
    let mut claims = None;
    let verified = jws::verify_compact_full(token, None, &validation.jws, |header, payload| {
        let parsed = decode_claims(payload)?;
        let key = resolve(header, &parsed)?;
        claims = Some(parsed);
        Ok(key)
    })?;
    let claims = claims.ok_or_else(|| Error::JoseMalformed("JWT claims missing".into()))?;
    validation.check(&verified.header, &claims, clock)?;
    Ok(VerifiedJwt {
        header: verified.header,
        claims,
        algorithm: verified.algorithm,
    })
}

fn decode_claims(payload: &[u8]) -> Result<Map<String, Value>> {
    serde_json::from_slice(payload)
        .map_err(|e| Error::JoseMalformed(format!("JWT claims are not a JSON object: {e}")))
}

/// Reads a NumericDate claim; only integers are accepted.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| Error::InvalidClaim(format!("{name} must be an integer NumericDate"))),
    }
}

fn check_audience(accepted: &[String], aud: Option<&Value>) -> Result<()> {
    let bad = || Error::InvalidClaim("aud must be a string or an array of strings".into());
    let found: Vec<&str> = match aud {
        None => return Err(Error::InvalidClaim("aud is required".into())),
        Some(Value::String(one)) => vec![one],
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().ok_or_else(bad))
            .collect::<Result<_>>()?,
        Some(_) => return Err(bad()),
    };
    if found.iter().any(|f| accepted.iter().any(|a| a == f)) {
        Ok(())
    } else {
        Err(Error::AudienceMismatch)
    }
}

/// RFC 7515 §4.1.9: media types compare case-insensitively and `application/` may be omitted.
pub(crate) fn check_typ(expected: &str, found: Option<&str>) -> Result<()> {
    let norm = |t: &str| {
        let lower = t.to_ascii_lowercase();
        lower
            .strip_prefix("application/")
            .map(str::to_owned)
            .unwrap_or(lower)
    };
    match found {
        Some(t) if norm(t) == norm(expected) => Ok(()),
        Some(t) => Err(Error::InvalidClaim(format!(
            "typ is {t:?}, expected {expected:?}"
        ))),
        None => Err(Error::InvalidClaim(format!("typ is required ({expected:?})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::crypto::SoftwareKey;
    use proptest::prelude::*;
    use serde_json::json;

    fn token(key: &SoftwareKey, claims: Value, typ: Option<&str>) -> String {
        let mut header = Header::for_signer(key);
        header.typ = typ.map(str::to_owned);
        sign(claims.as_object().unwrap(), &header, key).unwrap()
    }

    fn code(r: Result<VerifiedJwt>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn issuer_audience_typ() {
        let k = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let now = FixedClock::at_unix(1_000);
        let v = JwtValidation::default()
            .with_issuer("i")
            .with_audience("x")
            .with_audience("y")
            .with_typ("jwt");
        let check = |claims: Value, typ: Option<&str>| {
            code(verify(&token(&k, claims, typ), k.public_key(), &v, &now))
        };
        let t = Some("JWT");
        assert_eq!(check(json!({"iss":"i","aud":"y"}), t), "ok");
        assert_eq!(
            check(json!({"iss":"i","aud":["z","x"]}), Some("application/JWT")),
            "ok"
        );
        assert_eq!(check(json!({"iss":"j","aud":"x"}), t), "jwt.iss_mismatch");
        assert_eq!(check(json!({"aud":"x"}), t), "jwt.invalid_claim");
        assert_eq!(check(json!({"iss":1,"aud":"x"}), t), "jwt.invalid_claim");
        assert_eq!(check(json!({"iss":"i","aud":"z"}), t), "jwt.aud_mismatch");
        assert_eq!(check(json!({"iss":"i","aud":["z"]}), t), "jwt.aud_mismatch");
        assert_eq!(check(json!({"iss":"i","aud":[1, "x"]}), t), "jwt.invalid_claim");
        assert_eq!(check(json!({"iss":"i","aud":7}), t), "jwt.invalid_claim");
        assert_eq!(check(json!({"iss":"i"}), t), "jwt.invalid_claim");
        assert_eq!(check(json!({"iss":"i","aud":"x"}), None), "jwt.invalid_claim");
        assert_eq!(
            check(json!({"iss":"i","aud":"x"}), Some("dc+sd-jwt")),
            "jwt.invalid_claim"
        );
    }

    #[test]
    fn time_claims() {
        let k = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let v = JwtValidation::default();
        let at = |claims: Value, now: i64| {
            code(verify(
                &token(&k, claims, None),
                k.public_key(),
                &v,
                &FixedClock::at_unix(now),
            ))
        };
        assert_eq!(at(json!({"exp": 100, "nbf": 50, "iat": 50}), 100), "ok");
        assert_eq!(at(json!({"exp": 100}), 200), "jwt.expired");
        assert_eq!(at(json!({"nbf": 300}), 200), "jwt.not_yet_valid");
        assert_eq!(at(json!({"iat": 300}), 200), "jwt.issued_in_future");
        assert_eq!(at(json!({"exp": 100.5}), 0), "jwt.invalid_claim");
        assert_eq!(at(json!({"exp": "100"}), 0), "jwt.invalid_claim");
        assert_eq!(at(json!({"nbf": null}), 0), "jwt.invalid_claim");
        assert_eq!(at(json!({"iat": u64::MAX}), 0), "jwt.invalid_claim");
    }

    #[test]
    fn payload_must_be_an_object() {
        let k = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let t = jws::sign_compact(b"[1]", &Header::default(), &k).unwrap();
        let r = verify(
            &t,
            k.public_key(),
            &JwtValidation::default(),
            &FixedClock::at_unix(0),
        );
        assert_eq!(code(r), "jose.malformed");
    }

    #[test]
    fn bad_signature_is_reported_before_claims() {
        let k = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let t = token(&k, json!({"exp": 1}), None);
        let r = verify(
            &t,
            other.public_key(),
            &JwtValidation::default(),
            &FixedClock::at_unix(10_000),
        );
        assert_eq!(code(r), "crypto.bad_signature");
    }

    proptest! {
        #[test]
        fn arbitrary_tokens_never_panic(s in ".{0,300}") {
            let k = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
            let _ = verify(&s, k.public_key(), &JwtValidation::default(), &FixedClock::at_unix(0));
        }

        #[test]
        fn arbitrary_claims_never_panic(claims in proptest::collection::btree_map("[a-z]{1,4}", any::<i64>().prop_map(Value::from), 0..6)) {
            let k = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
            let t = token(&k, Value::Object(claims.into_iter().collect()), None);
            let v = JwtValidation::default().with_audience("a").with_issuer("i");
            let _ = verify(&t, k.public_key(), &v, &FixedClock::at_unix(0));
        }
    }
}
