//! Crash safety: SIGKILL the server in the middle of a bulk enrolment, restart it, retry the
//! same file with the same idempotency keys. Every acknowledged enrolment is there exactly
//! once with the UIN first acknowledged, no identity is half-written, the audit chain verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

const RECORDS: usize = 400;
const KILL_AFTER: usize = 60;

struct Proc {
    child: Child,
    base: String,
}

fn spawn(dir: &std::path::Path, url: &str) -> (Proc, Option<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkan-idp"))
        .env("INKAN_LISTEN", format!("127.0.0.1:{port}"))
        .env("INKAN_DATABASE_URL", url)
        .env("INKAN_MASTER_KEY_FILE", dir.join("master.key"))
        .env("INKAN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first start prints the address and the demo token; later starts print nothing.
    let mut token = None;
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(t) = line.strip_prefix("demo administrator token (shown once): ") {
                let _ = tx.send(t.to_string());
            }
        }
    });
    if let Ok(t) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
        token = Some(t);
    }
    (
        Proc {
            child,
            base: format!("http://127.0.0.1:{port}"),
        },
        token,
    )
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server did not become ready");
}

fn ndjson() -> String {
    (0..RECORDS)
        .map(|i| {
            json!({ "idempotency_key": format!("crash-{i}"), "identity": common::person(40_000 + i) })
                .to_string()
                + "\n"
        })
        .collect()
}

/// Sends the bulk file; returns acknowledged (key → uin), stopping after `stop_after` lines.
async fn send_bulk(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    stop_after: Option<(usize, &mut Proc)>,
) -> HashMap<String, String> {
    let mut r = client
        .post(format!("{base}/v1/enrolments/bulk"))
        .bearer_auth(token)
        .header("content-type", "application/x-ndjson")
        .body(ndjson())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut acked = HashMap::new();
    let mut buf = Vec::new();
    let mut stop_after = stop_after;
    loop {
        let chunk = match r.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) | Err(_) => break,
        };
        buf.extend_from_slice(&chunk);
        while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            let v: Value = serde_json::from_slice(&line).unwrap();
            assert_eq!(v["status"], 201, "{v}");
            acked.insert(
                v["idempotency_key"].as_str().unwrap().to_string(),
                v["uin"].as_str().unwrap().to_string(),
            );
        }
        if let Some((n, proc_)) = stop_after.as_mut()
            && acked.len() >= *n
        {
            proc_.child.kill().unwrap(); // SIGKILL
            proc_.child.wait().unwrap();
            stop_after = None;
        }
    }
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_bulk_then_retry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("master.key"), "17".repeat(32)).unwrap();
    let url = format!("sqlite://{}", dir.path().join("idp.db").display());
    let client = reqwest::Client::new();

    let (mut first, token) = spawn(dir.path(), &url);
    let token = token.expect("first start prints the demo token");
    wait_ready(&client, &first.base).await;
    let base = first.base.clone();
    let acked = send_bulk(&client, &base, &token, Some((KILL_AFTER, &mut first))).await;
    assert!(
        acked.len() >= KILL_AFTER && acked.len() < RECORDS,
        "killed after {} acknowledgements",
        acked.len()
    );

    let (mut second, none) = spawn(dir.path(), &url);
    assert!(
        none.is_none(),
        "the demo token is printed only on the first start"
    );
    wait_ready(&client, &second.base).await;
    let all = send_bulk(&client, &second.base, &token, None).await;
    assert_eq!(all.len(), RECORDS);
    for (k, uin) in &acked {
        assert_eq!(&all[k], uin, "{k}: a retried acknowledged enrolment changed UIN");
    }
    let distinct: HashSet<&String> = all.values().collect();
    assert_eq!(distinct.len(), RECORDS);
    second.child.kill().unwrap();
    second.child.wait().unwrap();

    let store = inkan_idp::store::Store::open(&url, 1, "normal").await.unwrap();
    let q = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(store.pool());
    assert_eq!(
        q("SELECT COUNT(*) FROM identities").await.unwrap(),
        RECORDS as i64
    );
    assert_eq!(
        q("SELECT COUNT(*) FROM enrolments").await.unwrap(),
        RECORDS as i64
    );
    let half = "SELECT COUNT(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM identity_history h WHERE h.uin = i.uin) \
                OR NOT EXISTS (SELECT 1 FROM dedup_keys d WHERE d.uin = i.uin)";
    assert_eq!(q(half).await.unwrap(), 0, "half-written identities");
    store.close().await;

    let out = Command::new(env!("CARGO_BIN_EXE_inkan-idp"))
        .args(["audit", "verify"])
        .env("INKAN_DATABASE_URL", &url)
        .env("INKAN_MASTER_KEY_FILE", dir.path().join("master.key"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{report}");
    assert_eq!(report["ok"], true);
    assert!(report["entries"].as_i64().unwrap() >= RECORDS as i64);
}
