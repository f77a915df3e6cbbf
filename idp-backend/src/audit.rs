//! The append-only, hash-chained audit log of every read and write of personal data.
//!
//! Entry `n` stores `hash_n = SHA-256(JSON [hash_{n-1}, n, at, actor, action, purpose, subject])`.
//! Appending locks the single `audit_head` row (an `UPDATE` first, which PostgreSQL row-locks and
//! SQLite serialises), so concurrent writers never fork the chain. Editing, deleting or
//! re-ordering an entry, or cutting the tail, breaks [`verify`].

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{Store, WriteTx, now};

/// One audited access.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Operator id (or `system`).
    pub actor: &'a str,
    /// What was done (`identity.read`, `enrolment.create`, …).
    pub action: &'a str,
    /// Why (from the `X-Purpose` header, or the action's default).
    pub purpose: &'a str,
    /// Whose data (UIN), or `-`.
    pub subject: &'a str,
}

fn entry_hash(prev: &str, seq: i64, at: i64, e: &Event<'_>) -> String {
    let canon = serde_json::json!([prev, seq, at, e.actor, e.action, e.purpose, e.subject]);
    hex::encode(Sha256::digest(canon.to_string().as_bytes()))
}

/// Appends `e` inside the caller's transaction (it commits or rolls back with the change).
pub async fn append(w: &mut WriteTx, e: Event<'_>) -> Result<(), sqlx::Error> {
    let mut a = Appender::open(w).await?;
    a.push(w, e).await?;
    a.close(w).await
}

/// Appends many entries in one transaction: the chain's head is read once, each entry is one
/// `INSERT`, and the head is written back once ([`Appender::close`]). Dropping an appender
/// without closing it leaves the head behind the entries, so the transaction must then not
/// commit (the `INSERT`s would collide with the next writer's; nothing corrupt can commit).
#[derive(Debug)]
pub struct Appender {
    seq: i64,
    hash: String,
}

impl Appender {
    /// Reads (and on PostgreSQL row-locks, until commit) the chain's head.
    pub async fn open(w: &mut WriteTx) -> Result<Self, sqlx::Error> {
        let (seq, hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *w.tx)
                .await?;
        Ok(Self { seq, hash })
    }

    /// Appends `e` after the entries pushed so far.
    pub async fn push(&mut self, w: &mut WriteTx, e: Event<'_>) -> Result<(), sqlx::Error> {
        let seq = self.seq + 1;
        let at = now();
        let hash = entry_hash(&self.hash, seq, at, &e);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, purpose, subject, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(seq)
        .bind(at)
        .bind(e.actor)
        .bind(e.action)
        .bind(e.purpose)
        .bind(e.subject)
        .bind(&self.hash)
        .bind(&hash)
        .execute(&mut *w.tx)
        .await?;
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }

    /// Writes the new head back.
    pub async fn close(self, w: &mut WriteTx) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.hash)
            .execute(&mut *w.tx)
            .await?;
        Ok(())
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Entries checked.
    pub entries: i64,
    /// The chain's last hash (publish it elsewhere to detect a rewrite of the whole log).
    pub head: String,
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum Broken {
    /// An entry's number is not the one expected (deleted or inserted entry).
    #[error("audit.gap: expected entry {expected}, found {found}")]
    Gap {
        /// Expected sequence number.
        expected: i64,
        /// Found sequence number.
        found: i64,
    },
    /// An entry's content or link does not match its hash.
    #[error("audit.tampered: entry {0} does not match its hash")]
    Tampered(i64),
    /// The head row disagrees with the last entry (tail cut or head edited).
    #[error("audit.head_mismatch: head says entry {0}, log ends at {1}")]
    HeadMismatch(i64, i64),
    /// The database could not be read.
    #[error("audit.db: {0}")]
    Db(String),
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: i64,
    actor: String,
    action: String,
    purpose: String,
    subject: String,
    prev_hash: String,
    hash: String,
}

/// Recomputes the whole chain, page by page.
pub async fn verify(store: &Store) -> Result<Report, Broken> {
    let db = |e: sqlx::Error| Broken::Db(e.to_string());
    let mut prev = "0".repeat(64);
    let mut expected = 1i64;
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, at, actor, action, purpose, subject, prev_hash, hash FROM audit_log \
             WHERE seq >= $1 ORDER BY seq LIMIT 10000",
        )
        .bind(expected)
        .fetch_all(store.pool())
        .await
        .map_err(db)?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            if r.seq != expected {
                return Err(Broken::Gap {
                    expected,
                    found: r.seq,
                });
            }
            let e = Event {
                actor: &r.actor,
                action: &r.action,
                purpose: &r.purpose,
                subject: &r.subject,
            };
            if r.prev_hash != prev || entry_hash(&prev, r.seq, r.at, &e) != r.hash {
                return Err(Broken::Tampered(r.seq));
            }
            prev = r.hash;
            expected += 1;
        }
    }
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(store.pool())
            .await
            .map_err(db)?;
    if head_seq != expected - 1 || head_hash != prev {
        return Err(Broken::HeadMismatch(head_seq, expected - 1));
    }
    Ok(Report {
        entries: expected - 1,
        head: prev,
    })
}
