//! Test harness: a server on SQLite or PostgreSQL, an HTTP client, identity documents.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod authn;
pub mod pg;
pub mod scenarios;

use inkan_idp::config::Config;
use inkan_idp::server::{self, Running};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{Value, json};

/// A running in-process server with its demo administrator token.
pub struct Server {
    pub running: Option<Running>,
    pub base: String,
    pub admin: String,
    pub url: String,
    pub client: Client,
    pub dir: tempfile::TempDir,
}

pub fn config(dir: &std::path::Path, url: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".into(),
        database_url: url.into(),
        master_key_file: Some(dir.join("master.key")),
        max_body_bytes: 64 * 1024,
        max_connections: 16,
        ..Config::default()
    }
}

impl Server {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("idp.db").display());
        Self::start(dir, url).await
    }

    pub async fn postgres(pg: &pg::PgCluster, db: &str) -> Self {
        let url = pg.database(db).await;
        Self::start(tempfile::tempdir().unwrap(), url).await
    }

    async fn start(dir: tempfile::TempDir, url: String) -> Self {
        Self::start_with(dir, url, |_| {}).await
    }

    /// A server on SQLite whose configuration `tweak` adjusts.
    pub async fn sqlite_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("idp.db").display());
        Self::start_with(dir, url, tweak).await
    }

    /// A server on PostgreSQL database `db` whose configuration `tweak` adjusts.
    pub async fn postgres_with(pg: &pg::PgCluster, db: &str, tweak: impl FnOnce(&mut Config)) -> Self {
        let url = pg.database(db).await;
        Self::start_with(tempfile::tempdir().unwrap(), url, tweak).await
    }

    /// A server on the database at `url` (already created), configuration changed by `tweak`.
    pub async fn at_url_with(url: String, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start_with(tempfile::tempdir().unwrap(), url, tweak).await
    }

    async fn start_with(dir: tempfile::TempDir, url: String, tweak: impl FnOnce(&mut Config)) -> Self {
        std::fs::write(dir.path().join("master.key"), "42".repeat(32)).unwrap();
        let mut cfg = config(dir.path(), &url);
        tweak(&mut cfg);
        let running = server::start(&cfg).await.expect("server starts");
        let admin = match running.demo_token.clone() {
            Some(t) => t,
            // A second instance on a database that already has operators: a fresh administrator.
            None => {
                let store = inkan_idp::store::Store::open(&url, 1, "normal").await.unwrap();
                let t = inkan_idp::auth::create_operator(
                    &store,
                    "second instance admin",
                    inkan_idp::auth::Role::Administrator,
                )
                .await
                .unwrap()
                .1;
                store.close().await;
                t
            }
        };
        Self {
            base: format!("http://{}", running.addr),
            running: Some(running),
            admin,
            url,
            client: Client::new(),
            dir,
        }
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await.unwrap();
        }
    }

    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
    }

    pub async fn enrol(&self, token: &str, key: &str, identity: &Value) -> Response {
        self.req(Method::POST, "/v1/enrolments", token)
            .header("Idempotency-Key", key)
            .json(&json!({ "identity": identity }))
            .send()
            .await
            .unwrap()
    }

    /// Creates an operator with `role`; returns its token.
    pub async fn operator(&self, role: &str) -> String {
        let r = self
            .req(Method::POST, "/v1/operators", &self.admin)
            .json(&json!({ "name": format!("test {role}"), "role": role }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Row counts of the tables that hold personal data, read directly from the database.
    pub async fn counts(&self) -> [i64; 4] {
        let store = inkan_idp::store::Store::open(&self.url, 1, "normal")
            .await
            .unwrap();
        let mut out = [0; 4];
        for (i, t) in ["identities", "identity_history", "dedup_keys", "enrolments"]
            .iter()
            .enumerate()
        {
            let sql = format!("SELECT COUNT(*) FROM {t}");
            out[i] = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(store.pool())
                .await
                .unwrap();
        }
        store.close().await;
        out
    }

    pub async fn audit_ok(&self) -> i64 {
        let store = inkan_idp::store::Store::open(&self.url, 1, "normal")
            .await
            .unwrap();
        let r = inkan_idp::audit::verify(&store).await;
        store.close().await;
        r.expect("audit chain verifies").entries
    }
}

/// A distinct synthetic person (names differ in `i`).
pub fn person(i: usize) -> Value {
    const GIVEN: [&str; 8] = [
        "Amina", "Jean", "Kofi", "Maria", "Ngozi", "Pierre", "Sione", "Tariq",
    ];
    const FAMILY: [&str; 8] = [
        "Diallo", "Okafor", "Mensah", "Silva", "Nguyen", "Dubois", "Tupou", "Haddad",
    ];
    let name = format!("{} {} {}", GIVEN[i % 8], FAMILY[(i / 8) % 8], suffix(i));
    json!({
        "fullName": [{ "language": "eng", "value": name }],
        "dateOfBirth": format!("19{:02}-{:02}-{:02}", 50 + i % 50, 1 + i % 12, 1 + i % 28),
        "gender": if i.is_multiple_of(2) { "female" } else { "male" },
        "phone": format!("+2547{:08}", i),
        "email": format!("person{i}@example.org"),
    })
}

/// Letters (not digits: names are compared after normalisation) that make each name unique.
fn suffix(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'a' + (i % 26) as u8));
        i /= 26;
        if i == 0 {
            break;
        }
    }
    s
}
