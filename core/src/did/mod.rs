//! Decentralized identifiers: DID and DID URL syntax, DID documents with parsed keys, the
//! pure methods `did:key` and `did:jwk`, and the [`DidResolver`] trait through which other
//! methods (did:web, in the crate that owns HTTP) are injected.
//!
//! ```
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::did::{did_key, DidResolver, KeyDidResolver, Relationship};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let did = did_key(key.public_key());
//! let doc = KeyDidResolver.resolve_offline(&did)?;
//! assert_eq!(doc.key_for(&did, Relationship::AssertionMethod)?, key.public_key());
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod document;
mod methods;
mod resolver;
mod syntax;
mod web;

pub use document::{
    DidDocument, KeyMaterial, MAX_DOCUMENT_JSON, MAX_METHODS, MethodRef, Relationship, VerificationMethod,
};
pub use methods::{did_jwk, did_key};
pub use resolver::{DidResolver, KeyDidResolver, PREPARED_DOCUMENTS, resolve_key};
pub use syntax::{Did, DidUrl, MAX_DID_LEN};
pub use web::WebDid;
