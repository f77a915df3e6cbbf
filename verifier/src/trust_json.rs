//! [`JsonTrustStore`]: a [`TrustStore`] loaded from files — a trust-store JSON document, or
//! simply a JWK, a JWKS, or PEM certificates / public keys (the format is detected).
//!
//! "Cached for offline use", for a local file, means: the file is read and parsed once (keys
//! validated and prepared for the crypto provider, certificates decoded), the store then answers
//! every lookup from memory with no I/O, and [`JsonTrustStore::to_json`] writes it back as one
//! trust-store document — so a store assembled from several files can be saved and reloaded
//! unchanged.
//!
//! The document:
//!
//! ```json
//! {
//!   "issuers": [{
//!     "issuer": "https://id.example.gov",          // as credentials name it; "*" = any issuer
//!     "kid": "k1",                                 // for keys and certificates without their own kid
//!     "keys": [{"kty": "OKP", "crv": "Ed25519", "x": "..."}],
//!     "certificates": ["-----BEGIN CERTIFICATE-----..."],
//!     "dids": ["did:web:id.example.gov"],
//!     "credential_types": ["claim169"]             // absent: any type
//!   }],
//!   "x509_anchors": {"mdoc-iaca": ["-----BEGIN CERTIFICATE-----..."]},   // "*" = any purpose
//!   "pinned_leaves": {"sd-jwt": ["-----BEGIN CERTIFICATE-----..."]},
//!   "restrict_unlisted_issuers": false
//! }
//! ```
//!
//! A bare JWK, JWKS or PEM file trusts its keys for any issuer (`"*"`); its CA certificates
//! become anchors and its other certificates pinned leaves, for any purpose.

use std::collections::BTreeMap;
use std::path::Path;

use inkan_core::crypto::{Jwk, PublicKey};
use inkan_core::did::Did;
use inkan_core::trust::{StaticTrustStore, StaticTrustStoreBuilder, TrustStore};
use inkan_core::x509::{Certificate, PinnedLeaf, TrustAnchor};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The issuer (and X.509 purpose) that stands for "any": what bare key files are filed under.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::trust::TrustStore;
/// use inkan_verifier::{ANY, JsonTrustStore};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let store = JsonTrustStore::parse(&key.public_key().to_jwk().to_json())?;
/// assert_eq!(store.issuer_keys(ANY, None), store.issuer_keys("https://any.example", None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const ANY: &str = "*";

/// Largest trust file accepted, in bytes.
///
/// ```
/// let err = inkan_verifier::JsonTrustStore::parse(&" ".repeat(inkan_verifier::MAX_TRUST_FILE + 1)).unwrap_err();
/// assert_eq!(err.code(), "input.too_large");
/// ```
pub const MAX_TRUST_FILE: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustDocument {
    #[serde(default)]
    issuers: Vec<IssuerEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    x509_anchors: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pinned_leaves: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    restrict_unlisted_issuers: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerEntry {
    issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    keys: Vec<Jwk>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    certificates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credential_types: Option<Vec<String>>,
}

impl IssuerEntry {
    fn any() -> Self {
        Self {
            issuer: ANY.into(),
            kid: None,
            keys: Vec::new(),
            certificates: Vec::new(),
            dids: Vec::new(),
            credential_types: None,
        }
    }
}

/// A trust store read from JSON or PEM, parsed once and answered from memory.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::trust::TrustStore;
/// use inkan_verifier::JsonTrustStore;
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let doc = serde_json::json!({"issuers": [{
///     "issuer": "https://id.example.gov", "kid": "k1",
///     "keys": [key.public_key().to_jwk()], "credential_types": ["claim169"]}]});
/// let store = JsonTrustStore::parse(&doc.to_string())?;
/// assert_eq!(store.issuer_keys("https://id.example.gov", Some("k1")), [key.public_key().clone()]);
/// assert!(store.issuer_keys("https://id.example.gov", Some("k2")).is_empty());
/// assert!(store.may_issue("https://id.example.gov", "claim169"));
/// assert!(!store.may_issue("https://id.example.gov", "mdl"));
/// // A bare JWK is trusted for any issuer.
/// let bare = JsonTrustStore::parse(&key.public_key().to_jwk().to_json())?;
/// assert_eq!(bare.issuer_keys("whoever", None).len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct JsonTrustStore {
    doc: TrustDocument,
    index: StaticTrustStore,
}

impl JsonTrustStore {
    /// An empty store: trusts nothing.
    ///
    /// ```
    /// use inkan_core::trust::TrustStore;
    /// assert!(inkan_verifier::JsonTrustStore::empty().issuer_keys("*", None).is_empty());
    /// ```
    pub fn empty() -> Self {
        Self {
            doc: TrustDocument::default(),
            index: StaticTrustStore::builder().build(),
        }
    }

    /// Parses a trust-store document, a JWK, a JWKS, or PEM certificates / public keys.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_TRUST_FILE {
            return Err(inkan_core::Error::TooLarge {
                size: text.len(),
                limit: MAX_TRUST_FILE,
            }
            .into());
        }
        let text = text.trim_start();
        let doc = if text.starts_with("-----BEGIN") {
            from_pem(text)?
        } else if text.starts_with('{') {
            from_json(text)?
        } else {
            return Err(Error::TrustStoreMalformed(
                "neither JSON (a trust store, JWK or JWKS) nor PEM".into(),
            ));
        };
        Self::from_document(doc)
    }

    /// Reads and parses a file (see [`parse`](Self::parse)).
    ///
    /// ```
    /// let err = inkan_verifier::JsonTrustStore::from_file("/no/such/trust.json").unwrap_err();
    /// assert_eq!(err.code(), "io.unreadable");
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_TRUST_FILE as u64 {
            return Err(inkan_core::Error::TooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_TRUST_FILE,
            }
            .into());
        }
        Self::parse(&std::fs::read_to_string(path).map_err(io)?)
    }

    /// This store and `other` together (issuers, anchors and pinned leaves of both; unlisted
    /// issuers are restricted if either restricts them).
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::trust::TrustStore;
    /// use inkan_verifier::JsonTrustStore;
    /// let a = JsonTrustStore::parse(&SoftwareKey::generate(Algorithm::EdDsa)?.public_key().to_jwk().to_json())?;
    /// let b = JsonTrustStore::parse(&SoftwareKey::generate(Algorithm::Es256)?.public_key().to_jwk().to_json())?;
    /// assert_eq!(a.merge(b)?.issuer_keys("any issuer", None).len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(self, other: JsonTrustStore) -> Result<Self> {
        let mut doc = self.doc;
        doc.issuers.extend(other.doc.issuers);
        for (purpose, pems) in other.doc.x509_anchors {
            doc.x509_anchors.entry(purpose).or_default().extend(pems);
        }
        for (purpose, pems) in other.doc.pinned_leaves {
            doc.pinned_leaves.entry(purpose).or_default().extend(pems);
        }
        doc.restrict_unlisted_issuers |= other.doc.restrict_unlisted_issuers;
        Self::from_document(doc)
    }

    /// The store as one trust-store document (pretty JSON), which [`parse`](Self::parse) reads
    /// back to an equivalent store.
    ///
    /// ```
    /// use inkan_verifier::JsonTrustStore;
    /// let store = JsonTrustStore::parse(r#"{"issuers": [{"issuer": "gov", "dids": ["did:web:gov.example"]}]}"#)?;
    /// assert_eq!(JsonTrustStore::parse(&store.to_json())?.to_json(), store.to_json());
    /// # Ok::<(), inkan_verifier::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Strings, JWKs and maps of strings always serialise.
        serde_json::to_string_pretty(&self.doc).unwrap_or_default()
    }

    fn from_document(doc: TrustDocument) -> Result<Self> {
        let mut builder = StaticTrustStore::builder();
        for entry in &doc.issuers {
            builder = add_issuer(builder, entry)?;
        }
        for (purpose, pems) in &doc.x509_anchors {
            for cert in certificates(pems)? {
                builder = builder.x509_anchor(purpose, TrustAnchor::from_certificate(cert)?);
            }
        }
        for (purpose, pems) in &doc.pinned_leaves {
            for cert in certificates(pems)? {
                builder = builder.pinned_leaf(purpose, PinnedLeaf::Exact(cert));
            }
        }
        if doc.restrict_unlisted_issuers {
            builder = builder.restrict_unlisted_issuers();
        }
        Ok(Self {
            index: builder.build(),
            doc,
        })
    }
}

fn add_issuer(mut builder: StaticTrustStoreBuilder, entry: &IssuerEntry) -> Result<StaticTrustStoreBuilder> {
    let issuer = entry.issuer.as_str();
    if issuer.is_empty() {
        return Err(Error::TrustStoreMalformed(
            "an issuer entry has an empty \"issuer\"".into(),
        ));
    }
    for jwk in &entry.keys {
        if jwk.is_private() {
            return Err(Error::TrustStorePrivateKey(format!("a JWK of issuer {issuer:?}")));
        }
        let kid = jwk.kid.as_deref().or(entry.kid.as_deref());
        builder = builder.issuer_key(issuer, kid, PublicKey::from_jwk(jwk)?);
    }
    for cert in certificates(&entry.certificates)? {
        builder = builder.issuer_key(issuer, entry.kid.as_deref(), cert.public_key()?);
    }
    for did in &entry.dids {
        builder = builder.trusted_did(Did::parse(did)?.as_str());
    }
    match &entry.credential_types {
        None => Ok(builder),
        Some(types) if types.is_empty() => Err(Error::TrustStoreMalformed(format!(
            "issuer {issuer:?} has an empty \"credential_types\": list the types, or leave it out to allow any"
        ))),
        Some(types) => Ok(types.iter().fold(builder, |b, t| b.allow_issue(issuer, t))),
    }
}

fn certificates(pems: &[String]) -> Result<Vec<Certificate>> {
    let mut all = Vec::new();
    for pem in pems {
        all.extend(Certificate::from_pem_bundle(pem)?);
    }
    Ok(all)
}

/// A JSON text: a JWK (has `kty`), a JWKS (has `keys` and nothing of a trust store), or a
/// trust-store document.
fn from_json(text: &str) -> Result<TrustDocument> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(inkan_core::Error::from)?;
    let malformed = |e: serde_json::Error| Error::TrustStoreMalformed(e.to_string());
    if value.get("kty").is_some() {
        let jwk: Jwk = serde_json::from_value(value).map_err(malformed)?;
        return Ok(bare_keys(vec![jwk], Vec::new()));
    }
    let is_jwks =
        value.get("keys").is_some() && value.as_object().is_some_and(|o| o.keys().all(|k| k == "keys"));
    if is_jwks {
        #[derive(Deserialize)]
        struct Jwks {
            keys: Vec<Jwk>,
        }
        let jwks: Jwks = serde_json::from_value(value).map_err(malformed)?;
        return Ok(bare_keys(jwks.keys, Vec::new()));
    }
    serde_json::from_value(value).map_err(malformed)
}

/// PEM: certificates (a bundle) or one public key. A private key is refused by name.
fn from_pem(text: &str) -> Result<TrustDocument> {
    if text.contains("PRIVATE KEY-----") {
        return Err(Error::TrustStorePrivateKey("a PEM private key".into()));
    }
    if text.contains("-----BEGIN CERTIFICATE-----") {
        let certs = Certificate::from_pem_bundle(text)?;
        let mut doc = bare_keys(Vec::new(), certs.iter().map(Certificate::to_pem).collect());
        for cert in certs {
            let is_ca = cert.basic_constraints().is_some_and(|bc| bc.ca);
            let slot = if is_ca {
                &mut doc.x509_anchors
            } else {
                &mut doc.pinned_leaves
            };
            slot.entry(ANY.into()).or_default().push(cert.to_pem());
        }
        return Ok(doc);
    }
    let key = PublicKey::from_pem(text)?;
    Ok(bare_keys(vec![key.to_jwk()], Vec::new()))
}

fn bare_keys(keys: Vec<Jwk>, certificates: Vec<String>) -> TrustDocument {
    TrustDocument {
        issuers: vec![IssuerEntry {
            keys,
            certificates,
            ..IssuerEntry::any()
        }],
        ..TrustDocument::default()
    }
}

/// Wildcards: keys filed under [`ANY`] sign for every issuer, anchors and pinned leaves filed
/// under [`ANY`] serve every purpose.
impl TrustStore for JsonTrustStore {
    fn issuer_keys(&self, issuer: &str, kid: Option<&str>) -> Vec<PublicKey> {
        let mut keys = self.index.issuer_keys(issuer, kid);
        if issuer != ANY {
            keys.extend(self.index.issuer_keys(ANY, kid));
        }
        keys
    }

    fn is_trusted_did(&self, did: &str) -> bool {
        self.index.is_trusted_did(did)
    }

    fn x509_anchors(&self, purpose: &str) -> Vec<TrustAnchor> {
        let mut anchors = self.index.x509_anchors(purpose);
        if purpose != ANY {
            anchors.extend(self.index.x509_anchors(ANY));
        }
        anchors
    }

    fn pinned_leaves(&self, purpose: &str) -> Vec<PinnedLeaf> {
        let mut leaves = self.index.pinned_leaves(purpose);
        if purpose != ANY {
            leaves.extend(self.index.pinned_leaves(ANY));
        }
        leaves
    }

    fn may_issue(&self, issuer: &str, credential_type: &str) -> bool {
        self.index.may_issue(issuer, credential_type)
    }
}
