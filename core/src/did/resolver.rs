//! Resolution: the [`DidResolver`] trait through which DID methods are injected, and the pure
//! resolver for `did:key` and `did:jwk`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

use super::methods::{resolve_did_jwk, resolve_did_key};
use super::{DidDocument, DidUrl};
use crate::cache::BoundedCache;
use crate::crypto::PublicKey;
use crate::{BoxFuture, Error, Result};

/// Resolves DIDs to documents. Object-safe, so verifiers hold a `dyn DidResolver`.
///
/// `resolve` may use the network (a did:web resolver in another crate does); `resolve_offline`
/// must not: it answers from pure methods or a cache, and is what the synchronous verifier calls.
/// Both accept a DID URL too and resolve the DID it is part of.
///
/// ```
/// use inkan_core::did::{DidResolver, KeyDidResolver};
/// let resolver: &dyn DidResolver = &KeyDidResolver;
/// let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
/// assert_eq!(resolver.resolve_offline(did)?.id().as_str(), did);
/// assert_eq!(resolver.resolve_offline("did:web:example.com").unwrap_err().code(),
///            "did.unsupported_method");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait DidResolver: Send + Sync {
    /// Resolves `did`, possibly over the network.
    fn resolve<'a>(&'a self, did: &'a str) -> BoxFuture<'a, Result<DidDocument>>;

    /// Resolves `did` without I/O (pure methods, cached documents).
    fn resolve_offline(&self, did: &str) -> Result<DidDocument>;

    /// The key of the verification method `did_url` names, resolved without I/O (see
    /// [`DidDocument::resolve_key`] for fragment-less URLs).
    fn resolve_key_offline(&self, did_url: &str) -> Result<PublicKey> {
        let doc = self.resolve_offline(did_url)?;
        doc.resolve_key(did_url).cloned()
    }
}

/// The resolver for the pure methods `did:key` and `did:jwk`; any other method is
/// [`Error::DidUnsupportedMethod`].
///
/// ```
/// use inkan_core::did::{DidResolver, KeyDidResolver};
/// let did = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9";
/// let doc = KeyDidResolver.resolve_offline(did)?;
/// assert_eq!(doc.verification_methods()[0].id(), format!("{did}#0"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyDidResolver;

impl DidResolver for KeyDidResolver {
    fn resolve<'a>(&'a self, did: &'a str) -> BoxFuture<'a, Result<DidDocument>> {
        Box::pin(std::future::ready(self.resolve_offline(did)))
    }

    fn resolve_offline(&self, did: &str) -> Result<DidDocument> {
        let url = DidUrl::parse(did)?;
        let did = url.did();
        if let Some((doc, _)) = prepared().get(did.as_str()) {
            return Ok(doc);
        }
        let doc = match did.method() {
            "key" => resolve_did_key(did),
            "jwk" => resolve_did_jwk(did),
            other => Err(Error::DidUnsupportedMethod(other.to_owned())),
        }?;
        // Insertion order stands in for time: the document prepared longest ago goes first.
        static ORDER: AtomicI64 = AtomicI64::new(0);
        prepared().insert(did.as_str(), doc.clone(), ORDER.fetch_add(1, Ordering::Relaxed));
        Ok(doc)
    }
}

/// How many did:key / did:jwk documents [`KeyDidResolver`] keeps prepared for the process.
///
/// ```
/// assert_eq!(inkan_core::did::PREPARED_DOCUMENTS, 1024);
/// ```
pub const PREPARED_DOCUMENTS: usize = 1024;

/// did:key and did:jwk documents as resolved before, their keys prepared (decoded, the point
/// decompressed, the provider's verifier built): such a document is a pure function of its DID,
/// so it never goes stale, and preparing a key costs more than many a signature check.
fn prepared() -> &'static BoundedCache<DidDocument> {
    static PREPARED: OnceLock<BoundedCache<DidDocument>> = OnceLock::new();
    PREPARED.get_or_init(|| BoundedCache::new(PREPARED_DOCUMENTS))
}

/// The key a `did:key` or `did:jwk` DID URL names (no I/O).
///
/// ```
/// let did = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv";
/// let key = inkan_core::did::resolve_key(&format!("{did}#zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"))?;
/// assert_eq!(key.key_type(), inkan_core::crypto::KeyType::P256);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn resolve_key(did_url: &str) -> Result<PublicKey> {
    KeyDidResolver.resolve_key_offline(did_url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    #[test]
    fn async_resolution_matches_offline() {
        let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let resolver: Box<dyn DidResolver> = Box::new(KeyDidResolver);
        let mut fut = pin!(resolver.resolve(did));
        let Poll::Ready(doc) = fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
            panic!("a pure resolver is ready at once");
        };
        assert_eq!(
            doc.unwrap().to_json(),
            resolver.resolve_offline(did).unwrap().to_json()
        );
    }

    #[test]
    fn malformed_and_unsupported() {
        assert_eq!(resolve_key("not a did").unwrap_err().code(), "did.malformed");
        assert_eq!(
            resolve_key("did:example:123#k").unwrap_err().code(),
            "did.unsupported_method"
        );
    }
}
