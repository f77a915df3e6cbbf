//! Chain validation: from a leaf, through the intermediates given, to a trust anchor.

use std::fmt;
use std::sync::Arc;

use super::{Certificate, ObjectIdentifier};
use crate::clock::Clock;
use crate::crypto::PublicKey;
use crate::{Error, Result};

/// Longest chain accepted by default (leaf and intermediates, plus a root if sent along).
///
/// ```
/// assert_eq!(inkan_core::x509::MAX_CHAIN_LEN, 8);
/// ```
pub const MAX_CHAIN_LEN: usize = 8;

/// Something trusted to issue certificates: a root (or other CA) certificate, or a bare key with
/// the subject name its certificates carry as issuer.
///
/// ```
/// use inkan_core::x509::{Certificate, TrustAnchor};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// let iaca = Certificate::from_der(der)?;
/// let by_cert = TrustAnchor::from_certificate(iaca.clone())?;
/// let by_key = TrustAnchor::from_key("CN=utopia iaca,C=US", iaca.public_key()?)?;
/// assert_eq!(by_cert.subject(), "C=US,CN=utopia iaca");
/// assert_eq!(by_key.subject(), "CN=utopia iaca,C=US");
/// assert!(by_key.certificate().is_none());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Clone)]
pub struct TrustAnchor(Arc<AnchorInner>);

struct AnchorInner {
    subject: String,
    key: PublicKey,
    cert: Option<Certificate>,
}

impl TrustAnchor {
    /// Trusts a CA certificate. Its key must be one inkan can verify with.
    pub fn from_certificate(cert: Certificate) -> Result<Self> {
        Ok(Self(Arc::new(AnchorInner {
            subject: cert.subject().to_owned(),
            key: cert.public_key()?,
            cert: Some(cert),
        })))
    }

    /// Trusts a bare key as the issuer named `subject`: an RFC 4514 string (strict: no spaces
    /// around `,`), re-rendered and then compared with each certificate's [`Certificate::issuer`].
    ///
    /// RFC 4514 writes the last RDN first: a certificate whose issuer is encoded as
    /// `CN=x, C=US` (the order `openssl x509 -text` shows) has the RFC 4514 name `C=US,CN=x`.
    pub fn from_key(subject: &str, key: PublicKey) -> Result<Self> {
        let name: x509_cert::name::RdnSequence = subject
            .parse()
            .map_err(|e| Error::X509Malformed(format!("bad RFC 4514 name {subject:?}: {e}")))?;
        Ok(Self(Arc::new(AnchorInner {
            subject: name.to_string(),
            key,
            cert: None,
        })))
    }

    /// The anchor's subject name (RFC 4514).
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The anchor's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.0.key
    }

    /// The anchor's certificate, unless it is a bare key.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.0.cert.as_ref()
    }

    fn names_issuer_of(&self, cert: &Certificate) -> bool {
        match &self.0.cert {
            Some(anchor) => anchor.is_issuer_of(cert),
            None => self.0.subject == cert.issuer(),
        }
    }
}

impl fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchor")
            .field("subject", &self.0.subject)
            .field("key", &self.0.key)
            .field("certificate", &self.0.cert.is_some())
            .finish()
    }
}

/// A leaf certificate trusted as it is, without a root: for examples and closed deployments
/// that ship no CA. Its validity period is still checked against the clock.
///
/// ```
/// use inkan_core::x509::{Certificate, PinnedLeaf};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let ds = Certificate::from_der(der)?;
/// assert!(PinnedLeaf::Exact(ds.clone()).matches(&ds)?);
/// assert!(PinnedLeaf::spki_of(&ds)?.matches(&ds)?);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinnedLeaf {
    /// Only this exact certificate (DER equality).
    Exact(Certificate),
    /// Any certificate for this key: the DER `SubjectPublicKeyInfo` (survives re-issuance).
    Spki(Vec<u8>),
}

impl PinnedLeaf {
    /// Pins the key of `cert` rather than the certificate itself.
    pub fn spki_of(cert: &Certificate) -> Result<Self> {
        Ok(PinnedLeaf::Spki(cert.spki_der()?))
    }

    /// Whether `leaf` is the pinned certificate (or carries the pinned key).
    pub fn matches(&self, leaf: &Certificate) -> Result<bool> {
        Ok(match self {
            PinnedLeaf::Exact(cert) => cert == leaf,
            PinnedLeaf::Spki(spki) => *spki == leaf.spki_der()?,
        })
    }
}

/// Where a certificate sits in the chain being validated, as profiles see it.
///
/// ```
/// use inkan_core::x509::ChainPosition;
/// assert_ne!(ChainPosition::Leaf, ChainPosition::Anchor);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainPosition {
    /// The end-entity certificate (`chain[0]`).
    Leaf,
    /// A CA certificate between the leaf and the anchor.
    Intermediate,
    /// The trust anchor's own certificate (when the anchor is a certificate).
    Anchor,
}

/// Rules a certificate ecosystem adds on top of RFC 5280 (e.g. ISO 18013-5 IACA / document
/// signer certificates): run on every certificate of a validated path, anchor included.
///
/// Profiles reject with [`Error::X509Constraint`]. A profile that processes its own critical
/// extensions lists them in [`handled_critical_extensions`](Self::handled_critical_extensions),
/// so the validator does not reject them as unknown.
///
/// ```
/// use inkan_core::x509::{Certificate, CertificateProfile, ChainPosition};
/// use inkan_core::{Error, Result};
///
/// /// Leaves must name at least one DNS host.
/// #[derive(Debug)]
/// struct NeedsDns;
/// impl CertificateProfile for NeedsDns {
///     fn check(&self, cert: &Certificate, position: ChainPosition) -> Result<()> {
///         if position == ChainPosition::Leaf && cert.san_dns_names().is_empty() {
///             return Err(Error::X509Constraint("leaf has no dNSName".into()));
///         }
///         Ok(())
///     }
/// }
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let ds = Certificate::from_der(der)?;
/// assert_eq!(NeedsDns.check(&ds, ChainPosition::Leaf).unwrap_err().code(), "x509.constraint");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait CertificateProfile: Send + Sync + fmt::Debug {
    /// Checks one certificate at its position; fails with [`Error::X509Constraint`].
    fn check(&self, cert: &Certificate, position: ChainPosition) -> Result<()>;

    /// Critical extensions this profile processes itself (none by default).
    fn handled_critical_extensions(&self) -> &[ObjectIdentifier] {
        &[]
    }
}

/// The profile that adds nothing to RFC 5280's checks.
///
/// ```
/// use inkan_core::x509::{Certificate, CertificateProfile, ChainPosition, NoProfile};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// NoProfile.check(&Certificate::from_der(der)?, ChainPosition::Leaf)?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProfile;

impl CertificateProfile for NoProfile {
    fn check(&self, _cert: &Certificate, _position: ChainPosition) -> Result<()> {
        Ok(())
    }
}

/// A profile requiring an extKeyUsage purpose on the leaf (e.g. ISO 18013-5's document signer
/// `1.0.18013.5.1.2`).
///
/// ```
/// use inkan_core::x509::{Certificate, CertificateProfile, ChainPosition, ObjectIdentifier, RequireLeafEku};
/// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let ds = Certificate::from_der(der)?;
/// let mdl_ds = RequireLeafEku(ObjectIdentifier::new_unwrap("1.0.18013.5.1.2"));
/// mdl_ds.check(&ds, ChainPosition::Leaf)?;
/// let reader = RequireLeafEku(ObjectIdentifier::new_unwrap("1.0.18013.5.1.6"));
/// assert_eq!(reader.check(&ds, ChainPosition::Leaf).unwrap_err().code(), "x509.constraint");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequireLeafEku(pub ObjectIdentifier);

impl CertificateProfile for RequireLeafEku {
    fn check(&self, cert: &Certificate, position: ChainPosition) -> Result<()> {
        if position == ChainPosition::Leaf && !cert.extended_key_usage().contains(&self.0) {
            return Err(Error::X509Constraint(format!(
                "leaf {} lacks extended key usage {}",
                cert.subject(),
                self.0
            )));
        }
        Ok(())
    }
}

/// What made a validated chain trusted.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::x509::{Certificate, ChainValidator, TrustAnchor, TrustedBy};
/// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(Certificate::from_der(iaca)?)?]);
/// let ok = validator.validate_der(&[ds], &FixedClock::at_unix(1_610_000_000))?;
/// assert!(ok.intermediates().is_empty());
/// assert_eq!(ok.leaf_key(), &ok.leaf().public_key()?);
/// match ok.trusted_by() {
///     TrustedBy::Anchor(anchor) => assert_eq!(anchor.subject(), "C=US,CN=utopia iaca"),
///     TrustedBy::PinnedLeaf(_) => unreachable!(),
/// }
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum TrustedBy {
    /// A path to this trust anchor.
    Anchor(TrustAnchor),
    /// The leaf is pinned.
    PinnedLeaf(PinnedLeaf),
}

/// The outcome of a successful [`ChainValidator::validate`].
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::x509::{Certificate, ChainValidator, TrustAnchor, TrustedBy};
/// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(Certificate::from_der(iaca)?)?]);
/// let ok = validator.validate_der(&[ds], &FixedClock::at_unix(1_610_000_000))?;
/// assert!(ok.intermediates().is_empty());
/// assert_eq!(ok.leaf_key(), &ok.leaf().public_key()?);
/// match ok.trusted_by() {
///     TrustedBy::Anchor(anchor) => assert_eq!(anchor.subject(), "C=US,CN=utopia iaca"),
///     TrustedBy::PinnedLeaf(_) => unreachable!(),
/// }
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ValidatedChain {
    leaf: Certificate,
    leaf_key: PublicKey,
    intermediates: Vec<Certificate>,
    trusted_by: TrustedBy,
}

impl ValidatedChain {
    /// The leaf certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The leaf's public key: the key that signs the credential.
    pub fn leaf_key(&self) -> &PublicKey {
        &self.leaf_key
    }

    /// The intermediates on the path, nearest the leaf first (the anchor and any unused
    /// trailing certificates of the input are not included).
    pub fn intermediates(&self) -> &[Certificate] {
        &self.intermediates
    }

    /// The anchor (or pinned leaf) the chain ends at.
    pub fn trusted_by(&self) -> &TrustedBy {
        &self.trusted_by
    }
}

/// The one X.509 chain validator: RFC 5280 path validation over a chain given in order.
///
/// `chain[0]` is the leaf and each following certificate issued the one before it (the order of
/// JOSE `x5c` and COSE `x5chain`); the root may be included or not. For each certificate on the
/// path it checks, against the [`Clock`]:
///
/// - the validity period, of the anchor's certificate too ([`Error::X509Validity`]);
/// - that no critical extension is unknown, and keyUsage `digitalSignature` on the leaf when
///   keyUsage is present ([`Error::X509Constraint`]);
/// - for every issuer (intermediate or anchor certificate): basicConstraints `cA`, its
///   `pathLenConstraint`, and keyUsage `keyCertSign` when keyUsage is present
///   ([`Error::X509Constraint`]; an anchor certificate without basicConstraints, such as an old
///   v1 root, is accepted);
/// - issuer/subject name chaining and each signature (ECDSA P-256/SHA-256, P-384/SHA-384,
///   Ed25519, RSA PKCS#1 v1.5 and PSS with SHA-256) through the crypto provider; a signature
///   that does not verify breaks the path ([`Error::X509Untrusted`]), an algorithm inkan does
///   not verify is [`Error::UnsupportedAlgorithm`];
/// - the [`CertificateProfile`] on every certificate;
/// - that the path ends at a trust anchor or a pinned leaf ([`Error::X509Untrusted`]);
/// - at most [`MAX_CHAIN_LEN`] certificates ([`Error::X509Constraint`]).
///
/// Not checked: revocation (no CRL or OCSP: callers that need it consult a status mechanism of
/// their own), name constraints and certificate policies (so a certificate marking either
/// critical is rejected), and name comparison is exact DER equality rather than RFC 5280's
/// case-insensitive matching.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::x509::{Certificate, ChainValidator, TrustAnchor};
/// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(Certificate::from_der(iaca)?)?]);
/// let chain = [Certificate::from_der(ds)?];
/// let ok = validator.validate(&chain, &FixedClock::from_rfc3339("2021-06-01T00:00:00Z")?)?;
/// assert_eq!(ok.leaf().subject(), "C=US,CN=utopia ds");
/// let late = validator.validate(&chain, &FixedClock::from_rfc3339("2022-01-01T00:00:00Z")?);
/// assert_eq!(late.unwrap_err().code(), "x509.validity");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ChainValidator {
    anchors: Vec<TrustAnchor>,
    pinned: Vec<PinnedLeaf>,
    profile: Box<dyn CertificateProfile>,
    max_len: usize,
}

impl ChainValidator {
    /// A validator trusting `anchors`, with no profile and no pinned leaves.
    pub fn new(anchors: Vec<TrustAnchor>) -> Self {
        Self {
            anchors,
            pinned: Vec::new(),
            profile: Box::new(NoProfile),
            max_len: MAX_CHAIN_LEN,
        }
    }

    /// Adds an ecosystem profile (replacing the previous one).
    pub fn with_profile(mut self, profile: Box<dyn CertificateProfile>) -> Self {
        self.profile = profile;
        self
    }

    /// Also trusts these leaves as they are, without a path to an anchor.
    ///
    /// ```
    /// use inkan_core::clock::FixedClock;
    /// use inkan_core::x509::{Certificate, ChainValidator, PinnedLeaf, TrustedBy};
    /// # let der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
    /// let ds = Certificate::from_der(der)?;
    /// let validator = ChainValidator::new(vec![]).pinned_leaves([PinnedLeaf::Exact(ds.clone())]);
    /// let ok = validator.validate(&[ds], &FixedClock::from_rfc3339("2021-06-01T00:00:00Z")?)?;
    /// assert!(matches!(ok.trusted_by(), TrustedBy::PinnedLeaf(_)));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn pinned_leaves(mut self, leaves: impl IntoIterator<Item = PinnedLeaf>) -> Self {
        self.pinned.extend(leaves);
        self
    }

    /// Changes the longest chain accepted (default [`MAX_CHAIN_LEN`]).
    pub fn with_max_chain_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// Parses DER certificates (leaf first) and validates them.
    ///
    /// ```
    /// use inkan_core::clock::FixedClock;
    /// use inkan_core::x509::ChainValidator;
    /// let err = ChainValidator::new(vec![]).validate_der(&[b"junk"], &FixedClock::at_unix(0));
    /// assert_eq!(err.unwrap_err().code(), "x509.malformed");
    /// ```
    pub fn validate_der<B: AsRef<[u8]>>(&self, chain: &[B], clock: &dyn Clock) -> Result<ValidatedChain> {
        self.check_len(chain.len())?;
        let certs = chain
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        self.validate(&certs, clock)
    }

    /// Validates `chain` (leaf first) at the clock's time.
    pub fn validate(&self, chain: &[Certificate], clock: &dyn Clock) -> Result<ValidatedChain> {
        self.check_len(chain.len())?;
        let leaf = chain
            .first()
            .ok_or_else(|| Error::X509Malformed("empty certificate chain".into()))?;
        let now = clock.now_unix();
        self.check_cert(leaf, ChainPosition::Leaf, now)?;
        if let Some(pin) = self.pinned_leaf(leaf)? {
            return Ok(ValidatedChain {
                leaf: leaf.clone(),
                leaf_key: leaf.public_key()?,
                intermediates: Vec::new(),
                trusted_by: TrustedBy::PinnedLeaf(pin.clone()),
            });
        }
        let (last, anchor) = self.walk(chain, now)?;
        Ok(ValidatedChain {
            leaf: leaf.clone(),
            leaf_key: leaf.public_key()?,
            intermediates: chain.iter().take(last + 1).skip(1).cloned().collect(),
            trusted_by: TrustedBy::Anchor(anchor.clone()),
        })
    }

    fn check_len(&self, len: usize) -> Result<()> {
        if len > self.max_len {
            return Err(Error::X509Constraint(format!(
                "chain of {len} certificates exceeds the limit of {}",
                self.max_len
            )));
        }
        Ok(())
    }

    fn pinned_leaf(&self, leaf: &Certificate) -> Result<Option<&PinnedLeaf>> {
        for pin in &self.pinned {
            if pin.matches(leaf)? {
                return Ok(Some(pin));
            }
        }
        Ok(None)
    }

    /// Climbs from the leaf: at each certificate, an anchor that issued it ends the walk;
    /// otherwise the next certificate of the chain must have. Returns the index of the last
    /// certificate on the path and the anchor reached. `chain[0]` is already checked.
    fn walk<'a>(&'a self, chain: &[Certificate], now: i64) -> Result<(usize, &'a TrustAnchor)> {
        for (i, cert) in chain.iter().enumerate() {
            let below = intermediates_below(chain, i + 1);
            if let Some(anchor) = self.anchor_for(cert, below, now)? {
                return Ok((i, anchor));
            }
            let Some(issuer) = chain.get(i + 1) else {
                break;
            };
            if !issuer.is_issuer_of(cert) {
                return Err(Error::X509Untrusted(format!(
                    "{} is issued by {}, but the next certificate is {}",
                    cert.subject(),
                    cert.issuer(),
                    issuer.subject()
                )));
            }
            self.check_cert(issuer, ChainPosition::Intermediate, now)?;
            check_issuer(issuer, below)?;
            if !verifies(cert, &issuer.public_key()?)? {
                return Err(Error::X509Untrusted(format!(
                    "signature of {} does not verify under the key of {}",
                    cert.subject(),
                    issuer.subject()
                )));
            }
        }
        let top = chain.last().map_or("", Certificate::issuer);
        Err(Error::X509Untrusted(format!("no trust anchor for issuer {top}")))
    }

    /// The anchor that issued `cert`, if any, after checking the anchor's own certificate.
    fn anchor_for(&self, cert: &Certificate, below: usize, now: i64) -> Result<Option<&TrustAnchor>> {
        let candidates = self.anchors.iter().filter(|a| a.names_issuer_of(cert));
        for anchor in candidates {
            if !verifies(cert, anchor.public_key())? {
                continue; // same name, other key (e.g. a re-keyed root): try the next one
            }
            if let Some(root) = anchor.certificate() {
                check_validity(root, now)?;
                if root.basic_constraints().is_some() || root.key_usage().is_some() {
                    check_issuer(root, below)?;
                }
                self.profile.check(root, ChainPosition::Anchor)?;
            }
            return Ok(Some(anchor));
        }
        Ok(None)
    }

    /// The checks every certificate on the path gets, whatever issued it.
    fn check_cert(&self, cert: &Certificate, position: ChainPosition, now: i64) -> Result<()> {
        let unknown = cert.unknown_critical_extensions(self.profile.handled_critical_extensions());
        if let Some(oid) = unknown.first() {
            return Err(Error::X509Constraint(format!(
                "{} has an unknown critical extension {oid}",
                cert.subject()
            )));
        }
        if position == ChainPosition::Leaf && cert.key_usage().is_some_and(|ku| !ku.digital_signature()) {
            return Err(Error::X509Constraint(format!(
                "leaf {} lacks keyUsage digitalSignature",
                cert.subject()
            )));
        }
        check_validity(cert, now)?;
        self.profile.check(cert, position)
    }
}

/// Non-self-issued intermediates strictly between the leaf and `chain[issuer_index]`
/// (RFC 5280 §4.2.1.9: what a `pathLenConstraint` counts).
fn intermediates_below(chain: &[Certificate], issuer_index: usize) -> usize {
    chain
        .iter()
        .take(issuer_index)
        .skip(1)
        .filter(|c| !c.is_self_issued())
        .count()
}

fn check_validity(cert: &Certificate, now: i64) -> Result<()> {
    if now < cert.not_before() {
        return Err(Error::X509Validity(format!(
            "{} is not valid before {}",
            cert.subject(),
            cert.not_before()
        )));
    }
    if now > cert.not_after() {
        return Err(Error::X509Validity(format!(
            "{} expired at {}",
            cert.subject(),
            cert.not_after()
        )));
    }
    Ok(())
}

/// What a certificate must be to issue others, with `below` intermediates under it.
fn check_issuer(issuer: &Certificate, below: usize) -> Result<()> {
    let name = issuer.subject();
    let bc = issuer.basic_constraints().filter(|bc| bc.ca).ok_or_else(|| {
        Error::X509Constraint(format!(
            "{name} issues certificates but is not a CA (basicConstraints)"
        ))
    })?;
    if bc.path_len.is_some_and(|max| below > usize::from(max)) {
        return Err(Error::X509Constraint(format!(
            "{name} allows a path length of {:?}, found {below} intermediates",
            bc.path_len
        )));
    }
    if issuer.key_usage().is_some_and(|ku| !ku.key_cert_sign()) {
        return Err(Error::X509Constraint(format!(
            "{name} lacks keyUsage keyCertSign"
        )));
    }
    Ok(())
}

/// Whether `key` signed `cert`; an algorithm inkan cannot verify is an error, not a "no".
fn verifies(cert: &Certificate, key: &PublicKey) -> Result<bool> {
    match cert.verify_signed_by(key) {
        Ok(()) => Ok(true),
        Err(Error::BadSignature | Error::AlgorithmKeyMismatch { .. }) => Ok(false),
        Err(err) => Err(err),
    }
}
