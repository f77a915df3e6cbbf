//! DPoP (RFC 9449): proofs of possession that bind access tokens to a client-held key.
//!
//! A proof is a `dpop+jwt` signed by the key in its own `jwk` header (public members only),
//! naming the request (`htm`, `htu`), fresh (`iat` within two minutes), used once (`jti`, kept
//! per key in the database until the proof could no longer be accepted) and, at a resource,
//! naming the access token (`ath`).

use axum::http::HeaderMap;
use inkan_core::clock::SystemClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey};
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::jose::jwt::{self, JwtValidation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::OAuthError;
use crate::store::{Store, is_unique_violation, now};

/// The proof's `typ`.
pub const DPOP_TYP: &str = "dpop+jwt";
/// How old a proof may be (its `iat`), in seconds.
const MAX_AGE: i64 = 120;
/// Largest proof accepted.
const MAX_PROOF: usize = 8 * 1024;

/// A verified proof: the RFC 7638 thumbprint of its key (`jkt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The key's thumbprint, what the token is bound to.
    pub jkt: String,
}

fn bad(d: impl Into<String>) -> OAuthError {
    OAuthError::bad("invalid_dpop_proof", d)
}

/// Verifies the request's `DPoP` header, if any, for `method` on `url`; with `access_token`,
/// `ath` must be its hash.
pub(crate) async fn verify(
    store: &Store,
    headers: &HeaderMap,
    method: &str,
    url: &str,
    access_token: Option<&str>,
) -> Result<Option<Proof>, OAuthError> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(bad("more than one DPoP header"));
    }
    let proof = value.to_str().map_err(|_| bad("DPoP header is not text"))?;
    if proof.len() > MAX_PROOF {
        return Err(bad("DPoP proof is too large"));
    }
    let mut rules = JwtValidation::default().with_typ(DPOP_TYP);
    rules.jws = VerifyOptions {
        algorithms: vec![
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::EdDsa,
            Algorithm::Ps256,
            Algorithm::Rs256,
        ],
        max_len: MAX_PROOF,
        ..VerifyOptions::default()
    };
    rules.time.max_age_secs = Some(MAX_AGE);
    let mut key = None;
    let v = jwt::verify_with(proof, &rules, &SystemClock, |h, _| {
        let jwk: &Jwk = h
            .jwk
            .as_ref()
            .ok_or_else(|| inkan_core::Error::InvalidKey("the proof has no jwk header".into()))?;
        if jwk.is_private() {
            return Err(inkan_core::Error::InvalidKey(
                "the jwk header holds a private key".into(),
            ));
        }
        let k = PublicKey::from_jwk(jwk)?;
        key = Some(k.clone());
        Ok(k)
    })
    .map_err(|e| bad(format!("DPoP proof: {} ({e})", e.code())))?;
    let jkt = key.ok_or_else(|| bad("DPoP proof without a key"))?.thumbprint();
    let claim = |n: &str| v.claims.get(n).and_then(Value::as_str);
    if v.claims.get("iat").and_then(Value::as_i64).is_none() {
        return Err(bad("DPoP proof lacks iat"));
    }
    if claim("htm") != Some(method) || claim("htu") != Some(url) {
        return Err(bad("DPoP proof is for another request (htm/htu)"));
    }
    if let Some(token) = access_token
        && claim("ath") != Some(b64url_encode(Sha256::digest(token.as_bytes())).as_str())
    {
        return Err(bad("DPoP proof ath does not match the access token"));
    }
    let jti = claim("jti")
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| bad("DPoP proof needs a jti (1-256 characters)"))?;
    remember(store, &jkt, jti).await?;
    Ok(Some(Proof { jkt }))
}

async fn remember(store: &Store, jkt: &str, jti: &str) -> Result<(), OAuthError> {
    let t = now();
    let mut w = store.begin_write().await?;
    sqlx::query("DELETE FROM oidc_dpop_jti WHERE expires_at < $1")
        .bind(t)
        .execute(&mut *w.tx)
        .await?;
    // Kept past the proof's last acceptable moment (iat + max age + leeway).
    let r = sqlx::query("INSERT INTO oidc_dpop_jti (jkt, jti, expires_at) VALUES ($1, $2, $3)")
        .bind(jkt)
        .bind(jti)
        .bind(t + 2 * MAX_AGE + 60)
        .execute(&mut *w.tx)
        .await;
    match r {
        Err(e) if is_unique_violation(&e) => return Err(bad("DPoP proof jti was already used")),
        r => r?,
    };
    w.commit().await?;
    Ok(())
}
