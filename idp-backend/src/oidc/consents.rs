//! The person's own consents: `/oidc/consents` lists the relying parties they allowed (for the
//! browser's session) and revokes one; the next login to that client asks again. The form's
//! CSRF token is a keyed hash of the session id, so it needs no storage and dies with the session.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::OAuthError;
use super::authorize::{Consent, Login, SESSION_COOKIE, cookie, person_key, session};
use super::clients;
use super::ui::{Lang, Msg, escape, page};
use crate::api::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oidc/consents", get(list))
        .route("/oidc/consents/revoke", post(revoke))
}

fn csrf(s: &AppState, headers: &HeaderMap) -> String {
    let sid = cookie(headers, SESSION_COOKIE).unwrap_or_default();
    s.registry
        .sealer
        .blind_index("oidc-consents-csrf", &[sid.as_bytes()])
}

fn signed_out() -> Response {
    let lang = Lang::En;
    let body = format!(
        "<h1>{}</h1><p role=\"status\">{}</p>",
        escape(lang.t(Msg::Consents)),
        escape(lang.t(Msg::SignInFirst))
    );
    page(lang, StatusCode::UNAUTHORIZED, lang.t(Msg::Consents), &body)
}

async fn login_of(s: &AppState, headers: &HeaderMap) -> Result<Option<Login>, Response> {
    session(s.store(), headers)
        .await
        .map_err(IntoResponse::into_response)
}

async fn list(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let login = match login_of(&s, &headers).await {
        Ok(Some(l)) => l,
        Ok(None) => return signed_out(),
        Err(r) => return r,
    };
    let rows: Result<Vec<(String, String)>, _> =
        sqlx::query_as("SELECT client_id, claims FROM oidc_consents WHERE person = $1 ORDER BY client_id")
            .bind(person_key(&s, &login.uin))
            .fetch_all(s.store().pool())
            .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return OAuthError::from(e).into_response(),
    };
    let lang = Lang::En;
    let token = csrf(&s, &headers);
    let mut items = String::new();
    for (client_id, claims) in rows {
        let name = match clients::load(s.store(), &client_id).await {
            Ok(Some(c)) => c.client_name.unwrap_or(client_id.clone()),
            _ => client_id.clone(),
        };
        let granted = serde_json::from_str::<Consent>(&claims)
            .map(|c| {
                c.granted
                    .iter()
                    .filter_map(|g| serde_json::to_value(g).ok())
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        items += &format!(
            "<li><strong>{}</strong> <span class=\"hint\">{}</span><form method=\"post\" action=\"/oidc/consents/revoke\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"client_id\" value=\"{}\">\
             <button type=\"submit\">{}</button></form></li>",
            escape(&name),
            escape(&granted),
            escape(&token),
            escape(&client_id),
            escape(lang.t(Msg::Revoke))
        );
    }
    let body = format!("<h1>{}</h1><ul>{items}</ul>", escape(lang.t(Msg::Consents)));
    page(lang, StatusCode::OK, lang.t(Msg::Consents), &body)
}

async fn revoke(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let login = match login_of(&s, &headers).await {
        Ok(Some(l)) => l,
        Ok(None) => return signed_out(),
        Err(r) => return r,
    };
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        form.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    if field("csrf") != csrf(&s, &headers) {
        return signed_out();
    }
    let r = sqlx::query("DELETE FROM oidc_consents WHERE client_id = $1 AND person = $2")
        .bind(field("client_id"))
        .bind(person_key(&s, &login.uin))
        .execute(s.store().pool())
        .await;
    match r {
        Ok(_) => Redirect::to("/oidc/consents").into_response(),
        Err(e) => OAuthError::from(e).into_response(),
    }
}
