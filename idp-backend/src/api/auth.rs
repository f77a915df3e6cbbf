//! `/v1/auth/*`: authentication of a person by a partner or operator — OTP, PIN, demographic,
//! biometric and wallet-key factors. Refusals are problems with the factor's code; only attempt
//! counters (and their audit entries) are written on a refusal.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use inkan_core::crypto::Jwk;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission};
use crate::dedup::BiometricSample;
use crate::error::{ApiError, Problem};
use crate::factors::demographic::DemographicClaims;
use crate::registry::Actor;
use crate::registry::authn::{Authenticated, Factor, OtpSent};

/// Longest purpose a caller may give an OTP (it is scoped to the caller).
pub const MAX_CALLER_PURPOSE: usize = 100;

/// Who is to receive an OTP, and what for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OtpSendRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// The caller's reference for this authentication (1–100 characters); the OTP verifies
    /// only with the same purpose, and only for the same caller.
    pub purpose: String,
}

/// An OTP to check.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OtpVerifyRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// The purpose the OTP was sent for.
    pub purpose: String,
    /// The six digits.
    pub otp: String,
}

/// A PIN to set or check.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PinRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// 6–12 digits.
    pub pin: String,
}

/// Stated demographics to check.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DemographicRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// Any of `name`, `dateOfBirth`, `gender`, `phone`, `email`; every one given must match.
    #[schema(value_type = Object)]
    pub demographics: DemographicClaims,
}

/// Biometric samples to check.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BiometricRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// Samples in the identity schema's `biometrics` shape (`modality`, `bodyPart`, `format`,
    /// `data` base64).
    #[schema(value_type = Vec<Object>)]
    pub biometrics: Vec<Value>,
}

/// A wallet key to bind.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletKeyRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// The wallet's public JWK (EC P-256/P-384 or Ed25519).
    #[schema(value_type = Object)]
    pub jwk: Jwk,
}

/// The bound key's RFC 7638 thumbprint.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WalletKeyBound {
    /// Thumbprint.
    pub thumbprint: String,
}

/// Who is to answer a wallet challenge.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChallengeRequest {
    /// UIN or VID.
    pub individual_id: String,
}

/// A challenge for the wallet: sign `{nonce, aud: audience, iat}` as an `inkan-wallet-auth+jwt`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResponse {
    /// 32 random bytes, base64url.
    pub nonce: String,
    /// Unix seconds after which answers are refused.
    pub expires_at: i64,
    /// The `aud` the answer must carry.
    pub audience: String,
}

/// The wallet's answer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletVerifyRequest {
    /// UIN or VID.
    pub individual_id: String,
    /// The challenge's nonce.
    pub nonce: String,
    /// The signed answer (compact JWS).
    pub response: String,
}

/// A successful authentication.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthResult {
    /// Always true (refusals are problems).
    pub authenticated: bool,
    /// The factor used.
    pub factor: Factor,
    /// RFC 8176 method.
    pub amr: String,
    /// Unix seconds.
    pub auth_time: i64,
    /// The person's pairwise subject for the caller (never the UIN).
    pub sub: String,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/otp/send", post(otp_send))
        .route("/v1/auth/otp/verify", post(otp_verify))
        .route("/v1/auth/pin", post(pin_set))
        .route("/v1/auth/pin/verify", post(pin_verify))
        .route("/v1/auth/demographic", post(demographic))
        .route("/v1/auth/biometric", post(biometric))
        .route("/v1/auth/wallet/keys", post(wallet_bind))
        .route("/v1/auth/wallet/challenge", post(wallet_challenge))
        .route("/v1/auth/wallet/verify", post(wallet_verify))
}

pub(super) fn actor(op: &Operator) -> Actor<'_> {
    Actor {
        id: &op.id,
        purpose: op.purpose.as_deref(),
    }
}

/// The OTP purpose as stored: the caller's own, prefixed by the caller's id, so one partner
/// cannot finish an OTP another one sent (or one the OIDC provider sent).
pub(super) fn scoped_purpose(op: &Operator, purpose: &str) -> Result<String, ApiError> {
    if purpose.is_empty() || purpose.chars().count() > MAX_CALLER_PURPOSE {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.bad_purpose",
            "purpose must be 1-100 characters",
        ));
    }
    Ok(format!("api:{}:{purpose}", op.id))
}

/// The party a pairwise subject is made for: the partner id, or the operator id.
pub(super) async fn party(s: &AppState, op: &Operator) -> Result<String, ApiError> {
    Ok(match s.authn.partner_for(&op.id).await? {
        Some(p) => p.partner_id,
        None => op.id.clone(),
    })
}

async fn result(s: &AppState, op: &Operator, a: Authenticated) -> Result<Json<AuthResult>, ApiError> {
    let sub = s.authn.subject_for(&a, &party(s, op).await?);
    Ok(Json(AuthResult {
        authenticated: true,
        factor: a.factor,
        amr: a.factor.amr().to_owned(),
        auth_time: a.auth_time,
        sub,
    }))
}

/// Samples from the schema's `biometrics` shape.
pub(super) fn samples(biometrics: Vec<Value>) -> Result<Vec<BiometricSample>, ApiError> {
    BiometricSample::from_record(&json!({ "biometrics": biometrics }))
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "idp.bad_biometrics", e.to_string()))
}

/// Sends an OTP to the person's phone (or email).
#[utoipa::path(post, path = "/v1/auth/otp/send", tag = "auth", request_body = OtpSendRequest,
    responses((status = 200, body = OtpSent), (status = 403, body = Problem, description = "`idp.identity_inactive`, `idp.vid_*`"),
              (status = 404, body = Problem), (status = 429, body = Problem, description = "`idp.otp_resend_*`, `idp.otp_locked`, `idp.otp_too_many_open`")),
    security(("operator_token" = [])))]
pub async fn otp_send(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<OtpSendRequest>,
) -> Result<Json<OtpSent>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let purpose = scoped_purpose(&op, &r.purpose)?;
    Ok(Json(
        s.authn
            .send_otp_by(actor(&op), &r.individual_id, &purpose)
            .await?,
    ))
}

/// Checks an OTP.
#[utoipa::path(post, path = "/v1/auth/otp/verify", tag = "auth", request_body = OtpVerifyRequest,
    responses((status = 200, body = AuthResult),
              (status = 401, body = Problem, description = "`idp.otp_mismatch`, `idp.otp_expired`, `idp.otp_used`, `idp.otp_not_sent`"),
              (status = 429, body = Problem, description = "`idp.otp_locked`")),
    security(("operator_token" = [])))]
pub async fn otp_verify(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<OtpVerifyRequest>,
) -> Result<Json<AuthResult>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let purpose = scoped_purpose(&op, &r.purpose)?;
    let a = s
        .authn
        .verify_otp_by(actor(&op), &r.individual_id, &purpose, &r.otp)
        .await?;
    result(&s, &op, a).await
}

/// Sets a person's PIN (supervisor, administrator).
#[utoipa::path(post, path = "/v1/auth/pin", tag = "auth", request_body = PinRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem, description = "`idp.pin_weak`")),
    security(("operator_token" = [])))]
pub async fn pin_set(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<PinRequest>,
) -> Result<StatusCode, ApiError> {
    op.require(Permission::ManageFactors, "set PINs")?;
    s.authn.set_pin(actor(&op), &r.individual_id, &r.pin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a PIN.
#[utoipa::path(post, path = "/v1/auth/pin/verify", tag = "auth", request_body = PinRequest,
    responses((status = 200, body = AuthResult), (status = 401, body = Problem, description = "`idp.pin_mismatch`, `idp.pin_not_set`"),
              (status = 429, body = Problem, description = "`idp.pin_locked`")),
    security(("operator_token" = [])))]
pub async fn pin_verify(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<PinRequest>,
) -> Result<Json<AuthResult>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let a = s
        .authn
        .verify_pin_by(actor(&op), &r.individual_id, &r.pin)
        .await?;
    result(&s, &op, a).await
}

/// Checks stated demographics.
#[utoipa::path(post, path = "/v1/auth/demographic", tag = "auth", request_body = DemographicRequest,
    responses((status = 200, body = AuthResult), (status = 400, body = Problem, description = "`idp.bad_demographics`"),
              (status = 401, body = Problem, description = "`idp.demographic_mismatch`")),
    security(("operator_token" = [])))]
pub async fn demographic(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<DemographicRequest>,
) -> Result<Json<AuthResult>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let a = s
        .authn
        .verify_demographics(actor(&op), &r.individual_id, &r.demographics)
        .await?;
    result(&s, &op, a).await
}

/// Checks biometric samples (built-in exact-template matcher).
#[utoipa::path(post, path = "/v1/auth/biometric", tag = "auth", request_body = BiometricRequest,
    responses((status = 200, body = AuthResult), (status = 400, body = Problem, description = "`idp.bad_biometrics`, `idp.no_biometric`"),
              (status = 401, body = Problem, description = "`idp.biometric_mismatch`")),
    security(("operator_token" = [])))]
pub async fn biometric(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<BiometricRequest>,
) -> Result<Json<AuthResult>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let probe = samples(r.biometrics)?;
    let a = s
        .authn
        .verify_biometrics(actor(&op), &r.individual_id, &probe)
        .await?;
    result(&s, &op, a).await
}

/// Binds a wallet's public key to a person, replacing any earlier one (supervisor,
/// administrator).
#[utoipa::path(post, path = "/v1/auth/wallet/keys", tag = "auth", request_body = WalletKeyRequest,
    responses((status = 201, body = WalletKeyBound), (status = 403, body = Problem),
              (status = 422, body = Problem, description = "`idp.wallet_bad_key`")),
    security(("operator_token" = [])))]
pub async fn wallet_bind(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<WalletKeyRequest>,
) -> Result<(StatusCode, Json<WalletKeyBound>), ApiError> {
    op.require(Permission::ManageFactors, "bind wallet keys")?;
    let thumbprint = s
        .authn
        .bind_wallet_key(actor(&op), &r.individual_id, &r.jwk)
        .await?;
    Ok((StatusCode::CREATED, Json(WalletKeyBound { thumbprint })))
}

/// Opens a challenge for the person's wallet.
#[utoipa::path(post, path = "/v1/auth/wallet/challenge", tag = "auth", request_body = ChallengeRequest,
    responses((status = 200, body = ChallengeResponse), (status = 401, body = Problem, description = "`idp.wallet_not_bound`")),
    security(("operator_token" = [])))]
pub async fn wallet_challenge(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<ChallengeRequest>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let c = s.authn.wallet_challenge(actor(&op), &r.individual_id).await?;
    Ok(Json(ChallengeResponse {
        nonce: c.nonce,
        expires_at: c.expires_at,
        audience: s.authn.issuer().to_owned(),
    }))
}

/// Checks the wallet's signed answer.
#[utoipa::path(post, path = "/v1/auth/wallet/verify", tag = "auth", request_body = WalletVerifyRequest,
    responses((status = 200, body = AuthResult),
              (status = 401, body = Problem, description = "`idp.wallet_bad_response`, `idp.challenge_used`, `idp.challenge_expired`, `idp.challenge_unknown`")),
    security(("operator_token" = [])))]
pub async fn wallet_verify(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<WalletVerifyRequest>,
) -> Result<Json<AuthResult>, ApiError> {
    op.require(Permission::Authenticate, "authenticate people")?;
    let a = s
        .authn
        .verify_wallet(actor(&op), &r.individual_id, &r.nonce, &r.response)
        .await?;
    result(&s, &op, a).await
}
