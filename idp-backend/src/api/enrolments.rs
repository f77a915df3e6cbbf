//! `POST /v1/enrolments` and `POST /v1/enrolments/bulk` (NDJSON).

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission};
use crate::error::ApiError;
use crate::registry::Actor;
use crate::registry::enrol::BULK_IN_FLIGHT;

/// An enrolment: the identity document, validated against the programme's schema.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The identity document.
    pub identity: Value,
}

/// The answer to an enrolment.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnrolResponse {
    /// Registration id (29 digits).
    pub rid: String,
    /// The UIN assigned.
    pub uin: String,
}

/// One NDJSON line of a bulk enrolment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkLine {
    idempotency_key: String,
    identity: Value,
}

pub(super) fn routes(state: &AppState) -> Router<AppState> {
    Router::new().route("/v1/enrolments", post(create)).route(
        "/v1/enrolments/bulk",
        post(bulk).layer(DefaultBodyLimit::max(state.max_bulk_bytes)),
    )
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "idp.missing_idempotency_key",
                "send an Idempotency-Key header",
            )
        })
}

/// Enrols one person.
#[utoipa::path(post, path = "/v1/enrolments", tag = "enrolment",
    request_body = EnrolRequest,
    params(("Idempotency-Key" = String, Header, description = "retry-safe request id"),
           ("X-Purpose" = Option<String>, Header, description = "purpose, for the audit log")),
    responses(
        (status = 201, body = EnrolResponse, description = "enrolled (or the replay of the first answer)"),
        (status = 400, body = crate::error::Problem, description = "malformed JSON, bad or missing idempotency key"),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem, description = "`idp.duplicate`: already registered; `existing.rid` names it"),
        (status = 413, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem, description = "`idp.schema_violation` with `errors[].path`, or `idp.idempotency_key_reused`"),
    ),
    security(("operator_token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    op: Operator,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> Result<Response, ApiError> {
    op.require(Permission::Enrol, "enrol")?;
    let key = idempotency_key(&headers)?;
    let actor = Actor {
        id: &op.id,
        purpose: op.purpose.as_deref(),
    };
    let result = state.registry.enrol(actor, &key, &req.identity).await;
    state
        .metrics
        .observe_enrolment(result.as_ref().map(|a| a.status).map_err(|e| e.code()));
    let answer = result?;
    Ok((answer.status, Json(answer.body)).into_response())
}

/// Enrols many people: one NDJSON line per person in, one NDJSON result per line out, streamed
/// as each record commits (a result line is the acknowledgement). Each record is its own
/// transaction; retrying the whole file with the same keys is safe.
#[utoipa::path(post, path = "/v1/enrolments/bulk", tag = "enrolment",
    request_body(content = String, content_type = "application/x-ndjson",
        description = r#"lines of {"idempotency_key": "...", "identity": {...}}"#),
    responses(
        (status = 200, content_type = "application/x-ndjson", body = String,
         description = r#"one line per input line: {"line", "status", "rid", "uin"} or {"line", "status", "code", "detail"}"#),
        (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem),
    ),
    security(("operator_token" = [])))]
pub async fn bulk(State(state): State<AppState>, op: Operator, body: Bytes) -> Result<Response, ApiError> {
    op.require(Permission::Enrol, "enrol")?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        let lines: Vec<(usize, Bytes)> = body
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
            .map(|(i, line)| (i + 1, body.slice_ref(line)))
            .collect();
        let op = std::sync::Arc::new(op);
        // Several lines in flight so they share group commits; answers keep the input's order.
        let mut answers = futures_util::stream::iter(lines)
            .map(|(line_no, line)| {
                let (state, op) = (state.clone(), op.clone());
                async move { bulk_one(&state, &op, line_no, &line).await }
            })
            .buffered(BULK_IN_FLIGHT);
        while let Some(answer) = answers.next().await {
            let mut out = answer.to_string();
            out.push('\n');
            if tx.send(Bytes::from(out)).await.is_err() {
                break; // the client went away; what committed stays committed
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn bulk_one(state: &AppState, op: &Operator, line_no: usize, line: &[u8]) -> Value {
    let failed = |e: ApiError| {
        let mut v = json!({ "line": line_no, "status": e.status().as_u16(), "code": e.code(), "detail": e.to_problem()["detail"] });
        if let (Some(Value::Object(extra)), Some(obj)) = (e.extra(), v.as_object_mut()) {
            obj.extend(extra.clone());
        }
        v
    };
    if line.len() > state.max_body_bytes {
        return failed(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "idp.payload_too_large",
            "record too large",
        ));
    }
    let rec: BulkLine = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            return failed(ApiError::new(
                StatusCode::BAD_REQUEST,
                "idp.malformed_json",
                e.to_string(),
            ));
        }
    };
    let actor = Actor {
        id: &op.id,
        purpose: op.purpose.as_deref(),
    };
    let result = state
        .registry
        .enrol(actor, &rec.idempotency_key, &rec.identity)
        .await;
    state
        .metrics
        .observe_enrolment(result.as_ref().map(|a| a.status).map_err(|e| e.code()));
    match result {
        Ok(a) => {
            let mut v = json!({ "line": line_no, "idempotency_key": rec.idempotency_key, "status": a.status.as_u16() });
            if let (Value::Object(body), Some(obj)) = (a.body, v.as_object_mut()) {
                obj.extend(body);
            }
            v
        }
        Err(e) => {
            let mut v = failed(e);
            v["idempotency_key"] = Value::String(rec.idempotency_key);
            v
        }
    }
}
