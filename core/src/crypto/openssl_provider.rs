//! The default provider: ECDSA and RSA through OpenSSL, Ed25519 through ed25519-dalek.
//!
//! Measured on the reference machine (DESIGN.md §2): OpenSSL's P-256 verify is ~5× faster than
//! the pure-Rust `p256` crate, while dalek's Ed25519 verify is ~3× faster than OpenSSL's.

use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::RsaPssSaltlen;
use sha2::Digest as _;

use super::keys::{rsa_private, rsa_public};
use super::{
    Algorithm, CryptoProvider, PrivateKeyData, PublicKeyData, RawSigner, RawVerifier, split_raw_ecdsa,
};
use crate::{Error, Result};

/// OpenSSL for ECDSA/RSA, ed25519-dalek for Ed25519.
///
/// ```
/// use inkan_core::crypto::{openssl_provider::OpenSslProvider, CryptoProvider};
/// assert_eq!(OpenSslProvider.name(), "openssl+dalek");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenSslProvider;

impl CryptoProvider for OpenSslProvider {
    fn name(&self) -> &'static str {
        "openssl+dalek"
    }

    fn verifier(&self, key: &PublicKeyData) -> Result<Box<dyn RawVerifier>> {
        Ok(match key {
            PublicKeyData::Ed25519(vk) => Box::new(DalekVerifier(*vk)),
            PublicKeyData::P256(_) | PublicKeyData::P384(_) => {
                let (group, half) = ec_group(key.key_type() == super::KeyType::P256)?;
                let mut ctx = openssl::bn::BigNumContext::new().map_err(Error::backend)?;
                let point =
                    EcPoint::from_bytes(&group, &key.to_sec1(false), &mut ctx).map_err(Error::backend)?;
                let key = EcKey::from_public_key(&group, &point).map_err(Error::backend)?;
                Box::new(EcVerifier { key, half })
            }
            PublicKeyData::Rsa { n, e } => {
                let pkey = PKey::from_rsa(rsa_public(n, e)?).map_err(Error::backend)?;
                Box::new(RsaVerifier(pkey))
            }
        })
    }

    fn signer(&self, key: &PrivateKeyData) -> Result<Box<dyn RawSigner>> {
        Ok(match key {
            PrivateKeyData::Ed25519(sk) => Box::new(DalekSigner(sk.clone())),
            PrivateKeyData::P256(sk) => Box::new(ec_signer(true, &sk.to_bytes(), &key.public()?)?),
            PrivateKeyData::P384(sk) => Box::new(ec_signer(false, &sk.to_bytes(), &key.public()?)?),
            PrivateKeyData::Rsa(der) => Box::new(RsaSigner(
                PKey::from_rsa(rsa_private(der)?).map_err(Error::backend)?,
            )),
        })
    }
}

/// Ed25519 verification with ed25519-dalek's strict rules (no small-order keys, canonical `S`).
#[derive(Debug)]
pub(crate) struct DalekVerifier(pub(crate) ed25519_dalek::VerifyingKey);

impl RawVerifier for DalekVerifier {
    fn verify(&self, _alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| Error::BadSignature)?;
        self.0
            .verify_strict(message, &sig)
            .map_err(|_| Error::BadSignature)
    }
}

/// Ed25519 signing with ed25519-dalek.
pub(crate) struct DalekSigner(pub(crate) ed25519_dalek::SigningKey);

impl std::fmt::Debug for DalekSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DalekSigner(<redacted>)")
    }
}

impl RawSigner for DalekSigner {
    fn sign(&self, _alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        use ed25519_dalek::Signer as _;
        Ok(self.0.sign(message).to_bytes().to_vec())
    }
}

fn ec_group(p256: bool) -> Result<(EcGroup, usize)> {
    let (nid, half) = if p256 {
        (Nid::X9_62_PRIME256V1, 32)
    } else {
        (Nid::SECP384R1, 48)
    };
    Ok((EcGroup::from_curve_name(nid).map_err(Error::backend)?, half))
}

/// The message digest an ECDSA key of this size uses (SHA-256 for P-256, SHA-384 for P-384).
fn ec_digest(half: usize, message: &[u8]) -> Vec<u8> {
    if half == 32 {
        sha2::Sha256::digest(message).to_vec()
    } else {
        sha2::Sha384::digest(message).to_vec()
    }
}

#[derive(Debug)]
struct EcVerifier {
    key: EcKey<Public>,
    half: usize,
}

impl RawVerifier for EcVerifier {
    fn verify(&self, _alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        let (r, s) = split_raw_ecdsa(signature, self.half)?;
        let r = BigNum::from_slice(r).map_err(Error::backend)?;
        let s = BigNum::from_slice(s).map_err(Error::backend)?;
        let sig = EcdsaSig::from_private_components(r, s).map_err(Error::backend)?;
        match sig.verify(&ec_digest(self.half, message), &self.key) {
            Ok(true) => Ok(()),
            _ => Err(Error::BadSignature),
        }
    }
}

struct EcSigner {
    key: EcKey<Private>,
    half: usize,
}

impl std::fmt::Debug for EcSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EcSigner(P-{}, <redacted>)", self.half * 8)
    }
}

fn ec_signer(p256: bool, scalar: &[u8], public: &PublicKeyData) -> Result<EcSigner> {
    let (group, half) = ec_group(p256)?;
    let mut ctx = openssl::bn::BigNumContext::new().map_err(Error::backend)?;
    let point = EcPoint::from_bytes(&group, &public.to_sec1(false), &mut ctx).map_err(Error::backend)?;
    let mut d = BigNum::from_slice(scalar).map_err(Error::backend)?;
    let key = EcKey::from_private_components(&group, &d, &point).map_err(Error::backend);
    d.clear();
    Ok(EcSigner { key: key?, half })
}

impl RawSigner for EcSigner {
    fn sign(&self, _alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        let sig = EcdsaSig::sign(&ec_digest(self.half, message), &self.key).map_err(Error::backend)?;
        let mut out = sig.r().to_vec_padded(self.half as i32).map_err(Error::backend)?;
        out.extend(sig.s().to_vec_padded(self.half as i32).map_err(Error::backend)?);
        Ok(out)
    }
}

/// Sets PKCS#1 v1.5 or PSS (MGF1-SHA-256, salt = digest length, as JOSE requires) padding.
macro_rules! rsa_padding {
    ($ctx:expr, $alg:expr) => {
        if $alg == Algorithm::Ps256 {
            $ctx.set_rsa_padding(Padding::PKCS1_PSS)
                .and_then(|()| $ctx.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH))
                .and_then(|()| $ctx.set_rsa_mgf1_md(MessageDigest::sha256()))
        } else {
            $ctx.set_rsa_padding(Padding::PKCS1)
        }
        .map_err(Error::backend)
    };
}

#[derive(Debug)]
struct RsaVerifier(PKey<Public>);

impl RawVerifier for RsaVerifier {
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        let mut v = openssl::sign::Verifier::new(MessageDigest::sha256(), &self.0).map_err(Error::backend)?;
        rsa_padding!(v, alg)?;
        match v.verify_oneshot(signature, message) {
            Ok(true) => Ok(()),
            _ => Err(Error::BadSignature),
        }
    }
}

struct RsaSigner(PKey<Private>);

impl std::fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RsaSigner(<redacted>)")
    }
}

impl RawSigner for RsaSigner {
    fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        let mut s = openssl::sign::Signer::new(MessageDigest::sha256(), &self.0).map_err(Error::backend)?;
        rsa_padding!(s, alg)?;
        s.sign_oneshot_to_vec(message).map_err(Error::backend)
    }
}
