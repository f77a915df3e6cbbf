//! Verification-method lookup: from a proof's `verificationMethod` to the public key, checked
//! against the controller document's verification relationship for the proof's purpose.

use crate::crypto::PublicKey;
use crate::did::{DidDocument, DidResolver, Relationship};
use crate::{Error, Result};

/// Finds the key of a verification method that its controller authorises for a purpose.
///
/// Errors: [`Error::DiUnknownMethod`] when the method cannot be found (or its key cannot be
/// used), [`Error::DiKeyNotAuthorized`] when it exists but its controller does not list it under
/// the purpose's relationship (e.g. a key outside `assertionMethod` signing a credential).
pub trait MethodResolver: Send + Sync {
    /// The key of `verification_method`, authorised for `purpose`.
    fn key_for(&self, verification_method: &str, purpose: Relationship) -> Result<PublicKey>;
}

/// Looks methods up in DID documents, resolved without I/O by a [`DidResolver`] (did:key and
/// did:jwk with [`KeyDidResolver`](crate::did::KeyDidResolver); cached did:web documents with a
/// resolver that has them). The key formats are those DID documents carry: `Multikey`
/// (`publicKeyMultibase`) and `JsonWebKey` (`publicKeyJwk`).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::{did_key, KeyDidResolver, Relationship};
/// use inkan_core::di::{DidMethods, MethodResolver};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let did = did_key(key.public_key());
/// let vm = format!("{did}#{}", &did["did:key:".len()..]);
/// let found = DidMethods(&KeyDidResolver).key_for(&vm, Relationship::AssertionMethod)?;
/// assert_eq!(&found, key.public_key());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct DidMethods<'a>(pub &'a dyn DidResolver);

impl MethodResolver for DidMethods<'_> {
    fn key_for(&self, verification_method: &str, purpose: Relationship) -> Result<PublicKey> {
        let doc = self
            .0
            .resolve_offline(verification_method)
            .map_err(|e| Error::DiUnknownMethod(format!("{verification_method}: {e}")))?;
        MethodResolver::key_for(&doc, verification_method, purpose)
    }
}

/// One controller document known in advance (an issuer's own DID document, a test fixture).
///
/// ```
/// use inkan_core::did::{DidDocument, Relationship};
/// use inkan_core::di::MethodResolver;
/// let doc = DidDocument::from_json(r##"{"id": "did:example:1",
///   "verificationMethod": [{"id": "#k", "type": "Multikey", "controller": "did:example:1",
///     "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}],
///   "authentication": ["#k"]}"##)?;
/// assert!(doc.key_for("did:example:1#k", Relationship::Authentication).is_ok());
/// let err = MethodResolver::key_for(&doc, "did:example:1#k", Relationship::AssertionMethod).unwrap_err();
/// assert_eq!(err.code(), "di.key_not_authorized");
/// # Ok::<(), inkan_core::Error>(())
/// ```
impl MethodResolver for DidDocument {
    fn key_for(&self, verification_method: &str, purpose: Relationship) -> Result<PublicKey> {
        DidDocument::key_for(self, verification_method, purpose)
            .cloned()
            .map_err(|e| classify(self, verification_method, purpose, e))
    }
}

/// Tells a method missing from the document from one present but not authorised for `purpose`.
fn classify(doc: &DidDocument, vm: &str, purpose: Relationship, err: Error) -> Error {
    match doc.method(vm) {
        Ok(method) if method.public_key().is_ok() => {
            Error::DiKeyNotAuthorized(format!("{vm} is not in the controller's {purpose}"))
        }
        _ => Error::DiUnknownMethod(format!("{vm}: {err}")),
    }
}
