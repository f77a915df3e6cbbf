//! Keys, signatures and the crypto provider behind them.
//!
//! - [`Algorithm`] names a signature algorithm in its JOSE and COSE forms.
//! - [`Signer`] is what every credential builder signs through: software keys ([`SoftwareKey`]),
//!   platform keystores (through the bindings) and HSMs all implement it, so nothing else ever
//!   sees private key bytes. Signatures are in the JOSE/COSE form (raw `r‖s` for ECDSA).
//! - [`Verifier`] checks a signature; [`PublicKey`] implements it.
//! - [`CryptoProvider`] does the raw operations. The default is AWS-LC (feature `aws-lc`, on by
//!   default), measured fastest for every algorithm; [`openssl_provider::OpenSslProvider`] (ECDSA
//!   and RSA through OpenSSL, Ed25519 through `ed25519-dalek`) is always available and is the
//!   default without `aws-lc`; the `rustcrypto` feature adds a pure-Rust ECDSA provider.

#[cfg(feature = "aws-lc")]
pub mod awslc_provider;
mod jwk;
mod keys;
pub mod openssl_provider;
#[cfg(feature = "rustcrypto")]
pub mod rustcrypto_provider;

use std::fmt;

pub use jwk::{Jwk, Secret};
pub use keys::{PrivateKeyData, PublicKey, PublicKeyData, SoftwareKey};

use crate::{Error, Result};

/// A signature algorithm inkan can sign or verify with.
///
/// `none` is deliberately not representable.
///
/// ```
/// use inkan_core::crypto::Algorithm;
/// assert_eq!(Algorithm::from_jose("ES256")?, Algorithm::Es256);
/// assert_eq!(Algorithm::Es256.cose_id(), -7);
/// assert!(Algorithm::from_jose("none").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 (JOSE/COSE `EdDSA`, COSE −8).
    EdDsa,
    /// ECDSA P-256 with SHA-256 (COSE −7).
    Es256,
    /// ECDSA P-384 with SHA-384 (COSE −35).
    Es384,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (COSE −257).
    Rs256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt (COSE −37).
    Ps256,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::EdDsa,
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Rs256,
        Algorithm::Ps256,
    ];

    /// The JOSE `alg` name.
    pub fn jose_name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Es256 => "ES256",
            Algorithm::Es384 => "ES384",
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
        }
    }

    /// Parses a JOSE `alg` name; `none` and unknown names are errors.
    pub fn from_jose(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.jose_name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(name.to_owned()))
    }

    /// The COSE algorithm identifier (RFC 9053 / IANA registry).
    pub fn cose_id(self) -> i64 {
        match self {
            Algorithm::EdDsa => -8,
            Algorithm::Es256 => -7,
            Algorithm::Es384 => -35,
            Algorithm::Rs256 => -257,
            Algorithm::Ps256 => -37,
        }
    }

    /// Parses a COSE algorithm identifier.
    ///
    /// ```
    /// use inkan_core::crypto::Algorithm;
    /// assert_eq!(Algorithm::from_cose_id(-8)?, Algorithm::EdDsa);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_cose_id(id: i64) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.cose_id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("COSE algorithm {id}")))
    }

    /// The key type this algorithm needs.
    pub fn key_type(self) -> KeyType {
        match self {
            Algorithm::EdDsa => KeyType::Ed25519,
            Algorithm::Es256 => KeyType::P256,
            Algorithm::Es384 => KeyType::P384,
            Algorithm::Rs256 | Algorithm::Ps256 => KeyType::Rsa,
        }
    }

    /// Fails with [`Error::AlgorithmKeyMismatch`] unless a key of type `key` may use this algorithm.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, KeyType};
    /// assert!(Algorithm::Es256.check_key(KeyType::P256).is_ok());
    /// assert_eq!(Algorithm::Es256.check_key(KeyType::Ed25519).unwrap_err().code(),
    ///            "crypto.alg_key_mismatch");
    /// ```
    pub fn check_key(self, key: KeyType) -> Result<()> {
        if self.key_type() == key {
            Ok(())
        } else {
            Err(Error::AlgorithmKeyMismatch {
                alg: self.jose_name().to_owned(),
                key: key.to_string(),
            })
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// The type of a key, which fixes the algorithms it may be used with.
///
/// ```
/// use inkan_core::crypto::{Algorithm, KeyType};
/// assert_eq!(KeyType::P384.default_algorithm(), Algorithm::Es384);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519 (JWK `OKP`/`Ed25519`).
    Ed25519,
    /// NIST P-256 (JWK `EC`/`P-256`).
    P256,
    /// NIST P-384 (JWK `EC`/`P-384`).
    P384,
    /// RSA (JWK `RSA`), 2048 bits or more.
    Rsa,
}

impl KeyType {
    /// The algorithm used with this key when none is named.
    pub fn default_algorithm(self) -> Algorithm {
        match self {
            KeyType::Ed25519 => Algorithm::EdDsa,
            KeyType::P256 => Algorithm::Es256,
            KeyType::P384 => Algorithm::Es384,
            KeyType::Rsa => Algorithm::Ps256,
        }
    }

    /// Length of a signature in JOSE/COSE form, where fixed (RSA depends on the modulus).
    pub fn signature_len(self) -> Option<usize> {
        match self {
            KeyType::Ed25519 => Some(64),
            KeyType::P256 => Some(64),
            KeyType::P384 => Some(96),
            KeyType::Rsa => None,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::P256 => "P-256",
            KeyType::P384 => "P-384",
            KeyType::Rsa => "RSA",
        })
    }
}

/// Something that signs: a software key, a platform keystore key, an HSM.
///
/// `sign` returns the signature in JOSE/COSE form (raw `r‖s` for ECDSA, 64 bytes for Ed25519).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// assert_eq!(key.algorithm(), Algorithm::EdDsa);
/// assert_eq!(key.sign(b"msg")?.len(), 64);
/// assert_eq!(key.public_jwk().kty, "OKP");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait Signer: Send + Sync {
    /// The algorithm this signer produces.
    fn algorithm(&self) -> Algorithm;
    /// The public key, as a JWK (no private members).
    fn public_jwk(&self) -> Jwk;
    /// The key identifier to put in `kid` headers, if any.
    fn key_id(&self) -> Option<&str>;
    /// Signs `message`, returning the JOSE/COSE form of the signature.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// Something that checks signatures.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer, Verifier};
/// let key = SoftwareKey::generate(Algorithm::Es384)?;
/// let sig = key.sign(b"m")?;
/// assert!(key.public_key().verify(Algorithm::Es384, b"m", &sig).is_ok());
/// assert!(key.public_key().verify(Algorithm::Es384, b"x", &sig).is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait Verifier: Send + Sync {
    /// Checks `signature` (JOSE/COSE form) over `message` with `alg`.
    ///
    /// Fails with [`Error::AlgorithmKeyMismatch`] if `alg` does not fit the key and
    /// [`Error::BadSignature`] if the signature does not verify.
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()>;
}

/// A prepared public key inside a provider: verifies raw signatures, nothing else.
pub trait RawVerifier: Send + Sync + fmt::Debug {
    /// Verifies a JOSE/COSE-form signature; the algorithm is already checked against the key.
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()>;
}

/// A prepared private key inside a provider: signs, nothing else.
pub trait RawSigner: Send + Sync + fmt::Debug {
    /// Signs, returning the JOSE/COSE form; the algorithm is already checked against the key.
    fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>>;
}

/// A crypto backend: turns key data into prepared keys that sign and verify.
///
/// Keys are prepared once (parsing, precomputation) so the per-signature cost is the backend's
/// raw operation. In the spirit of rustls's `CryptoProvider`.
///
/// ```
/// use inkan_core::crypto::{default_provider, Algorithm, SoftwareKey, Signer, Verifier};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let public = key.public_key().with_provider(default_provider())?;
/// public.verify(Algorithm::Es256, b"m", &key.sign(b"m")?)?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait CryptoProvider: Send + Sync + fmt::Debug {
    /// A short name for reports and benchmarks.
    fn name(&self) -> &'static str;
    /// Prepares a public key for verification.
    fn verifier(&self, key: &PublicKeyData) -> Result<Box<dyn RawVerifier>>;
    /// Prepares a private key for signing.
    fn signer(&self, key: &PrivateKeyData) -> Result<Box<dyn RawSigner>>;
}

/// The provider used when none is named: AWS-LC with the `aws-lc` feature (the default),
/// otherwise OpenSSL for ECDSA/RSA and ed25519-dalek for Ed25519.
///
/// ```
/// let name = inkan_core::crypto::default_provider().name();
/// assert!(name == "aws-lc" || name == "openssl+dalek");
/// ```
pub fn default_provider() -> &'static dyn CryptoProvider {
    #[cfg(feature = "aws-lc")]
    return &awslc_provider::AwsLcProvider;
    #[cfg(not(feature = "aws-lc"))]
    return &openssl_provider::OpenSslProvider;
}

/// Splits a fixed-size raw ECDSA signature `r‖s` into its halves, checking the length.
pub(crate) fn split_raw_ecdsa(signature: &[u8], half: usize) -> Result<(&[u8], &[u8])> {
    if signature.len() != 2 * half {
        return Err(Error::BadSignature);
    }
    Ok(signature.split_at(half))
}

#[cfg(test)]
mod tests;
