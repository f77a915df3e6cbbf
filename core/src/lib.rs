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

pub mod clock;
pub mod crypto;
pub mod encoding;
pub mod error;

pub use error::{Error, Result};
