//! `POST /v1/operators` (administrator): new operator, token shown once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission, Role, create_operator};
use crate::error::{ApiError, Problem};

/// A new operator.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOperator {
    /// Display name (1-200 characters).
    pub name: String,
    /// Role.
    pub role: Role,
}

/// The operator created, with its bearer token (shown this once; stored only hashed).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedOperator {
    /// Operator id.
    pub id: String,
    /// Bearer token.
    pub token: String,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/v1/operators", post(create))
}

/// Creates an operator (administrator).
#[utoipa::path(post, path = "/v1/operators", tag = "operators", request_body = CreateOperator,
    responses((status = 201, body = CreatedOperator), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("operator_token" = [])))]
pub async fn create(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(req): ApiJson<CreateOperator>,
) -> Result<(StatusCode, Json<CreatedOperator>), ApiError> {
    op.require(Permission::ManageOperators, "create operators")?;
    let n = req.name.trim().chars().count();
    if n == 0 || n > 200 {
        return Err(ApiError::bad_request("name must be 1-200 characters"));
    }
    let (id, token) = create_operator(s.store(), req.name.trim(), req.role).await?;
    Ok((StatusCode::CREATED, Json(CreatedOperator { id, token })))
}
