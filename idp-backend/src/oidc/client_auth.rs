//! Client authentication: `private_key_jwt` only (RFC 7523 §2.2, OIDC Core §9).
//!
//! The assertion must be signed by a key in the client's registered JWKS (chosen by `kid`;
//! without one only when the client has a single key), have `iss` = `sub` = the client id,
//! `aud` = the issuer or the endpoint called, an `exp` at most `max_assertion_ttl_secs` away, and
//! a `jti` not seen before (the cache is a database table, so a replay to another instance is
//! refused too). `alg: none` and HMAC algorithms cannot be expressed in inkan-core's JOSE.

use inkan_core::clock::SystemClock;
use inkan_core::crypto::{Algorithm, PublicKey};
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::jose::jwt::{self, JwtValidation};
use serde_json::{Map, Value};

use super::clients::{self, Client};
use super::{OAuthError, Oidc, Params};
use crate::store::{Store, is_unique_violation, now};

/// `client_assertion_type` of RFC 7523.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Largest client assertion accepted.
const MAX_ASSERTION: usize = 8 * 1024;
/// Allowed clock skew for `iat`/`exp`.
const LEEWAY: i64 = 30;

/// Authenticates the client of a request to `endpoint` (the URL the request was sent to).
pub(crate) async fn authenticate(
    o: &Oidc,
    store: &Store,
    p: &Params,
    endpoint: &str,
) -> Result<Client, OAuthError> {
    match p.get("client_assertion_type") {
        Some(ASSERTION_TYPE) => {}
        Some(_) => {
            return Err(OAuthError::client(
                "client_assertion_type must be jwt-bearer (private_key_jwt)",
            ));
        }
        None => {
            return Err(OAuthError::client(
                "client authentication (private_key_jwt) is required",
            ));
        }
    }
    let token = p
        .get("client_assertion")
        .ok_or_else(|| OAuthError::client("client_assertion is required"))?;
    if token.len() > MAX_ASSERTION {
        return Err(OAuthError::client("client_assertion is too large"));
    }
    let client_id = unverified_issuer(token)?;
    if p.get("client_id").is_some_and(|c| c != client_id) {
        return Err(OAuthError::client("client_id does not match the assertion"));
    }
    let client = clients::load(store, &client_id)
        .await?
        .ok_or_else(|| OAuthError::client("unknown client"))?;
    let keys = client.public_keys().map_err(OAuthError::server)?;
    let claims = verify(o, token, &client_id, endpoint, &keys)?;
    remember_jti(store, &client_id, &claims).await?;
    Ok(client)
}

/// The `iss` of an assertion before verification, to find the client whose keys verify it.
fn unverified_issuer(token: &str) -> Result<String, OAuthError> {
    let bad = || OAuthError::client("client_assertion is not a JWT");
    let payload = token.split('.').nth(1).ok_or_else(bad)?;
    let bytes = inkan_core::encoding::b64url_decode(payload).map_err(|_| bad())?;
    let claims: Map<String, Value> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    claims
        .get("iss")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| OAuthError::client("client_assertion lacks iss"))
}

fn verify(
    o: &Oidc,
    token: &str,
    client_id: &str,
    endpoint: &str,
    keys: &[(Option<String>, PublicKey)],
) -> Result<Map<String, Value>, OAuthError> {
    let mut rules = JwtValidation::default()
        .with_issuer(client_id)
        .with_audience(o.issuer.clone())
        .with_audience(endpoint);
    rules.jws = VerifyOptions {
        algorithms: vec![
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::EdDsa,
            Algorithm::Ps256,
            Algorithm::Rs256,
        ],
        max_len: MAX_ASSERTION,
        ..VerifyOptions::default()
    };
    rules.time.leeway_secs = LEEWAY;
    rules.time.require_exp = true;
    let v = jwt::verify_with(token, &rules, &SystemClock, |header, _| {
        let found = match &header.kid {
            Some(kid) => keys.iter().find(|(k, _)| k.as_deref() == Some(kid)),
            None if keys.len() == 1 => keys.first(),
            None => None,
        };
        found
            .map(|(_, key)| key)
            .ok_or_else(|| inkan_core::Error::InvalidKey("unknown signing key".into()))
    })
    .map_err(|e| OAuthError::client(format!("client_assertion: {} ({e})", e.code())))?;
    if v.claims.get("sub").and_then(Value::as_str) != Some(client_id) {
        return Err(OAuthError::client(
            "client_assertion sub must equal iss (the client_id)",
        ));
    }
    let exp = v.claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if exp - now() > o.cfg.max_assertion_ttl_secs {
        return Err(OAuthError::client(
            "client_assertion exp is too far in the future",
        ));
    }
    Ok(v.claims)
}

/// Records the assertion's `jti` until it expires; a second use is refused.
async fn remember_jti(store: &Store, client_id: &str, claims: &Map<String, Value>) -> Result<(), OAuthError> {
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| OAuthError::client("client_assertion needs a jti (1-256 characters)"))?;
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let t = now();
    let mut w = store.begin_write().await?;
    sqlx::query("DELETE FROM oidc_jti WHERE expires_at < $1")
        .bind(t - LEEWAY)
        .execute(&mut *w.tx)
        .await?;
    let r = sqlx::query("INSERT INTO oidc_jti (client_id, jti, expires_at) VALUES ($1, $2, $3)")
        .bind(client_id)
        .bind(jti)
        .bind(exp)
        .execute(&mut *w.tx)
        .await;
    match r {
        Err(e) if is_unique_violation(&e) => {
            return Err(OAuthError::client("client_assertion jti was already used"));
        }
        r => r?,
    };
    w.commit().await?;
    Ok(())
}
