//! Selective Disclosure for JWTs (RFC 9901) and SD-JWT VC.
//!
//! - [`issue`] turns a claims object and a [`DisclosureFrame`] (which claims and array elements
//!   are selectively disclosable, recursively, with decoys) into an [`SdJwt`], signing through
//!   [`crate::crypto::Signer`]. Salts come from a [`SaltSource`] so tests can be deterministic.
//! - [`SdJwt::parse`] reads the compact (`jwt~d1~…~[kb]`) and the JWS JSON serialization;
//!   [`SdJwt::verify_signature`] checks the Issuer-signed JWT; [`SdJwt::process`] checks every
//!   Disclosure against the digests and rebuilds the processed payload.
//! - The holder selects Disclosures by claim path ([`SdJwt::present`]) and adds a Key Binding JWT
//!   ([`SdJwt::bind`]); the verifier checks it with [`SdJwt::verify_key_binding`].
//! - [`vc`] holds the SD-JWT VC rules (`typ`, `vct`, `iss`, `cnf`, type metadata integrity).
//!
//! Every input is capped ([`Limits`]) and every failure is a typed [`Error`] (`sdjwt.*`).
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
//! use inkan_core::jose::{jws, Header};
//! use inkan_core::sdjwt::{self, ClaimPath, DisclosureFrame, HashAlg, KbExpectation, Limits, OsSalts, SdJwt};
//! let issuer = SoftwareKey::generate(Algorithm::Es256)?;
//! let holder = SoftwareKey::generate(Algorithm::Es256)?;
//! let claims = serde_json::json!({"iss": "https://issuer.example", "given_name": "Ada", "age": 36,
//!     "cnf": {"jwk": holder.public_jwk()}});
//! let frame = DisclosureFrame::from_paths(&["given_name".parse()?, "age".parse()?]);
//! let issued = sdjwt::issue(claims.as_object().unwrap(), &frame, &Header::default().with_typ("example+sd-jwt"),
//!     &issuer, &mut OsSalts, HashAlg::Sha256)?;
//! // The holder shows only the name, bound to this verifier and nonce.
//! let shown = issued.present(&["given_name".parse::<ClaimPath>()?])?.bind(&holder, "https://rp", "n-1", 1_000)?;
//! let received = SdJwt::parse(&shown.serialize(), &Limits::default())?;
//! let signed = received.verify_signature(&jws::VerifyOptions::default(), |_, _| Ok(issuer.public_key()))?;
//! let processed = received.process(&signed.claims)?;
//! assert_eq!(processed.claims["given_name"], "Ada");
//! assert!(processed.claims.get("age").is_none());
//! let expect = KbExpectation::new("https://rp", "n-1");
//! received.verify_key_binding(holder.public_key(), processed.hash_alg, &expect,
//!     &jws::VerifyOptions::default(), &FixedClock::at_unix(1_010))?;
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod disclosure;
mod issue;
mod path;
mod present;
mod token;
pub mod vc;

pub use disclosure::{Disclosure, HashAlg};
pub use issue::{DisclosureFrame, OsSalts, SaltSource, issue, issue_json};
pub use path::{ClaimPath, PathElem};
pub use present::{KbExpectation, holder_key};
pub use token::{Processed, SdJwt, Serialization, VerifiedIssuerJwt};

use crate::Error;

/// The `typ` of a Key Binding JWT.
pub const KB_JWT_TYP: &str = "kb+jwt";

/// Caps applied while parsing an SD-JWT.
///
/// ```
/// use inkan_core::sdjwt::Limits;
/// let l = Limits::default();
/// assert_eq!((l.max_len, l.max_disclosures), (1024 * 1024, 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest serialized SD-JWT accepted, in bytes.
    pub max_len: usize,
    /// Most Disclosures accepted.
    pub max_disclosures: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_len: crate::jose::DEFAULT_MAX_LEN,
            max_disclosures: 1024,
        }
    }
}

/// Deepest nesting of objects, arrays and recursive Disclosures processed.
const MAX_DEPTH: usize = 64;

fn malformed(msg: impl Into<String>) -> Error {
    Error::SdJwtMalformed(msg.into())
}
