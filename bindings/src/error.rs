//! The bindings' one error type: one variant (one exception class in Kotlin, Swift and Python)
//! per domain of the facade, each carrying the stable code of the underlying error and its
//! message.
//!
//! The domain says which part of the API failed (so an app can catch `Claim169` around an encode
//! call); the code says why (`encoding.bad_base45`, `crypto.bad_signature`, …) and is exactly
//! the code the CLI prints and the Rust crates define, so the three platforms and the server
//! agree on it.

/// An error from the facade: the domain is the variant, `code` the stable machine-readable code
/// and `detail` a human-readable explanation. (Not called `message`: Kotlin exceptions already
/// have one, which reads "code=…, detail=…"; Python's `str(e)` is the same.)
///
/// ```
/// use inkan::InkanError;
/// let err = InkanError::from_core(inkan::Domain::Qr, inkan_core::Error::QrNotFound);
/// assert_eq!(err.code(), "qr.not_found");
/// assert!(matches!(err, InkanError::Qr { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum InkanError {
    /// Loading a trust store or building a verifier (bad JSON, a private key, a bad policy).
    #[error("{code}: {detail}")]
    TrustStore {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// Verification could not run (unreadable input, unknown format, refused by policy). A
    /// credential that was checked and failed is not an error but an invalid report.
    #[error("{code}: {detail}")]
    Verify {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// Claim 169 encoding or decoding.
    #[error("{code}: {detail}")]
    Claim169 {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// PixelPass encoding or decoding.
    #[error("{code}: {detail}")]
    PixelPass {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// QR rendering or scanning.
    #[error("{code}: {detail}")]
    Qr {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// Keys: generation, import, export.
    #[error("{code}: {detail}")]
    Key {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// Signing, including a foreign signer that failed or returned an unusable signature.
    /// Foreign signers throw this variant to report their own failure.
    #[error("{code}: {detail}")]
    Signer {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
    /// SD-JWT presentation (a holder choosing Disclosures and binding them to a verifier).
    #[error("{code}: {detail}")]
    SdJwt {
        /// Stable code.
        code: String,
        /// Explanation.
        detail: String,
    },
}

/// The facade's domains, one per [`InkanError`] variant.
///
/// ```
/// assert_eq!(inkan::Domain::ALL.len(), 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// [`InkanError::TrustStore`].
    TrustStore,
    /// [`InkanError::Verify`].
    Verify,
    /// [`InkanError::Claim169`].
    Claim169,
    /// [`InkanError::PixelPass`].
    PixelPass,
    /// [`InkanError::Qr`].
    Qr,
    /// [`InkanError::Key`].
    Key,
    /// [`InkanError::Signer`].
    Signer,
    /// [`InkanError::SdJwt`].
    SdJwt,
}

impl Domain {
    /// Every domain.
    pub const ALL: [Domain; 8] = [
        Domain::TrustStore,
        Domain::Verify,
        Domain::Claim169,
        Domain::PixelPass,
        Domain::Qr,
        Domain::Key,
        Domain::Signer,
        Domain::SdJwt,
    ];
}

/// Codes the facade itself defines (everything else is an inkan-core or inkan-verifier code).
pub mod codes {
    /// An argument the foreign caller passed is out of range or names nothing known (an
    /// unknown algorithm or check name, a negative size).
    pub const BAD_ARGUMENT: &str = "bindings.bad_argument";
    /// A foreign signer threw something other than [`InkanError`](super::InkanError), or the
    /// callback could not be completed.
    pub const FOREIGN_CALLBACK: &str = "bindings.foreign_callback";
    /// A foreign signer returned bytes that are not a signature of the message under its
    /// declared public key (not DER or raw ECDSA of the right size, or made with another key).
    pub const FOREIGN_SIGNATURE: &str = "bindings.foreign_signature";
    /// Every code above, for tests and documentation.
    pub const ALL: [&str; 3] = [BAD_ARGUMENT, FOREIGN_CALLBACK, FOREIGN_SIGNATURE];
}

impl InkanError {
    /// An error of `domain` with `code` and `message`.
    ///
    /// ```
    /// use inkan::{Domain, InkanError};
    /// let err = InkanError::new(Domain::Key, "bindings.bad_argument", "no such algorithm");
    /// assert_eq!(err.to_string(), "bindings.bad_argument: no such algorithm");
    /// ```
    pub fn new(domain: Domain, code: impl Into<String>, message: impl Into<String>) -> Self {
        let (code, detail) = (code.into(), message.into());
        match domain {
            Domain::TrustStore => InkanError::TrustStore { code, detail },
            Domain::Verify => InkanError::Verify { code, detail },
            Domain::Claim169 => InkanError::Claim169 { code, detail },
            Domain::PixelPass => InkanError::PixelPass { code, detail },
            Domain::Qr => InkanError::Qr { code, detail },
            Domain::Key => InkanError::Key { code, detail },
            Domain::Signer => InkanError::Signer { code, detail },
            Domain::SdJwt => InkanError::SdJwt { code, detail },
        }
    }

    /// A [`codes::BAD_ARGUMENT`] error of `domain`.
    pub fn bad_argument(domain: Domain, message: impl Into<String>) -> Self {
        Self::new(domain, codes::BAD_ARGUMENT, message)
    }

    /// An inkan-core error, filed under `domain`, keeping its code.
    pub fn from_core(domain: Domain, err: inkan_core::Error) -> Self {
        Self::new(domain, err.code(), err.to_string())
    }

    /// An inkan-verifier error, filed under `domain`, keeping its code.
    pub fn from_verifier(domain: Domain, err: inkan_verifier::Error) -> Self {
        Self::new(domain, err.code(), err.to_string())
    }

    /// The domain of this error.
    pub fn domain(&self) -> Domain {
        match self {
            InkanError::TrustStore { .. } => Domain::TrustStore,
            InkanError::Verify { .. } => Domain::Verify,
            InkanError::Claim169 { .. } => Domain::Claim169,
            InkanError::PixelPass { .. } => Domain::PixelPass,
            InkanError::Qr { .. } => Domain::Qr,
            InkanError::Key { .. } => Domain::Key,
            InkanError::Signer { .. } => Domain::Signer,
            InkanError::SdJwt { .. } => Domain::SdJwt,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        self.parts().0
    }

    /// The explanation.
    pub fn detail(&self) -> &str {
        self.parts().1
    }

    fn parts(&self) -> (&str, &str) {
        match self {
            InkanError::TrustStore { code, detail }
            | InkanError::Verify { code, detail }
            | InkanError::Claim169 { code, detail }
            | InkanError::PixelPass { code, detail }
            | InkanError::Qr { code, detail }
            | InkanError::Key { code, detail }
            | InkanError::Signer { code, detail }
            | InkanError::SdJwt { code, detail } => (code, detail),
        }
    }
}

/// A foreign signer threw an exception that is not an [`InkanError`] (UniFFI's conversion for
/// callback interfaces).
impl From<uniffi::UnexpectedUniFFICallbackError> for InkanError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        InkanError::new(Domain::Signer, codes::FOREIGN_CALLBACK, err.reason)
    }
}

/// Results of the facade.
pub type Result<T, E = InkanError> = std::result::Result<T, E>;

/// Turns a core `Result` into a facade one under a domain: `core_result.in_domain(Domain::Qr)`.
pub(crate) trait InDomain<T> {
    fn in_domain(self, domain: Domain) -> Result<T>;
}

impl<T> InDomain<T> for Result<T, inkan_core::Error> {
    fn in_domain(self, domain: Domain) -> Result<T> {
        self.map_err(|e| InkanError::from_core(domain, e))
    }
}

impl<T> InDomain<T> for Result<T, inkan_verifier::Error> {
    fn in_domain(self, domain: Domain) -> Result<T> {
        self.map_err(|e| InkanError::from_verifier(domain, e))
    }
}
