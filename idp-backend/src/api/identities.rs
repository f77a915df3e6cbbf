//! `/v1/identities/…`: read, update, history, status changes, lost-UIN search.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission, Role};
use crate::error::{ApiError, Problem};
use crate::registry::Actor;
use crate::registry::identity::{HistoryEntry, IdentityRecord, StatusChange};

/// A correction of an identity's data.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// The whole new document (validated like an enrolment).
    pub identity: Value,
    /// Why (kept in the history).
    pub reason: String,
}

/// A status change's reason.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (kept in the history).
    pub reason: String,
}

/// Demographics of a person who lost their UIN.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LostUinRequest {
    /// Identity fields (name, date of birth, gender at least), as in an enrolment.
    pub identity: Value,
}

/// The UIN found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LostUinResponse {
    /// UIN.
    pub uin: String,
    /// RID of its enrolment.
    pub rid: String,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/identities/{uin}", get(read).patch(update))
        .route("/v1/identities/{uin}/history", get(history))
        .route("/v1/identities/{uin}/deactivate", post(deactivate))
        .route("/v1/identities/{uin}/reactivate", post(reactivate))
        .route("/v1/identities/{uin}/block", post(block))
        .route("/v1/identities/search", post(lost_uin))
}

fn actor(op: &Operator) -> Actor<'_> {
    Actor {
        id: &op.id,
        purpose: op.purpose.as_deref(),
    }
}

/// Reads an identity (audited).
#[utoipa::path(get, path = "/v1/identities/{uin}", tag = "lifecycle",
    params(("uin" = String, Path), ("X-Purpose" = Option<String>, Header)),
    responses((status = 200, body = IdentityRecord), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("operator_token" = [])))]
pub async fn read(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
) -> Result<Json<IdentityRecord>, ApiError> {
    op.require(Permission::Read, "read identities")?;
    Ok(Json(s.registry.read(actor(&op), &uin).await?))
}

/// Replaces an identity's data; the old version stays in the history (supervisor, administrator).
#[utoipa::path(patch, path = "/v1/identities/{uin}", tag = "lifecycle",
    params(("uin" = String, Path)), request_body = UpdateRequest,
    responses((status = 200, body = IdentityRecord), (status = 400, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem, description = "blocked, or the data matches another person"),
              (status = 422, body = Problem, description = "`idp.schema_violation`")),
    security(("operator_token" = [])))]
pub async fn update(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> Result<Json<IdentityRecord>, ApiError> {
    op.require(Permission::Update, "update identities")?;
    Ok(Json(
        s.registry
            .update(actor(&op), &uin, &req.identity, &req.reason)
            .await?,
    ))
}

/// Every version of an identity with who changed it, when and why (audited).
#[utoipa::path(get, path = "/v1/identities/{uin}/history", tag = "lifecycle",
    params(("uin" = String, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("operator_token" = [])))]
pub async fn history(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    op.require(Permission::Update, "read identity history")?;
    Ok(Json(s.registry.history(actor(&op), &uin).await?))
}

async fn status_change(
    s: AppState,
    op: Operator,
    uin: String,
    reason: String,
    change: StatusChange,
) -> Result<Json<IdentityRecord>, ApiError> {
    let p = if change == StatusChange::Block {
        Permission::Block
    } else {
        Permission::ChangeStatus
    };
    op.require(p, "change this identity's status")?;
    let may_unblock = op.role == Role::Administrator;
    Ok(Json(
        s.registry
            .change_status(actor(&op), &uin, change, &reason, may_unblock)
            .await?,
    ))
}

/// active → deactivated (supervisor, administrator).
#[utoipa::path(post, path = "/v1/identities/{uin}/deactivate", tag = "lifecycle",
    params(("uin" = String, Path)), request_body = ReasonRequest,
    responses((status = 200, body = IdentityRecord), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("operator_token" = [])))]
pub async fn deactivate(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
    ApiJson(r): ApiJson<ReasonRequest>,
) -> Result<Json<IdentityRecord>, ApiError> {
    status_change(s, op, uin, r.reason, StatusChange::Deactivate).await
}

/// deactivated → active; blocked → active for an administrator.
#[utoipa::path(post, path = "/v1/identities/{uin}/reactivate", tag = "lifecycle",
    params(("uin" = String, Path)), request_body = ReasonRequest,
    responses((status = 200, body = IdentityRecord), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("operator_token" = [])))]
pub async fn reactivate(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
    ApiJson(r): ApiJson<ReasonRequest>,
) -> Result<Json<IdentityRecord>, ApiError> {
    status_change(s, op, uin, r.reason, StatusChange::Reactivate).await
}

/// any → blocked (administrator).
#[utoipa::path(post, path = "/v1/identities/{uin}/block", tag = "lifecycle",
    params(("uin" = String, Path)), request_body = ReasonRequest,
    responses((status = 200, body = IdentityRecord), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("operator_token" = [])))]
pub async fn block(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
    ApiJson(r): ApiJson<ReasonRequest>,
) -> Result<Json<IdentityRecord>, ApiError> {
    status_change(s, op, uin, r.reason, StatusChange::Block).await
}

/// Finds a lost UIN from demographics (supervisor, administrator; audited).
#[utoipa::path(post, path = "/v1/identities/search", tag = "lifecycle",
    request_body = LostUinRequest,
    responses((status = 200, body = LostUinResponse), (status = 400, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("operator_token" = [])))]
pub async fn lost_uin(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<LostUinRequest>,
) -> Result<Json<LostUinResponse>, ApiError> {
    op.require(Permission::LostUin, "retrieve lost UINs")?;
    let (uin, rid) = s.registry.find_lost_uin(actor(&op), &r.identity).await?;
    Ok(Json(LostUinResponse { uin, rid }))
}
