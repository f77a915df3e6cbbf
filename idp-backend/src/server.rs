//! Start-up and shutdown: open the store, load the keys, seed the demo operator, serve.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::api::{AppState, router};
use crate::auth::{Role, create_operator, has_operators};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::schema::IdSchema;
use crate::seal::{MasterKey, Sealer};
use crate::store::Store;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Database.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Keys.
    #[error(transparent)]
    Seal(#[from] crate::seal::SealError),
    /// Configuration.
    #[error("config: {0}")]
    Config(String),
    /// Binding the listener.
    #[error("listen: {0}")]
    Io(#[from] std::io::Error),
    /// Seeding the demo operator.
    #[error("seed: {0}")]
    Db(#[from] sqlx::Error),
}

/// Opens the database (migrating it) and the sealing keys. Without a configured master key
/// file, a demo key file is created beside the database.
pub async fn open_registry(cfg: &Config) -> Result<Registry, StartError> {
    let store = Store::open(&cfg.database_url, cfg.max_connections, &cfg.sqlite_synchronous).await?;
    let master = MasterKey::from_file(&cfg.master_key_path(), cfg.master_key_file.is_none())?;
    let sealer = Sealer::load(&store, &master).await?;
    let schema = match &cfg.identity_schema_file {
        None => IdSchema::default_schema(),
        Some(p) => {
            let text = std::fs::read(p)?;
            let v: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| StartError::Config(format!("{}: {e}", p.display())))?;
            IdSchema::new(&v)
        }
    }
    .map_err(|e| StartError::Config(e.to_string()))?;
    Registry::new(
        store,
        sealer,
        schema,
        cfg.uin_length,
        cfg.centre_id,
        cfg.machine_id,
    )
    .map_err(|e| StartError::Config(e.to_string()))
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The demo administrator token, when one was seeded by this start.
    pub demo_token: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
    registry: Registry,
    oidc: Option<crate::oidc::Oidc>,
}

impl Running {
    /// The OIDC provider (for key rotation and tests).
    pub fn oidc(&self) -> Option<&crate::oidc::Oidc> {
        self.oidc.as_ref()
    }

    /// Stops accepting, lets requests in flight finish, closes the pool.
    pub async fn shutdown(mut self) -> Result<(), std::io::Error> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops (after SIGINT/SIGTERM when started by [`run`]).
    pub async fn wait(self) -> Result<(), std::io::Error> {
        let r = self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.registry.store.close().await;
        r
    }
}

/// Starts serving `cfg`; `stop` ends it gracefully.
pub async fn start(cfg: &Config) -> Result<Running, StartError> {
    let registry = open_registry(cfg).await?;
    let demo_token = if cfg.seed_demo_operator && !has_operators(&registry.store).await? {
        Some(
            create_operator(&registry.store, "demo administrator", Role::Administrator)
                .await?
                .1,
        )
    } else {
        None
    };
    let state = AppState {
        registry: registry.clone(),
        metrics: Arc::new(Metrics::default()),
        max_bulk_bytes: cfg.max_bulk_bytes,
        max_body_bytes: cfg.max_body_bytes,
        authn: authn(&registry, cfg)?,
        oidc: None,
    };
    let listener = TcpListener::bind(&cfg.listen).await?;
    let addr = listener.local_addr()?;
    let issuer = cfg
        .oidc
        .issuer
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let oidc = crate::oidc::Oidc::open(&registry, &cfg.oidc, issuer)
        .await
        .map_err(|e| StartError::Config(format!("oidc: {e}")))?;
    let state = AppState {
        oidc: Some(oidc),
        ..state
    };
    let (tx, rx) = oneshot::channel::<()>();
    let oidc = state.oidc.clone();
    let app = router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = rx => {}
                    _ = signal() => {}
                }
                tracing::info!("shutting down");
            })
            .await
    });
    tracing::info!(%addr, backend = ?registry.store.backend(), "inkan-idp listening");
    Ok(Running {
        addr,
        demo_token,
        shutdown: Some(tx),
        task,
        registry,
        oidc,
    })
}

/// The authentication service with the configured notifier and the system clock.
fn authn(registry: &Registry, cfg: &Config) -> Result<crate::registry::authn::Authn, StartError> {
    let notifier = cfg
        .authn
        .build_notifier()
        .map_err(|e| StartError::Config(e.to_string()))?;
    if cfg.authn.notifier == "log" {
        tracing::warn!("OTPs are delivered to the log ([authn] notifier = \"log\"): development only");
    }
    let clock = Arc::new(inkan_core::clock::SystemClock);
    crate::registry::authn::Authn::new(registry.clone(), &cfg.authn, notifier, clock)
        .map_err(|e| StartError::Config(e.to_string()))
}

async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
