//! [`BoundedCache`]: the one URL-keyed, size-bounded cache of the workspace (the verifier's
//! IETF status lists, W3C status list credentials and did:web documents; the prepared keys of
//! did:key / did:jwk). Each entry remembers when it was stored; freshness rules (a list's
//! `ttl`, a DID document's TTL) stay with the callers, which know what "fresh" means for their
//! values. No I/O: filling it is the caller's business.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Values by URL, at most `max_entries` of them: when full, storing a new URL drops the entry
/// stored longest ago (by the time given to [`insert`](Self::insert)).
///
/// ```
/// use inkan_core::cache::BoundedCache;
/// let cache: BoundedCache<u32> = BoundedCache::new(2);
/// cache.insert("https://a.example", 1, 10);
/// cache.insert("https://b.example", 2, 20);
/// cache.insert("https://c.example", 3, 30); // full: a, stored first, goes
/// assert_eq!(cache.get("https://a.example"), None);
/// assert_eq!(cache.get("https://c.example"), Some((3, 30)));
/// assert_eq!(cache.len(), 2);
/// ```
#[derive(Debug)]
pub struct BoundedCache<V> {
    max_entries: usize,
    entries: Mutex<HashMap<String, (V, i64)>>,
}

impl<V: Clone> BoundedCache<V> {
    /// An empty cache holding at most `max_entries` values (at least one).
    ///
    /// ```
    /// let cache = inkan_core::cache::BoundedCache::<String>::new(0);
    /// cache.insert("k", "v".into(), 0);
    /// assert_eq!(cache.len(), 1);
    /// ```
    pub fn new(max_entries: usize) -> Self {
        Self {
            max_entries: max_entries.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value stored for `url` and when it was stored (seconds since the epoch).
    ///
    /// ```
    /// let cache = inkan_core::cache::BoundedCache::new(4);
    /// cache.insert("k", 'x', 7);
    /// assert_eq!(cache.get("k"), Some(('x', 7)));
    /// assert_eq!(cache.get("other"), None);
    /// ```
    pub fn get(&self, url: &str) -> Option<(V, i64)> {
        self.lock().get(url).cloned()
    }

    /// Stores `value` for `url` as of `at`, replacing what was there; a new URL in a full cache
    /// first drops the entry stored longest ago.
    ///
    /// ```
    /// let cache = inkan_core::cache::BoundedCache::new(1);
    /// cache.insert("k", 1, 0);
    /// cache.insert("k", 2, 5); // the same URL: replaced, nothing dropped
    /// assert_eq!(cache.get("k"), Some((2, 5)));
    /// ```
    pub fn insert(&self, url: &str, value: V, at: i64) {
        let mut entries = self.lock();
        if !entries.contains_key(url) && entries.len() >= self.max_entries {
            let oldest = entries
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(url.to_owned(), (value, at));
    }

    /// How many URLs have an entry.
    ///
    /// ```
    /// assert_eq!(inkan_core::cache::BoundedCache::<u8>::new(1).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache is empty.
    ///
    /// ```
    /// assert!(inkan_core::cache::BoundedCache::<u8>::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry.
    ///
    /// ```
    /// let cache = inkan_core::cache::BoundedCache::new(1);
    /// cache.insert("k", 1, 0);
    /// cache.clear();
    /// assert!(cache.is_empty());
    /// ```
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, (V, i64)>> {
        // Every update is one insert/remove: a map left by a panicking holder is still consistent.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
