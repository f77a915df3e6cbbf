//! JSON-LD expansion and RDF Dataset Canonicalization (RDFC-1.0), fully offline (feature `jsonld`).
//!
//! [`canonicalize`] turns a JSON-LD document (a credential, or a Data Integrity proof
//! configuration) into its canonical N-Quads, the input of the `*-rdfc-*` cryptosuites:
//!
//! 1. **caps** on the JSON ([`MAX_DOCUMENT_BYTES`], [`MAX_DEPTH`], [`MAX_VALUES`]);
//! 2. **context processing**: the document's `@context` is processed once per [`ContextLoader`]
//!    and cached (context processing is most of what JSON-LD costs); URLs come only from the
//!    bundled standard contexts or documents the caller pinned, so nothing is ever fetched;
//! 3. **expansion** (the `json-ld` crates ssi is built on) in safe mode: a term the contexts do
//!    not define, or an invalid IRI, is an error (`jsonld.undefined_term`) instead of being
//!    silently dropped from what gets signed;
//! 4. **to RDF**, at most [`MAX_QUADS`] quads;
//! 5. **RDFC-1.0** (`rdf-canon`) with the Hash N-Degree Quads work bounded by
//!    [`MAX_NDEGREE_CALLS`], so a poison graph fails with `jsonld.canonicalization_limit`
//!    instead of running for hours.
//!
//! ```
//! use inkan_core::jsonld::{canonicalize, ContextLoader};
//! let doc = serde_json::json!({
//!     "@context": "https://www.w3.org/ns/credentials/v2",
//!     "type": "VerifiableCredential",
//!     "issuer": "https://issuer.example",
//!     "credentialSubject": {"id": "did:example:alice"}
//! });
//! let nquads = canonicalize(&doc, ContextLoader::shared())?;
//! assert!(nquads.contains("<https://www.w3.org/2018/credentials#issuer> <https://issuer.example>"));
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod loader;
mod rdf;

use std::future::Future;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};

use json_ld_context_processing::Process;
use json_ld_core::ExpandedDocument;
use json_ld_expansion::{Action, Expand, Policy};
use json_ld_syntax::TryFromJson;
use rdf_types::BlankIdBuf;

use crate::error::{Error, Result};
use loader::{ActiveContext, OfflineLoader};
pub use loader::{ContextLoader, bundled_contexts};

/// The largest document accepted, in bytes of compact JSON.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// The deepest JSON nesting accepted (expansion recurses along it).
pub const MAX_DEPTH: usize = 32;
/// The most JSON values (objects, arrays, scalars) a document may hold.
pub const MAX_VALUES: usize = 50_000;
/// The most RDF quads a document may produce.
pub const MAX_QUADS: usize = 50_000;
/// The most Hash N-Degree Quads calls RDFC-1.0 may make. Credentials whose blank nodes all
/// differ in their own quads make none; the W3C RDFC test suite's hardest cases need a few
/// hundred.
pub const MAX_NDEGREE_CALLS: usize = 4096;

/// The hash function RDFC-1.0 labels blank nodes with. SHA-256 is the default; the
/// `ecdsa-rdfc-2019` suite with P-384 keys uses SHA-384 (the W3C vectors' P-384 "employ" case
/// only matches with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RdfcHash {
    /// SHA-256.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

/// The canonical N-Quads (RDFC-1.0, SHA-256) of a JSON-LD document, with every context taken
/// from `loader`.
///
/// ```
/// use inkan_core::jsonld::{canonicalize, ContextLoader};
/// let doc = serde_json::json!({"@context": "https://example.org/unknown", "a": 1});
/// let err = canonicalize(&doc, ContextLoader::shared()).unwrap_err();
/// assert_eq!(err.code(), "jsonld.unknown_context");
/// ```
pub fn canonicalize(doc: &serde_json::Value, loader: &ContextLoader) -> Result<String> {
    canonicalize_with_hash(doc, loader, RdfcHash::Sha256)
}

/// [`canonicalize`] with the RDFC-1.0 hash function chosen.
///
/// ```
/// use inkan_core::jsonld::{canonicalize_with_hash, ContextLoader, RdfcHash};
/// let doc = serde_json::json!({"@context": {"@vocab": "https://ex.example/"}, "name": "x"});
/// let canon = canonicalize_with_hash(&doc, ContextLoader::shared(), RdfcHash::Sha384)?;
/// assert_eq!(canon, "_:c14n0 <https://ex.example/name> \"x\" .\n");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn canonicalize_with_hash(
    doc: &serde_json::Value,
    loader: &ContextLoader,
    hash: RdfcHash,
) -> Result<String> {
    let quads = to_rdf(doc, loader)?;
    rdf::canonicalize_quads(&quads, hash)
}

/// The RDF dataset of a JSON-LD document (JSON-LD 1.1 expansion, then deserialization to RDF),
/// before canonicalization.
fn to_rdf(doc: &serde_json::Value, loader: &ContextLoader) -> Result<Vec<oxrdf::Quad>> {
    check_caps(doc)?;
    let offline = OfflineLoader::new(loader);
    let expanded = expand(doc, &offline)?;
    rdf::quads(expanded)
}

/// Expands `doc`, starting from its processed (cached) top-level context.
fn expand(
    doc: &serde_json::Value,
    offline: &OfflineLoader<'_>,
) -> Result<ExpandedDocument<iref::IriBuf, BlankIdBuf>> {
    let object = doc
        .as_object()
        .ok_or_else(|| Error::JsonLdInvalid("a JSON-LD document here is a JSON object".into()))?;
    let active = match object.get("@context") {
        Some(context) => processed_context(context, offline)?,
        None => Arc::new(ActiveContext::default()),
    };
    // Expanding the body from the processed context is what expanding the whole document does
    // first (JSON-LD 1.1 Expansion, step 9), minus the repeated context processing.
    let mut body = object.clone();
    body.remove("@context");
    let body = json_syntax::Value::from_serde_json(serde_json::Value::Object(body));
    let options = json_ld_expansion::Options {
        policy: Policy {
            invalid: Action::Reject,
            vocab: Action::Keep,
            allow_undefined: false,
        },
        ..Default::default()
    };
    let mut no_vocabulary = ();
    let expanding = body.expand_full(&mut no_vocabulary, (*active).clone(), None, offline, options, ());
    run(expanding)?.map_err(|e| expansion_error(e, offline))
}

/// The processed form of a top-level `@context` value, from the loader's cache when seen before.
fn processed_context(context: &serde_json::Value, offline: &OfflineLoader<'_>) -> Result<Arc<ActiveContext>> {
    let key = context.to_string();
    if let Some(hit) = offline.contexts.cached(&key) {
        return Ok(hit);
    }
    let syntax =
        json_ld_syntax::context::Context::try_from_json(json_syntax::Value::from_serde_json(context.clone()))
            .map_err(|e| Error::JsonLdInvalid(format!("@context: {e}")))?;
    let base = ActiveContext::default();
    let mut no_vocabulary = ();
    let processing = syntax.process_full(
        &mut no_vocabulary,
        &base,
        offline,
        None,
        json_ld_context_processing::Options::default(),
        (),
    );
    let processed = run(processing)?
        .map_err(|e| refused_or(offline, || Error::JsonLdInvalid(format!("@context: {e}"))))?
        .into_processed();
    let processed = Arc::new(processed);
    offline.contexts.remember(key, processed.clone());
    Ok(processed)
}

fn expansion_error(err: json_ld_expansion::Error, offline: &OfflineLoader<'_>) -> Error {
    refused_or(offline, || match err {
        json_ld_expansion::Error::KeyExpansionFailed(key) => Error::JsonLdUndefinedTerm(key),
        other => Error::JsonLdInvalid(other.to_string()),
    })
}

/// A refused context URL explains any failure that follows it.
fn refused_or(offline: &OfflineLoader<'_>, otherwise: impl FnOnce() -> Error) -> Error {
    match offline.refused.borrow_mut().take() {
        Some(url) => Error::JsonLdUnknownContext(url),
        None => otherwise(),
    }
}

/// Drives one of json-ld's futures. They are async only because a loader may be; ours answers
/// from memory, so the future completes on its first poll, and one that does not is refused
/// rather than waited on.
fn run<F: Future>(future: F) -> Result<F::Output> {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(out) => Ok(out),
        Poll::Pending => Err(Error::JsonLdInvalid("JSON-LD processing did not complete".into())),
    }
}

/// Refuses documents over the size, depth and value-count caps before any JSON-LD work.
fn check_caps(doc: &serde_json::Value) -> Result<()> {
    let mut values = 0usize;
    let mut stack = vec![(doc, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        values += 1;
        if values > MAX_VALUES {
            return Err(Error::JsonLdTooLarge {
                what: "JSON values",
                limit: MAX_VALUES,
            });
        }
        if depth > MAX_DEPTH {
            return Err(Error::JsonLdTooLarge {
                what: "levels of nesting",
                limit: MAX_DEPTH,
            });
        }
        match value {
            serde_json::Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            serde_json::Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    let mut counter = ByteCounter(0);
    // Writing into a counter cannot fail; the size is what matters.
    let _ = serde_json::to_writer(&mut counter, doc);
    if counter.0 > MAX_DOCUMENT_BYTES {
        return Err(Error::JsonLdTooLarge {
            what: "bytes",
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    Ok(())
}

/// Counts what serde_json would write, without keeping it.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
