//! The OpenID Connect provider: discovery and keys, client registration, PAR and the
//! authorization endpoint, the token endpoint with `private_key_jwt`, and signed userinfo.
//!
//! Every piece of login state (pushed requests, transactions, sessions, codes, tokens,
//! consents, the client-assertion `jti` cache) lives in the database (migration `0003_oidc`),
//! so several instances on one database serve one login together.
//!
//! | module | holds |
//! |---|---|
//! | [`keys`] | signing keys: sealed at rest, `next` → `active` → `retired` rotation, the JWKS |
//! | [`clients`] | registered relying parties and the administrator API |
//! | [`request`] | the authorization request: parsing and every check (pure) |
//! | [`client_auth`] | RFC 7523 `private_key_jwt` client authentication |
//! | [`dpop`] | RFC 9449 proofs: verification and the `jti` cache |
//! | [`jar`] | RFC 9101 request objects (`request`), verified with the client's keys |
//! | [`discovery`] | `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`, `/.well-known/jwks.json` |
//! | [`authorize`] | `/par`, `/authorize`, sessions and authorization codes |
//! | [`login`] | the sign-in (UIN/VID + OTP, PIN) and consent pages and their posts |
//! | [`consents`] | the person's consents: list and revoke (`/oidc/consents`) |
//! | [`logout`] | RP-initiated logout (`/logout`) |
//! | [`token`] | `/token` (authorization code grant) and `/userinfo` (signed JWT) |
//! | [`ui`] | the login and consent pages' HTML (English and Arabic), CSP |

pub mod authorize;
pub mod client_auth;
pub mod clients;
pub mod consents;
pub mod discovery;
pub mod dpop;
pub mod jar;
pub mod keys;
pub mod login;
pub mod logout;
pub mod request;
pub mod token;
pub mod ui;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::AppState;
use crate::config::OidcConfig;
use crate::error::ApiError;
use crate::registry::Registry;

/// The provider: its issuer URL, settings and signing keys. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Oidc {
    /// The issuer identifier (no trailing slash); endpoints are below it.
    pub issuer: String,
    /// Settings.
    pub cfg: Arc<OidcConfig>,
    /// Signing keys.
    pub keys: Arc<keys::KeyRing>,
}

impl Oidc {
    /// Opens the provider over `registry`: loads (or creates) the signing keys.
    pub async fn open(registry: &Registry, cfg: &OidcConfig, issuer: String) -> Result<Self, ApiError> {
        let alg = keys::signing_algorithm(&cfg.signing_alg)?;
        let keys = keys::KeyRing::open(registry, alg, cfg.token_ttl_secs).await?;
        Ok(Self {
            issuer: issuer.trim_end_matches('/').to_string(),
            cfg: Arc::new(cfg.clone()),
            keys: Arc::new(keys),
        })
    }

    /// The URL of an endpoint (`path` starts with `/`).
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

/// The routes of the provider and of the client administration API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(discovery::routes())
        .merge(clients::routes())
        .merge(authorize::routes())
        .merge(login::routes())
        .merge(token::routes())
        .merge(logout::routes())
        .merge(consents::routes())
        .route("/oidc/static/style.css", axum::routing::get(style))
        // Browsers ask for it on every page; an empty answer keeps their consoles clean.
        .route(
            "/favicon.ico",
            axum::routing::get(|| async { StatusCode::NO_CONTENT }),
        )
}

async fn style() -> Response {
    let mut r = ui::STYLE.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    r
}

/// The provider of `state`, or a 404 when the server runs without one.
fn provider(state: &AppState) -> Result<&Oidc, OAuthError> {
    state
        .oidc
        .as_ref()
        .ok_or_else(|| OAuthError::new(StatusCode::NOT_FOUND, "invalid_request", "no OIDC provider here"))
}

/// An `acr` value and the factor it stands for (eSignet's names).
///
/// ```
/// use inkan_idp::oidc::Acr;
/// assert_eq!(Acr::parse("mosip:idp:acr:generated-code"), Some(Acr::GeneratedCode));
/// assert_eq!(Acr::GeneratedCode.amr(), "otp");
/// assert_eq!(Acr::parse("urn:unknown"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acr {
    /// A one-time code sent to the person (OTP).
    GeneratedCode,
    /// Something the person knows (PIN).
    Knowledge,
}

impl Acr {
    /// Every acr the provider can satisfy.
    pub const ALL: [Acr; 2] = [Acr::GeneratedCode, Acr::Knowledge];

    /// The `acr` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Acr::GeneratedCode => "mosip:idp:acr:generated-code",
            Acr::Knowledge => "mosip:idp:acr:knowledge",
        }
    }

    /// Parses an `acr` value; unknown values are `None`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The RFC 8176 method the factor yields.
    pub fn amr(self) -> &'static str {
        match self {
            Acr::GeneratedCode => "otp",
            Acr::Knowledge => "pin",
        }
    }

    /// The acr of an RFC 8176 method, if it is one of these.
    pub fn from_amr(amr: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.amr() == amr)
    }
}

/// An OAuth 2.0 error response (RFC 6749 §5.2): `error` is the spec's code.
///
/// ```
/// use inkan_idp::oidc::OAuthError;
/// let e = OAuthError::bad("invalid_grant", "code already used");
/// assert_eq!(e.error(), "invalid_grant");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    /// Any status and code.
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }
    /// 400 with `error`.
    pub fn bad(error: &'static str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, description)
    }
    /// 401 `invalid_client`.
    pub fn client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }
    /// 500 `server_error`; the cause is logged, never sent.
    pub fn server(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "oidc internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        )
    }
    /// The spec's error code.
    pub fn error(&self) -> &'static str {
        self.error
    }
    /// The human-readable description.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> Self {
        Self::server(e)
    }
}

impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> Self {
        if e.status().is_server_error() {
            Self::new(e.status(), "server_error", e.to_string())
        } else {
            Self::bad("invalid_request", e.to_string())
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.error, "error_description": self.description });
        let mut r = (self.status, axum::Json(body)).into_response();
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    }
}

/// A fresh 256-bit random value, base64url (codes, tokens, handles, ids).
pub(crate) fn random_token() -> String {
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    inkan_core::encoding::b64url_encode(raw)
}

/// How codes, tokens and handles are stored: SHA-256, hex (they are 256-bit random values, so
/// a fast hash is enough).
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Form or query parameters, each at most once (RFC 6749 §3.1: repeated parameters are an
/// error), with size caps.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

/// Largest single parameter value (the `claims` JSON and request objects are the big ones).
const MAX_PARAM: usize = 16 * 1024;
/// Most parameters in one request.
const MAX_PARAMS: usize = 40;

impl Params {
    /// Parses `application/x-www-form-urlencoded` text.
    ///
    /// ```
    /// use inkan_idp::oidc::Params;
    /// let p = Params::parse(b"a=1&b=x%20y").unwrap();
    /// assert_eq!(p.get("b"), Some("x y"));
    /// assert!(Params::parse(b"a=1&a=2").is_err());
    /// ```
    pub fn parse(body: &[u8]) -> Result<Self, OAuthError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (k, v) in form_urlencoded::parse(body) {
            if out.len() >= MAX_PARAMS || v.len() > MAX_PARAM {
                return Err(OAuthError::bad(
                    "invalid_request",
                    "too many or too large parameters",
                ));
            }
            if out.iter().any(|(x, _)| *x == k) {
                return Err(OAuthError::bad(
                    "invalid_request",
                    format!("parameter {k} is repeated"),
                ));
            }
            out.push((k.into_owned(), v.into_owned()));
        }
        Ok(Self(out))
    }

    /// Parameters from name/value pairs (already unique, e.g. a request object's claims).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The value of `name`; an empty value counts as absent (RFC 6749 §3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, or `invalid_request`.
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::bad("invalid_request", format!("{name} is required")))
    }
}
