//! Virtual IDs: issue (per the type's policy: instance limit, validity, transactions) and revoke
//! (with the policy's restore action).

use axum::http::StatusCode;
use serde::Serialize;

use super::{Actor, Raced, Registry, retry_races};
use crate::audit::{self, Event};
use crate::error::ApiError;
use crate::ids::{IdError, VidPolicy, VidType};
use crate::store::{WriteTx, now};

/// A VID as served to an operator.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct VidRecord {
    /// The 16-digit VID.
    pub vid: String,
    /// `perpetual` or `temporary`.
    pub kind: String,
    /// `active` or `revoked`.
    pub status: String,
    /// Unix seconds, if it expires.
    pub expires_at: Option<i64>,
    /// Transactions allowed, if limited.
    pub max_transactions: Option<i64>,
    /// Transactions used.
    pub transactions: i64,
    /// Unix seconds.
    pub created_at: i64,
}

fn kind_name(t: VidType) -> &'static str {
    match t {
        VidType::Perpetual => "perpetual",
        VidType::Temporary => "temporary",
    }
}

fn policy_for(kind: &str) -> Option<VidPolicy> {
    match kind {
        "perpetual" => Some(VidPolicy::perpetual()),
        "temporary" => Some(VidPolicy::temporary()),
        _ => None,
    }
}

fn id_error(e: IdError) -> ApiError {
    let status = match e {
        IdError::VidInstanceLimit => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, e.code(), e.to_string())
}

const VID_COLUMNS: &str = "vid, kind, status, expires_at, max_transactions, transactions, created_at";

#[derive(sqlx::FromRow)]
struct StoredVid {
    uin: String,
    #[sqlx(flatten)]
    rec: VidRecord,
}

impl Registry {
    /// Issues a VID of `vid_type` to an active identity.
    pub async fn issue_vid(
        &self,
        actor: Actor<'_>,
        uin: &str,
        vid_type: VidType,
    ) -> Result<VidRecord, ApiError> {
        let policy = match vid_type {
            VidType::Perpetual => VidPolicy::perpetual(),
            VidType::Temporary => VidPolicy::temporary(),
        };
        retry_races(|| async {
            let mut w = self.store.begin_write().await?;
            self.require_active(&mut w, uin).await?;
            let rec = self.insert_vid(&mut w, uin, &policy).await?;
            let e = Event {
                actor: actor.id,
                action: "vid.issue",
                purpose: actor.purpose("vid"),
                subject: uin,
            };
            audit::append(&mut w, e).await?;
            w.commit().await?;
            Ok(rec)
        })
        .await
    }

    async fn require_active(&self, w: &mut WriteTx, uin: &str) -> Result<(), Raced> {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM identities WHERE uin = $1")
            .bind(uin)
            .fetch_optional(&mut *w.tx)
            .await?;
        match status.as_deref() {
            None => Err(Raced::Api(ApiError::not_found("no identity with that UIN"))),
            Some("active") => Ok(()),
            Some(_) => Err(Raced::Api(ApiError::conflict("the identity is not active"))),
        }
    }

    async fn insert_vid(&self, w: &mut WriteTx, uin: &str, policy: &VidPolicy) -> Result<VidRecord, Raced> {
        let kind = kind_name(policy.vid_type);
        let at = now();
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM vids WHERE uin = $1 AND kind = $2 AND status = 'active' \
             AND (expires_at IS NULL OR expires_at > $3)",
        )
        .bind(uin)
        .bind(kind)
        .bind(at)
        .fetch_one(&mut *w.tx)
        .await?;
        policy
            .check_issue(u32::try_from(active).unwrap_or(u32::MAX))
            .map_err(id_error)?;
        let vid = self.vid_generator()?.vid().map_err(ApiError::internal)?;
        let rec = VidRecord {
            vid: vid.as_str().to_string(),
            kind: kind.into(),
            status: "active".into(),
            expires_at: policy.expires_at(at),
            max_transactions: policy.transactions_allowed.map(i64::from),
            transactions: 0,
            created_at: at,
        };
        sqlx::query(
            "INSERT INTO vids (vid, uin, kind, status, expires_at, max_transactions, transactions, created_at, revoked_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, 0, $6, NULL)",
        )
        .bind(&rec.vid)
        .bind(uin)
        .bind(kind)
        .bind(rec.expires_at)
        .bind(rec.max_transactions)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        Ok(rec)
    }

    /// The VIDs of an identity (audited as `vid.list`).
    pub async fn list_vids(&self, actor: Actor<'_>, uin: &str) -> Result<Vec<VidRecord>, ApiError> {
        let mut w = self.store.begin_write().await?;
        let sql = format!("SELECT {VID_COLUMNS} FROM vids WHERE uin = $1 ORDER BY created_at, vid");
        let rows: Vec<VidRecord> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(uin)
            .fetch_all(&mut *w.tx)
            .await?;
        let e = Event {
            actor: actor.id,
            action: "vid.list",
            purpose: actor.purpose("vid"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        Ok(rows)
    }

    /// Revokes a VID; when its policy says so, issues a replacement (returned).
    pub async fn revoke_vid(
        &self,
        actor: Actor<'_>,
        vid: &str,
    ) -> Result<(VidRecord, Option<VidRecord>), ApiError> {
        if vid.is_empty() || vid.len() > 32 || !vid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::not_found("no such VID"));
        }
        retry_races(|| async {
            let mut w = self.store.begin_write().await?;
            let sql = format!("SELECT {VID_COLUMNS}, uin FROM vids WHERE vid = $1");
            let row: Option<StoredVid> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(vid)
                .fetch_optional(&mut *w.tx)
                .await?;
            let Some(StoredVid { uin, rec }) = row else {
                return Err(Raced::Api(ApiError::not_found("no such VID")));
            };
            if rec.status != "active" {
                return Err(Raced::Api(ApiError::conflict("the VID is already revoked")));
            }
            let policy = policy_for(&rec.kind).ok_or_else(|| ApiError::internal("bad VID kind"))?;
            sqlx::query("UPDATE vids SET status = 'revoked', revoked_at = $1 WHERE vid = $2")
                .bind(now())
                .bind(vid)
                .execute(&mut *w.tx)
                .await?;
            let replacement =
                if policy.replaces_on_revoke() && self.require_active(&mut w, &uin).await.is_ok() {
                    Some(self.insert_vid(&mut w, &uin, &policy).await?)
                } else {
                    None
                };
            let e = Event {
                actor: actor.id,
                action: "vid.revoke",
                purpose: actor.purpose("vid"),
                subject: &uin,
            };
            audit::append(&mut w, e).await?;
            w.commit().await?;
            let revoked = VidRecord {
                status: "revoked".into(),
                ..rec
            };
            Ok((revoked, replacement))
        })
        .await
    }
}
