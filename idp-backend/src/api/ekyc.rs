//! `/v1/ekyc` (a partner authenticates a person and receives their consented claims as a
//! signed `ekyc+jwt`), `/v1/ekyc/jwks` (the registry's e-KYC signing key) and `/v1/partners`
//! (an administrator registers a partner and its policy).

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::auth::{actor, samples, scoped_purpose};
use super::{ApiJson, AppState};
use crate::auth::{Operator, Permission};
use crate::ekyc::{EkycClaim, PartnerPolicy};
use crate::error::{ApiError, Problem};
use crate::factors::demographic::DemographicClaims;
use crate::registry::authn::Authenticated;

/// How the person authenticates for this e-KYC request (`factor` names the variant).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "factor", rename_all = "snake_case")]
pub enum Proof {
    /// An OTP sent earlier through `/v1/auth/otp/send` with `purpose`.
    Otp {
        /// The purpose the OTP was sent for.
        purpose: String,
        /// The six digits.
        otp: String,
    },
    /// The person's PIN.
    Pin {
        /// 6–12 digits.
        pin: String,
    },
    /// Stated demographics.
    Demographic {
        /// As in `/v1/auth/demographic`.
        #[schema(value_type = Object)]
        demographics: DemographicClaims,
    },
    /// Biometric samples.
    Biometric {
        /// As in `/v1/auth/biometric`.
        #[schema(value_type = Vec<Object>)]
        biometrics: Vec<Value>,
    },
    /// An answer to a wallet challenge from `/v1/auth/wallet/challenge`.
    WalletKey {
        /// The challenge's nonce.
        nonce: String,
        /// The signed answer.
        response: String,
    },
}

/// An e-KYC request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EkycBody {
    /// UIN or VID.
    pub individual_id: String,
    /// The claims the person consented to release (OIDC names: `name`, `birthdate`, …); the
    /// partner's policy must allow every one.
    #[schema(value_type = Vec<String>)]
    pub consent: Vec<EkycClaim>,
    /// The person's authentication.
    pub authentication: Proof,
}

/// The e-KYC token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EkycResponse {
    /// `ekyc+jwt`, ES256, verifiable with `/v1/ekyc/jwks`.
    pub token: String,
}

/// A partner to register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreatePartner {
    /// The partner's id (the `aud` of its tokens), 1–100 visible ASCII characters.
    pub partner_id: String,
    /// Claims it may receive.
    #[schema(value_type = Vec<String>)]
    pub allowed_claims: BTreeSet<EkycClaim>,
    /// Token lifetime, 1–3600 s.
    pub token_ttl_secs: i64,
}

/// The registered partner and its bearer token (shown once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedPartner {
    /// The partner's id.
    pub partner_id: String,
    /// Its operator id.
    pub operator_id: String,
    /// Its bearer token.
    pub token: String,
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/ekyc", post(ekyc))
        .route("/v1/ekyc/jwks", get(jwks))
        .route("/v1/partners", post(create_partner))
}

/// Refuses before authenticating (so a refused request uses no OTP or VID transaction).
fn check_consent(policy: &PartnerPolicy, consent: &[EkycClaim]) -> Result<(), ApiError> {
    if consent.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.ekyc_no_consent",
            "no consented claim",
        ));
    }
    match consent.iter().find(|c| !policy.allowed_claims.contains(c)) {
        Some(c) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "idp.ekyc_claim_not_allowed",
            format!("the partner is not authorised for {c:?}"),
        )),
        None => Ok(()),
    }
}

async fn authenticate(
    s: &AppState,
    op: &Operator,
    id: &str,
    proof: Proof,
) -> Result<Authenticated, ApiError> {
    let who = actor(op);
    let a = &s.authn;
    match proof {
        Proof::Otp { purpose, otp } => {
            let purpose = scoped_purpose(op, &purpose)?;
            a.verify_otp_by(who, id, &purpose, &otp).await
        }
        Proof::Pin { pin } => a.verify_pin_by(who, id, &pin).await,
        Proof::Demographic { demographics } => a.verify_demographics(who, id, &demographics).await,
        Proof::Biometric { biometrics } => a.verify_biometrics(who, id, &samples(biometrics)?).await,
        Proof::WalletKey { nonce, response } => a.verify_wallet(who, id, &nonce, &response).await,
    }
}

/// Authenticates the person and returns their consented claims as a signed JWT (partners).
#[utoipa::path(post, path = "/v1/ekyc", tag = "ekyc", request_body = EkycBody,
    responses((status = 200, body = EkycResponse),
              (status = 400, body = Problem, description = "`idp.ekyc_no_consent`"),
              (status = 401, body = Problem, description = "the factor's refusal (`idp.otp_mismatch`, …)"),
              (status = 403, body = Problem, description = "`idp.ekyc_claim_not_allowed`, `idp.not_a_partner`, `idp.identity_inactive`")),
    security(("operator_token" = [])))]
pub async fn ekyc(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<EkycBody>,
) -> Result<Json<EkycResponse>, ApiError> {
    op.require(Permission::Ekyc, "receive e-KYC")?;
    let policy = s.authn.partner_for(&op.id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "idp.not_a_partner",
            "only a registered partner receives e-KYC",
        )
    })?;
    check_consent(&policy, &r.consent)?;
    let auth = authenticate(&s, &op, &r.individual_id, r.authentication).await?;
    let token = s.authn.ekyc(actor(&op), &policy, &auth, &r.consent).await?;
    Ok(Json(EkycResponse { token }))
}

/// The public key(s) that sign e-KYC tokens (JWK Set).
#[utoipa::path(get, path = "/v1/ekyc/jwks", tag = "ekyc",
    responses((status = 200, description = "JWK Set", body = Object)))]
pub async fn jwks(State(s): State<AppState>) -> Json<Value> {
    Json(s.authn.jwks())
}

/// Registers a partner with its e-KYC policy (administrator).
#[utoipa::path(post, path = "/v1/partners", tag = "ekyc", request_body = CreatePartner,
    responses((status = 201, body = CreatedPartner), (status = 400, body = Problem, description = "`idp.bad_partner`"),
              (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("operator_token" = [])))]
pub async fn create_partner(
    State(s): State<AppState>,
    op: Operator,
    ApiJson(r): ApiJson<CreatePartner>,
) -> Result<(StatusCode, Json<CreatedPartner>), ApiError> {
    op.require(Permission::ManagePartners, "register partners")?;
    let policy = PartnerPolicy {
        partner_id: r.partner_id,
        allowed_claims: r.allowed_claims,
        token_ttl_secs: r.token_ttl_secs,
    };
    let (operator_id, token) = s.authn.create_partner(actor(&op), &policy).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedPartner {
            partner_id: policy.partner_id,
            operator_id,
            token,
        }),
    ))
}
