//! Enrolment: validate → de-duplicate → assign a UIN → return the RID, once per idempotency key.

use std::collections::{BTreeMap, HashMap};

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::AssertSqlSafe;

use super::checks;
use super::{Actor, RACE_RETRIES, Raced, Registry, history_aad, identity_aad};
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

/// What one enrolment needs written, checked, hashed and sealed outside the write turn.
pub(crate) struct Prepared {
    actor: String,
    purpose: String,
    key: String,
    request_hash: String,
    keys: Vec<(String, String)>,
    plain: String,
    sealed: Sealed,
}

/// A proposed UIN and the record and history v1 sealed to it (the UIN is in the associated
/// data, so a new UIN means sealing again).
struct Sealed {
    uin: String,
    key_id: String,
    data: Vec<u8>,
    history_key_id: String,
    history_data: Vec<u8>,
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
    /// Validation, hashing, blind indexes and sealing run in the caller's task; the writes go
    /// through group commit (see [`super::batch`]), so concurrent enrolments share a
    /// transaction, its statements and its `fsync`.
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
            sealed: self.seal_new(&plain)?,
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

    fn seal_new(&self, plain: &str) -> Result<Sealed, ApiError> {
        let uin = self.uin_generator()?.uin().map_err(ApiError::internal)?;
        let uin = uin.as_str().to_string();
        let (key_id, data) = self.sealer.seal(&identity_aad(&uin), plain.as_bytes());
        let (history_key_id, history_data) = self.sealer.seal(&history_aad(&uin, 1), plain.as_bytes());
        Ok(Sealed {
            uin,
            key_id,
            data,
            history_key_id,
            history_data,
        })
    }

    /// Writes `jobs` in one transaction; if that fails (a UIN collision, a lost race with
    /// another instance, a database error), rolls it back and writes each job in its own
    /// transaction, with a fresh UIN after a collision, so one bad job only fails itself.
    async fn write_enrolments(&self, mut jobs: Vec<Prepared>) -> Vec<Outcome> {
        // A batch of one goes straight to the path that retries it.
        if jobs.len() > 1
            && let Ok(outcomes) = self.write_batch(&jobs).await
        {
            return outcomes;
        }
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in &mut jobs {
            outcomes.push(self.write_alone(job).await);
        }
        outcomes
    }

    async fn write_alone(&self, job: &mut Prepared) -> Outcome {
        for _ in 0..RACE_RETRIES {
            match self.write_batch(std::slice::from_ref(job)).await {
                Ok(mut outcomes) => {
                    return outcomes
                        .pop()
                        .unwrap_or_else(|| Err(ApiError::internal("no outcome")));
                }
                Err(Raced::Unique) => job.sealed = self.seal_new(&job.plain)?,
                Err(Raced::Api(e)) => return Err(e),
            }
        }
        Err(ApiError::conflict("too much contention; retry the request"))
    }

    /// The whole batch in one transaction and a fixed number of statements: one look-up of
    /// the stored answers, one of the de-duplication keys per kind, one RID reservation, then
    /// multi-row inserts. The decisions (replay, duplicate, create) are made in memory, in
    /// queue order, so a record sees the ones before it in the same batch.
    async fn write_batch(&self, jobs: &[Prepared]) -> Result<Vec<Outcome>, Raced> {
        let mut w = self.store.begin_write().await?;
        let mut plan = Plan {
            answers: stored_answers(&mut w, jobs).await?,
            registered: registered_keys(&mut w, jobs).await?,
            created: Vec::new(),
        };
        let first_rid = reserve_rids(&mut w, jobs.len()).await?;
        let mut log = Appender::open(&mut w).await?;
        let at = now();
        let mut outcomes = Vec::with_capacity(jobs.len());
        for (i, job) in jobs.iter().enumerate() {
            let seq = first_rid.wrapping_add(i as i64);
            outcomes.push(plan.decide(self, i, job, seq, at, &mut log)?);
        }
        plan.insert(&mut w, jobs, at).await?;
        log.close(&mut w).await?;
        w.commit().await?;
        Ok(outcomes)
    }

    fn rid(&self, seq: i64, at: i64) -> Result<String, ApiError> {
        let seq = u32::try_from(seq.rem_euclid(100_000)).unwrap_or(0);
        let rid = Rid::new(self.centre_id, self.machine_id, seq, at).map_err(ApiError::internal)?;
        Ok(rid.as_str().to_string())
    }
}

/// A stored answer: request hash and the answer to replay.
type Stored = (String, Answer);

/// One batch's decisions, made in memory before anything is inserted.
struct Plan {
    /// Idempotency key → stored answer (from the database, then from this batch).
    answers: HashMap<String, Stored>,
    /// (kind, blind index) → (UIN, RID) of the registered identity.
    registered: HashMap<(String, String), (String, String)>,
    /// Jobs (by index) that create an identity, with their RIDs.
    created: Vec<(usize, String)>,
}

impl Plan {
    fn decide(
        &mut self,
        reg: &Registry,
        index: usize,
        job: &Prepared,
        seq: i64,
        at: i64,
        log: &mut Appender,
    ) -> Result<Outcome, ApiError> {
        if let Some((hash, answer)) = self.answers.get(&job.key) {
            if *hash != job.request_hash {
                return Ok(Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idp.idempotency_key_reused",
                    "this Idempotency-Key was used with a different request",
                )));
            }
            return Ok(Ok(answer.clone()));
        }
        let event = |action, subject| Event {
            actor: &job.actor,
            action,
            purpose: &job.purpose,
            subject,
        };
        if let Some((uin, rid)) = job.keys.iter().find_map(|k| self.registered.get(k)).cloned() {
            log.push(event("enrolment.duplicate", &uin));
            return Ok(Err(ApiError::new(
                StatusCode::CONFLICT,
                "idp.duplicate",
                "this person is already registered",
            )
            .with(json!({ "existing": { "rid": rid } }))));
        }
        let uin = &job.sealed.uin;
        let rid = reg.rid(seq, at)?;
        for k in &job.keys {
            self.registered.insert(k.clone(), (uin.clone(), rid.clone()));
        }
        let answer = Answer {
            status: StatusCode::CREATED,
            body: json!({ "rid": rid, "uin": uin }),
        };
        self.answers
            .insert(job.key.clone(), (job.request_hash.clone(), answer.clone()));
        log.push(event("enrolment.create", uin));
        self.created.push((index, rid));
        Ok(Ok(answer))
    }

    /// Inserts the created identities: record, history v1, dedup rows, stored answer.
    async fn insert(&self, w: &mut WriteTx, jobs: &[Prepared], at: i64) -> Result<(), sqlx::Error> {
        let created: Vec<(&Prepared, &str)> = self
            .created
            .iter()
            .filter_map(|(i, rid)| Some((jobs.get(*i)?, rid.as_str())))
            .collect();
        crate::store::insert_rows(
            w,
            "identities (uin, rid, status, version, key_id, data, created_at, updated_at)",
            8,
            &created,
            |q, (job, rid)| {
                q.bind(job.sealed.uin.as_str())
                    .bind(*rid)
                    .bind("active")
                    .bind(1_i64)
                    .bind(job.sealed.key_id.as_str())
                    .bind(job.sealed.data.as_slice())
                    .bind(at)
                    .bind(at)
            },
        )
        .await?;
        crate::store::insert_rows(
            w,
            "identity_history (uin, version, change, actor, reason, at, key_id, data)",
            8,
            &created,
            |q, (job, _)| {
                q.bind(job.sealed.uin.as_str())
                    .bind(1_i64)
                    .bind("create")
                    .bind(job.actor.as_str())
                    .bind("enrolment")
                    .bind(at)
                    .bind(job.sealed.history_key_id.as_str())
                    .bind(job.sealed.history_data.as_slice())
            },
        )
        .await?;
        let dedup: Vec<(&str, &str, &str)> = created
            .iter()
            .flat_map(|(job, _)| {
                job.keys
                    .iter()
                    .map(|(k, h)| (k.as_str(), h.as_str(), job.sealed.uin.as_str()))
            })
            .collect();
        crate::store::insert_rows(
            w,
            "dedup_keys (kind, key_hash, uin)",
            3,
            &dedup,
            |q, (k, h, u)| q.bind(*k).bind(*h).bind(*u),
        )
        .await?;
        let answers: Vec<(&Prepared, String)> = created
            .iter()
            .map(|(job, rid)| (*job, json!({ "rid": rid, "uin": job.sealed.uin }).to_string()))
            .collect();
        crate::store::insert_rows(
            w,
            "enrolments (idempotency_key, request_hash, operator_id, status, response, created_at)",
            6,
            &answers,
            |q, (job, body)| {
                q.bind(job.key.as_str())
                    .bind(job.request_hash.as_str())
                    .bind(job.actor.as_str())
                    .bind(201_i64)
                    .bind(body.as_str())
                    .bind(at)
            },
        )
        .await
    }
}

/// Stored answers for the batch's idempotency keys.
async fn stored_answers(w: &mut WriteTx, jobs: &[Prepared]) -> Result<HashMap<String, Stored>, Raced> {
    let keys: Vec<&str> = jobs.iter().map(|j| j.key.as_str()).collect();
    let sql = format!(
        "SELECT idempotency_key, request_hash, status, response FROM enrolments WHERE idempotency_key IN ({})",
        crate::store::placeholders(1, keys.len())
    );
    let mut q = sqlx::query_as::<_, (String, String, i64, String)>(AssertSqlSafe(sql));
    for k in &keys {
        q = q.bind(*k);
    }
    let mut out = HashMap::new();
    for (key, hash, status, response) in q.fetch_all(&mut *w.tx).await? {
        let status = u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .ok_or_else(|| ApiError::internal("bad stored status"))?;
        let body = serde_json::from_str(&response).map_err(ApiError::internal)?;
        out.insert(key, (hash, Answer { status, body }));
    }
    Ok(out)
}

/// The registered identities holding any of the batch's de-duplication keys, one query per kind.
async fn registered_keys(
    w: &mut WriteTx,
    jobs: &[Prepared],
) -> Result<HashMap<(String, String), (String, String)>, sqlx::Error> {
    let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (kind, hash) in jobs.iter().flat_map(|j| &j.keys) {
        by_kind.entry(kind).or_default().push(hash);
    }
    let mut out = HashMap::new();
    for (kind, hashes) in by_kind {
        // A batch of records with many biometric samples can hold more keys than one
        // statement may bind.
        for chunk in hashes.chunks(crate::store::MAX_PARAMS - 1) {
            let sql = format!(
                "SELECT d.key_hash, i.uin, i.rid FROM dedup_keys d JOIN identities i ON i.uin = d.uin \
                 WHERE d.kind = $1 AND d.key_hash IN ({})",
                crate::store::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, String, String)>(AssertSqlSafe(sql)).bind(kind);
            for h in chunk {
                q = q.bind(*h);
            }
            for (hash, uin, rid) in q.fetch_all(&mut *w.tx).await? {
                out.insert((kind.to_string(), hash), (uin, rid));
            }
        }
    }
    Ok(out)
}

/// Takes `n` RID sequence numbers; returns the first.
async fn reserve_rids(w: &mut WriteTx, n: usize) -> Result<i64, sqlx::Error> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let last: i64 =
        sqlx::query_scalar("UPDATE counters SET value = value + $1 WHERE name = 'rid' RETURNING value")
            .bind(n)
            .fetch_one(&mut *w.tx)
            .await?;
    Ok(last - n + 1)
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
