//! Lifecycle of a registered identity: read, history, update, status changes, lost-UIN search.

use axum::http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use super::checks;
use super::enrol::{find_duplicate, insert_dedup_keys, insert_history};
use super::{Actor, Raced, Registry, history_aad, identity_aad, retry_races};
use crate::audit::{self, Event};
use crate::error::ApiError;
use crate::store::{WriteTx, now};

/// Longest accepted reason for a change.
pub const MAX_REASON: usize = 500;

/// An identity's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Usable.
    Active,
    /// Suspended (e.g. on request, or pending review); reactivate brings it back.
    Deactivated,
    /// Blocked (e.g. fraud); only an administrator may reactivate it.
    Blocked,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deactivated => "deactivated",
            Status::Blocked => "blocked",
        }
    }
    fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "active" => Ok(Status::Active),
            "deactivated" => Ok(Status::Deactivated),
            "blocked" => Ok(Status::Blocked),
            _ => Err(ApiError::internal("bad status in database")),
        }
    }
}

/// A status change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// active → deactivated.
    Deactivate,
    /// deactivated (or, for an administrator, blocked) → active.
    Reactivate,
    /// any → blocked.
    Block,
}

/// An identity as served to an operator.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdentityRecord {
    /// UIN.
    pub uin: String,
    /// RID of its enrolment.
    pub rid: String,
    /// Lifecycle state.
    pub status: Status,
    /// Reason of the last status change.
    pub status_reason: Option<String>,
    /// Version (1 at enrolment, +1 per change).
    pub version: i64,
    /// The identity document.
    pub identity: Value,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// One version in an identity's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// Version number.
    pub version: i64,
    /// `create`, `update`, `deactivate`, `reactivate`, `block`.
    pub change: String,
    /// Operator id.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// Unix seconds.
    pub at: i64,
    /// The document at that version.
    pub identity: Value,
}

/// version, change, actor, reason, at, key_id, sealed data.
type HistoryRow = (i64, String, String, String, i64, String, Vec<u8>);

#[derive(sqlx::FromRow)]
struct Row {
    uin: String,
    rid: String,
    status: String,
    status_reason: Option<String>,
    version: i64,
    key_id: String,
    data: Vec<u8>,
    created_at: i64,
    updated_at: i64,
}

/// Checks a change's reason: 1–500 characters after trimming.
pub fn check_reason(reason: &str) -> Result<(), ApiError> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > MAX_REASON {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.bad_reason",
            "reason must be 1-500 characters",
        ));
    }
    Ok(())
}

/// UINs are digits only; anything else cannot name an identity.
fn check_uin(uin: &str) -> Result<(), ApiError> {
    if uin.is_empty() || uin.len() > 32 || !uin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::not_found("no identity with that UIN"));
    }
    Ok(())
}

impl Registry {
    async fn load(&self, w: &mut WriteTx, uin: &str) -> Result<(Row, Value), ApiError> {
        check_uin(uin)?;
        let row: Option<Row> = sqlx::query_as(
            "SELECT uin, rid, status, status_reason, version, key_id, data, created_at, updated_at \
             FROM identities WHERE uin = $1",
        )
        .bind(uin)
        .fetch_optional(&mut *w.tx)
        .await?;
        let row = row.ok_or_else(|| ApiError::not_found("no identity with that UIN"))?;
        let plain = self
            .sealer
            .open(&row.key_id, &identity_aad(&row.uin), &row.data)
            .map_err(ApiError::internal)?;
        let doc = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
        Ok((row, doc))
    }

    fn record(row: Row, identity: Value) -> Result<IdentityRecord, ApiError> {
        Ok(IdentityRecord {
            status: Status::parse(&row.status)?,
            uin: row.uin,
            rid: row.rid,
            status_reason: row.status_reason,
            version: row.version,
            identity,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    /// Reads an identity (audited as `identity.read`).
    pub async fn read(&self, actor: Actor<'_>, uin: &str) -> Result<IdentityRecord, ApiError> {
        let mut w = self.store.begin_write().await?;
        let (row, doc) = self.load(&mut w, uin).await?;
        let e = Event {
            actor: actor.id,
            action: "identity.read",
            purpose: actor.purpose("lifecycle"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        Self::record(row, doc)
    }

    /// Every version of an identity, oldest first (audited as `identity.history`).
    pub async fn history(&self, actor: Actor<'_>, uin: &str) -> Result<Vec<HistoryEntry>, ApiError> {
        let mut w = self.store.begin_write().await?;
        self.load(&mut w, uin).await?;
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT version, change, actor, reason, at, key_id, data FROM identity_history \
             WHERE uin = $1 ORDER BY version",
        )
        .bind(uin)
        .fetch_all(&mut *w.tx)
        .await?;
        let e = Event {
            actor: actor.id,
            action: "identity.history",
            purpose: actor.purpose("lifecycle"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        rows.into_iter()
            .map(|(version, change, actor, reason, at, key_id, data)| {
                let plain = self
                    .sealer
                    .open(&key_id, &history_aad(uin, version), &data)
                    .map_err(ApiError::internal)?;
                let identity = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
                Ok(HistoryEntry {
                    version,
                    change,
                    actor,
                    reason,
                    at,
                    identity,
                })
            })
            .collect()
    }

    /// Replaces an identity's document (validated, de-duplicated against everybody else),
    /// keeping the old version in the history.
    pub async fn update(
        &self,
        actor: Actor<'_>,
        uin: &str,
        identity: &Value,
        reason: &str,
    ) -> Result<IdentityRecord, ApiError> {
        check_reason(reason)?;
        checks::validate(&self.schema, identity)?;
        let keys = checks::dedup_keys(&self.sealer, identity)?;
        retry_races(|| self.try_update(actor, uin, identity, reason.trim(), &keys)).await
    }

    async fn try_update(
        &self,
        actor: Actor<'_>,
        uin: &str,
        identity: &Value,
        reason: &str,
        keys: &[(String, String)],
    ) -> Result<IdentityRecord, Raced> {
        let mut w = self.store.begin_write().await?;
        let (row, _) = self.load(&mut w, uin).await?;
        if row.status == Status::Blocked.as_str() {
            return Err(Raced::Api(ApiError::conflict(
                "a blocked identity cannot be updated",
            )));
        }
        sqlx::query("DELETE FROM dedup_keys WHERE uin = $1")
            .bind(uin)
            .execute(&mut *w.tx)
            .await?;
        if let Some((_, rid)) = find_duplicate(&mut w, keys).await? {
            return Err(Raced::Api(
                ApiError::new(
                    StatusCode::CONFLICT,
                    "idp.duplicate",
                    "the new data matches another registered person",
                )
                .with(serde_json::json!({ "existing": { "rid": rid } })),
            ));
        }
        insert_dedup_keys(&mut w, uin, keys).await?;
        let plain = identity.to_string();
        let version = row.version + 1;
        let at = now();
        let (key_id, sealed) = self.sealer.seal(&identity_aad(uin), plain.as_bytes());
        sqlx::query(
            "UPDATE identities SET data = $1, key_id = $2, version = $3, updated_at = $4 WHERE uin = $5",
        )
        .bind(&sealed)
        .bind(&key_id)
        .bind(version)
        .bind(at)
        .bind(uin)
        .execute(&mut *w.tx)
        .await?;
        let (hk, hs) = self.sealer.seal(&history_aad(uin, version), plain.as_bytes());
        insert_history(&mut w, uin, version, "update", actor.id, reason, at, &hk, &hs).await?;
        let e = Event {
            actor: actor.id,
            action: "identity.update",
            purpose: actor.purpose("lifecycle"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        let row = Row {
            version,
            key_id,
            data: sealed,
            updated_at: at,
            ..row
        };
        Ok(Self::record(row, identity.clone())?)
    }

    /// Deactivates, reactivates or blocks; `may_unblock` lets an administrator reactivate a
    /// blocked identity.
    pub async fn change_status(
        &self,
        actor: Actor<'_>,
        uin: &str,
        change: StatusChange,
        reason: &str,
        may_unblock: bool,
    ) -> Result<IdentityRecord, ApiError> {
        check_reason(reason)?;
        let mut w = self.store.begin_write().await?;
        let (row, doc) = self.load(&mut w, uin).await?;
        let from = Status::parse(&row.status)?;
        let (to, name) = match (change, from) {
            (StatusChange::Deactivate, Status::Active) => (Status::Deactivated, "deactivate"),
            (StatusChange::Reactivate, Status::Deactivated) => (Status::Active, "reactivate"),
            (StatusChange::Reactivate, Status::Blocked) if may_unblock => (Status::Active, "reactivate"),
            (StatusChange::Reactivate, Status::Blocked) => {
                return Err(ApiError::forbidden("reactivate a blocked identity"));
            }
            (StatusChange::Block, s) if s != Status::Blocked => (Status::Blocked, "block"),
            (_, s) => {
                return Err(ApiError::conflict(format!(
                    "cannot {change:?} an identity that is {}",
                    s.as_str()
                )));
            }
        };
        let version = row.version + 1;
        let at = now();
        let reason = reason.trim();
        sqlx::query("UPDATE identities SET status = $1, status_reason = $2, version = $3, updated_at = $4 WHERE uin = $5")
            .bind(to.as_str())
            .bind(reason)
            .bind(version)
            .bind(at)
            .bind(uin)
            .execute(&mut *w.tx)
            .await?;
        let (hk, hs) = self
            .sealer
            .seal(&history_aad(uin, version), doc.to_string().as_bytes());
        insert_history(&mut w, uin, version, name, actor.id, reason, at, &hk, &hs).await?;
        let action = format!("identity.{name}");
        let e = Event {
            actor: actor.id,
            action: &action,
            purpose: actor.purpose("lifecycle"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        let row = Row {
            status: to.as_str().into(),
            status_reason: Some(reason.into()),
            version,
            updated_at: at,
            ..row
        };
        Self::record(row, doc)
    }

    /// Finds the UIN of the person described by `demographics` (the same fields as an
    /// enrolment; only the de-duplication keys are used). Audited as `identity.lost_uin`.
    pub async fn find_lost_uin(
        &self,
        actor: Actor<'_>,
        demographics: &Value,
    ) -> Result<(String, String), ApiError> {
        let keys = checks::demographic_keys(&self.sealer, demographics)?;
        let mut w = self.store.begin_write().await?;
        let hit = find_duplicate(&mut w, &keys).await?;
        let subject = hit.as_ref().map(|h| h.0.as_str()).unwrap_or("-");
        let e = Event {
            actor: actor.id,
            action: "identity.lost_uin",
            purpose: actor.purpose("lost_uin"),
            subject,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        hit.ok_or_else(|| ApiError::not_found("no registered person matches"))
    }
}
