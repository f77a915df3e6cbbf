//! Enrolment: validate → de-duplicate → assign a UIN → return the RID, once per idempotency key.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::checks;
use super::{Actor, Raced, Registry, history_aad, identity_aad, retry_races};
use crate::audit::{Appender, Event};
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

/// What one enrolment needs written, checked and hashed outside the write turn.
pub(crate) struct Prepared {
    actor: String,
    purpose: String,
    key: String,
    request_hash: String,
    keys: Vec<(String, String)>,
    plain: String,
}

/// The answer to one enrolment: created or replayed, or a refusal (duplicate, reused key).
pub(crate) type Outcome = Result<Answer, ApiError>;

/// Records of one bulk enrolment in flight at once: enough to fill group commits.
pub const BULK_IN_FLIGHT: usize = 64;

/// Enrolments committed together at most (bounds a batch's latency and transaction size).
pub(crate) const MAX_BATCH: usize = 128;

impl Registry {
    /// Enrols `identity` under idempotency `key`: 201 with `{rid, uin}`; the same key with the
    /// same document replays the first answer; a person already registered is 409
    /// `idp.duplicate` naming the existing RID, and nothing is written.
    ///
    /// Validation, hashing and de-duplication keys are computed by the caller's task; the
    /// writes go through group commit (see [`super::batch`]), so concurrent enrolments share a
    /// transaction and its `fsync`.
    pub async fn enrol(&self, actor: Actor<'_>, key: &str, identity: &Value) -> Result<Answer, ApiError> {
        check_idempotency_key(key)?;
        checks::validate(&self.schema, identity)?;
        let plain = identity.to_string();
        let job = Prepared {
            actor: actor.id.to_string(),
            purpose: actor.purpose("enrolment").to_string(),
            key: key.to_string(),
            request_hash: hex::encode(Sha256::digest(plain.as_bytes())),
            keys: checks::dedup_keys(&self.sealer, identity)?,
            plain,
        };
        let this = self.clone();
        self.enrolments
            .submit(job, move |jobs| {
                let this = this.clone();
                async move { this.write_enrolments(jobs).await }
            })
            .await
            .unwrap_or_else(|| Err(ApiError::internal("the enrolment batch failed")))
    }

    /// Writes `jobs` in one transaction; if that fails (a lost uniqueness race, a database
    /// error), rolls it back and writes each job in its own transaction, so one bad job only
    /// fails itself.
    async fn write_enrolments(&self, jobs: Vec<Prepared>) -> Vec<Outcome> {
        if jobs.len() > 1
            && let Ok(outcomes) = self.write_batch(&jobs).await
        {
            return outcomes;
        }
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in &jobs {
            outcomes.push(retry_races(|| self.write_alone(job)).await);
        }
        outcomes
    }

    async fn write_batch(&self, jobs: &[Prepared]) -> Result<Vec<Outcome>, Raced> {
        let mut w = self.store.begin_write().await?;
        let mut log = Appender::open(&mut w).await?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            outcomes.push(self.write_enrolment(&mut w, &mut log, job).await?);
        }
        log.close(&mut w).await?;
        w.commit().await?;
        Ok(outcomes)
    }

    async fn write_alone(&self, job: &Prepared) -> Result<Answer, Raced> {
        let mut w = self.store.begin_write().await?;
        let mut log = Appender::open(&mut w).await?;
        let outcome = self.write_enrolment(&mut w, &mut log, job).await?;
        log.close(&mut w).await?;
        w.commit().await?;
        outcome.map_err(Raced::Api)
    }

    /// One enrolment inside `w`. The outer error aborts the transaction; the inner one is a
    /// refusal whose audit entry (if any) commits with the rest.
    async fn write_enrolment(
        &self,
        w: &mut WriteTx,
        log: &mut Appender,
        job: &Prepared,
    ) -> Result<Outcome, Raced> {
        if let Some(outcome) = replay(w, &job.key, &job.request_hash).await? {
            return Ok(outcome);
        }
        if let Some((uin, rid)) = find_duplicate(w, &job.keys).await? {
            let e = Event {
                actor: &job.actor,
                action: "enrolment.duplicate",
                purpose: &job.purpose,
                subject: &uin,
            };
            log.push(w, e).await?;
            return Ok(Err(ApiError::new(
                StatusCode::CONFLICT,
                "idp.duplicate",
                "this person is already registered",
            )
            .with(json!({ "existing": { "rid": rid } }))));
        }
        let uin = self.uin_generator()?.uin().map_err(ApiError::internal)?;
        let uin = uin.as_str();
        let rid = self.next_rid(w).await?;
        let at = now();
        let (key_id, sealed) = self.sealer.seal(&identity_aad(uin), job.plain.as_bytes());
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
        let (hkey, hsealed) = self.sealer.seal(&history_aad(uin, 1), job.plain.as_bytes());
        insert_history(w, uin, 1, "create", &job.actor, "enrolment", at, &hkey, &hsealed).await?;
        insert_dedup_keys(w, uin, &job.keys).await?;
        let body = json!({ "rid": rid, "uin": uin });
        sqlx::query(
            "INSERT INTO enrolments (idempotency_key, request_hash, operator_id, status, response, created_at) \
             VALUES ($1, $2, $3, 201, $4, $5)",
        )
        .bind(&job.key)
        .bind(&job.request_hash)
        .bind(&job.actor)
        .bind(body.to_string())
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        let e = Event {
            actor: &job.actor,
            action: "enrolment.create",
            purpose: &job.purpose,
            subject: uin,
        };
        log.push(w, e).await?;
        Ok(Ok(Answer {
            status: StatusCode::CREATED,
            body,
        }))
    }

    async fn next_rid(&self, w: &mut WriteTx) -> Result<String, Raced> {
        let n: i64 =
            sqlx::query_scalar("UPDATE counters SET value = value + 1 WHERE name = 'rid' RETURNING value")
                .fetch_one(&mut *w.tx)
                .await?;
        let seq = u32::try_from(n.rem_euclid(100_000)).unwrap_or(0);
        let rid = Rid::new(self.centre_id, self.machine_id, seq, now()).map_err(ApiError::internal)?;
        Ok(rid.as_str().to_string())
    }
}

async fn replay(w: &mut WriteTx, key: &str, request_hash: &str) -> Result<Option<Outcome>, Raced> {
    let row: Option<(String, i64, String)> =
        sqlx::query_as("SELECT request_hash, status, response FROM enrolments WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&mut *w.tx)
            .await?;
    let Some((hash, status, response)) = row else {
        return Ok(None);
    };
    if hash != request_hash {
        return Ok(Some(Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idp.idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
        ))));
    }
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| ApiError::internal("bad stored status"))?;
    let body = serde_json::from_str(&response).map_err(ApiError::internal)?;
    Ok(Some(Ok(Answer { status, body })))
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
