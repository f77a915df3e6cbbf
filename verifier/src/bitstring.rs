//! The STATUS check of W3C credentials (Bitstring Status List 1.0, StatusList2021) and the cache
//! of verified status list credentials it reads, shaped like [`crate::StatusListCache`] for IETF
//! token status lists: [`Verifier::verify`] reads only the cache; [`Verifier::verify_online`]
//! refreshes it through the `HttpClient`; [`Verifier::load_status_list_credential`] fills it
//! ahead of time for offline use.
//!
//! A status list credential is itself a secured credential, so it is verified by the verifier
//! (whichever format detects it: `vc+jwt`, `vc+cose`, `ldp_vc` Data Integrity): it enters the cache only if its signature and trust checks passed. It is then
//! decoded once (gzip inflated under the cap) and every lookup is O(1). A list past its
//! `validUntil` fails `bitstring.list_expired`; one held longer than its `ttl` (or, without a
//! `ttl`, than [`DEFAULT_BITSTRING_TTL`]) fails `bitstring.list_stale` offline and is fetched
//! again online. With no usable list the check fails when the policy requires STATUS and is not
//! applicable otherwise: it never passes unperformed.

use std::sync::Arc;

use inkan_core::bitstring::{StatusEntry, StatusListCredential, StatusOutcome, check_status};
use inkan_core::cache::BoundedCache;
use inkan_core::clock::Clock;
use inkan_core::http::HttpRequest;
use inkan_core::{BoxFuture, Error as CoreError};
use serde_json::Value;

use crate::format::Context;
use crate::{CheckId, Outcome, ReportBuilder, Result, Verifier, VerifyRequest};

/// How long a status list credential without `ttl` is used before it is fetched again (5 min).
///
/// ```
/// assert_eq!(inkan_verifier::DEFAULT_BITSTRING_TTL, 300);
/// ```
pub const DEFAULT_BITSTRING_TTL: i64 = 300;

/// The media types asked for when fetching a status list credential.
pub const BITSTRING_ACCEPT: &str =
    "application/vc+jwt, application/vc+cose, application/vc+ld+json, application/vc";

/// A verified, decoded status list credential as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedListCredential {
    /// The decoded credential.
    pub list: Arc<StatusListCredential>,
    /// When it was fetched (or loaded), seconds since the epoch, by the verifier's clock.
    pub fetched_at: i64,
}

impl CachedListCredential {
    /// `bitstring.list_stale` once held longer than its `ttl` (milliseconds in the credential).
    fn check_fresh(&self, now: i64) -> inkan_core::Result<()> {
        let ttl = self.list.ttl_ms.map_or(DEFAULT_BITSTRING_TTL, |ms| {
            i64::try_from(ms / 1000).unwrap_or(i64::MAX)
        });
        let age = now.saturating_sub(self.fetched_at);
        if age > ttl {
            return Err(CoreError::BitstringListStale { age, ttl });
        }
        Ok(())
    }
}

/// A verified list credential, or the error its last fetch ended in.
type Entry = inkan_core::Result<CachedListCredential>;

/// Verified status list credentials by URL, bounded: when full, the entry stored longest ago goes.
///
/// ```
/// use inkan_verifier::BitstringCache;
/// let cache = BitstringCache::new(8);
/// assert!(cache.is_empty());
/// assert!(cache.get("https://example.com/status/1").is_none());
/// ```
#[derive(Debug)]
pub struct BitstringCache {
    entries: BoundedCache<Entry>,
}

impl Default for BitstringCache {
    fn default() -> Self {
        Self::new(crate::DEFAULT_STATUS_CACHE_ENTRIES)
    }
}

impl BitstringCache {
    /// An empty cache holding at most `max_entries` lists (at least one).
    pub fn new(max_entries: usize) -> Self {
        Self {
            entries: BoundedCache::new(max_entries),
        }
    }

    /// The verified list cached for `url`, fresh or not.
    pub fn get(&self, url: &str) -> Option<CachedListCredential> {
        self.entry(url)?.ok()
    }

    /// Caches a decoded list credential (already verified by the caller) for `url`.
    pub fn insert(&self, url: &str, list: StatusListCredential, fetched_at: i64) {
        let list = CachedListCredential {
            list: Arc::new(list),
            fetched_at,
        };
        self.store(url, Ok(list), fetched_at);
    }

    /// How many URLs have an entry (a verified list or a failed fetch).
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

    fn entry(&self, url: &str) -> Option<Entry> {
        self.entries.get(url).map(|(entry, _)| entry)
    }

    fn store(&self, url: &str, entry: Entry, at: i64) {
        self.entries.insert(url, entry, at);
    }
}

/// The status of one `credentialStatus` entry from the cache, offline: the cached list must be
/// there, fresh (`ttl`), and then core [`check_status`] applies the spec's validation
/// (kind, purpose, validity window, minimum length, index, revoked/suspended).
///
/// ```
/// use inkan_core::bitstring::{self, Bitstring, StatusEntry, StatusListCredential, StatusPurpose, StatusSize, MIN_ENTRIES};
/// use inkan_core::clock::FixedClock;
/// use inkan_verifier::{check_bitstring_status, BitstringCache};
/// let url = "https://example.com/status/1";
/// let mut list = Bitstring::new(MIN_ENTRIES, StatusSize::ONE)?;
/// list.set(7, StatusSize::ONE, 1)?;
/// let vc = bitstring::list_credential(url, "did:example:i", StatusPurpose::Revocation, &list);
/// let cache = BitstringCache::default();
/// let clock = FixedClock::at_unix(1_000);
/// let entry = StatusEntry::new(StatusPurpose::Revocation, 7, url);
/// assert_eq!(check_bitstring_status(&entry, &cache, &clock, 0).unwrap_err().code(), "bitstring.unavailable");
/// cache.insert(url, StatusListCredential::from_credential(&vc)?, 1_000);
/// assert_eq!(check_bitstring_status(&entry, &cache, &clock, 0).unwrap_err().code(), "bitstring.revoked");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn check_bitstring_status(
    entry: &StatusEntry,
    cache: &BitstringCache,
    clock: &dyn Clock,
    leeway_secs: i64,
) -> inkan_core::Result<StatusOutcome> {
    let list = match cache.entry(&entry.list_credential) {
        None => {
            return Err(CoreError::BitstringUnavailable(format!(
                "no status list credential cached for {}",
                entry.list_credential
            )));
        }
        Some(entry) => entry?,
    };
    list.check_fresh(clock.now_unix())?;
    check_status(entry, &list.list, clock, leeway_secs)
}

impl Verifier {
    /// Verifies a status list credential published at `url` (any secured form the verifier
    /// detects) and caches it for offline [`verify`](Verifier::verify) calls, as fetched now.
    pub fn load_status_list_credential(&self, url: &str, secured: &[u8]) -> Result<()> {
        let list = self.verify_list_credential(url, secured)?;
        self.bitstring_cache().insert(url, list, self.clock().now_unix());
        Ok(())
    }

    /// Verifies `secured` as a credential, requires its signature and trust checks to have
    /// passed, and decodes it as the status list credential of `url`.
    fn verify_list_credential(&self, url: &str, secured: &[u8]) -> Result<StatusListCredential> {
        let report = self.verify(&VerifyRequest::bytes(secured.to_vec()))?;
        for id in [CheckId::DECODE, CheckId::SIGNATURE, CheckId::TRUST] {
            match report.check(&id).map(|c| &c.outcome) {
                Some(Outcome::Passed) => {}
                Some(Outcome::Failed { code, message }) => {
                    return Err(CoreError::BitstringUnavailable(format!(
                        "status list credential {url}: {id} failed ({code}: {message})"
                    ))
                    .into());
                }
                _ => {
                    return Err(CoreError::BitstringUnavailable(format!(
                        "status list credential {url}: {id} not performed"
                    ))
                    .into());
                }
            }
        }
        let list = StatusListCredential::from_credential(report.claims())?;
        if list.id.as_deref().is_some_and(|id| id != url) {
            return Err(CoreError::BitstringWrongCredential(format!(
                "fetched from {url} but its id is {:?}",
                list.id
            ))
            .into());
        }
        Ok(list)
    }
}

/// Records the STATUS check of a W3C credential (its `credentialStatus` W3C entries; other
/// status types are reported as warnings, not silently passed).
pub(crate) fn check_credential_status(cx: &Context<'_>, credential: &Value, report: &mut ReportBuilder) {
    let entries = match StatusEntry::all_in(credential) {
        Ok(entries) => entries,
        Err(e) => {
            report.check(CheckId::STATUS, Err(e));
            return;
        }
    };
    if entries.is_empty() {
        let reason = match credential.get("credentialStatus") {
            None => "the credential has no credentialStatus",
            Some(_) => "no credentialStatus entry of a supported type",
        };
        report.not_applicable(CheckId::STATUS, reason);
        return;
    }
    let leeway = cx.policy().time_rules().leeway_secs;
    let mut result = Ok(());
    for entry in &entries {
        match check_bitstring_status(entry, cx.bitstring_cache(), cx.clock(), leeway) {
            Ok(outcome) => note_message(&outcome, report),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    match result {
        Err(CoreError::BitstringUnavailable(reason)) if !cx.policy().is_required(&CheckId::STATUS) => {
            report.not_applicable(CheckId::STATUS, reason);
        }
        result => {
            report.check(CheckId::STATUS, result);
        }
    }
}

/// A message-purpose value is information for the relying party, not a failure.
fn note_message(outcome: &StatusOutcome, report: &mut ReportBuilder) {
    if outcome.value != 0 {
        let text = outcome.message.clone().unwrap_or_default();
        report.warning(
            "bitstring.status_message",
            format!(
                "{} status {:#x} at index {}: {text}",
                outcome.purpose.as_str(),
                outcome.value,
                outcome.index
            ),
        );
    }
}

/// Fetches (through the verifier's `HttpClient`) and verifies every status list credential the
/// credential's entries point at that is not cached fresh; failures are cached as such.
pub(crate) fn refresh_credential_status<'a>(
    cx: &'a Context<'a>,
    credential: &'a Value,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let (Some(http), Ok(entries)) = (cx.http(), StatusEntry::all_in(credential)) else {
            return Ok(());
        };
        let now = cx.clock().now_unix();
        for entry in entries {
            let url = entry.list_credential.as_str();
            if cx
                .bitstring_cache()
                .get(url)
                .is_some_and(|l| l.check_fresh(now).is_ok())
            {
                continue;
            }
            let request = HttpRequest::get(url).header("accept", BITSTRING_ACCEPT);
            let fetched = match http.send(request).await.and_then(|r| r.error_for_status()) {
                Ok(response) => {
                    cx.verifier()
                        .verify_list_credential(url, &response.body)
                        .map_err(|e| match e {
                            crate::Error::Core(core) => core,
                            other => CoreError::BitstringUnavailable(other.to_string()),
                        })
                }
                Err(e) => Err(e),
            };
            let entry = fetched.map(|list| CachedListCredential {
                list: Arc::new(list),
                fetched_at: now,
            });
            cx.bitstring_cache().store(url, entry, now);
        }
        Ok(())
    })
}
