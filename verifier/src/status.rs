//! The STATUS check of referenced tokens (IETF Token Status List) and the cache of verified
//! status lists it reads.
//!
//! [`Verifier::verify`] never touches the network: it reads the [`StatusListCache`], which
//! [`Verifier::verify_online`] refreshes (through the verifier's `HttpClient`, asking for
//! `application/statuslist+jwt`) or an app fills ahead of time with
//! [`Verifier::load_status_list`] for offline use. A list enters the cache only after its
//! signature verified with a key the trust store vouches for (by `x5c`/`x5chain`, or by the
//! list's `iss` — else its `sub` — and `kid`), its `sub` matched the URI it was fetched for and
//! it was not expired. A fetch that fails is cached too, as that failure, so the report says
//! why (bad signature, expired, wrong `typ`…).
//!
//! A demanding verifier's rules: a status list past its `exp`, or held longer than its `ttl`,
//! fails the check with its own code; with no usable list the check fails when the policy
//! requires STATUS (and is not applicable otherwise) — it never passes.

use std::sync::Arc;

use inkan_core::BoxFuture;
use inkan_core::cache::BoundedCache;
use inkan_core::clock::Clock;
use inkan_core::crypto::{Algorithm, PublicKey};
use inkan_core::http::{HttpClient, HttpRequest};
use inkan_core::status::{StatusListToken, StatusReference, StatusValue, UnverifiedStatusList};
use inkan_core::trust::TrustStore;
use inkan_core::x509::Certificate;

use crate::format::Context;
use crate::{CheckId, Policy, ReportBuilder, Result, Verifier};

/// How many status lists [`StatusListCache::default`] keeps.
///
/// ```
/// assert_eq!(inkan_verifier::DEFAULT_STATUS_CACHE_ENTRIES, 256);
/// ```
pub const DEFAULT_STATUS_CACHE_ENTRIES: usize = 256;

/// The media type asked for when fetching a status list.
pub const STATUS_LIST_ACCEPT: &str = "application/statuslist+jwt";

/// The X.509 trust purpose status list signing certificates are validated under.
pub const STATUS_LIST_PURPOSE: &str = "status-list";

/// A verified status list as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedStatusList {
    /// The verified claims and the decoded list.
    pub token: Arc<StatusListToken>,
    /// When it was fetched (or loaded), seconds since the epoch, by the verifier's clock.
    pub fetched_at: i64,
}

impl CachedStatusList {
    /// Fails with `status.list_expired` past `exp` (plus `leeway_secs`) and with
    /// `status.list_stale` once held longer than `ttl`.
    fn check_fresh(&self, now: i64, leeway_secs: i64) -> inkan_core::Result<()> {
        if let Some(exp) = self.token.exp
            && now > exp.saturating_add(leeway_secs.max(0))
        {
            return Err(inkan_core::Error::StatusListExpired { exp });
        }
        let age = now.saturating_sub(self.fetched_at);
        match self.token.ttl.map(|t| i64::try_from(t).unwrap_or(i64::MAX)) {
            Some(ttl) if age > ttl => Err(inkan_core::Error::StatusListStale { age, ttl }),
            _ => Ok(()),
        }
    }
}

/// A verified list, or the error its last fetch ended in (kept so the report can say why).
type Entry = inkan_core::Result<CachedStatusList>;

/// Verified status lists by URI, bounded: when full, the entry stored longest ago goes.
///
/// ```
/// use inkan_verifier::StatusListCache;
/// let cache = StatusListCache::new(8);
/// assert!(cache.is_empty());
/// assert!(cache.get("https://example.com/statuslists/1").is_none());
/// ```
#[derive(Debug)]
pub struct StatusListCache {
    entries: BoundedCache<Entry>,
}

impl Default for StatusListCache {
    fn default() -> Self {
        Self::new(DEFAULT_STATUS_CACHE_ENTRIES)
    }
}

impl StatusListCache {
    /// An empty cache holding at most `max_entries` lists (at least one).
    pub fn new(max_entries: usize) -> Self {
        Self {
            entries: BoundedCache::new(max_entries),
        }
    }

    /// The verified list cached for `uri`, fresh or not.
    pub fn get(&self, uri: &str) -> Option<CachedStatusList> {
        self.entry(uri)?.ok()
    }

    /// How many URIs have an entry (a verified list or a failed fetch).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries.clear();
    }

    fn entry(&self, uri: &str) -> Option<Entry> {
        self.entries.get(uri).map(|(entry, _)| entry)
    }

    fn store(&self, uri: &str, entry: Entry, at: i64) {
        self.entries.insert(uri, entry, at);
    }
}

impl Verifier {
    /// Verifies a status list token (`statuslist+jwt` or CWT) published at `uri` with the
    /// verifier's trust store, policy and clock, and caches it for offline
    /// [`verify`](Verifier::verify) calls, as fetched now.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use inkan_core::clock::FixedClock;
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::status::{Bits, StatusList, StatusListToken};
    /// use inkan_verifier::{JsonTrustStore, Policy, Verifier};
    /// let key = SoftwareKey::generate(Algorithm::Es256)?;
    /// let uri = "https://example.com/statuslists/1";
    /// let jwt = StatusListToken::new(uri, 1_000, StatusList::new(Bits::One, 8)?).sign_jwt(&key)?;
    /// let trust = JsonTrustStore::parse(&key.public_key().to_jwk().to_json())?;
    /// let verifier = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(FixedClock::at_unix(1_100))).build();
    /// verifier.load_status_list(uri, jwt.as_bytes())?;
    /// assert_eq!(verifier.status_cache().get(uri).map(|l| l.fetched_at), Some(1_100));
    /// let err = verifier.load_status_list("https://example.com/statuslists/2", jwt.as_bytes()).unwrap_err();
    /// assert_eq!(err.code(), "status.sub_mismatch");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_status_list(&self, uri: &str, token: &[u8]) -> Result<()> {
        let verified = verify_list(token, uri, self.trust(), self.policy(), self.clock())?;
        let now = self.clock().now_unix();
        let list = CachedStatusList {
            token: Arc::new(verified),
            fetched_at: now,
        };
        self.status_cache().store(uri, Ok(list), now);
        Ok(())
    }
}

/// Records the STATUS check for a token whose payload carried `status` (None = no status claim).
pub(crate) fn check_status(cx: &Context<'_>, status: Option<&serde_json::Value>, report: &mut ReportBuilder) {
    let Some(status) = status else {
        report.not_applicable(CheckId::STATUS, "the token carries no status claim");
        return;
    };
    let result = match StatusReference::from_json(status) {
        Ok(Some(reference)) => lookup(cx, &reference),
        Ok(None) => Err(inkan_core::Error::StatusUnavailable(
            "the status claim names no status_list".into(),
        )),
        Err(e) => Err(e),
    };
    match result {
        Err(inkan_core::Error::StatusUnavailable(reason)) if !cx.policy().is_required(&CheckId::STATUS) => {
            report.not_applicable(CheckId::STATUS, reason);
        }
        result => {
            report.check(CheckId::STATUS, result);
        }
    }
}

/// Fetches/refreshes the list `status` points at, through cx.http(); used by Format::refresh.
///
/// A list still fresh in the cache is not fetched again. Failures are cached (and reported by
/// [`check_status`]), so this returns `Ok` unless something outside the list went wrong.
pub(crate) fn refresh_status<'a>(
    cx: &'a Context<'a>,
    status: Option<&'a serde_json::Value>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let Some(reference) = status.and_then(|s| StatusReference::from_json(s).ok().flatten()) else {
            return Ok(());
        };
        let Some(http) = cx.http() else {
            return Ok(());
        };
        let cache = cx.status_cache();
        let now = cx.clock().now_unix();
        let leeway = cx.policy().time_rules().leeway_secs;
        if cache
            .get(&reference.uri)
            .is_some_and(|list| list.check_fresh(now, leeway).is_ok())
        {
            return Ok(());
        }
        let entry = match fetch(http, &reference.uri).await.and_then(|body| {
            verify_list(&body, &reference.uri, cx.trust(), cx.policy(), cx.clock())
                .map_err(crate::Error::from)
        }) {
            Ok(token) => Ok(CachedStatusList {
                token: Arc::new(token),
                fetched_at: now,
            }),
            Err(crate::Error::Core(e)) => Err(e),
            Err(other) => Err(inkan_core::Error::StatusUnavailable(other.to_string())),
        };
        cache.store(&reference.uri, entry, now);
        Ok(())
    })
}

/// The referenced entry's status from the cache: `Ok` only for a fresh list saying VALID.
fn lookup(cx: &Context<'_>, reference: &StatusReference) -> inkan_core::Result<()> {
    let list = match cx.status_cache().entry(&reference.uri) {
        None => {
            return Err(inkan_core::Error::StatusUnavailable(format!(
                "no status list cached for {}",
                reference.uri
            )));
        }
        Some(entry) => entry?,
    };
    list.check_fresh(cx.clock().now_unix(), cx.policy().time_rules().leeway_secs)?;
    StatusValue::from(list.token.list.get(reference.idx)?).check(reference.idx)
}

async fn fetch(http: &dyn HttpClient, uri: &str) -> Result<Vec<u8>> {
    let request = HttpRequest::get(uri).header("accept", STATUS_LIST_ACCEPT);
    Ok(http.send(request).await?.error_for_status()?.body)
}

/// Parses and verifies a status list token for `uri`: algorithm allowed by the policy, key
/// vouched for by the trust store, claims checked at the clock's time.
fn verify_list(
    bytes: &[u8],
    uri: &str,
    trust: &dyn TrustStore,
    policy: &Policy,
    clock: &dyn Clock,
) -> inkan_core::Result<StatusListToken> {
    let parsed = UnverifiedStatusList::parse(bytes)?;
    policy.check_algorithm(parsed.algorithm()?)?;
    let mut last = inkan_core::Error::BadSignature;
    let mut verified = false;
    for key in signing_keys(&parsed, trust, clock)? {
        match parsed.verify_signature(&key, &Algorithm::ALL) {
            Ok(()) => {
                verified = true;
                break;
            }
            Err(e) => last = e,
        }
    }
    if !verified {
        return Err(last);
    }
    let token = parsed.into_token();
    token.check(Some(uri), policy.time_rules().leeway_secs, clock)?;
    Ok(token)
}

/// The keys that may have signed the list: the leaf of a chain the trust store validates for
/// [`STATUS_LIST_PURPOSE`], else the trust store's keys for the list's `iss` (or `sub`) and `kid`.
fn signing_keys(
    parsed: &UnverifiedStatusList,
    trust: &dyn TrustStore,
    clock: &dyn Clock,
) -> inkan_core::Result<Vec<PublicKey>> {
    let chain = parsed.x5chain()?;
    if !chain.is_empty() {
        let certs = chain
            .iter()
            .map(|der| Certificate::from_der(der))
            .collect::<inkan_core::Result<Vec<_>>>()?;
        let validated = trust
            .chain_validator(STATUS_LIST_PURPOSE)
            .validate(&certs, clock)?;
        return Ok(vec![validated.leaf_key().clone()]);
    }
    let token = parsed.token();
    let issuer = token.iss.as_deref().unwrap_or(&token.sub);
    let kid = parsed.kid();
    let keys = trust.issuer_keys(issuer, kid.as_deref());
    if keys.is_empty() {
        return Err(inkan_core::Error::Untrusted(format!(
            "no trusted key for status list issuer {issuer:?}"
        )));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::task::{Poll, Waker};

    use inkan_core::crypto::SoftwareKey;
    use inkan_core::http::HttpResponse;
    use inkan_core::jose::{Header, jwt};
    use inkan_core::status::{Bits, StatusList};
    use inkan_core::trust::StaticTrustStore;
    use serde_json::{Value, json};

    use super::*;
    use crate::{Confidence, Format, InputRef, Outcome, Verification, VerifyRequest};

    const URI: &str = "https://example.com/statuslists/1";
    const ISSUER: &str = "https://example.com";

    /// A stand-in for the SD-JWT / VC-JWT formats: a JSON object whose `status` member is the
    /// referenced token's claim; every other check passes.
    struct Referenced;

    impl Format for Referenced {
        fn id(&self) -> &'static str {
            "referenced-test"
        }

        fn detect(&self, input: &InputRef<'_>) -> Confidence {
            match input.text() {
                Some(t) if t.starts_with('{') => Confidence::CERTAIN,
                _ => Confidence::NONE,
            }
        }

        fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
            let payload: Value = serde_json::from_slice(input.bytes()).map_err(inkan_core::Error::from)?;
            let mut report = cx.report(self.id());
            for id in [
                CheckId::DECODE,
                CheckId::SIGNATURE,
                CheckId::TRUST,
                CheckId::VALIDITY,
            ] {
                report.passed(id);
            }
            check_status(cx, payload.get("status"), &mut report);
            Ok(cx.finish(report))
        }

        fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
            Box::pin(async move {
                let payload: Value =
                    serde_json::from_slice(input.bytes()).map_err(inkan_core::Error::from)?;
                refresh_status(cx, payload.get("status")).await
            })
        }
    }

    /// Serves status list bytes from memory and records every request.
    #[derive(Default)]
    struct Served {
        routes: Mutex<HashMap<String, (u16, Vec<u8>)>>,
        requests: Mutex<Vec<HttpRequest>>,
    }

    impl Served {
        fn serve(&self, uri: &str, status: u16, body: impl Into<Vec<u8>>) {
            self.routes
                .lock()
                .unwrap()
                .insert(uri.into(), (status, body.into()));
        }

        fn fetches(&self) -> usize {
            self.requests.lock().unwrap().len()
        }
    }

    impl HttpClient for Served {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, inkan_core::Result<HttpResponse>> {
            Box::pin(async move {
                request.check_scheme()?;
                self.requests.lock().unwrap().push(request.clone());
                let (status, body) = self
                    .routes
                    .lock()
                    .unwrap()
                    .get(&request.url)
                    .cloned()
                    .ok_or_else(|| inkan_core::Error::Http(format!("no route for {}", request.url)))?;
                let headers = vec![("content-type".into(), STATUS_LIST_ACCEPT.into())];
                Ok(HttpResponse {
                    status,
                    headers,
                    body,
                })
            })
        }
    }

    struct TestClock(AtomicI64);

    impl Clock for TestClock {
        fn now_unix(&self) -> i64 {
            self.0.load(Ordering::Relaxed)
        }
    }

    struct Setup {
        key: SoftwareKey,
        http: Arc<Served>,
        clock: Arc<TestClock>,
        verifier: Verifier,
    }

    fn setup(policy: Policy) -> Setup {
        let key = SoftwareKey::generate(Algorithm::Es256)
            .unwrap()
            .with_kid("list-key");
        let trust = StaticTrustStore::builder()
            .issuer_key(ISSUER, Some("list-key"), key.public_key().clone())
            .build();
        let http = Arc::new(Served::default());
        let clock = Arc::new(TestClock(AtomicI64::new(1_500)));
        let verifier = Verifier::builder(Arc::new(trust), policy, clock.clone())
            .formats(crate::FormatRegistry::empty())
            .format(Arc::new(Referenced))
            .http(http.clone())
            .build();
        Setup {
            key,
            http,
            clock,
            verifier,
        }
    }

    /// A two-bit list: 1 revoked, 2 suspended, 3 application-specific, 16 entries.
    fn token() -> StatusListToken {
        let mut list = StatusList::new(Bits::Two, 16).unwrap();
        for (i, v) in [(1, 1), (2, 2), (3, 3)] {
            list.set(i, v).unwrap();
        }
        StatusListToken {
            iss: Some(ISSUER.into()),
            exp: Some(10_000),
            ttl: Some(300),
            ..StatusListToken::new(URI, 1_000, list)
        }
    }

    fn request(idx: u64) -> VerifyRequest {
        VerifyRequest::text(json!({"status": {"status_list": {"idx": idx, "uri": URI}}}).to_string())
    }

    fn ready<T>(fut: impl Future<Output = T>) -> T {
        let mut fut = std::pin::pin!(fut);
        match fut
            .as_mut()
            .poll(&mut std::task::Context::from_waker(Waker::noop()))
        {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the in-memory client never waits"),
        }
    }

    /// The STATUS outcome's code ("passed" when it passed) and whether the report is valid.
    fn status(report: &Verification) -> (String, bool) {
        let outcome = &report.check(&CheckId::STATUS).unwrap().outcome;
        let code = match outcome {
            Outcome::Passed => "passed".to_owned(),
            Outcome::Failed { code, .. } => code.clone(),
            Outcome::NotApplicable { .. } => "not_applicable".to_owned(),
        };
        (code, report.is_valid())
    }

    fn online(s: &Setup, idx: u64) -> (String, bool) {
        status(&ready(s.verifier.verify_online(&request(idx))).unwrap())
    }

    fn offline(s: &Setup, idx: u64) -> (String, bool) {
        status(&s.verifier.verify(&request(idx)).unwrap())
    }

    fn required() -> Policy {
        Policy::default().require(CheckId::STATUS)
    }

    #[test]
    fn each_status_value_has_its_outcome() {
        let s = setup(required());
        s.http.serve(URI, 200, token().sign_jwt(&s.key).unwrap());
        assert_eq!(online(&s, 0), ("passed".into(), true));
        assert_eq!(online(&s, 1), ("status.revoked".into(), false));
        assert_eq!(online(&s, 2), ("status.suspended".into(), false));
        assert_eq!(online(&s, 3), ("status.application_specific".into(), false));
        assert_eq!(online(&s, 16), ("status.index_out_of_range".into(), false));
        // One fetch served them all; the request asked for the JWT form over HTTPS.
        assert_eq!(s.http.fetches(), 1);
        let first = s.http.requests.lock().unwrap()[0].clone();
        assert_eq!(
            first.headers,
            [("accept".to_owned(), STATUS_LIST_ACCEPT.to_owned())]
        );
        assert!(first.https_only);
    }

    #[test]
    fn offline_uses_the_cache_and_never_passes_without_it() {
        let s = setup(required());
        assert_eq!(offline(&s, 0), ("status.unavailable".into(), false));
        let lenient = setup(Policy::default());
        // Not required: not applicable, and the verdict rests on the other checks.
        assert_eq!(offline(&lenient, 0), ("not_applicable".into(), true));
        s.verifier
            .load_status_list(
                URI,
                &token().sign_cwt(&s.key, Some(b"list-key".to_vec())).unwrap(),
            )
            .unwrap();
        assert_eq!(offline(&s, 0), ("passed".into(), true));
        assert_eq!(offline(&s, 1), ("status.revoked".into(), false));
        assert_eq!(s.http.fetches(), 0);
    }

    #[test]
    fn ttl_and_exp_are_enforced_and_drive_refetching() {
        let s = setup(required());
        s.http.serve(URI, 200, token().sign_jwt(&s.key).unwrap());
        assert_eq!(online(&s, 0), ("passed".into(), true));
        // Older than ttl (300 s) in the cache: offline fails, online fetches again.
        s.clock.0.store(1_500 + 301, Ordering::Relaxed);
        assert_eq!(offline(&s, 0), ("status.list_stale".into(), false));
        assert_eq!(online(&s, 0), ("passed".into(), true));
        assert_eq!(s.http.fetches(), 2);
        // Past exp (10 000 + 60 s leeway): the cached list and a fetched one both fail.
        s.clock.0.store(10_061, Ordering::Relaxed);
        assert_eq!(offline(&s, 0), ("status.list_expired".into(), false));
        assert_eq!(online(&s, 0), ("status.list_expired".into(), false));
    }

    #[test]
    fn a_list_that_fails_verification_is_reported_as_such() {
        let s = setup(required());
        let other = SoftwareKey::generate(Algorithm::Es256)
            .unwrap()
            .with_kid("list-key");
        let header = Header::for_signer(&s.key);
        let cases = [
            (token().sign_jwt(&other).unwrap(), "crypto.bad_signature"),
            (
                jwt::sign(&token().to_jwt_claims(), &header.clone().with_typ("JWT"), &s.key).unwrap(),
                "status.wrong_typ",
            ),
            (
                StatusListToken {
                    sub: "https://example.com/statuslists/2".into(),
                    ..token()
                }
                .sign_jwt(&s.key)
                .unwrap(),
                "status.sub_mismatch",
            ),
            (
                StatusListToken {
                    iss: Some("https://unknown.example".into()),
                    ..token()
                }
                .sign_jwt(&s.key)
                .unwrap(),
                "trust.untrusted",
            ),
            (
                StatusListToken {
                    exp: Some(1_400),
                    ..token()
                }
                .sign_jwt(&s.key)
                .unwrap(),
                "status.list_expired",
            ),
        ];
        for (body, code) in cases {
            s.verifier.status_cache().clear();
            s.http.serve(URI, 200, body);
            assert_eq!(online(&s, 0), (code.into(), false), "{code}");
        }
        s.verifier.status_cache().clear();
        s.http.serve(URI, 404, "");
        assert_eq!(online(&s, 0), ("http.failed".into(), false));
    }

    #[test]
    fn tokens_without_a_status_list_reference() {
        let s = setup(required());
        let report = s.verifier.verify(&VerifyRequest::text("{}")).unwrap();
        assert_eq!(
            status(&report),
            ("not_applicable".into(), false),
            "required but absent"
        );
        let other = VerifyRequest::text(r#"{"status": {"other_mechanism": {}}}"#);
        assert_eq!(
            status(&s.verifier.verify(&other).unwrap()),
            ("status.unavailable".into(), false)
        );
        let bad = VerifyRequest::text(r#"{"status": {"status_list": {"idx": "x", "uri": 1}}}"#);
        assert_eq!(
            status(&s.verifier.verify(&bad).unwrap()),
            ("status.malformed".into(), false)
        );
        let lenient = setup(Policy::default());
        assert_eq!(
            status(&lenient.verifier.verify(&VerifyRequest::text("{}")).unwrap()),
            ("not_applicable".into(), true)
        );
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = StatusListCache::new(2);
        let list = |at| {
            Ok(CachedStatusList {
                token: Arc::new(token()),
                fetched_at: at,
            })
        };
        cache.store("a", list(1), 1);
        cache.store("b", list(2), 2);
        cache.store("a", list(3), 3);
        cache.store("c", list(4), 4);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("b").is_none(), "the oldest entry goes first");
        assert_eq!(cache.get("a").map(|l| l.fetched_at), Some(3));
    }
}
