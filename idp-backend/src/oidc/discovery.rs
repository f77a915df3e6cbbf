//! Discovery (OpenID Connect Discovery 1.0, RFC 8414) and the published keys.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{Acr, OAuthError, Oidc, clients::SCOPES, provider};
use crate::api::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(configuration))
        .route("/.well-known/oauth-authorization-server", get(configuration))
        .route("/.well-known/jwks.json", get(jwks))
}

/// The provider metadata (the same document answers both well-known names).
pub fn metadata(o: &Oidc) -> Value {
    let alg = o.keys.signer_alg();
    json!({
        "issuer": o.issuer,
        "authorization_endpoint": o.endpoint("/authorize"),
        "pushed_authorization_request_endpoint": o.endpoint("/par"),
        "require_pushed_authorization_requests": o.cfg.require_par,
        "token_endpoint": o.endpoint("/token"),
        "userinfo_endpoint": o.endpoint("/userinfo"),
        "jwks_uri": o.endpoint("/.well-known/jwks.json"),
        "end_session_endpoint": o.endpoint("/logout"),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [alg],
        "userinfo_signing_alg_values_supported": [alg],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "ES384", "EdDSA", "PS256", "RS256"],
        "code_challenge_methods_supported": ["S256"],
        "acr_values_supported": Acr::ALL.map(Acr::as_str),
        "claims_parameter_supported": true,
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": ["ES256", "ES384", "EdDSA", "PS256", "RS256"],
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "ui_locales_supported": ["en", "ar"],
        "claims_supported": ["sub", "name", "given_name", "middle_name", "family_name", "birthdate",
            "gender", "email", "phone_number", "address", "nationality", "locale"],
        "prompt_values_supported": ["none", "login", "consent"],
        "dpop_signing_alg_values_supported": ["ES256", "ES384", "EdDSA", "PS256", "RS256"],
    })
}

fn cached(body: Value, max_age: u32) -> Response {
    let mut r = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        r.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    r
}

async fn configuration(State(s): State<AppState>) -> Result<Response, OAuthError> {
    Ok(cached(metadata(provider(&s)?), 3600))
}

async fn jwks(State(s): State<AppState>) -> Result<Response, OAuthError> {
    provider(&s)?;
    let set = super::keys::jwks(&s.registry).await?;
    // Short caching: a `next` key must reach relying parties before it signs.
    Ok(cached(set, 300))
}
