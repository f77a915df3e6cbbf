//! Envelope encryption of personal data at rest, and keyed blind indexes for look-ups.
//!
//! A master key (32 bytes, from a file named in the config) seals data keys; data keys, stored
//! sealed in `data_keys`, encrypt records with AES-256-GCM. Each ciphertext names its data key
//! (`key_id` column) and is bound to its row through the associated data, so a sealed blob
//! copied onto another row does not open. Rotation is described in ARCHITECTURE.md.

use std::collections::HashMap;
use std::path::Path;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use crate::dedup::{BlindIndexKey, DemographicKey};
use crate::secret::Secret;
use crate::store::{Store, now};

const NONCE_LEN: usize = 12;

/// Why keys could not be loaded or data could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The master key file is unreadable or not 64 hex digits.
    #[error("master key file {0}: {1}")]
    MasterKey(String, String),
    /// A sealed value failed authentication (wrong key, or tampered with).
    #[error("sealed data does not open (wrong key or tampered)")]
    Open,
    /// A record names a data key that does not exist.
    #[error("unknown data key {0}")]
    UnknownKey(String),
    /// Database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// A 32-byte master key, zeroed on drop.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    /// Reads a master key file (64 hex digits); with `create`, writes a fresh random key
    /// (mode 0600) when the file does not exist.
    pub fn from_file(path: &Path, create: bool) -> Result<Self, SealError> {
        let err = |m: String| SealError::MasterKey(path.display().to_string(), m);
        if create && !path.exists() {
            let mut k = Zeroizing::new([0u8; 32]);
            OsRng.fill_bytes(k.as_mut());
            write_private(path, hex::encode(k.as_ref()).as_bytes()).map_err(|e| err(e.to_string()))?;
            tracing::warn!(path = %path.display(), "created a new master key file (demo mode)");
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?);
        Self::from_hex(text.trim()).map_err(|_| err("expected 64 hex digits".into()))
    }

    /// A key from 64 hex digits.
    ///
    /// ```
    /// let k = inkan_idp::seal::MasterKey::from_hex(&"11".repeat(32));
    /// assert!(k.is_ok());
    /// ```
    pub fn from_hex(text: &str) -> Result<Self, SealError> {
        let mut k = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text, k.as_mut())
            .map_err(|_| SealError::MasterKey("(inline)".into(), "expected 64 hex digits".into()))?;
        Ok(Self(k))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.0.as_ref().into())
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}

fn seal_with(cipher: &Aes256Gcm, aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    // AES-GCM encryption of an in-memory buffer cannot fail below its 64 GiB limit.
    if let Ok(ct) = cipher.encrypt(&nonce.into(), Payload { msg: plain, aad }) {
        out.extend_from_slice(&ct);
    }
    out
}

fn open_with(cipher: &Aes256Gcm, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(SealError::Open);
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::Open)?;
    cipher
        .decrypt(&nonce.into(), Payload { msg: ct, aad })
        .map_err(|_| SealError::Open)
}

fn key_aad(id: &str, purpose: &str) -> Vec<u8> {
    format!("inkan-idp data key|{id}|{purpose}").into_bytes()
}

/// The unsealed data keys: the one new records use, every older one, and the index key.
pub struct Sealer {
    active: String,
    keys: HashMap<String, Aes256Gcm>,
    index: Secret,
    demographic: BlindIndexKey,
    /// Other registry secrets by purpose ([`SECRET_PURPOSES`]), kept in `data_keys` so that
    /// master-key rotation re-seals them too.
    secrets: HashMap<String, Zeroizing<Vec<u8>>>,
}

/// Registry secrets other than data and index keys, created on first start: (id, purpose,
/// how to make one). The OTP hash key and the pairwise-subject key are 32 random bytes; the
/// e-KYC signing key is a private ES256 JWK (JSON).
const SECRET_PURPOSES: [(&str, &str, MakeSecret); 3] = [
    ("otp-1", "otp", random_secret),
    ("pw-1", "pairwise", random_secret),
    ("ek-1", "ekyc_signing", es256_jwk),
];

/// Makes the plaintext of a new registry secret.
type MakeSecret = fn() -> Result<Zeroizing<Vec<u8>>, SealError>;

fn random_secret() -> Result<Zeroizing<Vec<u8>>, SealError> {
    let mut raw = Zeroizing::new(vec![0u8; 32]);
    OsRng.fill_bytes(raw.as_mut());
    Ok(raw)
}

fn es256_jwk() -> Result<Zeroizing<Vec<u8>>, SealError> {
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    let jwk = SoftwareKey::generate(Algorithm::Es256)
        .and_then(|k| k.to_jwk())
        .map_err(|e| SealError::UnknownKey(format!("ekyc_signing: {e}")))?;
    Ok(Zeroizing::new(jwk.to_json().into_bytes()))
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    purpose: String,
    sealed: Vec<u8>,
}

impl Sealer {
    /// Loads the data keys, creating the first data key and the index key on a new database.
    pub async fn load(store: &Store, master: &MasterKey) -> Result<Self, SealError> {
        let mut w = store.begin_write().await?;
        let rows: Vec<KeyRow> =
            sqlx::query_as("SELECT id, purpose, sealed FROM data_keys ORDER BY created_at, id")
                .fetch_all(&mut *w.tx)
                .await?;
        let mut rows = rows;
        for (id, purpose) in [("dk-1", "data"), ("ix-1", "index")] {
            if !rows.iter().any(|r| r.purpose == purpose) {
                let row = new_key_row(master, id, purpose);
                insert_key(&mut w, &row).await?;
                rows.push(row);
            }
        }
        for (id, purpose, make) in SECRET_PURPOSES {
            if !rows.iter().any(|r| r.purpose == purpose) {
                let row = sealed_row(master, id, purpose, &make()?);
                insert_key(&mut w, &row).await?;
                rows.push(row);
            }
        }
        w.commit().await?;
        Self::from_rows(master, rows)
    }

    fn from_rows(master: &MasterKey, rows: Vec<KeyRow>) -> Result<Self, SealError> {
        let mc = master.cipher();
        let mut keys = HashMap::new();
        let mut active = None;
        let mut index_key = None;
        let mut secrets = HashMap::new();
        for r in rows {
            let raw = Zeroizing::new(open_with(&mc, &key_aad(&r.id, &r.purpose), &r.sealed)?);
            if r.purpose == "index" {
                index_key = Some(raw);
            } else if SECRET_PURPOSES.iter().any(|(_, p, _)| *p == r.purpose) {
                secrets.insert(r.purpose, raw);
            } else {
                keys.insert(r.id.clone(), Aes256Gcm::new(raw.as_slice().into()));
                active = Some(r.id);
            }
        }
        match (active, index_key) {
            (Some(active), Some(index_key)) => {
                let demographic = BlindIndexKey::from_bytes(&index_key)
                    .map_err(|e| SealError::UnknownKey(e.to_string()))?;
                let index =
                    Secret::from_bytes(&index_key).ok_or_else(|| SealError::UnknownKey("index".into()))?;
                Ok(Self {
                    active,
                    keys,
                    index,
                    demographic,
                    secrets,
                })
            }
            _ => Err(SealError::UnknownKey("data/index".into())),
        }
    }

    /// Seals `plain` for the row named by `aad` with the active data key; returns (key id, blob).
    pub fn seal(&self, aad: &str, plain: &[u8]) -> (String, Vec<u8>) {
        let blob = match self.keys.get(&self.active) {
            Some(c) => seal_with(c, aad.as_bytes(), plain),
            None => Vec::new(),
        };
        (self.active.clone(), blob)
    }

    /// Opens a blob sealed by [`Sealer::seal`].
    pub fn open(&self, key_id: &str, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let c = self
            .keys
            .get(key_id)
            .ok_or_else(|| SealError::UnknownKey(key_id.into()))?;
        open_with(c, aad.as_bytes(), sealed)
    }

    /// The blind index of a demographic key (`crate::dedup::BlindIndexKey` under the index key).
    pub fn demographic_index(&self, key: &DemographicKey) -> String {
        self.demographic.digest(key)
    }

    /// The registry secret for `purpose` (`otp`, `pairwise`, `ekyc_signing`), unsealed.
    pub(crate) fn secret(&self, purpose: &str) -> Option<&[u8]> {
        self.secrets.get(purpose).map(|s| s.as_slice())
    }

    /// A keyed hash (hex) of `parts` under the index key, labelled by `kind`, so equal values
    /// can be found without storing them.
    pub fn blind_index(&self, kind: &str, parts: &[&[u8]]) -> String {
        hex::encode(self.index.mac(kind, parts))
    }
}

fn new_key_row(master: &MasterKey, id: &str, purpose: &str) -> KeyRow {
    let mut raw = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(raw.as_mut());
    sealed_row(master, id, purpose, raw.as_ref())
}

fn sealed_row(master: &MasterKey, id: &str, purpose: &str, raw: &[u8]) -> KeyRow {
    KeyRow {
        id: id.into(),
        purpose: purpose.into(),
        sealed: seal_with(&master.cipher(), &key_aad(id, purpose), raw),
    }
}

async fn insert_key(w: &mut crate::store::WriteTx, row: &KeyRow) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO data_keys (id, purpose, sealed, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&row.id)
        .bind(&row.purpose)
        .bind(&row.sealed)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

/// Re-seals every data key under `new` (master-key rotation); records are not touched.
pub async fn rotate_master(store: &Store, old: &MasterKey, new: &MasterKey) -> Result<usize, SealError> {
    let mut w = store.begin_write().await?;
    let rows: Vec<KeyRow> = sqlx::query_as("SELECT id, purpose, sealed FROM data_keys")
        .fetch_all(&mut *w.tx)
        .await?;
    let (oc, nc) = (old.cipher(), new.cipher());
    for r in &rows {
        let aad = key_aad(&r.id, &r.purpose);
        let raw = Zeroizing::new(open_with(&oc, &aad, &r.sealed)?);
        sqlx::query("UPDATE data_keys SET sealed = $1 WHERE id = $2")
            .bind(seal_with(&nc, &aad, &raw))
            .bind(&r.id)
            .execute(&mut *w.tx)
            .await?;
    }
    w.commit().await?;
    Ok(rows.len())
}

/// Adds a new data key that new records use from the next start on; old records keep theirs.
pub async fn new_data_key(store: &Store, master: &MasterKey) -> Result<String, SealError> {
    let mut w = store.begin_write().await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM data_keys WHERE purpose = 'data'")
        .fetch_one(&mut *w.tx)
        .await?;
    let id = format!("dk-{}", n + 1);
    insert_key(&mut w, &new_key_row(master, &id, "data")).await?;
    w.commit().await?;
    Ok(id)
}
