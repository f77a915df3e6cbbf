//! Service configuration: a TOML file, then `INKAN_*` environment variables on top.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Every setting of the service, with defaults that run a demo on localhost.
///
/// ```
/// let c = inkan_idp::config::Config::default();
/// assert_eq!(c.listen, "127.0.0.1:8080");
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`INKAN_LISTEN`).
    pub listen: String,
    /// `sqlite://FILE` (created on first start) or `postgres://…` (`INKAN_DATABASE_URL`).
    pub database_url: String,
    /// Largest connection pool (`INKAN_MAX_CONNECTIONS`).
    pub max_connections: u32,
    /// SQLite `synchronous` pragma: `full` survives power loss, `normal` only process crashes
    /// (`INKAN_SQLITE_SYNCHRONOUS`).
    pub sqlite_synchronous: String,
    /// File holding the 32-byte master key in hex (`INKAN_MASTER_KEY_FILE`). When unset, a key
    /// file is created beside the SQLite database (demo mode; a warning is logged).
    pub master_key_file: Option<PathBuf>,
    /// Largest request body in bytes (`INKAN_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Largest bulk (NDJSON) body in bytes (`INKAN_MAX_BULK_BYTES`).
    pub max_bulk_bytes: usize,
    /// Registration centre id, 5 digits, the first part of every RID (`INKAN_CENTRE_ID`).
    pub centre_id: u32,
    /// Machine id, 5 digits, the second part of every RID (`INKAN_MACHINE_ID`).
    pub machine_id: u32,
    /// UIN length in digits (`INKAN_UIN_LENGTH`).
    pub uin_length: usize,
    /// Seed a demo administrator token on an empty database and print it once
    /// (`INKAN_SEED_DEMO_OPERATOR`).
    pub seed_demo_operator: bool,
    /// The programme's identity JSON Schema (`INKAN_IDENTITY_SCHEMA_FILE`); the built-in
    /// default (`idp-backend/schema/default-id-schema.json`) when unset.
    pub identity_schema_file: Option<PathBuf>,
    /// Log format: `json` (default) or `pretty` (`INKAN_LOG_FORMAT`).
    pub log_format: String,
    /// Authentication factors: OTP limits, PIN cost, notifier (`[authn]`, `INKAN_AUTHN_*`).
    pub authn: crate::registry::authn::AuthnConfig,
    /// The OIDC provider (`[oidc]`).
    pub oidc: OidcConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://inkan-idp.db".into(),
            max_connections: 8,
            sqlite_synchronous: "full".into(),
            master_key_file: None,
            max_body_bytes: 256 * 1024,
            max_bulk_bytes: 64 * 1024 * 1024,
            centre_id: 10001,
            machine_id: 10001,
            uin_length: 10,
            seed_demo_operator: true,
            identity_schema_file: None,
            log_format: "json".into(),
            authn: crate::registry::authn::AuthnConfig::default(),
            oidc: OidcConfig::default(),
        }
    }
}

/// The OIDC provider's settings (`[oidc]` in the file).
///
/// ```
/// let c = inkan_idp::config::OidcConfig::default();
/// assert_eq!((c.signing_alg.as_str(), c.code_ttl_secs), ("ES256", 60));
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer URL (`INKAN_OIDC_ISSUER`); `http://<listen address>` when unset (demo).
    pub issuer: Option<String>,
    /// Algorithm of new signing keys: `ES256`, `EdDSA` or `PS256` (`INKAN_OIDC_SIGNING_ALG`).
    pub signing_alg: String,
    /// Require PAR for every client (`INKAN_OIDC_REQUIRE_PAR`).
    pub require_par: bool,
    /// Lifetime of ID tokens, access tokens and userinfo responses.
    pub token_ttl_secs: i64,
    /// Lifetime of authorization codes.
    pub code_ttl_secs: i64,
    /// Lifetime of a pushed authorization request.
    pub par_ttl_secs: i64,
    /// How long a person has to log in and consent.
    pub transaction_ttl_secs: i64,
    /// Lifetime of a login session (for `prompt=none` and SSO).
    pub session_ttl_secs: i64,
    /// Longest lifetime (`exp` − now) accepted for a client assertion.
    pub max_assertion_ttl_secs: i64,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            signing_alg: "ES256".into(),
            require_par: false,
            token_ttl_secs: 300,
            code_ttl_secs: 60,
            par_ttl_secs: 60,
            transaction_ttl_secs: 600,
            session_ttl_secs: 3600,
            max_assertion_ttl_secs: 300,
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    /// The file is not valid TOML for [`Config`].
    #[error("bad config file: {0}")]
    Toml(#[from] toml::de::Error),
    /// An `INKAN_*` variable has a value of the wrong type.
    #[error("bad value for {0}: {1:?}")]
    Env(&'static str, String),
}

impl Config {
    /// Reads `file` (when given) and applies `INKAN_*` variables from `env` on top.
    ///
    /// ```
    /// let c = inkan_idp::config::Config::load(None, |k| {
    ///     (k == "INKAN_LISTEN").then(|| "127.0.0.1:0".to_string())
    /// }).unwrap();
    /// assert_eq!(c.listen, "127.0.0.1:0");
    /// ```
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut c = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.into(), e))?;
                toml::from_str(&text)?
            }
            None => Config::default(),
        };
        c.apply_env(env)?;
        Ok(c)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn num<T: std::str::FromStr>(k: &'static str, v: String) -> Result<T, ConfigError> {
            v.parse().map_err(|_| ConfigError::Env(k, v))
        }
        if let Some(v) = env("INKAN_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = env("INKAN_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("INKAN_MAX_CONNECTIONS") {
            self.max_connections = num("INKAN_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("INKAN_SQLITE_SYNCHRONOUS") {
            self.sqlite_synchronous = v;
        }
        if let Some(v) = env("INKAN_MASTER_KEY_FILE") {
            self.master_key_file = Some(v.into());
        }
        if let Some(v) = env("INKAN_MAX_BODY_BYTES") {
            self.max_body_bytes = num("INKAN_MAX_BODY_BYTES", v)?;
        }
        if let Some(v) = env("INKAN_MAX_BULK_BYTES") {
            self.max_bulk_bytes = num("INKAN_MAX_BULK_BYTES", v)?;
        }
        if let Some(v) = env("INKAN_CENTRE_ID") {
            self.centre_id = num("INKAN_CENTRE_ID", v)?;
        }
        if let Some(v) = env("INKAN_MACHINE_ID") {
            self.machine_id = num("INKAN_MACHINE_ID", v)?;
        }
        if let Some(v) = env("INKAN_UIN_LENGTH") {
            self.uin_length = num("INKAN_UIN_LENGTH", v)?;
        }
        if let Some(v) = env("INKAN_SEED_DEMO_OPERATOR") {
            self.seed_demo_operator = num("INKAN_SEED_DEMO_OPERATOR", v)?;
        }
        if let Some(v) = env("INKAN_IDENTITY_SCHEMA_FILE") {
            self.identity_schema_file = Some(v.into());
        }
        if let Some(v) = env("INKAN_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = env("INKAN_AUTHN_ISSUER") {
            self.authn.issuer = v;
        }
        if let Some(v) = env("INKAN_AUTHN_NOTIFIER") {
            self.authn.notifier = v;
        }
        if let Some(v) = env("INKAN_AUTHN_OTP_CHANNEL") {
            self.authn.otp_channel = serde_json::from_value(serde_json::Value::String(v.clone()))
                .map_err(|_| ConfigError::Env("INKAN_AUTHN_OTP_CHANNEL", v))?;
        }
        if let Some(v) = env("INKAN_AUTHN_PIN_MEMORY_KIB") {
            self.authn.pin_memory_kib = num("INKAN_AUTHN_PIN_MEMORY_KIB", v)?;
        }
        if let Some(v) = env("INKAN_AUTHN_PIN_PASSES") {
            self.authn.pin_passes = num("INKAN_AUTHN_PIN_PASSES", v)?;
        }
        if let Some(v) = env("INKAN_OIDC_ISSUER") {
            self.oidc.issuer = Some(v);
        }
        if let Some(v) = env("INKAN_OIDC_SIGNING_ALG") {
            self.oidc.signing_alg = v;
        }
        if let Some(v) = env("INKAN_OIDC_REQUIRE_PAR") {
            self.oidc.require_par = num("INKAN_OIDC_REQUIRE_PAR", v)?;
        }
        match self.sqlite_synchronous.as_str() {
            "full" | "normal" => Ok(()),
            _ => Err(ConfigError::Env(
                "INKAN_SQLITE_SYNCHRONOUS",
                self.sqlite_synchronous.clone(),
            )),
        }
    }

    /// The master key file to use: the configured one, or `master.key` beside a SQLite file.
    pub fn master_key_path(&self) -> PathBuf {
        if let Some(p) = &self.master_key_file {
            return p.clone();
        }
        let db = self
            .database_url
            .strip_prefix("sqlite://")
            .map(|s| s.split('?').next().unwrap_or(s))
            .unwrap_or("inkan-idp.db");
        let dir = Path::new(db).parent().unwrap_or(Path::new("."));
        dir.join("inkan-idp-master.key")
    }
}
