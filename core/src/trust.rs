//! Who is trusted for what: the [`TrustStore`] every verifier consults, and
//! [`StaticTrustStore`], an in-memory one built in code.
//!
//! A trust store answers four questions: which keys may sign for an issuer, which DIDs are
//! trusted as issuers, which X.509 anchors (and pinned leaves) apply to a purpose, and whether
//! an issuer may issue a given credential type. Loading one from a file, refreshing it, or
//! backing it with a database belongs to the crates that own that I/O.

use std::collections::{BTreeMap, BTreeSet};

use crate::crypto::PublicKey;
use crate::x509::{ChainValidator, PinnedLeaf, TrustAnchor};

/// Well-known X.509 trust purposes: the namespaces anchors and pinned leaves are filed under,
/// so an IACA root trusted for mdocs does not also vouch for, say, SD-JWT issuers.
///
/// Purposes are plain strings; deployments may add their own.
///
/// ```
/// use inkan_core::trust::purpose;
/// assert_eq!(purpose::MDOC_IACA, "mdoc-iaca");
/// ```
pub mod purpose {
    /// ISO 18013-5 issuing authority roots (IACA) for mdoc document signer certificates.
    pub const MDOC_IACA: &str = "mdoc-iaca";
    /// ISO 18013-5 reader authentication roots.
    pub const MDOC_READER: &str = "mdoc-reader";
    /// Roots for SD-JWT VC issuer certificates carried in `x5c`.
    pub const SD_JWT: &str = "sd-jwt";
    /// Roots for OpenID4VP verifiers identified by `x509_san_dns:` / `x509_hash:`.
    pub const OPENID4VP_VERIFIER: &str = "openid4vp-verifier";
}

/// The trust decisions a verifier needs, independent of where they are stored.
///
/// Issuer identifiers are strings as credentials carry them: an `iss` URL, a DID, a Claim 169
/// issuer name. Credential types are the format's type string: an SD-JWT `vct`, an mdoc
/// `docType`, a W3C VC `type`.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::trust::{StaticTrustStore, TrustStore};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let store = StaticTrustStore::builder()
///     .issuer_key("https://issuer.example", Some("k1"), key.public_key().clone())
///     .allow_issue("https://issuer.example", "urn:eu.europa.ec.eudi:pid:1")
///     .build();
/// let trust: &dyn TrustStore = &store;
/// assert_eq!(trust.issuer_keys("https://issuer.example", Some("k1")).len(), 1);
/// assert!(trust.may_issue("https://issuer.example", "urn:eu.europa.ec.eudi:pid:1"));
/// assert!(!trust.may_issue("https://issuer.example", "other"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait TrustStore: Send + Sync {
    /// Keys that may sign for `issuer`. With a `kid`, keys filed under that `kid` and keys filed
    /// without one; without a `kid`, every key of the issuer.
    fn issuer_keys(&self, issuer: &str, kid: Option<&str>) -> Vec<PublicKey>;

    /// Whether `did` is trusted as an issuer (its keys then come from its DID document). A DID
    /// URL's fragment is ignored.
    fn is_trusted_did(&self, did: &str) -> bool;

    /// X.509 trust anchors for a purpose (see [`purpose`]).
    fn x509_anchors(&self, purpose: &str) -> Vec<TrustAnchor>;

    /// Leaf certificates trusted without a root, for a purpose.
    fn pinned_leaves(&self, purpose: &str) -> Vec<PinnedLeaf>;

    /// Whether `issuer` may issue credentials of `credential_type`.
    ///
    /// This is policy only: it does not say whether the issuer is trusted at all.
    fn may_issue(&self, issuer: &str, credential_type: &str) -> bool;

    /// A chain validator with this purpose's anchors and pinned leaves (no profile).
    fn chain_validator(&self, purpose: &str) -> ChainValidator {
        ChainValidator::new(self.x509_anchors(purpose)).pinned_leaves(self.pinned_leaves(purpose))
    }
}

/// The credential types an issuer may issue.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    Any,
    Only(BTreeSet<String>),
}

#[derive(Debug, Clone)]
struct IssuerKey {
    issuer: String,
    kid: Option<String>,
    key: PublicKey,
}

/// An in-memory [`TrustStore`], built once with [`StaticTrustStore::builder`].
///
/// Issuance policy: an issuer given [`allow_issue`](StaticTrustStoreBuilder::allow_issue) rules
/// may issue only those types; an issuer with none may issue any type, unless the store was
/// built with [`restrict_unlisted_issuers`](StaticTrustStoreBuilder::restrict_unlisted_issuers).
///
/// ```
/// use inkan_core::trust::{purpose, StaticTrustStore, TrustStore};
/// use inkan_core::x509::{Certificate, TrustAnchor};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// let iaca = TrustAnchor::from_certificate(Certificate::from_der(der)?)?;
/// let store = StaticTrustStore::builder()
///     .x509_anchor(purpose::MDOC_IACA, iaca)
///     .trusted_did("did:web:issuer.example")
///     .restrict_unlisted_issuers()
///     .build();
/// assert_eq!(store.x509_anchors(purpose::MDOC_IACA).len(), 1);
/// assert!(store.x509_anchors(purpose::SD_JWT).is_empty());
/// assert!(store.is_trusted_did("did:web:issuer.example#key-1"));
/// assert!(!store.may_issue("did:web:issuer.example", "anything"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StaticTrustStore {
    keys: Vec<IssuerKey>,
    dids: BTreeSet<String>,
    anchors: BTreeMap<String, Vec<TrustAnchor>>,
    pinned: BTreeMap<String, Vec<PinnedLeaf>>,
    policy: BTreeMap<String, Allowed>,
    unlisted: Allowed,
}

impl StaticTrustStore {
    /// Starts an empty store (trusts nothing; unlisted issuers may issue any type).
    pub fn builder() -> StaticTrustStoreBuilder {
        StaticTrustStoreBuilder(Self {
            keys: Vec::new(),
            dids: BTreeSet::new(),
            anchors: BTreeMap::new(),
            pinned: BTreeMap::new(),
            policy: BTreeMap::new(),
            unlisted: Allowed::Any,
        })
    }
}

impl TrustStore for StaticTrustStore {
    fn issuer_keys(&self, issuer: &str, kid: Option<&str>) -> Vec<PublicKey> {
        self.keys
            .iter()
            .filter(|k| k.issuer == issuer)
            .filter(|k| kid.is_none() || k.kid.is_none() || k.kid.as_deref() == kid)
            .map(|k| k.key.clone())
            .collect()
    }

    fn is_trusted_did(&self, did: &str) -> bool {
        let did = did.split_once('#').map_or(did, |(did, _)| did);
        self.dids.contains(did)
    }

    fn x509_anchors(&self, purpose: &str) -> Vec<TrustAnchor> {
        self.anchors.get(purpose).cloned().unwrap_or_default()
    }

    fn pinned_leaves(&self, purpose: &str) -> Vec<PinnedLeaf> {
        self.pinned.get(purpose).cloned().unwrap_or_default()
    }

    fn may_issue(&self, issuer: &str, credential_type: &str) -> bool {
        match self.policy.get(issuer).unwrap_or(&self.unlisted) {
            Allowed::Any => true,
            Allowed::Only(types) => types.contains(credential_type),
        }
    }
}

/// Builds a [`StaticTrustStore`].
///
/// ```
/// use inkan_core::trust::{StaticTrustStore, TrustStore};
/// let store = StaticTrustStore::builder().allow_issue("gov", "pid").build();
/// assert!(store.may_issue("gov", "pid") && !store.may_issue("gov", "mdl"));
/// ```
#[derive(Debug, Clone)]
pub struct StaticTrustStoreBuilder(StaticTrustStore);

impl StaticTrustStoreBuilder {
    /// Trusts `key` to sign for `issuer`, optionally only under key id `kid`.
    pub fn issuer_key(mut self, issuer: impl Into<String>, kid: Option<&str>, key: PublicKey) -> Self {
        self.0.keys.push(IssuerKey {
            issuer: issuer.into(),
            kid: kid.map(str::to_owned),
            key,
        });
        self
    }

    /// Trusts `did` as an issuer.
    pub fn trusted_did(mut self, did: impl Into<String>) -> Self {
        self.0.dids.insert(did.into());
        self
    }

    /// Adds an X.509 trust anchor for `purpose`.
    pub fn x509_anchor(mut self, purpose: impl Into<String>, anchor: TrustAnchor) -> Self {
        self.0.anchors.entry(purpose.into()).or_default().push(anchor);
        self
    }

    /// Adds a pinned leaf certificate (or key) for `purpose`.
    pub fn pinned_leaf(mut self, purpose: impl Into<String>, leaf: PinnedLeaf) -> Self {
        self.0.pinned.entry(purpose.into()).or_default().push(leaf);
        self
    }

    /// Lets `issuer` issue `credential_type` (and, from now on, only the types allowed this way).
    pub fn allow_issue(mut self, issuer: impl Into<String>, credential_type: impl Into<String>) -> Self {
        let entry = self
            .0
            .policy
            .entry(issuer.into())
            .or_insert_with(|| Allowed::Only(BTreeSet::new()));
        if let Allowed::Only(types) = entry {
            types.insert(credential_type.into());
        }
        self
    }

    /// Lets `issuer` issue any credential type, even if the store restricts unlisted issuers.
    pub fn allow_any_type(mut self, issuer: impl Into<String>) -> Self {
        self.0.policy.insert(issuer.into(), Allowed::Any);
        self
    }

    /// Issuers without [`allow_issue`](Self::allow_issue) rules may issue nothing.
    pub fn restrict_unlisted_issuers(mut self) -> Self {
        self.0.unlisted = Allowed::Only(BTreeSet::new());
        self
    }

    /// The finished store.
    pub fn build(self) -> StaticTrustStore {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::FixedClock;
    use crate::crypto::{Algorithm, SoftwareKey};
    use crate::x509::Certificate;

    const IACA: &[u8] = include_bytes!("x509/testdata/annexd-iaca.der");
    const DS: &[u8] = include_bytes!("x509/testdata/annexd-ds.der");

    fn key() -> PublicKey {
        SoftwareKey::generate(Algorithm::EdDsa)
            .unwrap()
            .public_key()
            .clone()
    }

    #[test]
    fn keys_by_issuer_and_kid() {
        let (a, b, c) = (key(), key(), key());
        let store = StaticTrustStore::builder()
            .issuer_key("iss", Some("a"), a.clone())
            .issuer_key("iss", Some("b"), b.clone())
            .issuer_key("iss", None, c.clone())
            .issuer_key("other", Some("a"), key())
            .build();
        assert_eq!(store.issuer_keys("iss", None), [a.clone(), b, c.clone()]);
        assert_eq!(store.issuer_keys("iss", Some("a")), [a, c.clone()]);
        assert_eq!(store.issuer_keys("iss", Some("zzz")), [c]);
        assert!(store.issuer_keys("nobody", None).is_empty());
    }

    #[test]
    fn issuance_policy() {
        let store = StaticTrustStore::builder()
            .allow_issue("gov", "pid")
            .allow_issue("gov", "mdl")
            .allow_any_type("lab")
            .allow_issue("lab", "ignored: already any")
            .build();
        assert!(store.may_issue("gov", "pid") && store.may_issue("gov", "mdl"));
        assert!(!store.may_issue("gov", "diploma"));
        assert!(store.may_issue("lab", "diploma"));
        assert!(store.may_issue("unlisted", "pid"));
        let strict = StaticTrustStore::builder()
            .allow_any_type("lab")
            .restrict_unlisted_issuers()
            .build();
        assert!(!strict.may_issue("unlisted", "pid"));
        assert!(strict.may_issue("lab", "pid"));
    }

    #[test]
    fn dids() {
        let store = StaticTrustStore::builder().trusted_did("did:key:z6Mk1").build();
        assert!(store.is_trusted_did("did:key:z6Mk1"));
        assert!(store.is_trusted_did("did:key:z6Mk1#z6Mk1"));
        assert!(!store.is_trusted_did("did:key:z6Mk2"));
        assert!(!store.is_trusted_did("did:key:z6Mk"));
    }

    #[test]
    fn chain_validator_per_purpose() {
        let iaca = TrustAnchor::from_certificate(Certificate::from_der(IACA).unwrap()).unwrap();
        let ds = Certificate::from_der(DS).unwrap();
        let store: Arc<dyn TrustStore> = Arc::new(
            StaticTrustStore::builder()
                .x509_anchor(purpose::MDOC_IACA, iaca)
                .pinned_leaf(purpose::SD_JWT, PinnedLeaf::Exact(ds.clone()))
                .build(),
        );
        let at = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
        let chain = [ds];
        assert!(
            store
                .chain_validator(purpose::MDOC_IACA)
                .validate(&chain, &at)
                .is_ok()
        );
        assert!(
            store
                .chain_validator(purpose::SD_JWT)
                .validate(&chain, &at)
                .is_ok()
        );
        let err = store
            .chain_validator(purpose::MDOC_READER)
            .validate(&chain, &at)
            .unwrap_err();
        assert_eq!(err.code(), "x509.untrusted");
    }
}
