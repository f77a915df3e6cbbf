//! `did:web` resolution with a cache: [`WebDidResolver`] fetches a DID document over HTTPS
//! through the injected [`HttpClient`] (online), keeps it for a TTL measured on the injected
//! [`Clock`], and answers the synchronous verifier from that cache alone (offline). `did:key`
//! and `did:jwk` are resolved by core's pure resolver, so one resolver serves all three.
//!
//! A fetched document is kept only if it parsed (core [`DidDocument::from_json`], capped at
//! [`MAX_DOCUMENT_JSON`] bytes) and its `id` is exactly the DID resolved. Offline, a DID that was
//! never fetched is `didweb.not_cached` and one held longer than the TTL is `didweb.stale`: a
//! verification never silently uses a document older than the operator allowed. A fetch that
//! failed is cached as its error (`didweb.id_mismatch`, `http.failed`, …), which offline
//! resolution then reports; online resolution tries again.

use std::sync::Arc;

use inkan_core::cache::BoundedCache;
use inkan_core::clock::Clock;
use inkan_core::did::{DidDocument, DidResolver, DidUrl, KeyDidResolver, MAX_DOCUMENT_JSON, WebDid};
use inkan_core::http::{HttpClient, HttpRequest};
use inkan_core::{BoxFuture, Error, Result};

/// How long a fetched document is used, by default: one hour.
///
/// ```
/// assert_eq!(inkan_verifier::DEFAULT_DID_WEB_TTL, 3_600);
/// ```
pub const DEFAULT_DID_WEB_TTL: i64 = 3_600;

/// How many documents the cache keeps by default (the oldest goes first).
pub const DEFAULT_DID_WEB_ENTRIES: usize = 256;

/// The media types asked for.
const ACCEPT: &str = "application/did+json, application/json";

/// A fetched document, or the error its fetch ended in (so that offline verification reports
/// why, not merely that nothing is cached).
type Fetched = Result<DidDocument>;

/// A [`DidResolver`] for `did:web` (cached, HTTPS only) plus the pure `did:key` / `did:jwk`.
///
/// ```
/// use std::sync::Arc;
/// use inkan_core::clock::FixedClock;
/// use inkan_core::did::DidResolver;
/// use inkan_core::http::{HttpClient, HttpRequest, HttpResponse};
/// use inkan_core::{BoxFuture, Result};
/// use inkan_verifier::WebDidResolver;
/// struct Offline;
/// impl HttpClient for Offline {
///     fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
///         Box::pin(async { Err(inkan_core::Error::Http("offline".into())) })
///     }
/// }
/// let resolver = WebDidResolver::new(Arc::new(Offline), Arc::new(FixedClock::at_unix(1_000)));
/// assert_eq!(resolver.resolve_offline("did:web:example.com").unwrap_err().code(), "didweb.not_cached");
/// resolver.load(r#"{"id": "did:web:example.com"}"#)?;
/// assert_eq!(resolver.resolve_offline("did:web:example.com#key-1")?.id().as_str(), "did:web:example.com");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub struct WebDidResolver {
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    ttl_secs: i64,
    cache: BoundedCache<Fetched>,
}

impl std::fmt::Debug for WebDidResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebDidResolver")
            .field("ttl_secs", &self.ttl_secs)
            .field("cached", &self.cache.len())
            .finish_non_exhaustive()
    }
}

impl WebDidResolver {
    /// A resolver fetching through `http`, with the default TTL and cache size.
    pub fn new(http: Arc<dyn HttpClient>, clock: Arc<dyn Clock>) -> Self {
        Self {
            http,
            clock,
            ttl_secs: DEFAULT_DID_WEB_TTL,
            cache: BoundedCache::new(DEFAULT_DID_WEB_ENTRIES),
        }
    }

    /// The same resolver keeping documents for `secs` seconds (at least 0).
    pub fn with_ttl(mut self, secs: i64) -> Self {
        self.ttl_secs = secs.max(0);
        self
    }

    /// The same resolver keeping at most `entries` documents (at least one).
    pub fn with_max_entries(mut self, entries: usize) -> Self {
        self.cache = BoundedCache::new(entries);
        self
    }

    /// Caches a did:web document obtained out of band (offline pre-loading), as fetched now.
    /// Its `id` must be a did:web DID.
    pub fn load(&self, json: &str) -> Result<()> {
        let doc = DidDocument::from_json(json)?;
        WebDid::parse(doc.id().as_str())?;
        let did = doc.id().to_string();
        self.store(&did, Ok(doc));
        Ok(())
    }

    /// Forgets every cached document.
    pub fn clear(&self) {
        self.cache.clear();
    }

    /// Fetches and checks the document of `web`; caches it, or the error the fetch ended in.
    async fn fetch(&self, web: &WebDid) -> Result<DidDocument> {
        let fetched = self.fetch_checked(web).await;
        self.store(web.did().as_str(), fetched.clone());
        fetched
    }

    async fn fetch_checked(&self, web: &WebDid) -> Result<DidDocument> {
        let mut request = HttpRequest::get(web.document_url()).header("accept", ACCEPT);
        request.max_body = MAX_DOCUMENT_JSON;
        let response = self.http.send(request).await?;
        if !response.is_success() {
            return Err(Error::DidWebHttpStatus {
                status: response.status,
            });
        }
        let text = std::str::from_utf8(&response.body)
            .map_err(|_| Error::JsonMalformed("the DID document is not UTF-8".into()))?;
        let doc = DidDocument::from_json(text)?;
        if doc.id() != web.did() {
            return Err(Error::DidWebIdMismatch {
                expected: web.did().to_string(),
                found: doc.id().to_string(),
            });
        }
        Ok(doc)
    }

    /// The cached document of `did` if it is younger than the TTL; a cached failure is its error.
    fn cached(&self, did: &str) -> Result<DidDocument> {
        let (fetched, fetched_at) = self
            .cache
            .get(did)
            .ok_or_else(|| Error::DidWebNotCached(did.to_owned()))?;
        let doc = fetched?;
        let age = self.clock.now_unix().saturating_sub(fetched_at);
        if age > self.ttl_secs {
            return Err(Error::DidWebStale {
                age,
                ttl: self.ttl_secs,
            });
        }
        Ok(doc)
    }

    fn store(&self, did: &str, fetched: Fetched) {
        self.cache.insert(did, fetched, self.clock.now_unix());
    }
}

impl DidResolver for WebDidResolver {
    fn resolve<'a>(&'a self, did: &'a str) -> BoxFuture<'a, Result<DidDocument>> {
        Box::pin(async move {
            let url = DidUrl::parse(did)?;
            if url.did().method() != "web" {
                return KeyDidResolver.resolve_offline(did);
            }
            let web = WebDid::parse(url.did().as_str())?;
            match self.cached(web.did().as_str()) {
                Ok(doc) => Ok(doc),
                Err(_) => self.fetch(&web).await,
            }
        })
    }

    fn resolve_offline(&self, did: &str) -> Result<DidDocument> {
        let url = DidUrl::parse(did)?;
        if url.did().method() != "web" {
            return KeyDidResolver.resolve_offline(did);
        }
        self.cached(WebDid::parse(url.did().as_str())?.did().as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::did::{Relationship, did_key};
    use inkan_core::http::HttpResponse;

    use super::*;

    struct TestClock(AtomicI64);
    impl Clock for TestClock {
        fn now_unix(&self) -> i64 {
            self.0.load(Ordering::Relaxed)
        }
    }

    /// Serves one body at one URL and counts requests.
    struct One {
        url: String,
        status: u16,
        body: String,
        hits: AtomicUsize,
    }
    impl HttpClient for One {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
            Box::pin(async move {
                request.check_scheme()?;
                self.hits.fetch_add(1, Ordering::Relaxed);
                if request.url != self.url {
                    return Ok(HttpResponse {
                        status: 404,
                        headers: vec![],
                        body: vec![],
                    });
                }
                Ok(HttpResponse {
                    status: self.status,
                    headers: vec![],
                    body: self.body.clone().into_bytes(),
                })
            })
        }
    }

    fn ready<T>(fut: impl std::future::Future<Output = T>) -> T {
        let mut fut = std::pin::pin!(fut);
        match fut
            .as_mut()
            .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
        {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the test client never waits"),
        }
    }

    fn doc(id: &str, key: &SoftwareKey) -> String {
        let jwk = key.public_key().to_jwk().to_json();
        format!(
            r##"{{"id":"{id}","verificationMethod":[{{"id":"#k","type":"JsonWebKey2020","controller":"{id}","publicKeyJwk":{jwk}}}],"assertionMethod":["#k"]}}"##
        )
    }

    #[test]
    fn fetch_cache_ttl_and_offline() {
        let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let http = Arc::new(One {
            url: "https://example.com/.well-known/did.json".into(),
            status: 200,
            body: doc("did:web:example.com", &key),
            hits: AtomicUsize::new(0),
        });
        let clock = Arc::new(TestClock(AtomicI64::new(1_000)));
        let resolver = WebDidResolver::new(http.clone(), clock.clone()).with_ttl(60);
        let offline = resolver.resolve_offline("did:web:example.com");
        assert_eq!(offline.unwrap_err().code(), "didweb.not_cached");
        ready(resolver.resolve("did:web:example.com#k")).unwrap();
        ready(resolver.resolve("did:web:example.com")).unwrap();
        assert_eq!(
            http.hits.load(Ordering::Relaxed),
            1,
            "the second answer came from the cache"
        );
        let doc = resolver.resolve_offline("did:web:example.com#k").unwrap();
        assert_eq!(
            doc.key_for("did:web:example.com#k", Relationship::AssertionMethod)
                .unwrap(),
            key.public_key()
        );
        clock.0.store(1_061, Ordering::Relaxed);
        assert_eq!(
            resolver
                .resolve_offline("did:web:example.com")
                .unwrap_err()
                .code(),
            "didweb.stale"
        );
        ready(resolver.resolve("did:web:example.com")).unwrap();
        assert_eq!(http.hits.load(Ordering::Relaxed), 2, "stale: fetched again");
        assert!(resolver.resolve_offline("did:web:example.com").is_ok());
        // did:key needs no network and no cache.
        let did = did_key(key.public_key());
        assert!(resolver.resolve_offline(&did).is_ok());
    }

    #[test]
    fn refused_documents_are_cached_as_their_error() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let clock = Arc::new(TestClock(AtomicI64::new(0)));
        let url = "https://example.com/user/alice/did.json";
        for (status, body, code) in [
            (200, doc("did:web:example.com", &key), "didweb.id_mismatch"),
            (404, String::new(), "didweb.http_status"),
            (200, "{not json".into(), "json.malformed"),
            (200, r#"{"id": 5}"#.into(), "json.malformed"),
        ] {
            let http = Arc::new(One {
                url: url.into(),
                status,
                body,
                hits: AtomicUsize::new(0),
            });
            let resolver = WebDidResolver::new(http, clock.clone());
            let err = ready(resolver.resolve("did:web:example.com:user:alice")).unwrap_err();
            assert_eq!(err.code(), code);
            // Offline, the refusal is reported as such, and never as a document.
            assert_eq!(
                resolver
                    .resolve_offline("did:web:example.com:user:alice")
                    .unwrap_err()
                    .code(),
                code
            );
        }
    }

    #[test]
    fn the_cache_is_bounded_and_loads_only_did_web() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let clock = Arc::new(TestClock(AtomicI64::new(0)));
        let http = Arc::new(One {
            url: String::new(),
            status: 404,
            body: String::new(),
            hits: AtomicUsize::new(0),
        });
        let resolver = WebDidResolver::new(http, clock.clone()).with_max_entries(1);
        resolver.load(&doc("did:web:a.example", &key)).unwrap();
        clock.0.store(1, Ordering::Relaxed);
        resolver.load(&doc("did:web:b.example", &key)).unwrap();
        assert!(resolver.resolve_offline("did:web:b.example").is_ok());
        assert_eq!(
            resolver.resolve_offline("did:web:a.example").unwrap_err().code(),
            "didweb.not_cached"
        );
        let did = did_key(key.public_key());
        let err = resolver.load(&format!(r#"{{"id":"{did}"}}"#)).unwrap_err();
        assert_eq!(err.code(), "didweb.malformed");
    }
}
