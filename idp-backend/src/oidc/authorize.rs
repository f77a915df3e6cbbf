//! `/par` (RFC 9126) and `/authorize`; the login state they keep in the database:
//! transactions (one per authorization in progress), sessions (one per logged-in browser),
//! remembered consents and authorization codes.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::clients::{self, Client, ConsentPolicy};
use super::request::{self, AuthRequest, RequestError, RequestedClaim};
use super::{Acr, OAuthError, Oidc, Params, client_auth, jar, provider, random_token, token_hash};
use crate::api::AppState;
use crate::ekyc::EkycClaim;
use crate::store::{Store, now};

/// The `request_uri` prefix of pushed requests (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// The session cookie.
pub const SESSION_COOKIE: &str = "inkan_sid";
/// The cookie binding a browser to its transaction (its value is the transaction's CSRF token).
pub const TX_COOKIE: &str = "inkan_tx";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/par", post(par))
        .route("/authorize", get(authorize))
}

/// Who logged in, how and when: what a session and a code remember.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    /// The person's UIN.
    pub uin: String,
    /// RFC 8176 method (`otp`, `pin`).
    pub amr: String,
    /// When they authenticated (seconds since the epoch).
    pub auth_time: i64,
}

/// What an authorization code (and the tokens issued from it) grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Who and how.
    pub login: Login,
    /// The `acr` satisfied.
    pub acr: String,
    /// The request's nonce.
    pub nonce: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Claims the person consented to release.
    pub claims: Vec<RequestedClaim>,
}

/// A login in progress.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// Its id: in the login URLs, and the OTP purpose.
    pub id: String,
    /// The checked request.
    pub request: AuthRequest,
    /// The CSRF token every form of this transaction must carry.
    pub csrf: String,
    /// `login` or `consent`.
    pub stage: String,
    /// The login, once done.
    pub login: Option<Login>,
}

async fn par(State(s): State<AppState>, body: Bytes) -> Result<Response, OAuthError> {
    let o = provider(&s)?;
    let p = Params::parse(&body)?;
    let client = client_auth::authenticate(o, s.store(), &p, &o.endpoint("/par")).await?;
    if p.get("request_uri").is_some() {
        return Err(OAuthError::bad(
            "invalid_request",
            "request_uri is not allowed in a pushed request",
        ));
    }
    if p.get("client_id").is_some_and(|c| c != client.client_id) {
        return Err(OAuthError::bad(
            "invalid_request",
            "client_id does not match the authenticated client",
        ));
    }
    let p = jar::unpack(o, &client, &p)?;
    let req = request::parse(&p, &client).map_err(|e| match e {
        RequestError::NoRedirect(e) | RequestError::Redirect { error: e, .. } => e,
    })?;
    let handle = format!("{REQUEST_URI_PREFIX}{}", random_token());
    sqlx::query("INSERT INTO oidc_par (handle_hash, client_id, request, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&handle))
        .bind(&client.client_id)
        .bind(serde_json::to_string(&req).map_err(OAuthError::server)?)
        .bind(now() + o.cfg.par_ttl_secs)
        .execute(s.store().pool())
        .await?;
    let body = json!({ "request_uri": handle, "expires_in": o.cfg.par_ttl_secs });
    let mut r = (StatusCode::CREATED, Json(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

async fn authorize(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    match authorize_inner(&s, &headers, q.as_deref().unwrap_or("")).await {
        Ok(r) => r,
        Err(RequestError::NoRedirect(e)) => super::ui::error_page("en", &e),
        Err(RequestError::Redirect {
            redirect_uri,
            state,
            error,
        }) => match provider(&s) {
            Ok(o) => error_redirect(o, &redirect_uri, state.as_deref(), &error),
            Err(e) => e.into_response(),
        },
    }
}

async fn authorize_inner(s: &AppState, headers: &HeaderMap, q: &str) -> Result<Response, RequestError> {
    let no_redirect = RequestError::NoRedirect;
    let o = provider(s).map_err(no_redirect)?;
    let p = Params::parse(q.as_bytes()).map_err(no_redirect)?;
    let client_id = p.require("client_id").map_err(no_redirect)?;
    let client = clients::load(s.store(), client_id)
        .await
        .map_err(|e| no_redirect(e.into()))?
        .ok_or_else(|| no_redirect(OAuthError::bad("invalid_request", "unknown client_id")))?;
    let req = match p.get("request_uri") {
        Some(uri) => pushed_request(s.store(), &client, uri)
            .await
            .map_err(no_redirect)?,
        None if client.par_required || o.cfg.require_par => {
            return Err(no_redirect(OAuthError::bad(
                "invalid_request",
                "this client must use pushed authorization requests (/par)",
            )));
        }
        None => {
            let p = jar::unpack(o, &client, &p).map_err(no_redirect)?;
            request::parse(&p, &client)?
        }
    };
    let fail = |error: OAuthError| RequestError::Redirect {
        redirect_uri: req.redirect_uri.clone(),
        state: req.state.clone(),
        error,
    };
    decide(s, o, &client, &req, headers).await.map_err(fail)
}

/// Loads and consumes a pushed request: single use, bound to its client, short-lived.
async fn pushed_request(store: &Store, client: &Client, uri: &str) -> Result<AuthRequest, OAuthError> {
    let invalid = || OAuthError::bad("invalid_request_uri", "request_uri is unknown, used or expired");
    if !uri.starts_with(REQUEST_URI_PREFIX) {
        return Err(invalid());
    }
    let mut w = store.begin_write().await?;
    // Read and delete in one statement: of two requests racing with one handle, only one gets
    // the row (PostgreSQL's second DELETE waits, then finds nothing).
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "DELETE FROM oidc_par WHERE handle_hash = $1 RETURNING client_id, request, expires_at",
    )
    .bind(token_hash(uri))
    .fetch_optional(&mut *w.tx)
    .await?;
    sqlx::query("DELETE FROM oidc_par WHERE expires_at < $1")
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
    w.commit().await?;
    match row {
        Some((cid, req, exp)) if cid == client.client_id && exp >= now() => {
            serde_json::from_str(&req).map_err(OAuthError::server)
        }
        _ => Err(invalid()),
    }
}

/// With a usable session and remembered consent: a code straight away. Otherwise the login or
/// consent page, or — for `prompt=none` — `login_required` / `consent_required`.
async fn decide(
    s: &AppState,
    o: &Oidc,
    client: &Client,
    req: &AuthRequest,
    headers: &HeaderMap,
) -> Result<Response, OAuthError> {
    let login = match session(s.store(), headers).await? {
        Some(l) if !req.prompt.login && login_fits(&l, req) => Some(l),
        _ => None,
    };
    let Some(login) = login else {
        if req.prompt.none {
            return Err(OAuthError::bad("login_required", "the person is not logged in"));
        }
        return start_transaction(s.store(), o, req, None).await;
    };
    match remembered_grant(s, client, req, &login).await? {
        Some(claims) => issue_code(s.store(), o, req, &login, claims).await,
        None if req.prompt.none => Err(OAuthError::bad("consent_required", "the person must consent")),
        None => start_transaction(s.store(), o, req, Some(&login)).await,
    }
}

/// Whether a session's login satisfies the request's `max_age` and `acr_values`.
pub(crate) fn login_fits(l: &Login, req: &AuthRequest) -> bool {
    let fresh = req.max_age.is_none_or(|m| now() - l.auth_time <= m);
    let acr_ok = Acr::from_amr(&l.amr).is_some_and(|a| req.acr.contains(&a));
    fresh && acr_ok
}

/// The claims to release without asking, when consent for every requested claim is remembered.
pub(crate) async fn remembered_grant(
    s: &AppState,
    client: &Client,
    req: &AuthRequest,
    login: &Login,
) -> Result<Option<Vec<RequestedClaim>>, OAuthError> {
    if req.prompt.consent || client.consent == ConsentPolicy::Always {
        return Ok(None);
    }
    let row: Option<String> =
        sqlx::query_scalar("SELECT claims FROM oidc_consents WHERE client_id = $1 AND person = $2")
            .bind(&client.client_id)
            .bind(person_key(s, &login.uin))
            .fetch_optional(s.store().pool())
            .await?;
    let Some(text) = row else { return Ok(None) };
    let c: Consent = serde_json::from_str(&text).map_err(OAuthError::server)?;
    if req.claims.iter().any(|r| !c.asked.contains(&r.claim)) {
        return Ok(None);
    }
    Ok(Some(
        req.claims
            .iter()
            .filter(|r| c.granted.contains(&r.claim))
            .copied()
            .collect(),
    ))
}

/// A remembered consent: what was asked, and what the person allowed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Consent {
    /// Claims shown on the consent page.
    pub asked: Vec<EkycClaim>,
    /// Claims the person allowed.
    pub granted: Vec<EkycClaim>,
}

/// The key consents are stored under: a blind index of the UIN, not the UIN.
pub(crate) fn person_key(s: &AppState, uin: &str) -> String {
    s.registry.sealer.blind_index("oidc-consent", &[uin.as_bytes()])
}

/// Remembers (merging with what was remembered) the person's consent for the client.
pub(crate) async fn remember_consent(
    s: &AppState,
    client_id: &str,
    uin: &str,
    consent: &Consent,
) -> Result<(), OAuthError> {
    let person = person_key(s, uin);
    let mut w = s.store().begin_write().await?;
    let old: Option<String> =
        sqlx::query_scalar("SELECT claims FROM oidc_consents WHERE client_id = $1 AND person = $2")
            .bind(client_id)
            .bind(&person)
            .fetch_optional(&mut *w.tx)
            .await?;
    let mut merged: Consent = match &old {
        Some(t) => serde_json::from_str(t).map_err(OAuthError::server)?,
        None => Consent::default(),
    };
    for c in &consent.asked {
        merged.granted.retain(|g| g != c);
        if !merged.asked.contains(c) {
            merged.asked.push(*c);
        }
    }
    merged.granted.extend(consent.granted.iter().copied());
    let text = serde_json::to_string(&merged).map_err(OAuthError::server)?;
    let sql = if old.is_some() {
        "UPDATE oidc_consents SET claims = $3, granted_at = $4 WHERE client_id = $1 AND person = $2"
    } else {
        "INSERT INTO oidc_consents (client_id, person, claims, granted_at) VALUES ($1, $2, $3, $4)"
    };
    sqlx::query(sql)
        .bind(client_id)
        .bind(&person)
        .bind(text)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
    w.commit().await?;
    Ok(())
}

/// Starts a login (or, with `login`, a consent) transaction and sends the browser to its page.
async fn start_transaction(
    store: &Store,
    o: &Oidc,
    req: &AuthRequest,
    login: Option<&Login>,
) -> Result<Response, OAuthError> {
    let id = random_token();
    let csrf = random_token();
    let stage = if login.is_some() { "consent" } else { "login" };
    let login_text = login
        .map(serde_json::to_string)
        .transpose()
        .map_err(OAuthError::server)?;
    sqlx::query(
        "INSERT INTO oidc_transactions (id, client_id, request, csrf, stage, auth, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&req.client_id)
    .bind(serde_json::to_string(req).map_err(OAuthError::server)?)
    .bind(&csrf)
    .bind(stage)
    .bind(login_text)
    .bind(now() + o.cfg.transaction_ttl_secs)
    .execute(store.pool())
    .await?;
    let mut r = Redirect::to(&format!("/oidc/{stage}?tx={id}")).into_response();
    set_cookie(&mut r, &o.issuer, TX_COOKIE, &csrf, o.cfg.transaction_ttl_secs);
    Ok(r)
}

/// Loads a live transaction.
pub(crate) async fn transaction(store: &Store, id: &str) -> Result<Option<Transaction>, OAuthError> {
    let row: Option<(String, String, String, Option<String>, i64)> =
        sqlx::query_as("SELECT request, csrf, stage, auth, expires_at FROM oidc_transactions WHERE id = $1")
            .bind(id)
            .fetch_optional(store.pool())
            .await?;
    let Some((request, csrf, stage, auth, exp)) = row else {
        return Ok(None);
    };
    if exp < now() {
        return Ok(None);
    }
    Ok(Some(Transaction {
        id: id.to_string(),
        request: serde_json::from_str(&request).map_err(OAuthError::server)?,
        csrf,
        stage,
        login: auth
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(OAuthError::server)?,
    }))
}

/// Moves a transaction to the consent stage with its login.
pub(crate) async fn set_login(store: &Store, id: &str, login: &Login) -> Result<(), OAuthError> {
    sqlx::query("UPDATE oidc_transactions SET stage = 'consent', auth = $2 WHERE id = $1")
        .bind(id)
        .bind(serde_json::to_string(login).map_err(OAuthError::server)?)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Ends a transaction.
pub(crate) async fn end_transaction(store: &Store, id: &str) -> Result<(), OAuthError> {
    sqlx::query("DELETE FROM oidc_transactions WHERE id = $1 OR expires_at < $2")
        .bind(id)
        .bind(now())
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Creates a session for `login`; returns the cookie value.
pub(crate) async fn create_session(store: &Store, o: &Oidc, login: &Login) -> Result<String, OAuthError> {
    let sid = random_token();
    sqlx::query("INSERT INTO oidc_sessions (sid_hash, auth, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&sid))
        .bind(serde_json::to_string(login).map_err(OAuthError::server)?)
        .bind(now() + o.cfg.session_ttl_secs)
        .execute(store.pool())
        .await?;
    Ok(sid)
}

/// The login of the browser's session, if it has a live one.
pub(crate) async fn session(store: &Store, headers: &HeaderMap) -> Result<Option<Login>, OAuthError> {
    let Some(sid) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT auth, expires_at FROM oidc_sessions WHERE sid_hash = $1")
            .bind(token_hash(&sid))
            .fetch_optional(store.pool())
            .await?;
    match row {
        Some((auth, exp)) if exp >= now() => {
            Ok(Some(serde_json::from_str(&auth).map_err(OAuthError::server)?))
        }
        _ => Ok(None),
    }
}

/// A cookie's value from the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Adds a `Set-Cookie`: HttpOnly, SameSite=Lax, Secure when the issuer is https.
pub(crate) fn set_cookie(r: &mut Response, issuer: &str, name: &str, value: &str, max_age: i64) {
    let secure = if issuer.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    if let Ok(v) = HeaderValue::from_str(&text) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Issues an authorization code for `login` and the granted `claims`, and redirects to the client.
pub(crate) async fn issue_code(
    store: &Store,
    o: &Oidc,
    req: &AuthRequest,
    login: &Login,
    claims: Vec<RequestedClaim>,
) -> Result<Response, OAuthError> {
    let acr = Acr::from_amr(&login.amr)
        .ok_or_else(|| OAuthError::server("login with an unknown method"))?
        .as_str()
        .to_string();
    let grant = Grant {
        login: login.clone(),
        acr,
        nonce: req.nonce.clone(),
        scopes: req.scopes.clone(),
        claims,
    };
    let code = random_token();
    sqlx::query(
        "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, code_challenge, grant_data, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(&code))
    .bind(&req.client_id)
    .bind(&req.redirect_uri)
    .bind(&req.code_challenge)
    .bind(serde_json::to_string(&grant).map_err(OAuthError::server)?)
    .bind(now() + o.cfg.code_ttl_secs)
    .execute(store.pool())
    .await?;
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("code", &code);
    if let Some(st) = &req.state {
        q.append_pair("state", st);
    }
    q.append_pair("iss", &o.issuer);
    Ok(Redirect::to(&join_query(&req.redirect_uri, &q.finish())).into_response())
}

/// An error sent to the client's redirect URI (OIDC Core §3.1.2.6, RFC 9207 `iss`).
pub(crate) fn error_redirect(o: &Oidc, redirect_uri: &str, state: Option<&str>, e: &OAuthError) -> Response {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("error", e.error());
    q.append_pair("error_description", e.description());
    if let Some(st) = state {
        q.append_pair("state", st);
    }
    q.append_pair("iss", &o.issuer);
    Redirect::to(&join_query(redirect_uri, &q.finish())).into_response()
}

fn join_query(uri: &str, query: &str) -> String {
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}
