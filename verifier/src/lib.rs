//! # inkan-verifier
//!
//! The verifier's single entry point. A [`Verifier`] is built once from a
//! [`TrustStore`](inkan_core::trust::TrustStore), a [`Policy`] and a
//! [`Clock`](inkan_core::clock::Clock); each [`VerifyRequest`] is detected by the registered
//! [`Format`] modules, dispatched to the most confident one, and answered with a
//! [`Verification`] report: format, issuer, subject claims, every check with its outcome,
//! warnings and a verdict. [`Verifier::verify`] is synchronous and offline;
//! [`Verifier::verify_online`] may first refresh caches through an
//! [`HttpClient`](inkan_core::http::HttpClient).
//!
//! [`JsonTrustStore`] loads trust from a trust-store JSON file, a JWK, a JWKS or PEM.
//!
//! ```
//! use std::sync::Arc;
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_verifier::{JsonTrustStore, Policy, Verifier, VerifyRequest};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let trust = JsonTrustStore::parse(&key.public_key().to_jwk().to_json())?;
//! let verifier = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(FixedClock::at_unix(1_767_225_600))).build();
//! match verifier.verify(&VerifyRequest::bytes(b"not a credential".to_vec())) {
//!     Ok(report) => println!("{}", report.to_json()),
//!     Err(err) => assert_eq!(err.code(), "verifier.unknown_format"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bitstring;
mod did_web;
mod error;
mod format;
pub mod formats;
#[cfg(feature = "http")]
pub mod http;
mod policy;
mod report;
mod request;
mod status;
mod trust_json;
mod verifier;

pub use bitstring::{
    BITSTRING_ACCEPT, BitstringCache, CachedListCredential, DEFAULT_BITSTRING_TTL, check_bitstring_status,
};
pub use did_web::{DEFAULT_DID_WEB_ENTRIES, DEFAULT_DID_WEB_TTL, WebDidResolver};
pub use error::{Error, Result};
pub use format::{Confidence, Context, Format, FormatRegistry};
pub use policy::{DEFAULT_MAX_INPUT, Policy};
pub use report::{Check, CheckId, Outcome, ReportBuilder, SCHEMA, Source, Verdict, Verification, Warning};
pub use request::{DecryptionKey, Input, InputRef, VerifyRequest};
pub use status::{
    CachedStatusList, DEFAULT_STATUS_CACHE_ENTRIES, STATUS_LIST_ACCEPT, STATUS_LIST_PURPOSE, StatusListCache,
};
pub use trust_json::{ANY, JsonTrustStore, MAX_TRUST_FILE};
pub use verifier::{MAX_NESTING, Verifier, VerifierBuilder};

#[cfg(test)]
mod tests;
