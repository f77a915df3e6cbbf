//! Enrolment: validate → de-duplicate → assign a UIN → return the RID, once per idempotency key.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::checks;
use super::{Actor, Raced, Registry, history_aad, identity_aad, retry_races};
use crate::audit::{self, Event};
use crate::error::ApiError;
use crate::ids::Rid;
use crate::store::{WriteTx, now};

/// Longest accepted `Idempotency-Key`.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

/// The stored answer to an enrolment: HTTP status and JSON body (replayed on a retry).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Response body.
    pub body: Value,
}

/// Checks an idempotency key: 1–200 visible ASCII characters.
pub fn check_idempotency_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.bad_idempotency_key",
            "Idempotency-Key must be 1-200 visible ASCII characters",
        ));
    }
    Ok(())
}

impl Registry {
    /// Enrols `identity` under idempotency `key`: 201 with `{rid, uin}`; the same key with the
    /// same document replays the first answer; a person already registered is 409
    /// `idp.duplicate` naming the existing RID, and nothing is written.
    pub async fn enrol(&self, actor: Actor<'_>, key: &str, identity: &Value) -> Result<Answer, ApiError> {
        check_idempotency_key(key)?;
        checks::validate(&self.schema, identity)?;
        let request_hash = hex::encode(Sha256::digest(identity.to_string().as_bytes()));
        let keys = checks::dedup_keys(&self.sealer, identity)?;
        let plain = identity.to_string();
        retry_races(|| self.try_enrol(actor, key, &request_hash, &keys, &plain)).await
    }

    async fn try_enrol(
        &self,
        actor: Actor<'_>,
        key: &str,
        request_hash: &str,
        keys: &[(String, String)],
        plain: &str,
    ) -> Result<Answer, Raced> {
        let mut w = self.store.begin_write().await?;
        if let Some(answer) = replay(&mut w, key, request_hash).await? {
            return Ok(answer);
        }
        if let Some((uin, rid)) = find_duplicate(&mut w, keys).await? {
            let purpose = actor.purpose("enrolment");
            let e = Event {
                actor: actor.id,
                action: "enrolment.duplicate",
                purpose,
                subject: &uin,
            };
            audit::append(&mut w, e).await?;
            w.commit().await?;
            return Err(Raced::Api(
                ApiError::new(
                    StatusCode::CONFLICT,
                    "idp.duplicate",
                    "this person is already registered",
                )
                .with(json!({ "existing": { "rid": rid } })),
            ));
        }
        let uin = self.uin_generator()?.uin().map_err(ApiError::internal)?;
        let uin = uin.as_str();
        let rid = self.next_rid(&mut w).await?;
        let at = now();
        let (key_id, sealed) = self.sealer.seal(&identity_aad(uin), plain.as_bytes());
        sqlx::query(
            "INSERT INTO identities (uin, rid, status, status_reason, version, key_id, data, created_at, updated_at) \
             VALUES ($1, $2, 'active', NULL, 1, $3, $4, $5, $5)",
        )
        .bind(uin)
        .bind(&rid)
        .bind(&key_id)
        .bind(&sealed)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        let (hkey, hsealed) = self.sealer.seal(&history_aad(uin, 1), plain.as_bytes());
        insert_history(
            &mut w,
            uin,
            1,
            "create",
            actor.id,
            "enrolment",
            at,
            &hkey,
            &hsealed,
        )
        .await?;
        insert_dedup_keys(&mut w, uin, keys).await?;
        let body = json!({ "rid": rid, "uin": uin });
        sqlx::query(
            "INSERT INTO enrolments (idempotency_key, request_hash, operator_id, status, response, created_at) \
             VALUES ($1, $2, $3, 201, $4, $5)",
        )
        .bind(key)
        .bind(request_hash)
        .bind(actor.id)
        .bind(body.to_string())
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        let e = Event {
            actor: actor.id,
            action: "enrolment.create",
            purpose: actor.purpose("enrolment"),
            subject: uin,
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        Ok(Answer {
            status: StatusCode::CREATED,
            body,
        })
    }

    async fn next_rid(&self, w: &mut WriteTx) -> Result<String, Raced> {
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'rid'")
            .execute(&mut *w.tx)
            .await?;
        let n: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = 'rid'")
            .fetch_one(&mut *w.tx)
            .await?;
        let seq = u32::try_from(n.rem_euclid(100_000)).unwrap_or(0);
        let rid = Rid::new(self.centre_id, self.machine_id, seq, now()).map_err(ApiError::internal)?;
        Ok(rid.as_str().to_string())
    }
}

async fn replay(w: &mut WriteTx, key: &str, request_hash: &str) -> Result<Option<Answer>, Raced> {
    let row: Option<(String, i64, String)> =
        sqlx::query_as("SELECT request_hash, status, response FROM enrolments WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&mut *w.tx)
            .await?;
    let Some((hash, status, response)) = row else {
        return Ok(None);
    };
    if hash != request_hash {
        return Err(Raced::Api(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idp.idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
        )));
    }
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| ApiError::internal("bad stored status"))?;
    let body = serde_json::from_str(&response).map_err(ApiError::internal)?;
    Ok(Some(Answer { status, body }))
}

/// The first registered identity sharing any de-duplication key: (UIN, RID).
pub(super) async fn find_duplicate(
    w: &mut WriteTx,
    keys: &[(String, String)],
) -> Result<Option<(String, String)>, sqlx::Error> {
    for (kind, hash) in keys {
        let hit: Option<(String, String)> = sqlx::query_as(
            "SELECT i.uin, i.rid FROM dedup_keys d JOIN identities i ON i.uin = d.uin \
             WHERE d.kind = $1 AND d.key_hash = $2",
        )
        .bind(kind)
        .bind(hash)
        .fetch_optional(&mut *w.tx)
        .await?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    Ok(None)
}

pub(super) async fn insert_dedup_keys(
    w: &mut WriteTx,
    uin: &str,
    keys: &[(String, String)],
) -> Result<(), sqlx::Error> {
    for (kind, hash) in keys {
        sqlx::query("INSERT INTO dedup_keys (kind, key_hash, uin) VALUES ($1, $2, $3)")
            .bind(kind)
            .bind(hash)
            .bind(uin)
            .execute(&mut *w.tx)
            .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_history(
    w: &mut WriteTx,
    uin: &str,
    version: i64,
    change: &str,
    actor: &str,
    reason: &str,
    at: i64,
    key_id: &str,
    sealed: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO identity_history (uin, version, change, actor, reason, at, key_id, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uin)
    .bind(version)
    .bind(change)
    .bind(actor)
    .bind(reason)
    .bind(at)
    .bind(key_id)
    .bind(sealed)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}
