//! # inkan-core
//!
//! Formats and crypto for national digital identity, with no I/O: keys and the [`crypto::Signer`]
//! trait over a swappable crypto provider, JOSE (JWS, JWT, JWE), COSE and CWT, Base45 / zlib /
//! base64url / multibase encodings, `did:key` and `did:jwk`, X.509 chain validation, and the traits
//! (`Clock`, `TrustStore`, `HttpClient`, `DidResolver`) through which the outside world is injected.
//!
//! Bytes go in, typed values come out; every failure is an [`Error`] with a stable code.
//!
//! ```
//! use inkan_core::crypto::{Algorithm, SoftwareKey, Signer, Verifier};
//! let key = SoftwareKey::generate(Algorithm::Es256)?;
//! let sig = key.sign(b"hello")?;
//! key.public_key().verify(Algorithm::Es256, b"hello", &sig)?;
//! # Ok::<(), inkan_core::Error>(())
//! ```

pub mod bitstring;
pub mod cache;
pub mod claim169;
pub mod claims;
pub mod clock;
pub mod cose;
pub mod crypto;
pub mod di;
pub mod did;
pub mod encoding;
pub mod error;
pub mod http;
pub mod jose;
#[cfg(feature = "jsonld")]
pub mod jsonld;
pub mod mdoc;
pub mod pixelpass;
pub mod qr;
pub mod sdjwt;
pub mod status;
pub mod trust;
pub mod vcdm;
pub mod vcjose;
pub mod vcjwt;
pub mod x509;

pub use error::{Error, Result};

/// A boxed, sendable future: the return type of the async methods on core's I/O traits
/// (`HttpClient`, `DidResolver`), which must stay object-safe so apps can inject their own.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The README's examples, compiled and run as doctests so the newcomer's page stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
