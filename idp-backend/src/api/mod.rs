//! The HTTP API: one module per resource, each adding its routes and OpenAPI paths.

pub mod auth;
pub mod ekyc;
pub mod enrolments;
pub mod identities;
pub mod operators;
pub mod ops;
pub mod vids;

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::registry::Registry;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The registry (database, keys, identifier rules).
    pub registry: Registry,
    /// Prometheus counters.
    pub metrics: Arc<Metrics>,
    /// Largest bulk body.
    pub max_bulk_bytes: usize,
    /// Largest single record (each NDJSON line of a bulk body too).
    pub max_body_bytes: usize,
    /// Authentication factors and e-KYC.
    pub authn: crate::registry::authn::Authn,
    /// The OIDC provider (`None` only before the listener's address is known).
    pub oidc: Option<crate::oidc::Oidc>,
}

impl AppState {
    /// The store, for extractors.
    pub fn store(&self) -> &crate::store::Store {
        &self.registry.store
    }
}

/// The OpenAPI document of every endpoint.
#[derive(OpenApi)]
#[openapi(
    info(title = "inkan-idp", description = "Foundational ID registry: enrolment, lifecycle, VIDs, authentication, e-KYC, audit."),
    paths(
        enrolments::create, enrolments::bulk,
        identities::read, identities::update, identities::history, identities::deactivate,
        identities::reactivate, identities::block, identities::lost_uin,
        vids::issue, vids::list, vids::revoke,
        operators::create,
        ops::healthz, ops::readyz, ops::metrics, ops::openapi,
        auth::otp_send, auth::otp_verify, auth::pin_set, auth::pin_verify, auth::demographic,
        auth::biometric, auth::wallet_bind, auth::wallet_challenge, auth::wallet_verify,
        ekyc::ekyc, ekyc::jwks, ekyc::create_partner,
    ),
    components(schemas(
        crate::error::Problem, enrolments::EnrolRequest, enrolments::EnrolResponse,
        identities::UpdateRequest, identities::ReasonRequest, identities::LostUinRequest,
        identities::LostUinResponse, crate::registry::identity::IdentityRecord,
        crate::registry::identity::HistoryEntry, crate::registry::identity::Status,
        vids::IssueRequest, vids::RevokeResponse, crate::registry::vid::VidRecord,
        operators::CreateOperator, operators::CreatedOperator, crate::auth::Role,
        auth::OtpSendRequest, auth::OtpVerifyRequest, auth::PinRequest, auth::DemographicRequest,
        auth::BiometricRequest, auth::WalletKeyRequest, auth::WalletKeyBound, auth::ChallengeRequest,
        auth::ChallengeResponse, auth::WalletVerifyRequest, auth::AuthResult,
        crate::registry::authn::OtpSent, crate::registry::authn::Factor,
        ekyc::Proof, ekyc::EkycBody, ekyc::EkycResponse, ekyc::CreatePartner, ekyc::CreatedPartner,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "operator_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The router: every endpoint, the body limits, the metrics middleware and a problem+json 404.
pub fn router(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    Router::new()
        .merge(enrolments::routes(&state))
        .merge(identities::routes())
        .merge(vids::routes())
        .merge(operators::routes())
        .merge(ops::routes())
        .merge(auth::routes())
        .merge(ekyc::routes())
        .merge(crate::oidc::routes())
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    state.metrics.observe_request(resp.status(), started.elapsed());
    resp
}

/// `Json<T>` whose rejections are problem documents with stable codes.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let detail = r.body_text();
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "idp.payload_too_large",
            "the request body is too large",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "idp.unsupported_media_type",
            "send Content-Type: application/json",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idp.bad_body", detail)
        }
        _ => ApiError::new(StatusCode::BAD_REQUEST, "idp.malformed_json", detail),
    }
}
