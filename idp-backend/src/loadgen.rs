//! `inkan-idp loadgen`: enrols synthetic identities through the registry (schema validation,
//! dedup, sealing, audit — everything but HTTP), then times audited UIN look-ups.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::{Actor, Registry};

/// What was measured.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Backend.
    pub backend: String,
    /// Enrolling tasks at once (group commit batches what they submit together).
    pub concurrency: usize,
    /// New identities enrolled.
    pub enrolled: usize,
    /// Enrolments refused as duplicates: every 50th record repeats an earlier person, and some
    /// synthetic names fold together under the dedup normalisation.
    pub duplicates: usize,
    /// Wall-clock seconds of the enrolment phase.
    pub seconds: f64,
    /// Enrolment attempts per second (created + duplicates).
    pub enrolments_per_second: f64,
    /// Identities in the registry when look-ups ran.
    pub identities: i64,
    /// Audited UIN reads timed.
    pub lookups: usize,
    /// Median audited read, milliseconds.
    pub lookup_p50_ms: f64,
    /// 99th percentile audited read, milliseconds.
    pub lookup_p99_ms: f64,
}

/// A synthetic person; `i` and the run's `salt` make it unique.
///
/// ```
/// let p = inkan_idp::loadgen::synthetic(7, "run");
/// assert!(p["fullName"][0]["value"].as_str().is_some());
/// ```
pub fn synthetic(i: usize, salt: &str) -> Value {
    // Consonants only, so names stay distinct after the dedup key's normalisation (which
    // drops vowels).
    const LETTERS: &[u8; 20] = b"bcdfghjklmnpqrstvwxz";
    let mut name = String::new();
    let mut n = i;
    loop {
        name.push(char::from(LETTERS[n % 20]));
        n /= 20;
        if n == 0 {
            break;
        }
    }
    json!({
        "fullName": [{ "language": "eng", "value": format!("{salt} {name}") }],
        "dateOfBirth": format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28),
        "gender": if i.is_multiple_of(2) { "female" } else { "male" },
    })
}

/// Enrols `count` identities from `concurrency` tasks, then times `lookups` audited reads.
pub async fn run(
    reg: &Registry,
    count: usize,
    concurrency: usize,
    lookups: usize,
) -> Result<Report, ApiError> {
    let salt = format!("Load{}", crate::store::now());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (reg, next, salt) = (reg.clone(), next.clone(), salt.clone());
        tasks.push(tokio::spawn(async move {
            let (mut uins, mut dups) = (Vec::new(), 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, ApiError>((uins, dups));
                }
                let person = if i % 50 == 49 {
                    synthetic(i - 25, &salt)
                } else {
                    synthetic(i, &salt)
                };
                let actor = Actor {
                    id: "loadgen",
                    purpose: Some("load test"),
                };
                match reg.enrol(actor, &format!("{salt}-{i}"), &person).await {
                    Ok(a) => uins.push(a.body["uin"].as_str().unwrap_or_default().to_string()),
                    Err(e) if e.code() == "idp.duplicate" => dups += 1,
                    Err(e) => return Err(e),
                }
            }
        }));
    }
    let (mut uins, mut duplicates) = (Vec::new(), 0);
    for t in tasks {
        let (u, d) = t.await.map_err(ApiError::internal)??;
        uins.extend(u);
        duplicates += d;
    }
    let seconds = started.elapsed().as_secs_f64();
    let identities: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identities")
        .fetch_one(reg.store.pool())
        .await?;
    let mut times: Vec<Duration> = Vec::with_capacity(lookups);
    for k in 0..lookups.min(uins.len() * 10) {
        let uin = &uins[(k * 7919) % uins.len()];
        let t = Instant::now();
        reg.read(
            Actor {
                id: "loadgen",
                purpose: Some("load test"),
            },
            uin,
        )
        .await?;
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: f64| {
        let idx = ((times.len() as f64 * p).ceil() as usize).saturating_sub(1);
        times.get(idx).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    Ok(Report {
        backend: format!("{:?}", reg.store.backend()),
        concurrency,
        enrolled: uins.len(),
        duplicates,
        seconds,
        enrolments_per_second: (uins.len() + duplicates) as f64 / seconds,
        identities,
        lookups: times.len(),
        lookup_p50_ms: pct(0.50),
        lookup_p99_ms: pct(0.99),
    })
}
