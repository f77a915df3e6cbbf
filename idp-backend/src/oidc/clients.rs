//! Relying parties: their registered metadata and the administrator API that registers them
//! (`POST /v1/oidc/clients`, `GET /v1/oidc/clients/{client_id}`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use inkan_core::crypto::{Jwk, PublicKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Acr;
use crate::api::{ApiJson, AppState};
use crate::auth::{Operator, Role};
use crate::ekyc::EkycClaim;
use crate::error::ApiError;
use crate::store::{Store, is_unique_violation, now};

/// Scopes the provider knows (OIDC Core §5.4 plus `openid`).
pub const SCOPES: [&str; 5] = ["openid", "profile", "email", "phone", "address"];

/// Whether the person is asked to consent on every login or once per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPolicy {
    /// Ask once; remember the claims granted per client and person.
    #[default]
    Remember,
    /// Ask on every login.
    Always,
}

/// A registered relying party.
///
/// ```
/// let c: inkan_idp::oidc::clients::Client = serde_json::from_value(serde_json::json!({
///     "client_id": "bank", "redirect_uris": ["https://bank.example/cb"],
///     "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]},
///     "scopes": ["openid", "profile"], "claims": ["name"]
/// })).unwrap();
/// assert!(c.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// The client identifier (1-100 characters of `A-Za-z0-9._:-`).
    pub client_id: String,
    /// Display name on the consent page.
    #[serde(default)]
    pub client_name: Option<String>,
    /// Redirect URIs, compared exactly (https, or http to a loopback host).
    pub redirect_uris: Vec<String>,
    /// Where `/logout` may send the browser afterwards (same rules as `redirect_uris`).
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// The client's public keys (JWK Set) for `private_key_jwt` and request objects.
    #[serde(default)]
    pub jwks: Option<Value>,
    /// Where to fetch them instead (not supported yet: refused at registration).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// Scopes it may request (must include `openid`).
    pub scopes: Vec<String>,
    /// Claims it may receive.
    #[serde(default)]
    pub claims: Vec<EkycClaim>,
    /// `acr_values` it may request (all known ones when empty).
    #[serde(default)]
    pub acr_values: Vec<String>,
    /// Access tokens must be DPoP-bound (RFC 9449).
    #[serde(default)]
    pub dpop_required: bool,
    /// Authorization requests must come through `/par`.
    #[serde(default)]
    pub par_required: bool,
    /// Consent policy.
    #[serde(default)]
    pub consent: ConsentPolicy,
}

const MAX_REDIRECTS: usize = 10;
const MAX_URI: usize = 2000;
const MAX_KEYS: usize = 10;

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "idp.oidc_bad_client", detail)
}

impl Client {
    /// Checks the metadata; the error names the first bad member.
    pub fn validate(&self) -> Result<(), ApiError> {
        let id_ok = |c: char| c.is_ascii_alphanumeric() || "._:-".contains(c);
        if self.client_id.is_empty() || self.client_id.len() > 100 || !self.client_id.chars().all(id_ok) {
            return Err(bad("client_id must be 1-100 characters of A-Za-z0-9._:-"));
        }
        if self.client_name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(bad("client_name must be at most 200 characters"));
        }
        if self.redirect_uris.is_empty() || self.redirect_uris.len() > MAX_REDIRECTS {
            return Err(bad("redirect_uris must list 1-10 URIs"));
        }
        if self.post_logout_redirect_uris.len() > MAX_REDIRECTS {
            return Err(bad("post_logout_redirect_uris must list at most 10 URIs"));
        }
        for uri in self.redirect_uris.iter().chain(&self.post_logout_redirect_uris) {
            check_redirect_uri(uri)?;
        }
        if self.jwks_uri.is_some() {
            return Err(bad("jwks_uri is not supported yet: register the keys in jwks"));
        }
        self.public_keys()?;
        if !self.scopes.iter().any(|s| s == "openid") {
            return Err(bad("scopes must include openid"));
        }
        if let Some(s) = self.scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return Err(bad(format!("unknown scope {s:?}")));
        }
        if let Some(a) = self.acr_values.iter().find(|a| Acr::parse(a).is_none()) {
            return Err(bad(format!("unknown acr value {a:?}")));
        }
        Ok(())
    }

    /// The client's public keys; private members, duplicate or missing `kid`s are refused.
    pub fn public_keys(&self) -> Result<Vec<(Option<String>, PublicKey)>, ApiError> {
        let keys = self
            .jwks
            .as_ref()
            .and_then(|j| j.get("keys"))
            .and_then(Value::as_array)
            .ok_or_else(|| bad("jwks must be a JWK Set ({\"keys\": [...]})"))?;
        if keys.is_empty() || keys.len() > MAX_KEYS {
            return Err(bad("jwks must hold 1-10 keys"));
        }
        let mut out: Vec<(Option<String>, PublicKey)> = Vec::with_capacity(keys.len());
        for k in keys {
            let jwk: Jwk = serde_json::from_value(k.clone()).map_err(|e| bad(format!("jwks: {e}")))?;
            if jwk.is_private() {
                return Err(bad("jwks must not contain private keys"));
            }
            if keys.len() > 1 && jwk.kid.is_none() {
                return Err(bad("every key needs a kid when jwks holds several"));
            }
            if out.iter().any(|(kid, _)| kid.is_some() && *kid == jwk.kid) {
                return Err(bad("duplicate kid in jwks"));
            }
            let key = PublicKey::from_jwk(&jwk).map_err(|e| bad(format!("jwks: {e}")))?;
            out.push((jwk.kid.clone(), key));
        }
        Ok(out)
    }

    /// Whether `acr` may be requested by this client.
    pub fn allows_acr(&self, acr: &str) -> bool {
        self.acr_values.is_empty() || self.acr_values.iter().any(|a| a == acr)
    }
}

fn check_redirect_uri(uri: &str) -> Result<(), ApiError> {
    if uri.len() > MAX_URI || uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(format!("bad redirect URI {uri:?}")));
    }
    let loopback = ["http://127.0.0.1", "http://[::1]", "http://localhost"]
        .iter()
        .any(|p| uri.strip_prefix(p).is_some_and(|r| r.starts_with([':', '/'])));
    let https = uri
        .strip_prefix("https://")
        .is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    if https || loopback {
        Ok(())
    } else {
        Err(bad(format!(
            "redirect URI {uri:?} must be https, or http to a loopback host"
        )))
    }
}

/// Loads a registered client.
pub(crate) async fn load(store: &Store, client_id: &str) -> Result<Option<Client>, ApiError> {
    let row: Option<String> = sqlx::query_scalar("SELECT metadata FROM oidc_clients WHERE client_id = $1")
        .bind(client_id)
        .fetch_optional(store.pool())
        .await?;
    row.map(|t| serde_json::from_str(&t).map_err(ApiError::internal))
        .transpose()
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/oidc/clients", post(create))
        .route("/v1/oidc/clients/{client_id}", get(read))
}

fn require_admin(op: &Operator) -> Result<(), ApiError> {
    if op.role == Role::Administrator {
        Ok(())
    } else {
        Err(ApiError::forbidden("manage OIDC clients"))
    }
}

/// Registers a relying party (administrator).
async fn create(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(client): ApiJson<Client>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    require_admin(&op)?;
    client.validate()?;
    let text = serde_json::to_string(&client).map_err(ApiError::internal)?;
    let mut w = s.store().begin_write().await?;
    let t = now();
    let r = sqlx::query(
        "INSERT INTO oidc_clients (client_id, metadata, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(&client.client_id)
    .bind(&text)
    .bind(t)
    .execute(&mut *w.tx)
    .await;
    match r {
        Err(e) if is_unique_violation(&e) => {
            return Err(ApiError::conflict("a client with this client_id exists"));
        }
        r => r?,
    };
    crate::audit::append(
        &mut w,
        crate::audit::Event {
            actor: &op.id,
            action: "oidc.client.create",
            purpose: op.purpose("client registration"),
            subject: &client.client_id,
        },
    )
    .await?;
    w.commit().await?;
    Ok((StatusCode::CREATED, Json(client)))
}

/// Reads a relying party's registration (administrator).
async fn read(
    State(s): State<AppState>,
    op: Operator,
    Path(client_id): Path<String>,
) -> Result<Json<Client>, ApiError> {
    require_admin(&op)?;
    load(s.store(), &client_id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no client with that client_id"))
}
