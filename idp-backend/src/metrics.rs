//! Prometheus counters, rendered as text exposition format 0.0.4 (a few atomics; no crate).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use axum::http::StatusCode;

const BUCKETS_MS: [u64; 10] = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Request and enrolment counters.
///
/// ```
/// let m = inkan_idp::metrics::Metrics::default();
/// m.observe_request(axum::http::StatusCode::OK, std::time::Duration::from_millis(3));
/// assert!(m.render().contains("idp_http_requests_total{class=\"2xx\"} 1"));
/// ```
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [AtomicU64; 5],
    latency_buckets: [AtomicU64; 10],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
    enrol_created: AtomicU64,
    enrol_replayed: AtomicU64,
    enrol_duplicate: AtomicU64,
    enrol_rejected: AtomicU64,
}

impl Metrics {
    /// Counts one HTTP response.
    pub fn observe_request(&self, status: StatusCode, took: Duration) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.requests[class].fetch_add(1, Relaxed);
        let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if ms <= *b {
                self.latency_buckets[i].fetch_add(1, Relaxed);
            }
        }
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_us.fetch_add(us, Relaxed);
        self.latency_count.fetch_add(1, Relaxed);
    }

    /// Counts one enrolment outcome: a status (201 created; 200/other replayed) or an error code.
    pub fn observe_enrolment(&self, outcome: Result<StatusCode, &str>) {
        let c = match outcome {
            Ok(StatusCode::CREATED) => &self.enrol_created,
            Ok(_) => &self.enrol_replayed,
            Err("idp.duplicate") => &self.enrol_duplicate,
            Err(_) => &self.enrol_rejected,
        };
        c.fetch_add(1, Relaxed);
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str("# HELP idp_http_requests_total HTTP responses by status class.\n");
        s.push_str("# TYPE idp_http_requests_total counter\n");
        for (c, n) in CLASSES.iter().zip(&self.requests) {
            let _ = writeln!(s, "idp_http_requests_total{{class=\"{c}\"}} {}", n.load(Relaxed));
        }
        s.push_str("# HELP idp_http_request_duration_seconds HTTP request latency.\n");
        s.push_str("# TYPE idp_http_request_duration_seconds histogram\n");
        for (b, n) in BUCKETS_MS.iter().zip(&self.latency_buckets) {
            let le = *b as f64 / 1000.0;
            let _ = writeln!(
                s,
                "idp_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}",
                n.load(Relaxed)
            );
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(
            s,
            "idp_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_us.load(Relaxed) as f64 / 1e6;
        let _ = writeln!(s, "idp_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(s, "idp_http_request_duration_seconds_count {count}");
        s.push_str("# HELP idp_enrolments_total Enrolment outcomes.\n");
        s.push_str("# TYPE idp_enrolments_total counter\n");
        for (o, n) in [
            ("created", &self.enrol_created),
            ("replayed", &self.enrol_replayed),
            ("duplicate", &self.enrol_duplicate),
            ("rejected", &self.enrol_rejected),
        ] {
            let _ = writeln!(s, "idp_enrolments_total{{outcome=\"{o}\"}} {}", n.load(Relaxed));
        }
        s
    }
}
