//! JSON Web Encryption (RFC 7516), compact serialization.
//!
//! Key management: ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW (P-256, P-384, X25519) and
//! RSA-OAEP-256; content encryption: A128GCM and A256GCM. Everything else (`dir`, `RSA1_5`,
//! `RSA-OAEP` with SHA-1, PBES2, AES-KW with shared keys, CBC-HMAC, `zip`) is refused with
//! [`Error::UnsupportedAlgorithm`]. The header is checked here; key agreement, key wrapping and
//! AES-GCM run in josekit, whose types never leave this module.
//!
//! Keys are [`Jwk`]s, because X25519 keys agree on secrets but never sign (so they are not a
//! [`crate::crypto::PublicKey`]).
//!
//! ```
//! use inkan_core::crypto::Jwk;
//! use inkan_core::jose::jwe::{self, ContentEncryption, DecryptOptions, EncryptParams, KeyManagement};
//! let private = Jwk::from_json(r#"{"kty":"OKP","crv":"X25519",
//!   "x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08","d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"}"#)?;
//! let params = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm);
//! let token = jwe::encrypt_compact(b"secret", &private.to_public(), &params)?;
//! let out = jwe::decrypt_compact(&token, &private, &DecryptOptions::default())?;
//! assert_eq!(out.plaintext, b"secret");
//! assert_eq!(out.header["enc"], "A128GCM");
//! # Ok::<(), inkan_core::Error>(())
//! ```

use std::fmt;

use josekit::jwe::{JweContext, JweDecrypter, JweEncrypter, JweHeader};
use serde_json::{Map, Value};

use super::{DEFAULT_MAX_LEN, check_len, decode_json_object, decode_part, malformed};
use crate::crypto::Jwk;
use crate::{Error, Result};

/// A key management algorithm (the JWE `alg`).
///
/// ```
/// use inkan_core::jose::jwe::KeyManagement;
/// assert_eq!(KeyManagement::RsaOaep256.jose_name(), "RSA-OAEP-256");
/// assert_eq!(KeyManagement::ALL.len(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyManagement {
    /// ECDH-ES direct key agreement: the derived key is the content key.
    EcdhEs,
    /// ECDH-ES, then AES-128 key wrap of a random content key.
    EcdhEsA128Kw,
    /// ECDH-ES, then AES-256 key wrap of a random content key.
    EcdhEsA256Kw,
    /// RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
}

impl KeyManagement {
    /// Every supported key management algorithm.
    pub const ALL: [KeyManagement; 4] = [
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
        KeyManagement::RsaOaep256,
    ];

    /// The JOSE `alg` name.
    pub fn jose_name(self) -> &'static str {
        match self {
            KeyManagement::EcdhEs => "ECDH-ES",
            KeyManagement::EcdhEsA128Kw => "ECDH-ES+A128KW",
            KeyManagement::EcdhEsA256Kw => "ECDH-ES+A256KW",
            KeyManagement::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// Parses a JOSE `alg` name; anything unsupported is [`Error::UnsupportedAlgorithm`].
    ///
    /// ```
    /// use inkan_core::jose::jwe::KeyManagement;
    /// assert_eq!(KeyManagement::from_jose("ECDH-ES+A256KW")?, KeyManagement::EcdhEsA256Kw);
    /// assert_eq!(KeyManagement::from_jose("RSA1_5").unwrap_err().code(), "crypto.unsupported_algorithm");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_jose(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.jose_name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("JWE alg {name}")))
    }

    fn is_ecdh(self) -> bool {
        self != KeyManagement::RsaOaep256
    }

    /// Whether a JWK may be used with this algorithm.
    fn check_key(self, jwk: &Jwk) -> Result<()> {
        let fits = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("EC", Some("P-256" | "P-384")) | ("OKP", Some("X25519")) => self.is_ecdh(),
            ("RSA", _) => !self.is_ecdh(),
            _ => false,
        };
        if !fits {
            return Err(Error::AlgorithmKeyMismatch {
                alg: self.jose_name().to_owned(),
                key: format!("{} {}", jwk.kty, jwk.crv.as_deref().unwrap_or(""))
                    .trim_end()
                    .to_owned(),
            });
        }
        match jwk.alg.as_deref() {
            Some(alg) if alg != self.jose_name() => Err(Error::AlgorithmKeyMismatch {
                alg: self.jose_name().to_owned(),
                key: format!("key restricted to {alg}"),
            }),
            _ if jwk.use_.as_deref().is_some_and(|u| u != "enc") => {
                Err(Error::key("the key's \"use\" is not \"enc\""))
            }
            _ => Ok(()),
        }
    }

    fn decrypter(
        self,
        jwk: &josekit::jwk::Jwk,
    ) -> std::result::Result<Box<dyn JweDecrypter>, josekit::JoseError> {
        use josekit::jwe::{ECDH_ES, ECDH_ES_A128KW, ECDH_ES_A256KW, RSA_OAEP_256};
        Ok(match self {
            KeyManagement::EcdhEs => Box::new(ECDH_ES.decrypter_from_jwk(jwk)?),
            KeyManagement::EcdhEsA128Kw => Box::new(ECDH_ES_A128KW.decrypter_from_jwk(jwk)?),
            KeyManagement::EcdhEsA256Kw => Box::new(ECDH_ES_A256KW.decrypter_from_jwk(jwk)?),
            KeyManagement::RsaOaep256 => Box::new(RSA_OAEP_256.decrypter_from_jwk(jwk)?),
        })
    }
}

impl fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// A content encryption algorithm (the JWE `enc`).
///
/// ```
/// use inkan_core::jose::jwe::ContentEncryption;
/// assert_eq!(ContentEncryption::A128Gcm.to_string(), "A128GCM");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentEncryption {
    /// AES-128 in GCM mode.
    A128Gcm,
    /// AES-256 in GCM mode.
    A256Gcm,
}

impl ContentEncryption {
    /// Every supported content encryption algorithm.
    pub const ALL: [ContentEncryption; 2] = [ContentEncryption::A128Gcm, ContentEncryption::A256Gcm];

    /// The JOSE `enc` name.
    pub fn jose_name(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
        }
    }

    /// Parses a JOSE `enc` name; anything unsupported is [`Error::UnsupportedAlgorithm`].
    ///
    /// ```
    /// use inkan_core::jose::jwe::ContentEncryption;
    /// assert_eq!(ContentEncryption::from_jose("A256GCM")?, ContentEncryption::A256Gcm);
    /// assert!(ContentEncryption::from_jose("A128CBC-HS256").is_err());
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_jose(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.jose_name() == name)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("JWE enc {name}")))
    }
}

impl fmt::Display for ContentEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// Header members the JWE machinery owns; callers may not set them through `extra`.
const RESERVED: [&str; 9] = ["alg", "enc", "zip", "epk", "apu", "apv", "crit", "iv", "tag"];

/// What to encrypt with, and the protected header members to add.
///
/// ```
/// use inkan_core::jose::jwe::{ContentEncryption, EncryptParams, KeyManagement};
/// let p = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A256Gcm)
///     .with_apu(b"wallet-nonce").with_apv(b"verifier-nonce");
/// assert_eq!(p.apv.as_deref(), Some(&b"verifier-nonce"[..]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EncryptParams {
    /// Key management algorithm.
    pub alg: KeyManagement,
    /// Content encryption algorithm.
    pub enc: ContentEncryption,
    /// Agreement PartyUInfo (ECDH-ES only), raw bytes; written to the header as base64url.
    pub apu: Option<Vec<u8>>,
    /// Agreement PartyVInfo (ECDH-ES only), raw bytes; written to the header as base64url.
    pub apv: Option<Vec<u8>>,
    /// `kid`; defaults to the recipient key's `kid`.
    pub kid: Option<String>,
    /// `typ`.
    pub typ: Option<String>,
    /// `cty` (e.g. `JWT` for a nested token).
    pub cty: Option<String>,
    /// Other protected header members.
    pub extra: Map<String, Value>,
}

impl EncryptParams {
    /// Parameters with only the two algorithms set.
    pub fn new(alg: KeyManagement, enc: ContentEncryption) -> Self {
        Self {
            alg,
            enc,
            apu: None,
            apv: None,
            kid: None,
            typ: None,
            cty: None,
            extra: Map::new(),
        }
    }

    /// Sets `apu`.
    pub fn with_apu(mut self, apu: impl Into<Vec<u8>>) -> Self {
        self.apu = Some(apu.into());
        self
    }

    /// Sets `apv`.
    pub fn with_apv(mut self, apv: impl Into<Vec<u8>>) -> Self {
        self.apv = Some(apv.into());
        self
    }

    fn header(&self, recipient: &Jwk) -> Result<JweHeader> {
        if let Some(name) = self.extra.keys().find(|k| RESERVED.contains(&k.as_str())) {
            return Err(malformed(format!(
                "JWE header member {name:?} is set by the encrypter"
            )));
        }
        let mut map = Map::new();
        let kid = self.kid.as_ref().or(recipient.kid.as_ref());
        for (name, value) in [
            ("kid", kid),
            ("typ", self.typ.as_ref()),
            ("cty", self.cty.as_ref()),
        ] {
            if let Some(v) = value {
                map.insert(name.into(), Value::String(v.clone()));
            }
        }
        map.extend(self.extra.clone());
        let mut header = JweHeader::from_map(map).map_err(|e| malformed(e.to_string()))?;
        header.set_content_encryption(self.enc.jose_name());
        Ok(header)
    }
}

/// What a decrypter accepts.
///
/// ```
/// use inkan_core::jose::jwe::{ContentEncryption, DecryptOptions, KeyManagement};
/// // OpenID4VP direct_post.jwt: ECDH-ES only.
/// let opts = DecryptOptions { algorithms: vec![KeyManagement::EcdhEs], ..DecryptOptions::default() };
/// assert_eq!(opts.encryptions, ContentEncryption::ALL);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptOptions {
    /// Key management algorithms accepted (default: all of [`KeyManagement::ALL`]).
    pub algorithms: Vec<KeyManagement>,
    /// Content encryption algorithms accepted (default: all of [`ContentEncryption::ALL`]).
    pub encryptions: Vec<ContentEncryption>,
    /// Largest input accepted, in bytes (default [`DEFAULT_MAX_LEN`]).
    pub max_len: usize,
}

impl Default for DecryptOptions {
    fn default() -> Self {
        Self {
            algorithms: KeyManagement::ALL.to_vec(),
            encryptions: ContentEncryption::ALL.to_vec(),
            max_len: DEFAULT_MAX_LEN,
        }
    }
}

/// A decrypted JWE.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::jwe::{self, ContentEncryption, DecryptOptions, EncryptParams, KeyManagement};
/// let mut key = SoftwareKey::generate(Algorithm::Es256)?.to_jwk()?;
/// key.alg = None; // a signing key's alg; this copy is used for ECDH
/// let params = EncryptParams::new(KeyManagement::EcdhEsA256Kw, ContentEncryption::A256Gcm);
/// let out = jwe::decrypt_compact(&jwe::encrypt_compact(b"m", &key.to_public(), &params)?, &key, &DecryptOptions::default())?;
/// assert_eq!((out.alg, out.enc, out.header["kid"].as_str()), (params.alg, params.enc, key.kid.as_deref()));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Decrypted {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The key management algorithm used.
    pub alg: KeyManagement,
    /// The content encryption algorithm used.
    pub enc: ContentEncryption,
    /// The plaintext.
    pub plaintext: Vec<u8>,
}

/// Encrypts `plaintext` to the public key `recipient` in compact serialization.
///
/// Errors: [`Error::AlgorithmKeyMismatch`] if the key does not fit `params.alg` (or its JWK
/// `alg` names another), [`Error::InvalidKey`], [`Error::JoseMalformed`] for a reserved header
/// member in `params.extra` or `apu`/`apv` without ECDH-ES.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::jwe::{self, ContentEncryption, EncryptParams, KeyManagement};
/// let signing_key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let params = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm);
/// let err = jwe::encrypt_compact(b"x", &signing_key.public_key().to_jwk(), &params).unwrap_err();
/// assert_eq!(err.code(), "crypto.alg_key_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn encrypt_compact(plaintext: &[u8], recipient: &Jwk, params: &EncryptParams) -> Result<String> {
    params.alg.check_key(recipient)?;
    let header = params.header(recipient)?;
    let encrypter = encrypter(recipient, params)?;
    JweContext::new()
        .serialize_compact(plaintext, &header, encrypter.as_ref())
        .map_err(Error::backend)
}

fn encrypter(recipient: &Jwk, params: &EncryptParams) -> Result<Box<dyn JweEncrypter>> {
    use josekit::jwe::alg::ecdh_es::EcdhEsJweAlgorithm as Ecdh;
    let jwk = josekit_jwk(recipient, false)?;
    let bad_key = |e: josekit::JoseError| Error::key(e.to_string());
    let ecdh = match params.alg {
        KeyManagement::EcdhEs => Ecdh::EcdhEs,
        KeyManagement::EcdhEsA128Kw => Ecdh::EcdhEsA128kw,
        KeyManagement::EcdhEsA256Kw => Ecdh::EcdhEsA256kw,
        KeyManagement::RsaOaep256 => {
            if params.apu.is_some() || params.apv.is_some() {
                return Err(malformed("apu/apv are only defined for ECDH-ES"));
            }
            let rsa = josekit::jwe::RSA_OAEP_256
                .encrypter_from_jwk(&jwk)
                .map_err(bad_key)?;
            return Ok(Box::new(rsa));
        }
    };
    let mut encrypter = ecdh.encrypter_from_jwk(&jwk).map_err(bad_key)?;
    if let Some(apu) = &params.apu {
        encrypter.set_agreement_partyuinfo(apu.clone());
    }
    if let Some(apv) = &params.apv {
        encrypter.set_agreement_partyvinfo(apv.clone());
    }
    Ok(Box::new(encrypter))
}

/// Decrypts a compact JWE with the private key `key`.
///
/// Errors: [`Error::TooLarge`], [`Error::JoseMalformed`] (shape, header, IV/tag sizes, `crit`),
/// [`Error::UnsupportedAlgorithm`] (an `alg`/`enc` not supported or not allowed, `zip`),
/// [`Error::AlgorithmKeyMismatch`], [`Error::InvalidKey`] (not a private key), and
/// [`Error::DecryptionFailed`] for a wrong key or tampered data.
///
/// ```
/// use inkan_core::crypto::Jwk;
/// use inkan_core::jose::jwe::{self, DecryptOptions};
/// let key = Jwk::from_json(r#"{"kty":"OKP","crv":"X25519",
///   "x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08","d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"}"#)?;
/// let dir = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA";
/// let err = jwe::decrypt_compact(dir, &key, &DecryptOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "crypto.unsupported_algorithm");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn decrypt_compact(token: &str, key: &Jwk, opts: &DecryptOptions) -> Result<Decrypted> {
    check_len(token.len(), opts.max_len)?;
    let parts = CompactParts::split(token)?;
    let header = decode_json_object(parts.header, "JWE header")?;
    let (alg, enc) = check_header(&header, opts)?;
    parts.check(alg)?;
    alg.check_key(key)?;
    if !key.is_private() {
        return Err(Error::key("decryption needs a private key"));
    }
    if alg.is_ecdh() {
        check_epk(&header, key)?;
    }
    let decrypter = alg
        .decrypter(&josekit_jwk(key, true)?)
        .map_err(|e| Error::key(e.to_string()))?;
    // From here on every failure means "wrong key or tampered data"; the reason is not reported
    // (no padding-oracle style distinctions).
    let (plaintext, _) = context()
        .deserialize_compact(token, decrypter.as_ref())
        .map_err(|_| Error::DecryptionFailed)?;
    Ok(Decrypted {
        header,
        alg,
        enc,
        plaintext,
    })
}

/// A JWE context that knows no compression (inflating attacker data is a bomb risk).
fn context() -> JweContext {
    let mut ctx = JweContext::new();
    ctx.remove_compression("DEF");
    ctx
}

/// The header's algorithms, if supported and allowed; `zip` and `crit` are refused.
fn check_header(
    header: &Map<String, Value>,
    opts: &DecryptOptions,
) -> Result<(KeyManagement, ContentEncryption)> {
    let text = |name: &str| match header.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err(malformed(format!("JWE {name} must be a string"))),
        None => Err(malformed(format!("JWE header lacks {name}"))),
    };
    let alg = KeyManagement::from_jose(text("alg")?)?;
    let enc = ContentEncryption::from_jose(text("enc")?)?;
    if !opts.algorithms.contains(&alg) || !opts.encryptions.contains(&enc) {
        return Err(Error::UnsupportedAlgorithm(format!(
            "{alg}/{enc} is not allowed here"
        )));
    }
    if header.contains_key("zip") {
        return Err(Error::UnsupportedAlgorithm("JWE compression (zip)".into()));
    }
    if header.contains_key("crit") {
        return Err(malformed(
            "JWE crit names no extension this decrypter understands",
        ));
    }
    Ok((alg, enc))
}

/// The ephemeral key must be a public key on the recipient's curve.
fn check_epk(header: &Map<String, Value>, key: &Jwk) -> Result<()> {
    let epk = header
        .get("epk")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("ECDH-ES header lacks epk"))?;
    let member = |name: &str| epk.get(name).and_then(Value::as_str);
    if member("kty") != Some(key.kty.as_str()) || member("crv") != key.crv.as_deref() {
        return Err(malformed("epk is not on the recipient key's curve"));
    }
    if epk.contains_key("d") {
        return Err(malformed("epk carries a private key"));
    }
    Ok(())
}

/// The five parts of a compact JWE.
struct CompactParts<'a> {
    header: &'a str,
    encrypted_key: &'a str,
    iv: &'a str,
    ciphertext: &'a str,
    tag: &'a str,
}

impl<'a> CompactParts<'a> {
    fn split(token: &'a str) -> Result<Self> {
        let parts: Vec<&str> = token.splitn(6, '.').collect();
        let [header, encrypted_key, iv, ciphertext, tag] = parts[..] else {
            return Err(malformed("compact JWE must have five parts"));
        };
        Ok(Self {
            header,
            encrypted_key,
            iv,
            ciphertext,
            tag,
        })
    }

    /// Checks the parts' encoding and sizes for `alg` with AES-GCM (run once the header's
    /// algorithms are known to be supported, so unsupported modes are reported as such).
    fn check(&self, alg: KeyManagement) -> Result<()> {
        let iv = decode_part(self.iv, "JWE IV")?;
        let tag = decode_part(self.tag, "JWE tag")?;
        decode_part(self.ciphertext, "JWE ciphertext")?;
        // AES-GCM as JWE uses it (RFC 7518 §5.3): 96-bit IV, 128-bit tag.
        if iv.len() != 12 || tag.len() != 16 {
            return Err(malformed("JWE IV must be 12 bytes and tag 16 bytes"));
        }
        // Direct agreement carries no encrypted key; every other mode must.
        let no_key = decode_part(self.encrypted_key, "JWE encrypted key")?.is_empty();
        match (alg, no_key) {
            (KeyManagement::EcdhEs, false) => Err(malformed("ECDH-ES JWE must have an empty encrypted key")),
            (KeyManagement::EcdhEs, true) | (_, false) => Ok(()),
            (_, true) => Err(malformed(format!("{alg} JWE lacks its encrypted key"))),
        }
    }
}

/// josekit's JWK holding only the key material (so its own `alg`/`use`/`kid` rules do not apply;
/// ours ran in [`KeyManagement::check_key`]).
fn josekit_jwk(jwk: &Jwk, private: bool) -> Result<josekit::jwk::Jwk> {
    let mut map = Map::new();
    map.insert("kty".into(), Value::String(jwk.kty.clone()));
    let public = [
        ("crv", &jwk.crv),
        ("x", &jwk.x),
        ("y", &jwk.y),
        ("n", &jwk.n),
        ("e", &jwk.e),
    ];
    for (name, value) in public {
        if let Some(v) = value {
            map.insert(name.into(), Value::String(v.clone()));
        }
    }
    if private {
        let secret = [
            ("d", &jwk.d),
            ("p", &jwk.p),
            ("q", &jwk.q),
            ("dp", &jwk.dp),
            ("dq", &jwk.dq),
            ("qi", &jwk.qi),
        ];
        for (name, value) in secret {
            if let Some(v) = value {
                // josekit keeps its own copy; it does not wipe it (it lives only for this call).
                map.insert(name.into(), Value::String(v.expose().to_owned()));
            }
        }
    }
    josekit::jwk::Jwk::from_map(map).map_err(|e| Error::key(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::b64url_encode;
    use proptest::prelude::*;

    fn ec_key(crv: josekit::jwk::alg::ec::EcCurve) -> Jwk {
        let k = josekit::jwk::Jwk::generate_ec_key(crv).unwrap();
        Jwk::from_json(&k.to_string()).unwrap()
    }

    fn x25519() -> Jwk {
        let k = josekit::jwk::Jwk::generate_ecx_key(josekit::jwk::alg::ecx::EcxCurve::X25519).unwrap();
        Jwk::from_json(&k.to_string()).unwrap()
    }

    fn rsa() -> Jwk {
        let k = josekit::jwk::Jwk::generate_rsa_key(2048).unwrap();
        Jwk::from_json(&k.to_string()).unwrap()
    }

    fn p256() -> Jwk {
        ec_key(josekit::jwk::alg::ec::EcCurve::P256)
    }

    fn code<T>(r: Result<T>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn round_trip_every_supported_pair() {
        use josekit::jwk::alg::ec::EcCurve;
        let opts = DecryptOptions::default();
        let rsa = rsa();
        let ec = [p256(), ec_key(EcCurve::P384), x25519()];
        for alg in KeyManagement::ALL {
            let keys: Vec<&Jwk> = if alg.is_ecdh() {
                ec.iter().collect()
            } else {
                vec![&rsa]
            };
            for key in keys {
                for enc in ContentEncryption::ALL {
                    let params = EncryptParams::new(alg, enc);
                    let token = encrypt_compact(b"msg", &key.to_public(), &params).unwrap();
                    let out = decrypt_compact(&token, key, &opts).unwrap();
                    assert_eq!(
                        (out.plaintext.as_slice(), out.alg, out.enc),
                        (&b"msg"[..], alg, enc)
                    );
                }
            }
        }
    }

    #[test]
    fn apu_apv_and_header_members() {
        let key = p256();
        let mut params = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A256Gcm)
            .with_apu(b"u".to_vec())
            .with_apv(b"v".to_vec());
        params.kid = Some("k".into());
        params.typ = Some("oauth-authz-req+jwt".into());
        params.extra.insert("x".into(), 1.into());
        let token = encrypt_compact(b"m", &key.to_public(), &params).unwrap();
        let out = decrypt_compact(&token, &key, &DecryptOptions::default()).unwrap();
        assert_eq!(out.header["apu"], b64url_encode("u"));
        assert_eq!(out.header["apv"], b64url_encode("v"));
        assert_eq!(
            (out.header["kid"].as_str(), out.header["x"].as_i64()),
            (Some("k"), Some(1))
        );
        params.extra.insert("zip".into(), "DEF".into());
        assert_eq!(
            code(encrypt_compact(b"m", &key.to_public(), &params)),
            "jose.malformed"
        );
        let rsa =
            EncryptParams::new(KeyManagement::RsaOaep256, ContentEncryption::A128Gcm).with_apu(b"u".to_vec());
        assert_eq!(
            code(encrypt_compact(b"m", &self::rsa().to_public(), &rsa)),
            "jose.malformed"
        );
    }

    #[test]
    fn wrong_key_and_tampering_fail_to_decrypt() {
        let key = p256();
        let params = EncryptParams::new(KeyManagement::EcdhEsA128Kw, ContentEncryption::A128Gcm);
        let token = encrypt_compact(b"secret", &key.to_public(), &params).unwrap();
        let opts = DecryptOptions::default();
        assert_eq!(
            code(decrypt_compact(&token, &p256(), &opts)),
            "crypto.decryption_failed"
        );
        let parts: Vec<&str> = token.split('.').collect();
        for i in 1..5 {
            let mut bytes = crate::encoding::b64url_decode(parts[i]).unwrap();
            bytes[0] ^= 1;
            let mut t = parts.clone();
            let flipped = b64url_encode(&bytes);
            t[i] = &flipped;
            assert_eq!(
                code(decrypt_compact(&t.join("."), &key, &opts)),
                "crypto.decryption_failed",
                "part {i}"
            );
        }
    }

    #[test]
    fn refusals() {
        let key = p256();
        let opts = DecryptOptions::default();
        let token = encrypt_compact(
            b"m",
            &key.to_public(),
            &EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm),
        )
        .unwrap();
        let rest = token.split_once('.').unwrap().1;
        let with = |h: &str| format!("{}.{rest}", b64url_encode(h));
        for (header, want) in [
            (r#"{"alg":"dir","enc":"A128GCM"}"#, "crypto.unsupported_algorithm"),
            (
                r#"{"alg":"RSA-OAEP","enc":"A128GCM"}"#,
                "crypto.unsupported_algorithm",
            ),
            (
                r#"{"alg":"ECDH-ES","enc":"A128CBC-HS256"}"#,
                "crypto.unsupported_algorithm",
            ),
            (
                r#"{"alg":"ECDH-ES","enc":"A128GCM","zip":"DEF"}"#,
                "crypto.unsupported_algorithm",
            ),
            (
                r#"{"alg":"ECDH-ES","enc":"A128GCM","crit":["x"],"x":1}"#,
                "jose.malformed",
            ),
            (r#"{"alg":"ECDH-ES","enc":"A128GCM"}"#, "jose.malformed"),
            (
                r#"{"alg":"ECDH-ES","enc":"A128GCM","epk":{"kty":"OKP","crv":"X25519","x":"AA"}}"#,
                "jose.malformed",
            ),
            (r#"{"alg":"RSA-OAEP-256","enc":"A128GCM"}"#, "jose.malformed"),
            (r#"{"alg":5,"enc":"A128GCM"}"#, "jose.malformed"),
            (r#"{"enc":"A128GCM"}"#, "jose.malformed"),
        ] {
            assert_eq!(
                code(decrypt_compact(&with(header), &key, &opts)),
                want,
                "{header}"
            );
        }
        assert_eq!(
            code(decrypt_compact(&token, &rsa(), &opts)),
            "crypto.alg_key_mismatch"
        );
        assert_eq!(
            code(decrypt_compact(&token, &key.to_public(), &opts)),
            "crypto.invalid_key"
        );
        let only_kw = DecryptOptions {
            algorithms: vec![KeyManagement::EcdhEsA256Kw],
            ..opts.clone()
        };
        assert_eq!(
            code(decrypt_compact(&token, &key, &only_kw)),
            "crypto.unsupported_algorithm"
        );
        let small = DecryptOptions {
            max_len: 10,
            ..opts.clone()
        };
        assert_eq!(code(decrypt_compact(&token, &key, &small)), "input.too_large");
        let mut sig_key = key.clone();
        sig_key.use_ = Some("sig".into());
        let params = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm);
        assert_eq!(
            code(encrypt_compact(b"m", &sig_key.to_public(), &params)),
            "crypto.invalid_key"
        );
        let mut pinned = key.to_public();
        pinned.alg = Some("ECDH-ES+A256KW".into());
        assert_eq!(
            code(encrypt_compact(b"m", &pinned, &params)),
            "crypto.alg_key_mismatch"
        );
    }

    #[test]
    fn shape_errors() {
        let key = p256();
        let opts = DecryptOptions::default();
        for bad in ["", "a.b.c.d", "a.b.c.d.e.f", "e30....", "!!....", "W10...."] {
            assert_eq!(code(decrypt_compact(bad, &key, &opts)), "jose.malformed", "{bad}");
        }
        // A valid token with one part resized or re-encoded.
        let params = EncryptParams::new(KeyManagement::EcdhEsA128Kw, ContentEncryption::A128Gcm);
        let token = encrypt_compact(b"m", &key.to_public(), &params).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let with = |i: usize, part: &str| {
            let mut p = parts.clone();
            p[i] = part;
            p.join(".")
        };
        for (i, part) in [(1, ""), (2, "AAAA"), (3, "!"), (4, "AAAA"), (2, "")] {
            assert_eq!(
                code(decrypt_compact(&with(i, part), &key, &opts)),
                "jose.malformed",
                "{i} {part}"
            );
        }
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(s in ".{0,300}") {
            let _ = decrypt_compact(&s, &p256(), &DecryptOptions::default());
        }

        #[test]
        fn arbitrary_parts_never_panic(parts in proptest::collection::vec("[A-Za-z0-9_-]{0,30}", 5)) {
            let mut parts = parts;
            parts[0] = b64url_encode(r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","epk":{"kty":"EC","crv":"P-256"}}"#);
            let _ = decrypt_compact(&parts.join("."), &p256(), &DecryptOptions::default());
        }
    }
}
