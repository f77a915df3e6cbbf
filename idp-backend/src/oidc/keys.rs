//! The provider's signing keys: sealed at rest, published before they sign, published after
//! they stop signing until every token they signed has expired.
//!
//! A key moves `next` → `active` → `retired`. [`KeyRing::open`] makes sure one `active` and one
//! `next` key exist; [`KeyRing::rotate`] retires the active key (published until
//! `now + token lifetime`), activates the `next` key (already in the JWKS since it was made, so
//! relying parties that cache the JWKS know it before it signs) and makes a new `next` key.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use inkan_core::crypto::{Algorithm, Jwk, SoftwareKey};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Registry;
use crate::store::{WriteTx, now};

/// The signing algorithms a provider key may use.
///
/// ```
/// use inkan_idp::oidc::keys::signing_algorithm;
/// assert!(signing_algorithm("ES256").is_ok());
/// assert!(signing_algorithm("none").is_err());
/// assert!(signing_algorithm("RS256").is_err()); // PS256 only for RSA
/// ```
pub fn signing_algorithm(name: &str) -> Result<Algorithm, ApiError> {
    match Algorithm::from_jose(name) {
        Ok(a @ (Algorithm::Es256 | Algorithm::EdDsa | Algorithm::Ps256)) => Ok(a),
        _ => Err(ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "idp.bad_config",
            format!("oidc.signing_alg {name:?}: use ES256, EdDSA or PS256"),
        )),
    }
}

/// The key that signs now, shared by the handlers.
#[derive(Debug)]
pub struct KeyRing {
    registry: Registry,
    alg: Algorithm,
    token_ttl: i64,
    active: RwLock<Arc<SoftwareKey>>,
    loaded_at: AtomicI64,
}

/// How often an instance re-reads which key is active, so a rotation done by another instance
/// on the same database reaches it well before the retired key leaves the JWKS.
const RELOAD_SECS: i64 = 30;

#[derive(sqlx::FromRow)]
struct KeyRow {
    kid: String,
    key_id: String,
    sealed: Vec<u8>,
}

fn aad(kid: &str) -> String {
    format!("oidc-key|{kid}")
}

impl KeyRing {
    /// Loads the active key, creating the first `active` and `next` keys on a new database.
    pub async fn open(registry: &Registry, alg: Algorithm, token_ttl: i64) -> Result<Self, ApiError> {
        let mut w = registry.store.begin_write().await?;
        for state in ["active", "next"] {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_keys WHERE state = $1")
                .bind(state)
                .fetch_one(&mut *w.tx)
                .await?;
            if n == 0 {
                insert_key(registry, &mut w, alg, state).await?;
            }
        }
        w.commit().await?;
        let active = load_active(registry).await?;
        Ok(Self {
            registry: registry.clone(),
            alg,
            token_ttl,
            active: RwLock::new(Arc::new(active)),
            loaded_at: AtomicI64::new(now()),
        })
    }

    /// The key that signs now.
    pub fn signer(&self) -> Arc<SoftwareKey> {
        match self.active.read() {
            Ok(k) => k.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The key to sign with: [`KeyRing::signer`], re-read from the database when it was loaded
    /// more than 30 s ago.
    pub async fn current(&self) -> Result<Arc<SoftwareKey>, ApiError> {
        if now() - self.loaded_at.load(Ordering::Relaxed) > RELOAD_SECS {
            self.refresh().await?;
        }
        Ok(self.signer())
    }

    /// The JOSE `alg` of the key that signs now.
    pub fn signer_alg(&self) -> &'static str {
        use inkan_core::crypto::Signer;
        self.signer().algorithm().jose_name()
    }

    /// Re-reads the active key (after another instance rotated).
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let key = Arc::new(load_active(&self.registry).await?);
        match self.active.write() {
            Ok(mut k) => *k = key,
            Err(poisoned) => *poisoned.into_inner() = key,
        }
        self.loaded_at.store(now(), Ordering::Relaxed);
        Ok(())
    }

    /// Rotates: active → retired (published until its tokens expire), next → active, new next.
    /// Returns the kid that signs from now on.
    pub async fn rotate(&self) -> Result<String, ApiError> {
        let t = now();
        let mut w = self.registry.store.begin_write().await?;
        let next: Option<String> =
            sqlx::query_scalar("SELECT kid FROM oidc_keys WHERE state = 'next' ORDER BY created_at LIMIT 1")
                .fetch_optional(&mut *w.tx)
                .await?;
        let Some(next) = next else {
            return Err(ApiError::internal("no next signing key to activate"));
        };
        // Leeway of a minute on top of the lifetime, as verifiers allow that much clock skew.
        sqlx::query(
            "UPDATE oidc_keys SET state = 'retired', retired_at = $1, publish_until = $2 WHERE state = 'active'",
        )
        .bind(t)
        .bind(t + self.token_ttl + 60)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("UPDATE oidc_keys SET state = 'active', activated_at = $1 WHERE kid = $2")
            .bind(t)
            .bind(&next)
            .execute(&mut *w.tx)
            .await?;
        insert_key(&self.registry, &mut w, self.alg, "next").await?;
        w.commit().await?;
        self.refresh().await?;
        Ok(next)
    }
}

/// The published keys (RFC 7517 JWK Set): `next`, `active`, and `retired` keys whose tokens
/// may still be valid. Read from the database, so every instance publishes the same set.
pub(crate) async fn jwks(registry: &Registry) -> Result<Value, ApiError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT public_jwk FROM oidc_keys WHERE state <> 'retired' OR publish_until > $1 ORDER BY created_at, kid",
    )
    .bind(now())
    .fetch_all(registry.store.pool())
    .await?;
    let keys = rows
        .iter()
        .map(|t| serde_json::from_str::<Value>(t).map_err(ApiError::internal))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "keys": keys }))
}

async fn insert_key(
    registry: &Registry,
    w: &mut WriteTx,
    alg: Algorithm,
    state: &str,
) -> Result<(), ApiError> {
    let key = SoftwareKey::generate(alg).map_err(ApiError::internal)?;
    let private = key.to_jwk().map_err(ApiError::internal)?;
    let kid = private.kid.clone().unwrap_or_default();
    let mut public: Jwk = private.to_public();
    public.use_ = Some("sig".into());
    let plain = zeroize::Zeroizing::new(private.to_json());
    let (key_id, sealed) = registry.sealer.seal(&aad(&kid), plain.as_bytes());
    sqlx::query(
        "INSERT INTO oidc_keys (kid, alg, state, key_id, sealed, public_jwk, created_at, activated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&kid)
    .bind(alg.jose_name())
    .bind(state)
    .bind(key_id)
    .bind(sealed)
    .bind(public.to_json())
    .bind(now())
    .bind((state == "active").then(now))
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

async fn load_active(registry: &Registry) -> Result<SoftwareKey, ApiError> {
    let row: KeyRow = sqlx::query_as(
        "SELECT kid, key_id, sealed FROM oidc_keys WHERE state = 'active' ORDER BY activated_at DESC, created_at DESC LIMIT 1",
    )
    .fetch_one(registry.store.pool())
    .await?;
    let plain = zeroize::Zeroizing::new(
        registry
            .sealer
            .open(&row.key_id, &aad(&row.kid), &row.sealed)
            .map_err(ApiError::internal)?,
    );
    let text = std::str::from_utf8(&plain).map_err(ApiError::internal)?;
    let jwk = Jwk::from_json(text).map_err(ApiError::internal)?;
    SoftwareKey::from_jwk(&jwk).map_err(ApiError::internal)
}
