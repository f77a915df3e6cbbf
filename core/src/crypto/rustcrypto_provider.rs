//! A pure-Rust provider (feature `rustcrypto`): ECDSA through the `p256`/`p384` crates, Ed25519
//! through ed25519-dalek. RSA is not offered here; use the default provider for RSA keys.

use super::openssl_provider::{DalekSigner, DalekVerifier};
use super::{Algorithm, CryptoProvider, PrivateKeyData, PublicKeyData, RawSigner, RawVerifier};
use crate::{Error, Result};

/// The pure-Rust provider.
///
/// ```
/// use inkan_core::crypto::{rustcrypto_provider::RustCryptoProvider, Algorithm, PublicKey, SoftwareKey, Signer, Verifier};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let public = key.public_key().with_provider(&RustCryptoProvider)?;
/// public.verify(Algorithm::Es256, b"m", &key.sign(b"m")?)?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoProvider;

impl CryptoProvider for RustCryptoProvider {
    fn name(&self) -> &'static str {
        "rustcrypto"
    }

    fn verifier(&self, key: &PublicKeyData) -> Result<Box<dyn RawVerifier>> {
        Ok(match key {
            PublicKeyData::Ed25519(vk) => Box::new(DalekVerifier(*vk)),
            PublicKeyData::P256(pk) => Box::new(P256Verifier(pk.into())),
            PublicKeyData::P384(pk) => Box::new(P384Verifier(pk.into())),
            PublicKeyData::Rsa { .. } => return Err(unsupported()),
        })
    }

    fn signer(&self, key: &PrivateKeyData) -> Result<Box<dyn RawSigner>> {
        Ok(match key {
            PrivateKeyData::Ed25519(sk) => Box::new(DalekSigner(sk.clone())),
            PrivateKeyData::P256(sk) => Box::new(P256Signer(sk.into())),
            PrivateKeyData::P384(sk) => Box::new(P384Signer(sk.into())),
            PrivateKeyData::Rsa(_) => return Err(unsupported()),
        })
    }
}

fn unsupported() -> Error {
    Error::UnsupportedAlgorithm("RSA in the rustcrypto provider".into())
}

macro_rules! ecdsa_provider {
    ($verifier:ident, $signer:ident, $curve:ident) => {
        #[derive(Debug)]
        struct $verifier($curve::ecdsa::VerifyingKey);

        impl RawVerifier for $verifier {
            fn verify(&self, _alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
                use $curve::ecdsa::signature::Verifier as _;
                let sig = $curve::ecdsa::Signature::from_slice(signature).map_err(|_| Error::BadSignature)?;
                self.0
                    .verify(message, &sig)
                    .map_err(|_| Error::BadSignature)
            }
        }

        struct $signer($curve::ecdsa::SigningKey);

        impl std::fmt::Debug for $signer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($signer), "(<redacted>)"))
            }
        }

        impl RawSigner for $signer {
            fn sign(&self, _alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
                use $curve::ecdsa::signature::Signer as _;
                let sig: $curve::ecdsa::Signature = self.0.try_sign(message).map_err(Error::backend)?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    };
}

ecdsa_provider!(P256Verifier, P256Signer, p256);
ecdsa_provider!(P384Verifier, P384Signer, p384);
