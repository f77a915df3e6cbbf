//! COSE_Encrypt0 (RFC 9052 §5.2) with AES-GCM (RFC 9053 §4.1).

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm};
use ciborium::Value;
use coset::{AsCborValue, CoseEncrypt0, EncryptionContext, Header, enc_structure_data};
use rand_core::{OsRng, RngCore};

use super::{DecodeOptions, TAG_ENCRYPT0};
use crate::{Error, Result};

type Aes192Gcm = AesGcm<aes_gcm::aes::Aes192, U12>;

/// Length of an AES-GCM IV (nonce) in COSE.
pub const IV_LEN: usize = 12;

/// A COSE content-encryption algorithm (AES-GCM with a 128-bit tag, RFC 9053 §4.1).
///
/// ```
/// use inkan_core::cose::EncAlgorithm;
/// assert_eq!(EncAlgorithm::from_cose_id(3)?, EncAlgorithm::A256Gcm);
/// assert_eq!(EncAlgorithm::A256Gcm.key_len(), 32);
/// // AES-CCM (10) is not supported.
/// assert_eq!(EncAlgorithm::from_cose_id(10).unwrap_err().code(), "crypto.unsupported_algorithm");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncAlgorithm {
    /// AES-GCM with a 128-bit key (COSE 1).
    A128Gcm,
    /// AES-GCM with a 192-bit key (COSE 2).
    A192Gcm,
    /// AES-GCM with a 256-bit key (COSE 3).
    A256Gcm,
}

impl EncAlgorithm {
    const ALL: [EncAlgorithm; 3] = [
        EncAlgorithm::A128Gcm,
        EncAlgorithm::A192Gcm,
        EncAlgorithm::A256Gcm,
    ];

    /// The COSE algorithm id.
    pub fn cose_id(self) -> i64 {
        match self {
            EncAlgorithm::A128Gcm => 1,
            EncAlgorithm::A192Gcm => 2,
            EncAlgorithm::A256Gcm => 3,
        }
    }

    /// Parses a COSE algorithm id.
    pub fn from_cose_id(id: i64) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.cose_id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("COSE content encryption {id}")))
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            EncAlgorithm::A128Gcm => 16,
            EncAlgorithm::A192Gcm => 24,
            EncAlgorithm::A256Gcm => 32,
        }
    }

    fn seal(self, key: &[u8], iv: &[u8; IV_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        match self {
            EncAlgorithm::A128Gcm => seal::<Aes128Gcm>(key, iv, aad, plaintext),
            EncAlgorithm::A192Gcm => seal::<Aes192Gcm>(key, iv, aad, plaintext),
            EncAlgorithm::A256Gcm => seal::<Aes256Gcm>(key, iv, aad, plaintext),
        }
    }

    fn open(self, key: &[u8], iv: &[u8; IV_LEN], aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
        match self {
            EncAlgorithm::A128Gcm => open::<Aes128Gcm>(key, iv, aad, ciphertext),
            EncAlgorithm::A192Gcm => open::<Aes192Gcm>(key, iv, aad, ciphertext),
            EncAlgorithm::A256Gcm => open::<Aes256Gcm>(key, iv, aad, ciphertext),
        }
    }
}

fn cipher<C: KeyInit>(key: &[u8]) -> Result<C> {
    C::new_from_slice(key)
        .map_err(|_| Error::key(format!("AES-GCM key of {} bytes has the wrong length", key.len())))
}

fn seal<C>(key: &[u8], iv: &[u8; IV_LEN], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>>
where
    C: Aead + KeyInit + AeadCore<NonceSize = U12>,
{
    cipher::<C>(key)?
        .encrypt(&(*iv).into(), Payload { msg, aad })
        .map_err(|_| Error::Crypto("AES-GCM encryption failed".into()))
}

fn open<C>(key: &[u8], iv: &[u8; IV_LEN], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>>
where
    C: Aead + KeyInit + AeadCore<NonceSize = U12>,
{
    cipher::<C>(key)?
        .decrypt(&(*iv).into(), Payload { msg, aad })
        .map_err(|_| Error::DecryptionFailed)
}

/// A decoded or freshly encrypted COSE_Encrypt0.
///
/// ```
/// use inkan_core::cose::{DecodeOptions, EncAlgorithm, Encrypt0, Encrypt0Builder};
/// let key = [9u8; 32];
/// let bytes = Encrypt0Builder::new(EncAlgorithm::A256Gcm).encrypt(&key, b"secret")?.encode(true)?;
/// let msg = Encrypt0::decode(&bytes, &DecodeOptions::default())?;
/// assert_eq!(msg.decrypt(&key, b"")?, b"secret");
/// assert_eq!(msg.decrypt(&[8u8; 32], b"").unwrap_err().code(), "crypto.decryption_failed");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Encrypt0 {
    msg: CoseEncrypt0,
    allow_unprotected_alg: bool,
}

impl Encrypt0 {
    /// Decodes a COSE_Encrypt0 (tagged 16 or not, per `options.tag`) from untrusted bytes.
    pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<Self> {
        Self::from_value(super::cbor::decode(bytes, &options.limits)?, options)
    }

    /// Builds a COSE_Encrypt0 from an already decoded CBOR value.
    pub fn from_value(value: Value, options: &DecodeOptions) -> Result<Self> {
        let value = super::untag(value, TAG_ENCRYPT0, options.tag)?;
        let mut parts = super::split(value, 3, &options.limits)?;
        let ciphertext = match parts.rest.pop() {
            Some(Value::Bytes(b)) => Some(b),
            Some(Value::Null) => None,
            _ => {
                return Err(Error::CoseMalformed(
                    "the ciphertext must be a bstr or nil".into(),
                ));
            }
        };
        Ok(Self {
            msg: CoseEncrypt0 {
                protected: parts.protected,
                unprotected: parts.unprotected,
                ciphertext,
            },
            allow_unprotected_alg: options.allow_unprotected_alg,
        })
    }

    /// The content-encryption algorithm named by the protected header.
    pub fn algorithm(&self) -> Result<EncAlgorithm> {
        let id = super::algorithm_id(
            &self.msg.protected.header,
            &self.msg.unprotected,
            self.allow_unprotected_alg,
        )?;
        EncAlgorithm::from_cose_id(id)
    }

    /// The key id (`kid`), protected header first.
    pub fn kid(&self) -> Option<&[u8]> {
        super::key_id(&self.msg.protected.header, &self.msg.unprotected)
    }

    /// The 12-byte IV (label 5, either header).
    ///
    /// A partial IV (label 6) needs a context IV this API does not take, so it is refused too.
    pub fn iv(&self) -> Result<[u8; IV_LEN]> {
        let (p, u) = (&self.msg.protected.header, &self.msg.unprotected);
        if !p.partial_iv.is_empty() || !u.partial_iv.is_empty() {
            return Err(Error::CoseMalformed("partial IVs are not supported".into()));
        }
        let iv = if p.iv.is_empty() { &u.iv } else { &p.iv };
        <[u8; IV_LEN]>::try_from(iv.as_slice())
            .map_err(|_| Error::CoseMalformed(format!("the IV must be {IV_LEN} bytes, found {}", iv.len())))
    }

    /// The protected header, as decoded.
    pub fn protected(&self) -> &Header {
        &self.msg.protected.header
    }

    /// The unprotected header.
    pub fn unprotected(&self) -> &Header {
        &self.msg.unprotected
    }

    /// The underlying coset message.
    pub fn as_coset(&self) -> &CoseEncrypt0 {
        &self.msg
    }

    /// The `Enc_structure` bytes used as AEAD additional data (RFC 9052 §5.3).
    ///
    /// ```
    /// use inkan_core::cose::{EncAlgorithm, Encrypt0Builder};
    /// let msg = Encrypt0Builder::new(EncAlgorithm::A128Gcm).encrypt(&[1; 16], b"")?;
    /// assert_eq!(msg.aad(b""), b"\x83\x68Encrypt0\x43\xa1\x01\x01\x40");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn aad(&self, external_aad: &[u8]) -> Vec<u8> {
        enc_structure_data(
            EncryptionContext::CoseEncrypt0,
            super::structure_protected(&self.msg.protected),
            external_aad,
        )
    }

    /// Decrypts with the symmetric `key`.
    ///
    /// A wrong key or tampered message is [`Error::DecryptionFailed`]; a key of the wrong
    /// length for the algorithm is [`Error::InvalidKey`].
    pub fn decrypt(&self, key: &[u8], external_aad: &[u8]) -> Result<Vec<u8>> {
        let alg = self.algorithm()?;
        let iv = self.iv()?;
        let Some(ciphertext) = &self.msg.ciphertext else {
            return Err(Error::CoseMalformed(
                "detached ciphertexts are not supported".into(),
            ));
        };
        alg.open(key, &iv, &self.aad(external_aad), ciphertext)
    }

    /// Encodes the message, with tag 16 when `tagged`.
    pub fn encode(&self, tagged: bool) -> Result<Vec<u8>> {
        let value = self.msg.clone().to_cbor_value().map_err(super::cose_error)?;
        super::encode_message(value, tagged.then_some(TAG_ENCRYPT0))
    }
}

/// Builds a COSE_Encrypt0: the algorithm in the protected header, the IV (random unless given)
/// in the unprotected header.
///
/// ```
/// use inkan_core::cose::{EncAlgorithm, Encrypt0Builder};
/// let msg = Encrypt0Builder::new(EncAlgorithm::A128Gcm).iv([2; 12]).kid(b"k".to_vec())
///     .encrypt(&[1; 16], b"text")?;
/// assert_eq!(msg.iv()?, [2; 12]);
/// assert_eq!(msg.decrypt(&[1; 16], b"")?, b"text");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Encrypt0Builder {
    alg: EncAlgorithm,
    protected: Header,
    unprotected: Header,
    iv: Option<[u8; IV_LEN]>,
    external_aad: Vec<u8>,
}

impl Encrypt0Builder {
    /// Starts a message encrypted with `alg`.
    pub fn new(alg: EncAlgorithm) -> Self {
        Self {
            alg,
            protected: Header::default(),
            unprotected: Header::default(),
            iv: None,
            external_aad: Vec::new(),
        }
    }

    /// Extra protected header parameters (`alg` is set by the builder).
    pub fn protected(mut self, header: Header) -> Self {
        self.protected = header;
        self
    }

    /// Extra unprotected header parameters (must not include `alg`).
    pub fn unprotected(mut self, header: Header) -> Self {
        self.unprotected = header;
        self
    }

    /// Sets the key id (unprotected header).
    pub fn kid(mut self, kid: Vec<u8>) -> Self {
        self.unprotected.key_id = kid;
        self
    }

    /// Uses this IV instead of a random one. An IV must never repeat under the same key.
    pub fn iv(mut self, iv: [u8; IV_LEN]) -> Self {
        self.iv = Some(iv);
        self
    }

    /// Sets external additional authenticated data.
    pub fn external_aad(mut self, aad: Vec<u8>) -> Self {
        self.external_aad = aad;
        self
    }

    /// Encrypts `plaintext` under `key`.
    pub fn encrypt(self, key: &[u8], plaintext: &[u8]) -> Result<Encrypt0> {
        let iv = match self.iv {
            Some(iv) => iv,
            None => random_iv()?,
        };
        let mut protected = self.protected;
        protected.alg = super::algorithm_label(self.alg.cose_id());
        let mut unprotected = self.unprotected;
        if unprotected.alg.is_some() {
            return Err(Error::CoseMalformed("alg belongs in the protected header".into()));
        }
        unprotected.iv = iv.to_vec();
        super::check_builder_headers(&protected, &unprotected)?;
        let mut msg = Encrypt0 {
            msg: CoseEncrypt0 {
                protected: super::seal_protected(protected)?,
                unprotected,
                ciphertext: None,
            },
            allow_unprotected_alg: false,
        };
        let aad = msg.aad(&self.external_aad);
        msg.msg.ciphertext = Some(self.alg.seal(key, &iv, &aad, plaintext)?);
        Ok(msg)
    }
}

fn random_iv() -> Result<[u8; IV_LEN]> {
    let mut iv = [0u8; IV_LEN];
    OsRng
        .try_fill_bytes(&mut iv)
        .map_err(|e| Error::Crypto(format!("no randomness for the IV: {e}")))?;
    Ok(iv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_algorithm_round_trips() {
        for alg in EncAlgorithm::ALL {
            let key = vec![0x42; alg.key_len()];
            let msg = Encrypt0Builder::new(alg)
                .external_aad(b"aad".to_vec())
                .encrypt(&key, b"plain")
                .unwrap();
            let back = Encrypt0::decode(&msg.encode(true).unwrap(), &DecodeOptions::default()).unwrap();
            assert_eq!(back.decrypt(&key, b"aad").unwrap(), b"plain");
            assert_eq!(back.decrypt(&key, b"x"), Err(Error::DecryptionFailed));
            assert_eq!(
                back.decrypt(&key[1..], b"aad").unwrap_err().code(),
                "crypto.invalid_key"
            );
        }
    }

    #[test]
    fn random_ivs_differ_and_bad_ivs_are_malformed() {
        let a = Encrypt0Builder::new(EncAlgorithm::A128Gcm)
            .encrypt(&[1; 16], b"")
            .unwrap();
        let b = Encrypt0Builder::new(EncAlgorithm::A128Gcm)
            .encrypt(&[1; 16], b"")
            .unwrap();
        assert_ne!(a.iv().unwrap(), b.iv().unwrap());
        let mut bad = a.clone();
        bad.msg.unprotected.iv = vec![0; 11];
        assert_eq!(bad.decrypt(&[1; 16], b"").unwrap_err().code(), "cose.malformed");
        bad.msg.unprotected.iv.clear();
        assert_eq!(bad.decrypt(&[1; 16], b"").unwrap_err().code(), "cose.malformed");
        let mut no_alg = a;
        no_alg.msg.protected = coset::ProtectedHeader::default();
        assert_eq!(
            no_alg.decrypt(&[1; 16], b"").unwrap_err().code(),
            "cose.malformed"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(msg) = Encrypt0::decode(&bytes, &DecodeOptions::default()) {
                let _ = msg.decrypt(&[0; 16], b"");
            }
        }

        #[test]
        fn plaintexts_round_trip(plain in proptest::collection::vec(any::<u8>(), 0..64)) {
            let msg = Encrypt0Builder::new(EncAlgorithm::A256Gcm).encrypt(&[5; 32], &plain).unwrap();
            let back = Encrypt0::decode(&msg.encode(false).unwrap(), &DecodeOptions::default()).unwrap();
            prop_assert_eq!(back.decrypt(&[5; 32], b"").unwrap(), plain);
        }
    }
}
