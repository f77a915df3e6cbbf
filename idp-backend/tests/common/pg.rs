//! A throw-away PostgreSQL cluster on loopback for the tests: `initdb` + `pg_ctl` from
//! /usr/lib/postgresql/*/bin in a temporary directory (as the `postgres` user when the tests
//! run as root, since PostgreSQL refuses to run as root). `INKAN_TEST_PG_URL` (a URL to an
//! administrative database of a running server) skips the start. Failing to get a server is
//! a test failure, never a skip.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgCluster {
    admin_url: String,
    owned: Option<(PathBuf, tempfile::TempDir, bool)>,
}

fn pg_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (/usr/lib/postgresql missing): apt-get install postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop().expect("no initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn run(as_postgres: bool, cwd: &Path, program: &Path, args: &[&str]) {
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = cmd
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {:?} failed: {}{}",
        program.display(),
        args,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PgCluster {
    pub fn start() -> Self {
        if let Ok(url) = std::env::var("INKAN_TEST_PG_URL") {
            return Self {
                admin_url: url,
                owned: None,
            };
        }
        let bin = pg_bin();
        let root = is_root();
        let dir = tempfile::Builder::new().prefix("inkan-pg").tempdir().unwrap();
        if root {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success(), "chown of the PostgreSQL test directory failed");
        }
        let data = dir.path().join("data");
        let data_s = data.to_str().unwrap();
        run(
            root,
            dir.path(),
            &bin.join("initdb"),
            &[
                "-D",
                data_s,
                "-U",
                "inkan",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let port = free_port();
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=200",
            dir.path().display()
        );
        let log = dir.path().join("pg.log");
        run(
            root,
            dir.path(),
            &bin.join("pg_ctl"),
            &[
                "-D",
                data_s,
                "-l",
                log.to_str().unwrap(),
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        Self {
            admin_url: format!("postgres://inkan@127.0.0.1:{port}/postgres"),
            owned: Some((bin, dir, root)),
        }
    }

    /// A fresh, empty database; returns its URL.
    pub async fn database(&self, name: &str) -> String {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&self.admin_url)
            .await
            .unwrap_or_else(|e| panic!("no PostgreSQL server reachable at {}: {e}", self.admin_url));
        let drop = format!("DROP DATABASE IF EXISTS {name}");
        sqlx::query(sqlx::AssertSqlSafe(drop))
            .execute(&mut c)
            .await
            .unwrap();
        let create = format!("CREATE DATABASE {name}");
        sqlx::query(sqlx::AssertSqlSafe(create))
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
        let base = self.admin_url.rsplit_once('/').unwrap().0;
        format!("{base}/{name}")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if let Some((bin, dir, root)) = &self.owned {
            let data = dir.path().join("data");
            let mut cmd = if *root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(bin.join("pg_ctl"));
                c
            } else {
                Command::new(bin.join("pg_ctl"))
            };
            let _ = cmd
                .current_dir(dir.path())
                .args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "stop"])
                .output();
        }
    }
}
