//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): `/logout` ends the browser's
//! session and, when the client names one of its registered `post_logout_redirect_uris`, sends
//! the browser back there with `state`.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use inkan_core::crypto::{Jwk, PublicKey};
use inkan_core::jose::jws::{self, VerifyOptions};
use serde_json::{Map, Value};

use super::authorize::{SESSION_COOKIE, cookie, set_cookie};
use super::ui::{Lang, Msg, escape, page};
use super::{OAuthError, Oidc, Params, clients, keys, provider, token_hash};
use crate::api::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/logout", get(logout))
}

async fn logout(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    match logout_inner(&s, &headers, q.as_deref().unwrap_or("")).await {
        Ok(r) => r,
        Err(e) => super::ui::error_page("en", &e),
    }
}

fn invalid(d: &str) -> OAuthError {
    OAuthError::bad("invalid_request", d)
}

async fn logout_inner(s: &AppState, headers: &HeaderMap, q: &str) -> Result<Response, OAuthError> {
    let o = provider(s)?;
    let p = Params::parse(q.as_bytes())?;
    let hinted = match p.get("id_token_hint") {
        Some(t) => Some(hint_audience(s, o, t).await?),
        None => None,
    };
    let client_id = match (p.get("client_id"), hinted.as_deref()) {
        (Some(c), Some(h)) if c != h => {
            return Err(invalid("client_id differs from the id_token_hint's audience"));
        }
        (Some(c), _) => Some(c.to_string()),
        (None, h) => h.map(str::to_string),
    };
    // Checked before the session ends, so a bad request changes nothing.
    let target = match p.get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => {
            let id = client_id
                .as_deref()
                .ok_or_else(|| invalid("post_logout_redirect_uri needs client_id or id_token_hint"))?;
            let client = clients::load(s.store(), id)
                .await?
                .ok_or_else(|| invalid("unknown client"))?;
            if !client.post_logout_redirect_uris.iter().any(|u| u == uri) {
                return Err(invalid(
                    "post_logout_redirect_uri is not registered for this client",
                ));
            }
            let mut q = form_urlencoded::Serializer::new(String::new());
            if let Some(st) = p.get("state") {
                q.append_pair("state", st);
            }
            let query = q.finish();
            Some(match (query.is_empty(), uri.contains('?')) {
                (true, _) => uri.to_string(),
                (false, true) => format!("{uri}&{query}"),
                (false, false) => format!("{uri}?{query}"),
            })
        }
    };
    if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        sqlx::query("DELETE FROM oidc_sessions WHERE sid_hash = $1")
            .bind(token_hash(&sid))
            .execute(s.store().pool())
            .await?;
    }
    let mut r = match target {
        Some(t) => Redirect::to(&t).into_response(),
        None => {
            let lang = Lang::from_locale(
                p.get("ui_locales")
                    .unwrap_or("en")
                    .split(' ')
                    .next()
                    .unwrap_or("en"),
            );
            let body = format!("<h1 role=\"status\">{}</h1>", escape(lang.t(Msg::SignedOut)));
            page(lang, StatusCode::OK, lang.t(Msg::SignedOut), &body)
        }
    };
    set_cookie(&mut r, &o.issuer, SESSION_COOKIE, "", 0);
    Ok(r)
}

/// The audience (client id) of an ID token this provider signed; expired hints are accepted,
/// as the specification allows, but the signature and issuer must hold.
async fn hint_audience(s: &AppState, o: &Oidc, token: &str) -> Result<String, OAuthError> {
    let set = keys::jwks(&s.registry).await?;
    let published: Vec<Jwk> = set["keys"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|k| serde_json::from_value(k.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    let bad = || invalid("id_token_hint is not an ID token of this provider");
    let v = jws::verify_compact_with(token, &VerifyOptions::default(), |h| {
        let jwk = published
            .iter()
            .find(|k| k.kid.is_some() && k.kid == h.kid)
            .ok_or_else(|| inkan_core::Error::InvalidKey("unknown kid".into()))?;
        PublicKey::from_jwk(jwk)
    })
    .map_err(|_| bad())?;
    let claims: Map<String, Value> = serde_json::from_slice(&v.payload).map_err(|_| bad())?;
    if claims.get("iss").and_then(Value::as_str) != Some(o.issuer.as_str()) {
        return Err(bad());
    }
    claims
        .get("aud")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(bad)
}
