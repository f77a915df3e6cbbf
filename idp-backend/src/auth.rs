//! Operators, their roles and bearer tokens (stored as SHA-256 hashes: tokens are 256-bit random
//! values, so a fast hash is enough; PINs and passwords would need argon2id).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::AppState;
use crate::error::ApiError;
use crate::store::{Store, now};

/// An operator's role; each grants a fixed set of [`Permission`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Enrols people and reads what they enrolled.
    RegistrationOfficer,
    /// Also corrects records, changes status (not block), finds lost UINs, manages VIDs.
    Supervisor,
    /// Everything, including blocking and managing operators.
    Administrator,
    /// A relying partner: authenticates people and receives e-KYC (within its policy).
    Partner,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// `POST /v1/enrolments`.
    Enrol,
    /// Read an identity.
    Read,
    /// Update an identity's data.
    Update,
    /// Deactivate or reactivate.
    ChangeStatus,
    /// Block.
    Block,
    /// Find a UIN from demographics.
    LostUin,
    /// Issue or revoke VIDs.
    ManageVids,
    /// Create operators.
    ManageOperators,
    /// Authenticate a person (send/verify OTP, verify PIN, demographics, biometrics, wallet).
    Authenticate,
    /// Set PINs and bind wallet keys.
    ManageFactors,
    /// Receive e-KYC tokens (partners, within their policy).
    Ekyc,
    /// Register partners and their policies.
    ManagePartners,
}

impl Role {
    /// Whether this role grants `p`.
    ///
    /// ```
    /// use inkan_idp::auth::{Permission, Role};
    /// assert!(Role::Supervisor.may(Permission::LostUin));
    /// assert!(!Role::RegistrationOfficer.may(Permission::Update));
    /// assert!(Role::Partner.may(Permission::Ekyc) && !Role::Partner.may(Permission::Read));
    /// ```
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Administrator => true,
            Role::Supervisor => !matches!(p, Block | ManageOperators | ManagePartners),
            Role::RegistrationOfficer => matches!(p, Enrol | Read),
            Role::Partner => matches!(p, Authenticate | Ekyc),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::RegistrationOfficer => "registration_officer",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
            Role::Partner => "partner",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            Role::RegistrationOfficer,
            Role::Supervisor,
            Role::Administrator,
            Role::Partner,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// The authenticated caller of a request, with the purpose it declared.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Operator id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// `X-Purpose` header (for the audit log), if sent.
    pub purpose: Option<String>,
}

impl Operator {
    /// `Ok` when the role grants `p`, else `idp.forbidden`.
    pub fn require(&self, p: Permission, what: &str) -> Result<(), ApiError> {
        if self.role.may(p) {
            Ok(())
        } else {
            Err(ApiError::forbidden(what))
        }
    }
    /// The declared purpose, or `default`.
    pub fn purpose<'a>(&'a self, default: &'a str) -> &'a str {
        self.purpose.as_deref().unwrap_or(default)
    }
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates an operator and returns its bearer token (shown once, stored only hashed).
pub async fn create_operator(store: &Store, name: &str, role: Role) -> Result<(String, String), sqlx::Error> {
    let mut w = store.begin_write().await?;
    let created = insert_operator(&mut w, name, role).await?;
    w.commit().await?;
    Ok(created)
}

/// [`create_operator`] inside the caller's transaction: returns (id, token).
pub async fn insert_operator(
    w: &mut crate::store::WriteTx,
    name: &str,
    role: Role,
) -> Result<(String, String), sqlx::Error> {
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    let token = format!("inkan_{}", hex::encode(raw));
    let mut id_raw = [0u8; 8];
    OsRng.fill_bytes(&mut id_raw);
    let id = format!("op-{}", hex::encode(id_raw));
    sqlx::query("INSERT INTO operators (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(name)
        .bind(role.as_str())
        .bind(hash_token(&token))
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
    Ok((id, token))
}

/// Whether any operator exists (the demo seed runs only on an empty registry).
pub async fn has_operators(store: &Store) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM operators")
        .fetch_one(store.pool())
        .await?;
    Ok(n > 0)
}

const MAX_PURPOSE: usize = 200;

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthenticated)?;
        let purpose = match parts.headers.get("x-purpose") {
            None => None,
            Some(v) => match v.to_str() {
                Ok(s) if !s.is_empty() && s.len() <= MAX_PURPOSE => Some(s.to_string()),
                _ => {
                    return Err(ApiError::bad_request(
                        "X-Purpose must be 1-200 visible ASCII characters",
                    ));
                }
            },
        };
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, role FROM operators WHERE token_hash = $1")
                .bind(hash_token(token.trim()))
                .fetch_optional(state.store().pool())
                .await?;
        let (id, role) = row.ok_or_else(ApiError::unauthenticated)?;
        let role = Role::parse(&role).ok_or_else(|| ApiError::internal("bad role in database"))?;
        Ok(Operator { id, role, purpose })
    }
}
