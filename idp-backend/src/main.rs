//! `inkan-idp`: the registry server and its maintenance commands.
//!
//! With no arguments it serves on 127.0.0.1:8080 over `./inkan-idp.db` (created on first
//! start) and prints a demo administrator token once.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use futures_util::StreamExt;
use inkan_idp::auth::Role;
use inkan_idp::config::Config;
use inkan_idp::registry::Actor;
use inkan_idp::server;

#[derive(Parser)]
#[command(name = "inkan-idp", about = "inkan foundational ID registry")]
struct Cli {
    /// TOML configuration file (default: $INKAN_CONFIG; INKAN_* variables override it).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the HTTP API (the default).
    Serve,
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Create an operator and print its token once.
    Operator {
        /// Display name.
        #[arg(long)]
        name: String,
        /// registration_officer, supervisor or administrator.
        #[arg(long)]
        role: String,
    },
    /// Enrol an NDJSON file offline (lines of {"idempotency_key", "identity"}), one result
    /// line per record on stdout, progress on stderr.
    Bulk {
        /// The NDJSON file (`-` for stdin).
        file: PathBuf,
        /// Operator id recorded in history and audit.
        #[arg(long, default_value = "bulk-import")]
        actor: String,
    },
    /// Enrol synthetic identities (with dedup) and time audited UIN look-ups; prints JSON.
    Loadgen {
        /// Identities to enrol.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Concurrent enrolling tasks (as many clients at once; their writes share group commits).
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Audited UIN reads to time afterwards.
        #[arg(long, default_value_t = 2_000)]
        lookups: usize,
    },
    /// Key management (see ARCHITECTURE.md, "inkan-idp").
    Keys {
        #[command(subcommand)]
        cmd: KeysCmd,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the hash chain; exit 1 if it is broken.
    Verify,
}

#[derive(Subcommand)]
enum KeysCmd {
    /// Re-seal every data key under a new master key (then point the config at it).
    RotateMaster {
        /// File with the new master key (64 hex digits).
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// Add a data key; records written after the next start use it.
    NewDataKey,
    /// Rotate the OIDC signing key: the published `next` key starts signing, the active one
    /// stays published until the tokens it signed expire (running servers pick it up within 30 s).
    RotateOidc,
}

fn init_logs(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INKAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cfg.log_format == "pretty" {
        b.init();
    } else {
        b.json().flatten_event(true).init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = cli
        .config
        .clone()
        .or_else(|| std::env::var_os("INKAN_CONFIG").map(PathBuf::from));
    let cfg = match Config::load(file.as_deref(), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("inkan-idp: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(&cfg);
    match run(cli.cmd.unwrap_or(Cmd::Serve), &cfg).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("inkan-idp: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run(cmd: Cmd, cfg: &Config) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match cmd {
        Cmd::Serve => {
            let running = server::start(cfg).await?;
            if let Some(t) = &running.demo_token {
                println!("inkan-idp listening on http://{}", running.addr);
                println!("demo administrator token (shown once): {t}");
            }
            running.wait().await?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit {
            cmd: AuditCmd::Verify,
        } => {
            let reg = server::open_registry(cfg).await?;
            let r = inkan_idp::audit::verify(&reg.store).await;
            reg.store.close().await;
            match r {
                Ok(report) => {
                    println!(
                        "{}",
                        serde_json::json!({ "ok": true, "entries": report.entries, "head": report.head })
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(b) => {
                    println!("{}", serde_json::json!({ "ok": false, "error": b.to_string() }));
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Operator { name, role } => {
            let role: Role = serde_json::from_value(serde_json::Value::String(role))
                .map_err(|_| "role must be registration_officer, supervisor or administrator")?;
            let reg = server::open_registry(cfg).await?;
            let (id, token) = inkan_idp::auth::create_operator(&reg.store, &name, role).await?;
            println!("{}", serde_json::json!({ "id": id, "token": token }));
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bulk { file, actor } => bulk(cfg, &file, &actor).await,
        Cmd::Loadgen {
            count,
            concurrency,
            lookups,
        } => {
            let reg = server::open_registry(cfg).await?;
            let report = inkan_idp::loadgen::run(&reg, count, concurrency, lookups).await?;
            reg.store.close().await;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Keys { cmd } => {
            let reg = server::open_registry(cfg).await?;
            let master = inkan_idp::seal::MasterKey::from_file(&cfg.master_key_path(), false)?;
            let out = match cmd {
                KeysCmd::RotateMaster { new_key_file } => {
                    let new = inkan_idp::seal::MasterKey::from_file(&new_key_file, false)?;
                    let n = inkan_idp::seal::rotate_master(&reg.store, &master, &new).await?;
                    serde_json::json!({ "resealed_data_keys": n })
                }
                KeysCmd::NewDataKey => {
                    let id = inkan_idp::seal::new_data_key(&reg.store, &master).await?;
                    serde_json::json!({ "data_key": id })
                }
                KeysCmd::RotateOidc => {
                    use inkan_idp::oidc::keys::{KeyRing, signing_algorithm};
                    let alg = signing_algorithm(&cfg.oidc.signing_alg)?;
                    let ring = KeyRing::open(&reg, alg, cfg.oidc.token_ttl_secs).await?;
                    serde_json::json!({ "oidc_signing_key": ring.rotate().await? })
                }
            };
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One NDJSON record of `inkan-idp bulk`: its result line.
async fn bulk_line(
    reg: &inkan_idp::registry::Registry,
    actor: &str,
    line_no: usize,
    line: std::io::Result<String>,
) -> std::io::Result<serde_json::Value> {
    let line = line?;
    let result = match serde_json::from_str::<serde_json::Value>(&line) {
        Ok(v) => {
            let key = v["idempotency_key"].as_str().unwrap_or_default().to_string();
            let who = Actor {
                id: actor,
                purpose: Some("bulk_import"),
            };
            reg.enrol(who, &key, &v["identity"]).await.map(|a| (key, a))
        }
        Err(e) => Err(inkan_idp::error::ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "idp.malformed_json",
            e.to_string(),
        )),
    };
    Ok(match result {
        Ok((key, a)) => {
            serde_json::json!({ "line": line_no, "idempotency_key": key, "status": a.status.as_u16(), "result": a.body })
        }
        Err(e) => {
            serde_json::json!({ "line": line_no, "status": e.status().as_u16(), "error": e.to_problem() })
        }
    })
}

async fn bulk(cfg: &Config, file: &PathBuf, actor: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let reg = server::open_registry(cfg).await?;
    let input: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(file)?))
    };
    let mut out = std::io::stdout().lock();
    let (mut ok, mut failed) = (0u64, 0u64);
    let lines = input
        .lines()
        .enumerate()
        .filter(|(_, line)| !matches!(line, Ok(l) if l.trim().is_empty()));
    // Several records in flight so they share group commits; results keep the input's order.
    let mut results = futures_util::stream::iter(lines)
        .map(|(i, line)| bulk_line(&reg, actor, i + 1, line))
        .buffered(inkan_idp::registry::enrol::BULK_IN_FLIGHT);
    while let Some(v) = results.next().await {
        let v = v?;
        if v.get("error").is_some() {
            failed += 1;
        } else {
            ok += 1;
        }
        writeln!(out, "{v}")?;
        if (ok + failed) % 1000 == 0 {
            eprint!("\r{ok} enrolled, {failed} failed");
        }
    }
    eprintln!("\r{ok} enrolled, {failed} failed");
    reg.store.close().await;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
