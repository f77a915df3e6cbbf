//! The W3C Verifiable Credentials Data Model, versions 1.1 and 2.0: [`Credential`],
//! [`Presentation`] and [`EnvelopedCredential`], checked against the model's rules when parsed.
//!
//! The types keep the document as the [`serde_json::Value`] it arrived as ([`Credential::document`])
//! and add typed views of the properties the model defines (`issuer`, `validFrom`/`validUntil` or
//! `issuanceDate`/`expirationDate`, `credentialStatus`, `credentialSchema`, `credentialSubject`).
//! Nothing is re-serialized: a proof is verified over the very value that was parsed.
//!
//! The version follows the first `@context`: [`CONTEXT_V2`] or [`CONTEXT_V1`]. Context checks are
//! done without JSON-LD processing: the base context must come first, every other entry must be a
//! URL or an object, inline definitions must map to URLs and must not redefine a protected term,
//! and every `type` must map to a URL (be one, or be a term of a known context or an inline
//! definition). Remote contexts inkan does not know may define any term, so with one of them in
//! play an unknown type name is accepted.
//!
//! Validity against a clock is a separate step ([`Credential::check_validity`]), so a far-future
//! `validFrom` is a well-formed credential that is not valid yet.
//!
//! ```
//! use inkan_core::vcdm::{Credential, Version};
//! let vc = Credential::from_json(r#"{
//!   "@context": ["https://www.w3.org/ns/credentials/v2"],
//!   "type": ["VerifiableCredential"],
//!   "issuer": {"id": "did:example:issuer", "name": "Example"},
//!   "validFrom": "2025-01-01T00:00:00Z",
//!   "credentialSubject": {"id": "did:example:subject", "name": "Max"}
//! }"#)?;
//! assert_eq!(vc.version(), Version::V2_0);
//! assert_eq!(vc.issuer(), "did:example:issuer");
//! assert_eq!(vc.subject_id(), Some("did:example:subject"));
//! let bad = Credential::from_json(r#"{"@context": ["https://www.w3.org/ns/credentials/v2"],
//!   "type": ["VerifiableCredential"], "issuer": "not a url", "credentialSubject": {"a": 1}}"#);
//! assert_eq!(bad.unwrap_err().code(), "vcdm.bad_issuer");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod context;
mod credential;
mod presentation;
mod rules;

pub use credential::{Credential, CredentialSchema, CredentialStatus, Version, fill_issuer};
pub use presentation::{EnvelopedCredential, Presentation, PresentedCredential};

use serde_json::Value;

use crate::{Error, Result};

/// The VCDM 2.0 base context, first in `@context`.
pub const CONTEXT_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// The VCDM 1.1 base context, first in `@context`.
pub const CONTEXT_V1: &str = "https://www.w3.org/2018/credentials/v1";

/// Largest credential or presentation JSON accepted from text, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Deepest JSON nesting accepted (objects and arrays).
pub const MAX_DEPTH: usize = 64;

/// Parses JSON text as a credential or presentation document: at most [`MAX_DOCUMENT_BYTES`]
/// bytes and [`MAX_DEPTH`] levels, and an object.
///
/// ```
/// use inkan_core::vcdm::parse_document;
/// assert!(parse_document("{}").is_ok());
/// let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
/// assert_eq!(parse_document(&deep).unwrap_err().code(), "vcdm.too_deep");
/// ```
pub fn parse_document(text: &str) -> Result<Value> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    // serde_json refuses nesting past 128 on its own; count again to apply our smaller cap
    // before any recursive walk of ours.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            Error::VcdmTooDeep(MAX_DEPTH)
        } else {
            Error::from(e)
        }
    })?;
    check_depth(&value, MAX_DEPTH)?;
    if !value.is_object() {
        return Err(Error::VcdmMalformed("the document must be a JSON object".into()));
    }
    Ok(value)
}

/// Fails with [`Error::VcdmTooDeep`] when `value` nests deeper than `max` levels.
///
/// ```
/// use inkan_core::vcdm::check_depth;
/// let v = serde_json::json!({"a": [{"b": 1}]});
/// assert!(check_depth(&v, 3).is_ok());
/// assert_eq!(check_depth(&v, 2).unwrap_err().code(), "vcdm.too_deep");
/// ```
pub fn check_depth(value: &Value, max: usize) -> Result<()> {
    // Iterative, so a hostile document cannot exhaust the stack here.
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(o) => Box::new(o.values()),
            _ => continue,
        };
        if depth + 1 > max {
            return Err(Error::VcdmTooDeep(max));
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    Ok(())
}
