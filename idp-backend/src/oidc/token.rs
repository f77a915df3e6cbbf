//! `/token` (authorization code grant, `private_key_jwt` only) and `/userinfo` (a signed JWT
//! with exactly the consented claims).
//!
//! A code is consumed by the first redemption attempt, whatever its outcome; redeeming it again
//! revokes every access token issued from it (RFC 6749 §4.1.2, OAuth 2.0 Security BCP §4.5).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::{Header, jwt};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::authorize::Grant;
use super::{OAuthError, Oidc, Params, client_auth, dpop, provider, random_token, token_hash};
use crate::api::AppState;
use crate::ekyc::EkycClaim;
use crate::registry::authn::{Authenticated, Factor};
use crate::store::now;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/token", post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
}

/// The `Authenticated` a grant stands for (rebuilt from what the login stored).
fn authenticated(g: &Grant) -> Result<Authenticated, OAuthError> {
    let factor = match g.login.amr.as_str() {
        "otp" => Factor::Otp,
        "pin" => Factor::Pin,
        other => return Err(OAuthError::server(format!("grant with unknown amr {other}"))),
    };
    Ok(Authenticated {
        uin: g.login.uin.clone(),
        factor,
        auth_time: g.login.auth_time,
    })
}

/// RFC 7636 §4.1: 43-128 characters of `[A-Za-z0-9-._~]`.
fn check_verifier(v: &str) -> Result<(), OAuthError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    if (43..=128).contains(&v.len()) && v.chars().all(ok) {
        Ok(())
    } else {
        Err(OAuthError::bad(
            "invalid_request",
            "code_verifier must be 43-128 unreserved characters",
        ))
    }
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    grant_data: String,
    expires_at: i64,
}

async fn token(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, OAuthError> {
    let o = provider(&s)?;
    let p = Params::parse(&body)?;
    let token_url = o.endpoint("/token");
    let client = client_auth::authenticate(o, s.store(), &p, &token_url).await?;
    // Checked before the code is consumed, so a bad proof does not burn the code.
    let proof = dpop::verify(s.store(), &headers, "POST", &token_url, None).await?;
    if client.dpop_required && proof.is_none() {
        return Err(OAuthError::bad(
            "invalid_dpop_proof",
            "this client's tokens must be DPoP-bound",
        ));
    }
    match p.get("grant_type") {
        Some("authorization_code") => {}
        Some(_) => {
            return Err(OAuthError::bad(
                "unsupported_grant_type",
                "only authorization_code is supported",
            ));
        }
        None => return Err(OAuthError::bad("invalid_request", "grant_type is required")),
    }
    let code = p.require("code")?;
    let redirect_uri = p.require("redirect_uri")?;
    let verifier = p.require("code_verifier")?;
    check_verifier(verifier)?;
    let code_hash = token_hash(code);
    let row = consume_code(&s, &code_hash).await?;
    let invalid = |d: &str| OAuthError::bad("invalid_grant", d);
    if row.client_id != client.client_id {
        return Err(invalid("the code was issued to another client"));
    }
    if row.expires_at < now() {
        return Err(invalid("the code has expired"));
    }
    if row.redirect_uri != redirect_uri {
        return Err(invalid("redirect_uri differs from the authorization request's"));
    }
    if b64url_encode(Sha256::digest(verifier.as_bytes())) != row.code_challenge {
        return Err(invalid("code_verifier does not match the code_challenge"));
    }
    let grant: Grant = serde_json::from_str(&row.grant_data).map_err(OAuthError::server)?;
    let access = random_token();
    let t = now();
    sqlx::query(
        "INSERT INTO oidc_tokens (token_hash, code_hash, client_id, grant_data, expires_at, revoked, dpop_jkt) \
         VALUES ($1, $2, $3, $4, $5, 0, $6)",
    )
    .bind(token_hash(&access))
    .bind(&code_hash)
    .bind(&client.client_id)
    .bind(&row.grant_data)
    .bind(t + o.cfg.token_ttl_secs)
    .bind(proof.as_ref().map(|p| p.jkt.clone()))
    .execute(s.store().pool())
    .await?;
    let id_token = id_token(&s, o, &client.client_id, &grant, t).await?;
    let body = json!({
        "access_token": access,
        "token_type": if proof.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": o.cfg.token_ttl_secs,
        "id_token": id_token,
        "scope": grant.scopes.join(" "),
    });
    Ok(no_store(Json(body).into_response()))
}

/// Marks the code used and returns it; a second use revokes the tokens issued from it.
///
/// The claim is a conditional `UPDATE` first: on PostgreSQL a concurrent redemption waits on
/// the row and then finds it used, so two requests racing with one code never both win.
async fn consume_code(s: &AppState, code_hash: &str) -> Result<CodeRow, OAuthError> {
    let mut w = s.store().begin_write().await?;
    let claimed = sqlx::query("UPDATE oidc_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL")
        .bind(code_hash)
        .bind(now())
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT client_id, redirect_uri, code_challenge, grant_data, expires_at \
         FROM oidc_codes WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(&mut *w.tx)
    .await?;
    let Some(row) = row else {
        return Err(OAuthError::bad("invalid_grant", "unknown code"));
    };
    if claimed == 0 {
        sqlx::query("UPDATE oidc_tokens SET revoked = 1 WHERE code_hash = $1")
            .bind(code_hash)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        return Err(OAuthError::bad(
            "invalid_grant",
            "the code was already used; the tokens issued from it are revoked",
        ));
    }
    w.commit().await?;
    Ok(row)
}

fn claims_of(grant: &Grant, id_token: bool) -> Vec<EkycClaim> {
    grant
        .claims
        .iter()
        .filter(|c| !id_token || c.id_token)
        .map(|c| c.claim)
        .collect()
}

async fn id_token(
    s: &AppState,
    o: &Oidc,
    client_id: &str,
    grant: &Grant,
    t: i64,
) -> Result<String, OAuthError> {
    let auth = authenticated(grant)?;
    let mut c = Map::new();
    let wanted = claims_of(grant, true);
    if !wanted.is_empty() {
        c = s
            .authn
            .claims(&auth, client_id, "oidc id_token", &wanted)
            .await
            .map_err(OAuthError::from)?;
    }
    for (k, v) in [
        ("iss", json!(o.issuer)),
        ("sub", json!(s.authn.subject_for(&auth, client_id))),
        ("aud", json!(client_id)),
        ("iat", json!(t)),
        ("exp", json!(t + o.cfg.token_ttl_secs)),
        ("auth_time", json!(grant.login.auth_time)),
        ("nonce", json!(grant.nonce)),
        ("acr", json!(grant.acr)),
        ("amr", json!([grant.login.amr])),
    ] {
        c.insert(k.into(), v);
    }
    sign(o, &c, "JWT").await
}

async fn sign(o: &Oidc, claims: &Map<String, Value>, typ: &str) -> Result<String, OAuthError> {
    let key = o.keys.current().await?;
    jwt::sign(
        claims,
        &Header::for_signer(key.as_ref()).with_typ(typ),
        key.as_ref(),
    )
    .map_err(OAuthError::server)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn invalid_token(d: &str) -> Response {
    let mut r = OAuthError::new(StatusCode::UNAUTHORIZED, "invalid_token", d).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    r
}

async fn userinfo(State(s): State<AppState>, method: Method, headers: HeaderMap) -> Response {
    match userinfo_inner(&s, &method, &headers).await {
        Ok(r) => r,
        Err(e) => e,
    }
}

async fn userinfo_inner(s: &AppState, method: &Method, headers: &HeaderMap) -> Result<Response, Response> {
    let o = provider(s).map_err(IntoResponse::into_response)?;
    let auth_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (scheme, token) = auth_header
        .split_once(' ')
        .filter(|(sc, _)| *sc == "Bearer" || *sc == "DPoP")
        .ok_or_else(|| invalid_token("a Bearer or DPoP access token is required"))?;
    let token = token.trim();
    let row: Option<(String, String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT client_id, grant_data, expires_at, revoked, dpop_jkt FROM oidc_tokens WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(s.store().pool())
    .await
    .map_err(|e| OAuthError::from(e).into_response())?;
    let (client_id, grant, jkt) = match row {
        Some((c, g, exp, revoked, jkt)) if exp >= now() && revoked == 0 => (c, g, jkt),
        _ => return Err(invalid_token("the access token is unknown, expired or revoked")),
    };
    // A DPoP-bound token needs the DPoP scheme and a proof by its key (RFC 9449 §7).
    let proof = dpop::verify(
        s.store(),
        headers,
        method.as_str(),
        &o.endpoint("/userinfo"),
        Some(token),
    )
    .await
    .map_err(|e| invalid_token(e.description()))?;
    match (&jkt, scheme, &proof) {
        (None, "Bearer", _) => {}
        (Some(bound), "DPoP", Some(p)) if *bound == p.jkt => {}
        _ => return Err(invalid_token("the token's DPoP binding is not satisfied")),
    }
    let grant: Grant = serde_json::from_str(&grant).map_err(|e| OAuthError::server(e).into_response())?;
    let auth = authenticated(&grant).map_err(IntoResponse::into_response)?;
    let wanted = claims_of(&grant, false);
    let mut c = if wanted.is_empty() {
        Map::new()
    } else {
        s.authn
            .claims(&auth, &client_id, "oidc userinfo", &wanted)
            .await
            .map_err(|e| OAuthError::from(e).into_response())?
    };
    let t = now();
    for (k, v) in [
        ("iss", json!(o.issuer)),
        ("sub", json!(s.authn.subject_for(&auth, &client_id))),
        ("aud", json!(client_id)),
        ("iat", json!(t)),
        ("exp", json!(t + o.cfg.token_ttl_secs)),
    ] {
        c.insert(k.into(), v);
    }
    let jwt = sign(o, &c, "JWT").await.map_err(IntoResponse::into_response)?;
    let mut r = jwt.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jwt"));
    Ok(no_store(r))
}
