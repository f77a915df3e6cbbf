//! Signing keys: software keys generated or imported in Rust, and foreign keys (Android
//! Keystore, iOS Secure Enclave, an HSM) whose private part never leaves the platform: Rust
//! hands the message to a [`ForeignSigner`] callback and gets the signature back.

use std::sync::{Arc, Mutex, PoisonError};

use inkan_core::crypto::{Algorithm, Jwk, KeyType, PublicKey, Signer, SoftwareKey, Verifier};

use crate::error::{Domain, InDomain, InkanError, Result, codes};

/// A signature algorithm, as JOSE and COSE name it.
///
/// ```
/// use inkan::SignatureAlgorithm;
/// assert_eq!(inkan_core::crypto::Algorithm::from(SignatureAlgorithm::Es256).jose_name(), "ES256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureAlgorithm {
    /// Ed25519.
    EdDsa,
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// ECDSA P-384 with SHA-384.
    Es384,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256.
    Ps256,
}

impl From<SignatureAlgorithm> for Algorithm {
    fn from(alg: SignatureAlgorithm) -> Self {
        match alg {
            SignatureAlgorithm::EdDsa => Algorithm::EdDsa,
            SignatureAlgorithm::Es256 => Algorithm::Es256,
            SignatureAlgorithm::Es384 => Algorithm::Es384,
            SignatureAlgorithm::Rs256 => Algorithm::Rs256,
            SignatureAlgorithm::Ps256 => Algorithm::Ps256,
        }
    }
}

impl From<Algorithm> for SignatureAlgorithm {
    fn from(alg: Algorithm) -> Self {
        match alg {
            Algorithm::EdDsa => SignatureAlgorithm::EdDsa,
            Algorithm::Es256 => SignatureAlgorithm::Es256,
            Algorithm::Es384 => SignatureAlgorithm::Es384,
            Algorithm::Rs256 => SignatureAlgorithm::Rs256,
            Algorithm::Ps256 => SignatureAlgorithm::Ps256,
        }
    }
}

/// How a [`ForeignSigner`] encodes ECDSA signatures.
///
/// ```
/// assert_ne!(inkan::SignatureEncoding::Der, inkan::SignatureEncoding::Raw);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureEncoding {
    /// ASN.1 DER `SEQUENCE { r, s }`: what Android Keystore, iOS `SecKeyCreateSignature`
    /// (`ecdsaSignatureMessageX962SHA256`), Java's `SHA256withECDSA` and OpenSSL return.
    Der,
    /// The JOSE/COSE form: `r‖s`, each padded to the curve size (and Ed25519/RSA signatures
    /// as they are).
    Raw,
}

/// A key that lives outside Rust. The app implements this in Kotlin, Swift or Python; inkan
/// calls [`ForeignSigner::sign`] with the exact bytes to sign (the JWS signing input or the
/// COSE `Sig_structure`) — it must hash with the algorithm's hash and sign (e.g.
/// `SHA256withECDSA`), and may block on the platform keystore.
///
/// Throw [`InkanError::Signer`] to report a failure with a code of your own; any other
/// exception arrives as `bindings.foreign_callback`.
#[uniffi::export(with_foreign)]
pub trait ForeignSigner: Send + Sync {
    /// Signs `message` and returns the signature in the encoding declared to
    /// [`SigningKey::foreign`].
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>>;
}

/// What signs: a software key held in Rust, or a foreign one.
#[expect(
    clippy::large_enum_variant,
    reason = "one per key object, never moved in bulk"
)]
enum Backend {
    Software(SoftwareKey),
    Foreign {
        alg: Algorithm,
        public: PublicKey,
        kid: Option<String>,
        encoding: SignatureEncoding,
        signer: Arc<dyn ForeignSigner>,
    },
}

/// A signing key: generate one, import a private JWK or PKCS#8 PEM, or wrap a platform key
/// with [`SigningKey::foreign`]. Thread-safe; signing takes no lock of its own.
///
/// ```
/// use inkan::{SignatureAlgorithm, SigningKey};
/// let key = SigningKey::generate(SignatureAlgorithm::EdDsa)?;
/// assert_eq!(key.sign(b"hello".to_vec())?.len(), 64);
/// assert!(key.public_jwk().contains("\"OKP\""));
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[derive(uniffi::Object)]
pub struct SigningKey {
    backend: Backend,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.backend {
            Backend::Software(_) => "software",
            Backend::Foreign { .. } => "foreign",
        };
        f.debug_struct("SigningKey")
            .field("backend", &kind)
            .field("alg", &self.core_algorithm())
            .finish_non_exhaustive()
    }
}

#[uniffi::export]
impl SigningKey {
    /// A new random key for `algorithm`; its key id is the RFC 7638 thumbprint.
    #[uniffi::constructor]
    pub fn generate(algorithm: SignatureAlgorithm) -> Result<Arc<Self>> {
        let key = SoftwareKey::generate(algorithm.into()).in_domain(Domain::Key)?;
        Ok(Arc::new(Self::software(key)))
    }

    /// A private JWK (its `alg` and `kid` are kept when present).
    ///
    /// ```
    /// let err = inkan::SigningKey::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"AA"}"#.into()).unwrap_err();
    /// assert_eq!(err.code(), "crypto.invalid_key");
    /// ```
    #[uniffi::constructor]
    pub fn from_jwk(jwk: String) -> Result<Arc<Self>> {
        let jwk = Jwk::from_json(&jwk).in_domain(Domain::Key)?;
        let key = SoftwareKey::from_jwk(&jwk).in_domain(Domain::Key)?;
        Ok(Arc::new(Self::software(key)))
    }

    /// A PKCS#8 PEM private key, signing with its key type's default algorithm.
    #[uniffi::constructor]
    pub fn from_pem(pem: String) -> Result<Arc<Self>> {
        let key = SoftwareKey::from_pem(&pem).in_domain(Domain::Key)?;
        Ok(Arc::new(Self::software(key)))
    }

    /// A key held by the platform: `public_jwk` is its public half (so the signatures can be
    /// checked and put in headers), `signer` signs. Every signature `signer` returns is
    /// converted to the JOSE/COSE form and verified under `public_jwk` before use, so a wrong
    /// key or encoding fails here (`bindings.foreign_signature`), not at the relying party.
    #[uniffi::constructor]
    pub fn foreign(
        algorithm: SignatureAlgorithm,
        public_jwk: String,
        key_id: Option<String>,
        encoding: SignatureEncoding,
        signer: Arc<dyn ForeignSigner>,
    ) -> Result<Arc<Self>> {
        let alg = Algorithm::from(algorithm);
        let jwk = Jwk::from_json(&public_jwk).in_domain(Domain::Key)?;
        if jwk.is_private() {
            return Err(InkanError::bad_argument(
                Domain::Key,
                "a foreign key's JWK must be public: the private key stays in the platform",
            ));
        }
        let public = PublicKey::from_jwk(&jwk).in_domain(Domain::Key)?;
        alg.check_key(public.key_type()).in_domain(Domain::Key)?;
        let kid = key_id.or(jwk.kid);
        Ok(Arc::new(Self {
            backend: Backend::Foreign {
                alg,
                public,
                kid,
                encoding,
                signer,
            },
        }))
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.core_algorithm().into()
    }

    /// The key id put in JWS/COSE headers, if any.
    pub fn key_id(&self) -> Option<String> {
        self.kid().map(str::to_owned)
    }

    /// The public key as a JWK (with `kid` and `alg`): give it to verifiers.
    pub fn public_jwk(&self) -> String {
        self.core_public_jwk().to_json()
    }

    /// The private key as a JWK, for storing a software key (sealed by the app). A foreign
    /// key has no private bytes in Rust: `bindings.bad_argument`.
    pub fn private_jwk(&self) -> Result<String> {
        match &self.backend {
            Backend::Software(key) => Ok(key.to_jwk().in_domain(Domain::Key)?.to_json()),
            Backend::Foreign { .. } => Err(InkanError::bad_argument(
                Domain::Key,
                "a foreign key's private part never leaves the platform",
            )),
        }
    }

    /// Signs `message`; the signature is in the JOSE/COSE form (raw `r‖s` for ECDSA).
    pub fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>> {
        match &self.backend {
            Backend::Software(key) => key.sign(&message).in_domain(Domain::Signer),
            Backend::Foreign {
                alg,
                public,
                encoding,
                signer,
                ..
            } => {
                let signature = signer.sign(message.clone())?;
                let raw = to_raw(public.key_type(), *encoding, &signature)?;
                public.verify(*alg, &message, &raw).map_err(|e| {
                    InkanError::new(
                        Domain::Signer,
                        codes::FOREIGN_SIGNATURE,
                        format!("the foreign signer's signature does not verify under its public key: {e}"),
                    )
                })?;
                Ok(raw)
            }
        }
    }
}

impl SigningKey {
    fn software(key: SoftwareKey) -> Self {
        Self {
            backend: Backend::Software(key),
        }
    }

    fn core_algorithm(&self) -> Algorithm {
        match &self.backend {
            Backend::Software(key) => key.algorithm(),
            Backend::Foreign { alg, .. } => *alg,
        }
    }

    fn kid(&self) -> Option<&str> {
        match &self.backend {
            Backend::Software(key) => key.key_id(),
            Backend::Foreign { kid, .. } => kid.as_deref(),
        }
    }

    fn core_public_jwk(&self) -> Jwk {
        match &self.backend {
            Backend::Software(key) => key.public_jwk(),
            Backend::Foreign { alg, public, kid, .. } => {
                let mut jwk = public.to_jwk();
                jwk.kid = kid.clone();
                jwk.alg = Some(alg.jose_name().to_owned());
                jwk
            }
        }
    }

    /// This key as inkan-core's [`Signer`] for one operation. A foreign signer's own
    /// [`InkanError`] does not fit core's error type, so it is kept aside and
    /// [`CallSigner::finish`] hands it back in place of core's generic error.
    pub(crate) fn for_call(&self) -> CallSigner<'_> {
        CallSigner {
            key: self,
            failure: Mutex::new(None),
        }
    }
}

/// A [`SigningKey`] lent to inkan-core for one call; see [`SigningKey::for_call`].
pub(crate) struct CallSigner<'a> {
    key: &'a SigningKey,
    failure: Mutex<Option<InkanError>>,
}

impl CallSigner<'_> {
    /// The call's result, with the signer's own error (if signing failed) taking precedence
    /// over the error core reported for it.
    pub(crate) fn finish<T>(
        self,
        result: std::result::Result<T, inkan_core::Error>,
        domain: Domain,
    ) -> Result<T> {
        let failure = self.failure.into_inner().unwrap_or_else(PoisonError::into_inner);
        match (result, failure) {
            (Err(_), Some(signer_error)) => Err(signer_error),
            (result, _) => result.in_domain(domain),
        }
    }
}

impl Signer for CallSigner<'_> {
    fn algorithm(&self) -> Algorithm {
        self.key.core_algorithm()
    }

    fn public_jwk(&self) -> Jwk {
        self.key.core_public_jwk()
    }

    fn key_id(&self) -> Option<&str> {
        self.key.kid()
    }

    fn sign(&self, message: &[u8]) -> inkan_core::Result<Vec<u8>> {
        self.key.sign(message.to_vec()).map_err(|err| {
            let core = inkan_core::Error::Crypto(err.to_string());
            *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
            core
        })
    }
}

/// A foreign signature in the JOSE/COSE form: DER ECDSA becomes `r‖s` (through the curve
/// crates' own DER parsers); everything else must already have the fixed length.
fn to_raw(kind: KeyType, encoding: SignatureEncoding, signature: &[u8]) -> Result<Vec<u8>> {
    let bad = |why: String| InkanError::new(Domain::Signer, codes::FOREIGN_SIGNATURE, why);
    let raw = match (encoding, kind) {
        (SignatureEncoding::Der, KeyType::P256) => p256::ecdsa::Signature::from_der(signature)
            .map(|s| s.to_bytes().to_vec())
            .map_err(|e| bad(format!("not a DER P-256 ECDSA signature: {e}")))?,
        (SignatureEncoding::Der, KeyType::P384) => p384::ecdsa::Signature::from_der(signature)
            .map(|s| s.to_bytes().to_vec())
            .map_err(|e| bad(format!("not a DER P-384 ECDSA signature: {e}")))?,
        _ => signature.to_vec(),
    };
    match kind.signature_len() {
        Some(len) if raw.len() != len => Err(bad(format!(
            "a {kind} signature has {len} bytes, the foreign signer returned {}",
            raw.len()
        ))),
        _ => Ok(raw),
    }
}
