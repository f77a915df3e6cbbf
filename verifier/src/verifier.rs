//! The [`Verifier`] object: built once, then asked to verify any number of inputs.

use std::fmt;
use std::sync::Arc;

use inkan_core::clock::Clock;
use inkan_core::did::{DidResolver, KeyDidResolver};
use inkan_core::http::HttpClient;
use inkan_core::trust::TrustStore;

use crate::format::{Context, Format, FormatRegistry};
use crate::status::StatusListCache;
use crate::{Error, InputRef, Policy, Result, Verification, VerifyRequest};

/// How many times one input may be unwrapped into another (image → QR text → credential).
///
/// ```
/// assert_eq!(inkan_verifier::MAX_NESTING, 2);
/// ```
pub const MAX_NESTING: usize = 2;

/// The verifier's single entry point: detects a credential's format, verifies it against the
/// trust store and policy at the clock's time, and reports every check.
///
/// ```
/// use std::sync::Arc;
/// use inkan_core::clock::FixedClock;
/// use inkan_core::trust::StaticTrustStore;
/// use inkan_verifier::{Policy, Verifier, VerifyRequest};
/// let verifier = Verifier::builder(
///     Arc::new(StaticTrustStore::builder().build()),
///     Policy::default(),
///     Arc::new(FixedClock::from_rfc3339("2026-01-01T00:00:00Z")?),
/// )
/// .build();
/// let err = verifier.verify(&VerifyRequest::text("no format knows this")).unwrap_err();
/// assert_eq!(err.code(), "verifier.unknown_format");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verifier {
    trust: Arc<dyn TrustStore>,
    policy: Policy,
    clock: Arc<dyn Clock>,
    http: Option<Arc<dyn HttpClient>>,
    did_resolver: Arc<dyn DidResolver>,
    formats: FormatRegistry,
    status_cache: Arc<StatusListCache>,
    bitstring_cache: Arc<crate::BitstringCache>,
}

impl Verifier {
    /// Starts building a verifier with every built-in format and the offline `did:key`/`did:jwk`
    /// resolver.
    pub fn builder(trust: Arc<dyn TrustStore>, policy: Policy, clock: Arc<dyn Clock>) -> VerifierBuilder {
        VerifierBuilder(Verifier {
            trust,
            policy,
            clock,
            http: None,
            did_resolver: Arc::new(KeyDidResolver),
            formats: FormatRegistry::builtin(),
            status_cache: Arc::new(StatusListCache::default()),
            bitstring_cache: Arc::new(crate::BitstringCache::default()),
        })
    }

    /// Verifies one input, offline: detects its format and returns the report.
    ///
    /// `Err` means the input could not be checked (too large, unrecognised, not decodable, or a
    /// format the policy refuses); a credential that was checked and failed is an `Ok` report
    /// whose verdict is invalid.
    pub fn verify(&self, request: &VerifyRequest) -> Result<Verification> {
        let input = request.input().as_ref();
        self.check_size(&input)?;
        self.dispatch(&input, request, 0)
    }

    /// Verifies one input after letting its format refresh what it caches (status lists, DID
    /// documents) through the verifier's [`HttpClient`]; then exactly as [`verify`](Self::verify).
    pub async fn verify_online(&self, request: &VerifyRequest) -> Result<Verification> {
        let input = request.input().as_ref();
        self.check_size(&input)?;
        let format = self.formats.detect(&input, &self.policy)?;
        format.refresh(&input, &Context::new(self, request, 0)).await?;
        self.dispatch(&input, request, 0)
    }

    /// The identifiers of the formats this verifier detects, in detection order.
    pub fn formats(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.formats.ids()
    }

    pub(crate) fn dispatch(
        &self,
        input: &InputRef<'_>,
        request: &VerifyRequest,
        depth: usize,
    ) -> Result<Verification> {
        if depth > MAX_NESTING {
            return Err(Error::NestingTooDeep(MAX_NESTING));
        }
        let format = self.formats.detect(input, &self.policy)?;
        format.verify(input, &Context::new(self, request, depth))
    }

    fn check_size(&self, input: &InputRef<'_>) -> Result<()> {
        let limit = self.policy.input_limit();
        if input.len() > limit {
            return Err(inkan_core::Error::TooLarge {
                size: input.len(),
                limit,
            }
            .into());
        }
        Ok(())
    }

    /// The cache of verified status lists that [`verify`](Self::verify) reads and
    /// [`verify_online`](Self::verify_online) refreshes.
    pub fn status_cache(&self) -> &StatusListCache {
        &self.status_cache
    }

    /// The cache of verified W3C status list credentials (Bitstring Status List,
    /// StatusList2021) that [`verify`](Self::verify) reads and
    /// [`verify_online`](Self::verify_online) refreshes.
    pub fn bitstring_cache(&self) -> &crate::BitstringCache {
        &self.bitstring_cache
    }

    pub(crate) fn trust(&self) -> &dyn TrustStore {
        self.trust.as_ref()
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn did_resolver(&self) -> &dyn DidResolver {
        self.did_resolver.as_ref()
    }

    pub(crate) fn http(&self) -> Option<&dyn HttpClient> {
        self.http.as_deref()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("policy", &self.policy)
            .field("formats", &self.formats)
            .field("http", &self.http.is_some())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Verifier`]; see [`Verifier::builder`].
///
/// ```
/// use std::sync::Arc;
/// use inkan_core::clock::SystemClock;
/// use inkan_core::did::KeyDidResolver;
/// use inkan_core::trust::StaticTrustStore;
/// use inkan_verifier::{FormatRegistry, Policy, Verifier};
/// let verifier = Verifier::builder(Arc::new(StaticTrustStore::builder().build()), Policy::default(), Arc::new(SystemClock))
///     .did_resolver(Arc::new(KeyDidResolver))
///     .formats(FormatRegistry::empty())
///     .build();
/// assert_eq!(verifier.formats().count(), 0);
/// ```
pub struct VerifierBuilder(Verifier);

impl VerifierBuilder {
    /// The HTTP client [`Verifier::verify_online`] refreshes caches through.
    pub fn http(mut self, http: Arc<dyn HttpClient>) -> Self {
        self.0.http = Some(http);
        self
    }

    /// The DID resolver (its offline side serves `verify`).
    pub fn did_resolver(mut self, resolver: Arc<dyn DidResolver>) -> Self {
        self.0.did_resolver = resolver;
        self
    }

    /// The status list cache (default: an in-memory [`StatusListCache`] of
    /// [`DEFAULT_STATUS_CACHE_ENTRIES`](crate::DEFAULT_STATUS_CACHE_ENTRIES) lists); share one
    /// between verifiers, or keep one across restarts, by passing it here.
    pub fn status_cache(mut self, cache: Arc<StatusListCache>) -> Self {
        self.0.status_cache = cache;
        self
    }

    /// Shares a W3C status list credential cache (e.g. between verifiers, or pre-loaded).
    pub fn bitstring_cache(mut self, cache: Arc<crate::BitstringCache>) -> Self {
        self.0.bitstring_cache = cache;
        self
    }

    /// Adds (or replaces, by identifier) a format after the built-in ones.
    pub fn format(mut self, format: Arc<dyn Format>) -> Self {
        self.0.formats.register(format);
        self
    }

    /// Replaces the whole set of formats.
    pub fn formats(mut self, formats: FormatRegistry) -> Self {
        self.0.formats = formats;
        self
    }

    /// The verifier.
    pub fn build(self) -> Verifier {
        self.0
    }
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VerifierBuilder").field(&self.0).finish()
    }
}
