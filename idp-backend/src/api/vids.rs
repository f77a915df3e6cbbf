//! `/v1/identities/{uin}/vids` and `/v1/vids/{vid}/revoke`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission};
use crate::error::{ApiError, Problem};
use crate::ids::VidType;
use crate::registry::Actor;
use crate::registry::vid::VidRecord;

/// Which kind of VID to issue.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// `Perpetual` or `Temporary`.
    #[schema(value_type = String, example = "Temporary")]
    pub vid_type: VidType,
}

/// The revoked VID and, when the policy regenerates, its replacement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevokeResponse {
    /// The revoked VID.
    pub revoked: VidRecord,
    /// The new VID, if the type's policy issues one.
    pub replacement: Option<VidRecord>,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/identities/{uin}/vids", post(issue).get(list))
        .route("/v1/vids/{vid}/revoke", post(revoke))
}

fn actor(op: &Operator) -> Actor<'_> {
    Actor {
        id: &op.id,
        purpose: op.purpose.as_deref(),
    }
}

/// Issues a VID (supervisor, administrator).
#[utoipa::path(post, path = "/v1/identities/{uin}/vids", tag = "vid",
    params(("uin" = String, Path)), request_body = IssueRequest,
    responses((status = 201, body = VidRecord), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem, description = "`idp.vid_instance_limit`, or identity not active")),
    security(("operator_token" = [])))]
pub async fn issue(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
    ApiJson(r): ApiJson<IssueRequest>,
) -> Result<(StatusCode, Json<VidRecord>), ApiError> {
    op.require(Permission::ManageVids, "issue VIDs")?;
    Ok((
        StatusCode::CREATED,
        Json(s.registry.issue_vid(actor(&op), &uin, r.vid_type).await?),
    ))
}

/// Lists an identity's VIDs (audited).
#[utoipa::path(get, path = "/v1/identities/{uin}/vids", tag = "vid",
    params(("uin" = String, Path)),
    responses((status = 200, body = Vec<VidRecord>), (status = 403, body = Problem)),
    security(("operator_token" = [])))]
pub async fn list(
    State(s): State<AppState>,
    op: Operator,
    Path(uin): Path<String>,
) -> Result<Json<Vec<VidRecord>>, ApiError> {
    op.require(Permission::ManageVids, "list VIDs")?;
    Ok(Json(s.registry.list_vids(actor(&op), &uin).await?))
}

/// Revokes a VID (supervisor, administrator).
#[utoipa::path(post, path = "/v1/vids/{vid}/revoke", tag = "vid",
    params(("vid" = String, Path)),
    responses((status = 200, body = RevokeResponse), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("operator_token" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    op: Operator,
    Path(vid): Path<String>,
) -> Result<Json<RevokeResponse>, ApiError> {
    op.require(Permission::ManageVids, "revoke VIDs")?;
    let (revoked, replacement) = s.registry.revoke_vid(actor(&op), &vid).await?;
    Ok(Json(RevokeResponse { revoked, replacement }))
}
