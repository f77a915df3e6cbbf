//! Offline context documents: the bundled standard contexts, pinned extras, and the cache of
//! processed contexts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use iref::{Iri, IriBuf};
use json_ld_core::{Context, LoadError, RemoteDocument};
use json_syntax::Parse;
use rdf_types::BlankIdBuf;

use crate::error::{Error, Result};

/// A processed JSON-LD active context, as json-ld's expansion takes it.
pub(crate) type ActiveContext = Context<IriBuf, BlankIdBuf>;

/// How many processed `@context` values a loader keeps (the oldest half goes when full). Real
/// deployments use a handful of context lists; the cap only stops an attacker who varies inline
/// contexts from growing memory.
const CACHE_ENTRIES: usize = 64;

/// The largest pinned context document accepted, in bytes of JSON.
const MAX_PINNED_BYTES: usize = 256 * 1024;

/// The standard contexts inkan ships: `(URL, document)`. Provenance of each file is in
/// `contexts/README.md`; contexts are immutable by URL, so a copy is the context.
const BUNDLED: &[(&str, &str)] = &[
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("contexts/credentials-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("contexts/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/examples/v1",
        include_str!("contexts/credentials-examples-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("contexts/credentials-examples-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("contexts/data-integrity-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("contexts/data-integrity-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("contexts/multikey-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/jwk/v1",
        include_str!("contexts/jwk-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("contexts/ed25519-2020-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/v1",
        include_str!("contexts/security-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/v2",
        include_str!("contexts/security-v2.jsonld"),
    ),
    (
        "https://w3id.org/vc/status-list/2021/v1",
        include_str!("contexts/status-list-2021-v1.jsonld"),
    ),
    (
        "https://w3id.org/citizenship/v4rc1",
        include_str!("contexts/citizenship-v4rc1.jsonld"),
    ),
    // Imported by the VCDM 1.1 examples context.
    (
        "https://www.w3.org/ns/odrl.jsonld",
        include_str!("contexts/odrl.jsonld"),
    ),
];

/// The bundled contexts as `(URL, document text)`, e.g. to hand another JSON-LD implementation
/// the very same bytes.
///
/// ```
/// let urls: Vec<_> = inkan_core::jsonld::bundled_contexts().map(|(url, _)| url).collect();
/// assert!(urls.contains(&"https://www.w3.org/ns/credentials/v2"));
/// ```
pub fn bundled_contexts() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUNDLED.iter().copied()
}

/// The bundled contexts, parsed once per process.
fn bundled() -> &'static HashMap<&'static str, json_syntax::Value> {
    static PARSED: OnceLock<HashMap<&'static str, json_syntax::Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        BUNDLED
            .iter()
            .filter_map(|(url, text)| {
                // The files are checked in and a unit test parses every one, so a failure here
                // is impossible in a released build; skipping keeps this path panic-free.
                json_syntax::Value::parse_str(text).ok().map(|(v, _)| (*url, v))
            })
            .collect()
    })
}

/// Where JSON-LD context documents come from: the bundled standard contexts plus any documents
/// pinned by the caller. Any other URL is refused (`jsonld.unknown_context`): canonicalization
/// never opens a socket.
///
/// A loader also caches the *processed* form of each document `@context` it has seen (the
/// expensive part of JSON-LD expansion), so build one loader and reuse it;
/// [`ContextLoader::shared`] is the process-wide loader for the bundled contexts.
///
/// ```
/// use inkan_core::jsonld::ContextLoader;
/// let pinned = serde_json::json!({"@context": {"ex": "https://example.org/vocab#"}});
/// let loader = ContextLoader::new().with_pinned("https://example.org/ctx/v1", &pinned)?;
/// assert!(loader.is_available("https://example.org/ctx/v1"));
/// assert!(loader.is_available("https://www.w3.org/ns/credentials/v2"));
/// assert!(!loader.is_available("https://example.org/other"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Default)]
pub struct ContextLoader {
    pinned: HashMap<String, json_syntax::Value>,
    processed: Mutex<HashMap<String, Arc<ActiveContext>>>,
}

impl std::fmt::Debug for ContextLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextLoader")
            .field("pinned", &self.pinned.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ContextLoader {
    /// A loader with the bundled contexts only.
    ///
    /// ```
    /// let loader = inkan_core::jsonld::ContextLoader::new();
    /// assert!(loader.is_available("https://www.w3.org/2018/credentials/v1"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide loader for the bundled contexts, whose processed-context cache every
    /// caller shares.
    ///
    /// ```
    /// let a = inkan_core::jsonld::ContextLoader::shared();
    /// assert!(std::ptr::eq(a, inkan_core::jsonld::ContextLoader::shared()));
    /// ```
    pub fn shared() -> &'static ContextLoader {
        static SHARED: OnceLock<ContextLoader> = OnceLock::new();
        SHARED.get_or_init(ContextLoader::new)
    }

    /// Adds a context document the trust policy allows, served for `url` (a bundled URL cannot
    /// be overridden). The document must be a JSON object with an `@context` entry.
    ///
    /// ```
    /// use inkan_core::jsonld::ContextLoader;
    /// let bad = serde_json::json!({"no": "context"});
    /// let err = ContextLoader::new().with_pinned("https://example.org/c", &bad).unwrap_err();
    /// assert_eq!(err.code(), "jsonld.invalid");
    /// ```
    pub fn with_pinned(mut self, url: &str, document: &serde_json::Value) -> Result<Self> {
        Iri::new(url).map_err(|_| Error::JsonLdInvalid(format!("pinned context URL {url:?}")))?;
        if bundled().contains_key(url) {
            return Err(Error::JsonLdInvalid(format!(
                "{url} is bundled and cannot be pinned"
            )));
        }
        if document.get("@context").is_none() {
            return Err(Error::JsonLdInvalid(format!(
                "pinned document for {url} has no @context"
            )));
        }
        let size = serde_json::to_vec(document).map_or(usize::MAX, |v| v.len());
        if size > MAX_PINNED_BYTES {
            return Err(Error::JsonLdTooLarge {
                what: "bytes in a pinned context",
                limit: MAX_PINNED_BYTES,
            });
        }
        self.pinned.insert(
            url.to_owned(),
            json_syntax::Value::from_serde_json(document.clone()),
        );
        // Pinning changes what a URL means: drop anything processed before.
        if let Ok(processed) = self.processed.get_mut() {
            processed.clear();
        }
        Ok(self)
    }

    /// Whether `url` would be served (bundled or pinned).
    ///
    /// ```
    /// assert!(!inkan_core::jsonld::ContextLoader::new().is_available("https://example.org/x"));
    /// ```
    pub fn is_available(&self, url: &str) -> bool {
        bundled().contains_key(url) || self.pinned.contains_key(url)
    }

    fn document(&self, url: &str) -> Option<&json_syntax::Value> {
        bundled().get(url).or_else(|| self.pinned.get(url))
    }

    /// The processed context cached under `key`, if any.
    pub(crate) fn cached(&self, key: &str) -> Option<Arc<ActiveContext>> {
        self.processed.lock().ok()?.get(key).cloned()
    }

    /// Caches a processed context under `key` (its `@context` JSON).
    pub(crate) fn remember(&self, key: String, context: Arc<ActiveContext>) {
        if let Ok(mut map) = self.processed.lock() {
            if map.len() >= CACHE_ENTRIES {
                map.clear();
            }
            map.insert(key, context);
        }
    }
}

/// The json-ld `Loader` for one canonicalization: serves the loader's documents and remembers
/// the first URL it refused, so the caller can report `jsonld.unknown_context` precisely.
pub(crate) struct OfflineLoader<'a> {
    pub(crate) contexts: &'a ContextLoader,
    pub(crate) refused: std::cell::RefCell<Option<String>>,
}

impl<'a> OfflineLoader<'a> {
    pub(crate) fn new(contexts: &'a ContextLoader) -> Self {
        Self {
            contexts,
            refused: std::cell::RefCell::new(None),
        }
    }
}

/// The error a refused URL gets inside json-ld (its text never reaches the caller).
#[derive(Debug, thiserror::Error)]
#[error("context not available offline")]
struct NotOffline;

impl json_ld_core::Loader for OfflineLoader<'_> {
    async fn load(&self, url: &Iri) -> std::result::Result<RemoteDocument<IriBuf>, LoadError> {
        match self.contexts.document(url.as_str()) {
            Some(doc) => Ok(RemoteDocument::new(Some(url.to_owned()), None, doc.clone())),
            None => {
                self.refused
                    .borrow_mut()
                    .get_or_insert_with(|| url.as_str().to_owned());
                Err(LoadError::new(url.to_owned(), NotOffline))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_parses_and_has_a_context() {
        let parsed = bundled();
        assert_eq!(parsed.len(), BUNDLED.len());
        for (url, doc) in parsed {
            let obj = doc
                .as_object()
                .unwrap_or_else(|| panic!("{url} is not an object"));
            assert!(obj.get("@context").next().is_some(), "{url} has no @context");
        }
    }

    #[test]
    fn pinned_cannot_override_bundled() {
        let doc = serde_json::json!({"@context": {}});
        let err = ContextLoader::new().with_pinned("https://www.w3.org/ns/credentials/v2", &doc);
        assert_eq!(err.unwrap_err().code(), "jsonld.invalid");
    }

    #[test]
    fn pinned_size_is_capped() {
        let big = "x".repeat(MAX_PINNED_BYTES);
        let doc = serde_json::json!({"@context": {"a": big}});
        let err = ContextLoader::new().with_pinned("https://example.org/big", &doc);
        assert_eq!(err.unwrap_err().code(), "jsonld.too_large");
    }
}
