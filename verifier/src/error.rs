//! The one error type of `inkan-verifier`.
//!
//! An `Err` means the input could not be checked at all (unreadable, unrecognised, refused by
//! policy, a broken trust store). A credential that was checked and found wanting is not an
//! error: it is a [`Verification`](crate::Verification) whose verdict is invalid.

/// Result alias used throughout `inkan-verifier`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a verification before a report exists.
///
/// [`Error::code`] is stable; errors from `inkan-core` keep their own code.
///
/// ```
/// use inkan_verifier::Error;
/// assert_eq!(Error::UnknownFormat("empty input".into()).code(), "verifier.unknown_format");
/// assert_eq!(Error::from(inkan_core::Error::BadSignature).code(), "crypto.bad_signature");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `inkan-core`, with its own code.
    #[error(transparent)]
    Core(#[from] inkan_core::Error),
    /// No registered format recognises the input.
    #[error("unrecognised input: {0}")]
    UnknownFormat(String),
    /// The input's format is recognised but the policy does not accept it.
    #[error("format {0} is not accepted by the verifier's policy")]
    FormatNotAccepted(String),
    /// Formats that unwrap other inputs (a QR image holding a credential) nested too deeply.
    #[error("input nested more than {0} levels deep")]
    NestingTooDeep(usize),
    /// A trust store file has the wrong shape.
    #[error("invalid trust store: {0}")]
    TrustStoreMalformed(String),
    /// A trust store file holds a private key, which a verifier never needs.
    #[error("trust store holds a private key ({0}); give the public key instead")]
    TrustStorePrivateKey(String),
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        message: String,
    },
}

impl Error {
    /// The stable, machine-readable code of this error.
    ///
    /// ```
    /// use inkan_verifier::Error;
    /// assert_eq!(Error::NestingTooDeep(2).code(), "verifier.too_deep");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::UnknownFormat(_) => "verifier.unknown_format",
            Error::FormatNotAccepted(_) => "verifier.format_not_accepted",
            Error::NestingTooDeep(_) => "verifier.too_deep",
            Error::TrustStoreMalformed(_) => "trust_store.malformed",
            Error::TrustStorePrivateKey(_) => "trust_store.private_key",
            Error::Io { .. } => "io.unreadable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_namespaced() {
        let all = [
            Error::Core(inkan_core::Error::Expired),
            Error::UnknownFormat(String::new()),
            Error::FormatNotAccepted(String::new()),
            Error::NestingTooDeep(0),
            Error::TrustStoreMalformed(String::new()),
            Error::TrustStorePrivateKey(String::new()),
            Error::Io {
                path: String::new(),
                message: String::new(),
            },
        ];
        let mut codes: Vec<_> = all.iter().map(Error::code).collect();
        assert!(codes.iter().all(|c| c.contains('.')));
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate error code");
    }
}
