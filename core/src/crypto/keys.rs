//! Key data (provider-neutral), public keys that verify and software keys that sign.

use std::fmt;
use std::sync::Arc;

use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use rand_core::OsRng;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::jwk::Secret;
use super::{Algorithm, CryptoProvider, Jwk, KeyType, RawSigner, RawVerifier, Signer, Verifier};
use crate::encoding::{b64url_decode, b64url_encode};
use crate::{Error, Result};

/// Smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (bounds the cost of a hostile key).
const MAX_RSA_BITS: usize = 8192;

/// A public key's mathematical content, independent of any provider.
///
/// Constructed only through validating parsers: EC points are on their curve, Ed25519 points
/// decompress, RSA moduli are 2048–8192 bits.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKeyData {
    /// An Ed25519 public key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// A P-256 public key.
    P256(p256::PublicKey),
    /// A P-384 public key.
    P384(p384::PublicKey),
    /// An RSA public key: big-endian modulus and exponent without leading zeros.
    Rsa {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
}

impl fmt::Debug for PublicKeyData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeyData({}, {})", self.key_type(), self.thumbprint())
    }
}

impl PublicKeyData {
    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKeyData::Ed25519(_) => KeyType::Ed25519,
            PublicKeyData::P256(_) => KeyType::P256,
            PublicKeyData::P384(_) => KeyType::P384,
            PublicKeyData::Rsa { .. } => KeyType::Rsa,
        }
    }

    /// Parses the public part of a JWK (private members are ignored).
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("OKP", Some("Ed25519")) => {
                let x = b64url_decode(jwk.member(&jwk.x, "x")?)?;
                Self::from_sec1(KeyType::Ed25519, &x)
            }
            ("EC", Some(crv @ ("P-256" | "P-384"))) => {
                let x = b64url_decode(jwk.member(&jwk.x, "x")?)?;
                let y = b64url_decode(jwk.member(&jwk.y, "y")?)?;
                let (kt, len) = if crv == "P-256" {
                    (KeyType::P256, 32)
                } else {
                    (KeyType::P384, 48)
                };
                if x.len() != len || y.len() != len {
                    return Err(Error::key(format!("{crv} coordinates must be {len} bytes")));
                }
                let mut sec1 = Vec::with_capacity(1 + 2 * len);
                sec1.push(0x04);
                sec1.extend_from_slice(&x);
                sec1.extend_from_slice(&y);
                Self::from_sec1(kt, &sec1)
            }
            ("RSA", _) => {
                let n = b64url_decode(jwk.member(&jwk.n, "n")?)?;
                let e = b64url_decode(jwk.member(&jwk.e, "e")?)?;
                Self::rsa(n, e)
            }
            (kty, crv) => Err(Error::UnsupportedAlgorithm(format!(
                "JWK kty {kty} crv {}",
                crv.unwrap_or("-")
            ))),
        }
    }

    /// The public JWK (members required by RFC 7638 only).
    pub fn to_jwk(&self) -> Jwk {
        let mut jwk = Jwk::default();
        match self {
            PublicKeyData::Ed25519(vk) => {
                jwk.kty = "OKP".into();
                jwk.crv = Some("Ed25519".into());
                jwk.x = Some(b64url_encode(vk.as_bytes()));
            }
            PublicKeyData::P256(_) | PublicKeyData::P384(_) => {
                let point = self.to_sec1(false);
                let half = (point.len() - 1) / 2;
                jwk.kty = "EC".into();
                jwk.crv = Some(self.key_type().to_string());
                jwk.x = Some(b64url_encode(&point[1..=half]));
                jwk.y = Some(b64url_encode(&point[1 + half..]));
            }
            PublicKeyData::Rsa { n, e } => {
                jwk.kty = "RSA".into();
                jwk.n = Some(b64url_encode(n));
                jwk.e = Some(b64url_encode(e));
            }
        }
        jwk
    }

    /// Parses an EC point in SEC1 form (compressed or uncompressed) or a raw Ed25519 key.
    ///
    /// RSA keys have no SEC1 form and are rejected.
    pub fn from_sec1(kind: KeyType, bytes: &[u8]) -> Result<Self> {
        let bad = |_| Error::key(format!("not a valid {kind} point"));
        match kind {
            KeyType::P256 => p256::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKeyData::P256)
                .map_err(bad),
            KeyType::P384 => p384::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKeyData::P384)
                .map_err(bad),
            KeyType::Ed25519 => {
                let raw = fixed::<32>(bytes, "Ed25519 public key")?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&raw)
                    .map_err(|_| Error::key("not a valid Ed25519 point"))?;
                // Small-order keys verify forged signatures under lax rules; refusing them at
                // parse time makes every provider agree.
                if key.is_weak() {
                    return Err(Error::key("Ed25519 public key has small order"));
                }
                Ok(PublicKeyData::Ed25519(key))
            }
            KeyType::Rsa => Err(Error::key("RSA keys have no SEC1 encoding")),
        }
    }

    /// The SEC1 point (EC; `compressed` selects the form) or the raw 32 bytes (Ed25519).
    ///
    /// RSA keys yield their DER `RSAPublicKey` (PKCS#1), the form multicodec uses.
    pub fn to_sec1(&self, compressed: bool) -> Vec<u8> {
        match self {
            PublicKeyData::Ed25519(vk) => vk.as_bytes().to_vec(),
            PublicKeyData::P256(pk) => pk.to_encoded_point(compressed).as_bytes().to_vec(),
            PublicKeyData::P384(pk) => pk.to_encoded_point(compressed).as_bytes().to_vec(),
            PublicKeyData::Rsa { n, e } => rsa_public(n, e)
                .and_then(|k| k.public_key_to_der_pkcs1().map_err(Error::backend))
                .unwrap_or_default(),
        }
    }

    /// Parses a DER `SubjectPublicKeyInfo` (X.509 certificates, PEM `PUBLIC KEY`).
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        if let Ok(k) = p256::PublicKey::from_public_key_der(der) {
            return Ok(PublicKeyData::P256(k));
        }
        if let Ok(k) = p384::PublicKey::from_public_key_der(der) {
            return Ok(PublicKeyData::P384(k));
        }
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKeyData::Ed25519(k));
        }
        let pkey = openssl::pkey::PKey::public_key_from_der(der)
            .map_err(|_| Error::key("unsupported or malformed SubjectPublicKeyInfo"))?;
        let rsa = pkey
            .rsa()
            .map_err(|_| Error::UnsupportedAlgorithm("public key algorithm".into()))?;
        Self::rsa(rsa.n().to_vec(), rsa.e().to_vec())
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            PublicKeyData::Ed25519(vk) => vk.to_public_key_der(),
            PublicKeyData::P256(pk) => pk.to_public_key_der(),
            PublicKeyData::P384(pk) => pk.to_public_key_der(),
            PublicKeyData::Rsa { n, e } => {
                let pkey = openssl::pkey::PKey::from_rsa(rsa_public(n, e)?).map_err(Error::backend)?;
                return pkey.public_key_to_der().map_err(Error::backend);
            }
        };
        doc.map(|d| d.into_vec()).map_err(Error::backend)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        let jwk = self.to_jwk();
        // RFC 7638 §3.2: only the required members, lexicographic order, no whitespace.
        let canonical = match self {
            PublicKeyData::Ed25519(_) => serde_json::json!({"crv": jwk.crv, "kty": jwk.kty, "x": jwk.x}),
            PublicKeyData::P256(_) | PublicKeyData::P384(_) => {
                serde_json::json!({"crv": jwk.crv, "kty": jwk.kty, "x": jwk.x, "y": jwk.y})
            }
            PublicKeyData::Rsa { .. } => serde_json::json!({"e": jwk.e, "kty": jwk.kty, "n": jwk.n}),
        };
        b64url_encode(sha2::Sha256::digest(canonical.to_string().as_bytes()))
    }

    fn rsa(n: Vec<u8>, e: Vec<u8>) -> Result<Self> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(Error::key(format!(
                "RSA modulus of {bits} bits (need {MIN_RSA_BITS}–{MAX_RSA_BITS})"
            )));
        }
        if e.is_empty() || e.len() > 8 || e.last().is_some_and(|b| b & 1 == 0) {
            return Err(Error::key("RSA public exponent must be odd and at most 64 bits"));
        }
        Ok(PublicKeyData::Rsa { n, e })
    }
}

/// A private key's content, independent of any provider. Wiped on drop; `Debug` shows no secrets.
#[derive(Clone)]
pub enum PrivateKeyData {
    /// An Ed25519 signing key (the 32-byte seed).
    Ed25519(ed25519_dalek::SigningKey),
    /// A P-256 secret scalar.
    P256(p256::SecretKey),
    /// A P-384 secret scalar.
    P384(p384::SecretKey),
    /// An RSA private key as PKCS#1 `RSAPrivateKey` DER.
    Rsa(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for PrivateKeyData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKeyData({}, <redacted>)", self.key_type())
    }
}

impl PrivateKeyData {
    /// The key type.
    pub fn key_type(&self) -> KeyType {
        match self {
            PrivateKeyData::Ed25519(_) => KeyType::Ed25519,
            PrivateKeyData::P256(_) => KeyType::P256,
            PrivateKeyData::P384(_) => KeyType::P384,
            PrivateKeyData::Rsa(_) => KeyType::Rsa,
        }
    }

    /// A fresh key from the operating system's RNG (RSA: 3072 bits).
    pub fn generate(kind: KeyType) -> Result<Self> {
        Ok(match kind {
            KeyType::Ed25519 => PrivateKeyData::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng)),
            KeyType::P256 => PrivateKeyData::P256(p256::SecretKey::random(&mut OsRng)),
            KeyType::P384 => PrivateKeyData::P384(p384::SecretKey::random(&mut OsRng)),
            KeyType::Rsa => {
                let rsa = openssl::rsa::Rsa::generate(3072).map_err(Error::backend)?;
                PrivateKeyData::Rsa(Zeroizing::new(rsa.private_key_to_der().map_err(Error::backend)?))
            }
        })
    }

    /// The matching public key data.
    pub fn public(&self) -> Result<PublicKeyData> {
        Ok(match self {
            PrivateKeyData::Ed25519(sk) => PublicKeyData::Ed25519(sk.verifying_key()),
            PrivateKeyData::P256(sk) => PublicKeyData::P256(sk.public_key()),
            PrivateKeyData::P384(sk) => PublicKeyData::P384(sk.public_key()),
            PrivateKeyData::Rsa(der) => {
                let rsa = rsa_private(der)?;
                PublicKeyData::rsa(rsa.n().to_vec(), rsa.e().to_vec())?
            }
        })
    }

    /// Parses a private JWK, checking that its public members match the private ones.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        let claimed = PublicKeyData::from_jwk(jwk)?;
        let d = Zeroizing::new(b64url_decode(secret(&jwk.d, "d")?)?);
        let key = match claimed.key_type() {
            KeyType::Ed25519 => PrivateKeyData::Ed25519(ed25519_dalek::SigningKey::from_bytes(&fixed::<32>(
                &d,
                "Ed25519 d",
            )?)),
            KeyType::P256 => PrivateKeyData::P256(
                p256::SecretKey::from_slice(&d).map_err(|_| Error::key("invalid P-256 private scalar"))?,
            ),
            KeyType::P384 => PrivateKeyData::P384(
                p384::SecretKey::from_slice(&d).map_err(|_| Error::key("invalid P-384 private scalar"))?,
            ),
            KeyType::Rsa => PrivateKeyData::Rsa(rsa_from_jwk(jwk, &d)?),
        };
        if key.public()? != claimed {
            return Err(Error::key("JWK public members do not match its private key"));
        }
        Ok(key)
    }

    /// The private JWK (public members plus `d`, and the CRT members for RSA).
    pub fn to_jwk(&self) -> Result<Jwk> {
        let mut jwk = self.public()?.to_jwk();
        match self {
            PrivateKeyData::Ed25519(sk) => jwk.d = Some(secret_b64(&sk.to_bytes())),
            PrivateKeyData::P256(sk) => jwk.d = Some(secret_b64(&sk.to_bytes())),
            PrivateKeyData::P384(sk) => jwk.d = Some(secret_b64(&sk.to_bytes())),
            PrivateKeyData::Rsa(der) => {
                let rsa = rsa_private(der)?;
                let enc = |b: Option<&openssl::bn::BigNumRef>| b.map(|b| secret_b64(&b.to_vec()));
                jwk.d = Some(secret_b64(&rsa.d().to_vec()));
                jwk.p = enc(rsa.p());
                jwk.q = enc(rsa.q());
                jwk.dp = enc(rsa.dmp1());
                jwk.dq = enc(rsa.dmq1());
                jwk.qi = enc(rsa.iqmp());
            }
        }
        Ok(jwk)
    }

    /// Parses a PEM private key: PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`.
    pub fn from_pem(pem: &str) -> Result<Self> {
        if pem.len() > Jwk::MAX_JSON {
            return Err(Error::TooLarge {
                size: pem.len(),
                limit: Jwk::MAX_JSON,
            });
        }
        if let Ok(k) = p256::SecretKey::from_pkcs8_pem(pem) {
            return Ok(PrivateKeyData::P256(k));
        }
        if let Ok(k) = p384::SecretKey::from_pkcs8_pem(pem) {
            return Ok(PrivateKeyData::P384(k));
        }
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(PrivateKeyData::Ed25519(k));
        }
        // Legacy PEM forms (SEC1, PKCS#1) and RSA: let OpenSSL normalise to PKCS#8 first.
        let pkey = openssl::pkey::PKey::private_key_from_pem(pem.as_bytes())
            .map_err(|_| Error::key("not a supported PEM private key"))?;
        if let Ok(rsa) = pkey.rsa() {
            let key = PrivateKeyData::Rsa(Zeroizing::new(rsa.private_key_to_der().map_err(Error::backend)?));
            key.public()?; // enforces the modulus size policy
            return Ok(key);
        }
        let der = Zeroizing::new(pkey.private_key_to_pkcs8().map_err(Error::backend)?);
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
            return Ok(PrivateKeyData::P256(k));
        }
        p384::SecretKey::from_pkcs8_der(&der)
            .map(PrivateKeyData::P384)
            .map_err(|_| Error::UnsupportedAlgorithm("private key algorithm".into()))
    }

    /// The PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let le = p256::pkcs8::LineEnding::LF;
        match self {
            PrivateKeyData::Ed25519(sk) => sk.to_pkcs8_pem(le).map_err(Error::backend),
            PrivateKeyData::P256(sk) => sk.to_pkcs8_pem(le).map_err(Error::backend),
            PrivateKeyData::P384(sk) => sk.to_pkcs8_pem(le).map_err(Error::backend),
            PrivateKeyData::Rsa(der) => {
                let pkey = openssl::pkey::PKey::from_rsa(rsa_private(der)?).map_err(Error::backend)?;
                let pem = Zeroizing::new(pkey.private_key_to_pem_pkcs8().map_err(Error::backend)?);
                String::from_utf8(pem.to_vec())
                    .map(Zeroizing::new)
                    .map_err(Error::backend)
            }
        }
    }
}

/// A public key ready to verify: validated key data plus its provider-prepared form.
///
/// ```
/// use inkan_core::crypto::{Jwk, PublicKey, KeyType};
/// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?;
/// let key = PublicKey::from_jwk(&jwk)?;
/// assert_eq!(key.key_type(), KeyType::Ed25519);
/// assert_eq!(key.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Clone)]
pub struct PublicKey {
    data: PublicKeyData,
    raw: Arc<dyn RawVerifier>,
}

impl PublicKey {
    /// Prepares `data` with the default provider.
    pub fn new(data: PublicKeyData) -> Result<Self> {
        Self::with(data, super::default_provider())
    }

    /// Prepares `data` with `provider`.
    pub fn with(data: PublicKeyData, provider: &dyn CryptoProvider) -> Result<Self> {
        let raw = Arc::from(provider.verifier(&data)?);
        Ok(Self { data, raw })
    }

    /// The same key, prepared by another provider.
    pub fn with_provider(&self, provider: &dyn CryptoProvider) -> Result<Self> {
        Self::with(self.data.clone(), provider)
    }

    /// Parses a public JWK (private members, if any, are ignored).
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        Self::new(PublicKeyData::from_jwk(jwk)?)
    }

    /// Parses a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        Self::new(PublicKeyData::from_spki_der(der)?)
    }

    /// Parses a PEM `PUBLIC KEY`.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, PublicKey, SoftwareKey};
    /// let key = SoftwareKey::generate(Algorithm::Es256)?;
    /// let pem = key.public_key().to_pem()?;
    /// assert_eq!(PublicKey::from_pem(&pem)?, *key.public_key());
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_pem(pem: &str) -> Result<Self> {
        let (label, der) =
            der::pem::decode_vec(pem.as_bytes()).map_err(|e| Error::key(format!("bad PEM: {e}")))?;
        if label != "PUBLIC KEY" {
            return Err(Error::key(format!("expected a PUBLIC KEY PEM, found {label}")));
        }
        Self::from_spki_der(&der)
    }

    /// The PEM `PUBLIC KEY`.
    pub fn to_pem(&self) -> Result<String> {
        let der = self.data.to_spki_der()?;
        der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, &der).map_err(Error::backend)
    }

    /// The key's data.
    pub fn data(&self) -> &PublicKeyData {
        &self.data
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.data.key_type()
    }

    /// The public JWK (no `kid`).
    pub fn to_jwk(&self) -> Jwk {
        self.data.to_jwk()
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        self.data.thumbprint()
    }
}

impl Verifier for PublicKey {
    fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        alg.check_key(self.key_type())?;
        self.raw.verify(alg, message, signature)
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.key_type(), self.thumbprint())
    }
}

/// A private key held in memory, signing through a crypto provider.
///
/// Its `kid` defaults to the RFC 7638 thumbprint. Secrets are wiped on drop and never printed.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer, Verifier};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let pem = key.to_pkcs8_pem()?;
/// let again = SoftwareKey::from_pem(&pem)?;
/// assert_eq!(again.public_key(), key.public_key());
/// assert!(!format!("{key:?}").contains("PRIVATE"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub struct SoftwareKey {
    data: PrivateKeyData,
    alg: Algorithm,
    kid: String,
    public: PublicKey,
    raw: Box<dyn RawSigner>,
}

impl SoftwareKey {
    /// Generates a fresh key for `alg` from the OS RNG.
    pub fn generate(alg: Algorithm) -> Result<Self> {
        Self::from_data(PrivateKeyData::generate(alg.key_type())?, alg)
    }

    /// Wraps key data for use with `alg`, prepared by the default provider.
    pub fn from_data(data: PrivateKeyData, alg: Algorithm) -> Result<Self> {
        Self::with_provider(data, alg, super::default_provider())
    }

    /// Wraps key data for use with `alg`, prepared by `provider`.
    pub fn with_provider(
        data: PrivateKeyData,
        alg: Algorithm,
        provider: &dyn CryptoProvider,
    ) -> Result<Self> {
        alg.check_key(data.key_type())?;
        let public = PublicKey::with(data.public()?, provider)?;
        let raw = provider.signer(&data)?;
        let kid = public.thumbprint();
        Ok(Self {
            data,
            alg,
            kid,
            public,
            raw,
        })
    }

    /// Parses a private JWK; `alg` and `kid` come from the JWK when present.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, Jwk, SoftwareKey, Signer};
    /// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519","kid":"k1",
    ///   "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    ///   "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#)?;
    /// let key = SoftwareKey::from_jwk(&jwk)?;
    /// assert_eq!(key.key_id(), Some("k1"));
    /// assert_eq!(key.algorithm(), Algorithm::EdDsa);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_jwk(jwk: &Jwk) -> Result<Self> {
        let data = PrivateKeyData::from_jwk(jwk)?;
        let alg = match &jwk.alg {
            Some(name) => Algorithm::from_jose(name)?,
            None => data.key_type().default_algorithm(),
        };
        let key = Self::from_data(data, alg)?;
        Ok(match &jwk.kid {
            Some(kid) => key.with_kid(kid.clone()),
            None => key,
        })
    }

    /// Parses a PEM private key (PKCS#8, SEC1 or PKCS#1), using the key type's default algorithm.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let data = PrivateKeyData::from_pem(pem)?;
        let alg = data.key_type().default_algorithm();
        Self::from_data(data, alg)
    }

    /// The same key with another key identifier.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = kid.into();
        self
    }

    /// The same key used with another algorithm of its type (e.g. RSA: PS256 → RS256).
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// let key = SoftwareKey::generate(Algorithm::Es256)?;
    /// assert!(key.with_algorithm(Algorithm::EdDsa).is_err());
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn with_algorithm(mut self, alg: Algorithm) -> Result<Self> {
        alg.check_key(self.data.key_type())?;
        self.alg = alg;
        Ok(self)
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The private JWK, with `kid` and `alg` set.
    pub fn to_jwk(&self) -> Result<Jwk> {
        let mut jwk = self.data.to_jwk()?;
        jwk.kid = Some(self.kid.clone());
        jwk.alg = Some(self.alg.jose_name().to_owned());
        Ok(jwk)
    }

    /// The PKCS#8 PEM of the private key.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        self.data.to_pkcs8_pem()
    }
}

impl Signer for SoftwareKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn public_jwk(&self) -> Jwk {
        let mut jwk = self.public.to_jwk();
        jwk.kid = Some(self.kid.clone());
        jwk.alg = Some(self.alg.jose_name().to_owned());
        jwk
    }

    fn key_id(&self) -> Option<&str> {
        Some(&self.kid)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.raw.sign(self.alg, message)
    }
}

impl fmt::Debug for SoftwareKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// Copies `bytes` into an array of exactly `N` bytes.
pub(crate) fn fixed<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N]> {
    bytes
        .try_into()
        .map_err(|_| Error::key(format!("{what} must be {N} bytes, found {}", bytes.len())))
}

fn strip_leading_zeros(mut v: Vec<u8>) -> Vec<u8> {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    v.drain(..zeros);
    v
}

pub(crate) fn rsa_public(n: &[u8], e: &[u8]) -> Result<openssl::rsa::Rsa<openssl::pkey::Public>> {
    let n = openssl::bn::BigNum::from_slice(n).map_err(Error::backend)?;
    let e = openssl::bn::BigNum::from_slice(e).map_err(Error::backend)?;
    openssl::rsa::Rsa::from_public_components(n, e).map_err(Error::backend)
}

pub(crate) fn rsa_private(der: &[u8]) -> Result<openssl::rsa::Rsa<openssl::pkey::Private>> {
    openssl::rsa::Rsa::private_key_from_der(der).map_err(|_| Error::key("malformed RSA private key"))
}

fn rsa_from_jwk(jwk: &Jwk, d: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    use openssl::bn::BigNum;
    let public = |v: &Option<String>, name: &str| -> Result<BigNum> {
        BigNum::from_slice(&b64url_decode(jwk.member(v, name)?)?).map_err(Error::backend)
    };
    let num = |v: &Option<Secret>, name: &str| -> Result<BigNum> {
        let bytes = Zeroizing::new(b64url_decode(secret(v, name)?)?);
        BigNum::from_slice(&bytes).map_err(Error::backend)
    };
    let d = BigNum::from_slice(d).map_err(Error::backend)?;
    let rsa = openssl::rsa::RsaPrivateKeyBuilder::new(public(&jwk.n, "n")?, public(&jwk.e, "e")?, d)
        .map_err(Error::backend)?
        .set_factors(num(&jwk.p, "p")?, num(&jwk.q, "q")?)
        .map_err(Error::backend)?
        .set_crt_params(num(&jwk.dp, "dp")?, num(&jwk.dq, "dq")?, num(&jwk.qi, "qi")?)
        .map_err(Error::backend)?
        .build();
    if !rsa.check_key().unwrap_or(false) {
        return Err(Error::key("RSA private key is inconsistent"));
    }
    Ok(Zeroizing::new(rsa.private_key_to_der().map_err(Error::backend)?))
}

fn secret<'a>(value: &'a Option<Secret>, name: &str) -> Result<&'a str> {
    value
        .as_ref()
        .map(Secret::expose)
        .ok_or_else(|| Error::key(format!("private JWK lacks \"{name}\"")))
}

fn secret_b64(bytes: &[u8]) -> Secret {
    Secret::new(b64url_encode(bytes))
}
