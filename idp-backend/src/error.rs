//! The service's one error type, served as RFC 9457 `application/problem+json`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error with a stable code (`idp.*`), an HTTP status and a human-readable detail.
///
/// ```
/// use inkan_idp::error::ApiError;
/// let e = ApiError::not_found("no identity with that UIN");
/// assert_eq!(e.code(), "idp.not_found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    extra: Option<Value>,
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            extra: None,
        }
    }
    /// Adds members to the problem document (e.g. `errors`, `existing`).
    pub fn with(mut self, extra: Value) -> Self {
        self.extra = Some(extra);
        self
    }
    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The extra members, if any.
    pub fn extra(&self) -> Option<&Value> {
        self.extra.as_ref()
    }

    /// 401 `idp.unauthenticated`.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "idp.unauthenticated",
            "a valid operator bearer token is required",
        )
    }
    /// 403 `idp.forbidden`.
    pub fn forbidden(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "idp.forbidden",
            format!("the operator's role may not {what}"),
        )
    }
    /// 404 `idp.not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "idp.not_found", detail)
    }
    /// 400 `idp.bad_request`.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "idp.bad_request", detail)
    }
    /// 409 `idp.conflict` (a state change that the current state forbids).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "idp.conflict", detail)
    }
    /// 500 `idp.internal`; the cause is logged, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "idp.internal",
            "internal error",
        )
    }
    /// 503 `idp.unavailable` (database unreachable).
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "idp.unavailable",
            "the registry is temporarily unavailable",
        )
    }

    /// The problem document (RFC 9457).
    pub fn to_problem(&self) -> Value {
        let mut v = json!({
            "type": format!("urn:inkan:problem:{}", self.code),
            "title": self.status.canonical_reason().unwrap_or("error"),
            "status": self.status.as_u16(),
            "code": self.code,
            "detail": self.detail,
        });
        if let (Some(Value::Object(extra)), Some(obj)) = (&self.extra, v.as_object_mut()) {
            for (k, x) in extra {
                obj.insert(k.clone(), x.clone());
            }
        }
        v
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => Self::unavailable(e),
            other => Self::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.to_problem().to_string();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// The shape of every error body (RFC 9457), for the OpenAPI document.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:inkan:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// HTTP reason phrase.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable code, `idp.*`.
    pub code: String,
    /// Human-readable explanation.
    pub detail: String,
}
