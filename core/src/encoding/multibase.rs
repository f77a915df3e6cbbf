//! Multibase (`z` base58btc, `u` base64url), unsigned-varint multicodec prefixes, and Multikey
//! public keys as `did:key` and Data Integrity verification methods carry them.

use std::fmt;

use crate::crypto::{Jwk, KeyType, PublicKeyData};
use crate::encoding::{b64url_decode, b64url_encode};
use crate::{Error, Result};

/// Largest multibase text accepted, in bytes.
///
/// Base58 decoding is quadratic in the input length; 8 KiB holds any key or signature (an
/// RSA-8192 Multikey is about 1.5 KB) while keeping the worst case to milliseconds.
pub const MAX_MULTIBASE_LEN: usize = 8 * 1024;

/// The multibase encodings inkan reads and writes.
///
/// ```
/// use inkan_core::encoding::Multibase;
/// assert_eq!(Multibase::Base58Btc.prefix(), 'z');
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Multibase {
    /// `z`: base58 with the Bitcoin alphabet (Multikey, `did:key`, Data Integrity proofs).
    Base58Btc,
    /// `u`: unpadded base64url.
    Base64Url,
}

impl Multibase {
    /// The one-character multibase prefix.
    pub fn prefix(self) -> char {
        match self {
            Multibase::Base58Btc => 'z',
            Multibase::Base64Url => 'u',
        }
    }
}

/// Encodes `bytes` with the given multibase prefix.
///
/// ```
/// use inkan_core::encoding::{multibase_encode, Multibase};
/// assert_eq!(multibase_encode(Multibase::Base58Btc, b"hello"), "zCn8eVZg");
/// assert_eq!(multibase_encode(Multibase::Base64Url, b"hello"), "uaGVsbG8");
/// ```
pub fn multibase_encode(base: Multibase, bytes: &[u8]) -> String {
    let body = match base {
        Multibase::Base58Btc => bs58::encode(bytes).into_string(),
        Multibase::Base64Url => b64url_encode(bytes),
    };
    format!("{}{body}", base.prefix())
}

/// Decodes a multibase string, returning the base it used and the bytes.
///
/// Only `z` and `u` are accepted; anything else (other bases, bad characters, padding) is
/// [`Error::BadMultibase`], and text beyond [`MAX_MULTIBASE_LEN`] is [`Error::TooLarge`].
///
/// ```
/// use inkan_core::encoding::{multibase_decode, Multibase};
/// assert_eq!(multibase_decode("zCn8eVZg")?, (Multibase::Base58Btc, b"hello".to_vec()));
/// assert_eq!(multibase_decode("f68656c6c6f").unwrap_err().code(), "encoding.bad_multibase");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn multibase_decode(text: &str) -> Result<(Multibase, Vec<u8>)> {
    if text.len() > MAX_MULTIBASE_LEN {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: MAX_MULTIBASE_LEN,
        });
    }
    let mut chars = text.chars();
    let prefix = chars.next();
    let body = chars.as_str();
    match prefix {
        Some('z') => bs58::decode(body)
            .into_vec()
            .map(|bytes| (Multibase::Base58Btc, bytes))
            .map_err(|e| Error::BadMultibase(format!("base58btc: {e}"))),
        Some('u') => b64url_decode(body)
            .map(|bytes| (Multibase::Base64Url, bytes))
            .map_err(|e| Error::BadMultibase(format!("base64url: {e}"))),
        Some(other) => Err(Error::BadMultibase(format!(
            "unsupported multibase prefix {other:?}"
        ))),
        None => Err(Error::BadMultibase("empty multibase value".into())),
    }
}

/// Longest unsigned varint accepted (the multiformats spec caps them at 9 bytes, 63 bits).
const MAX_VARINT_BYTES: usize = 9;

/// Encodes an unsigned varint (multiformats `unsigned-varint`, LEB128).
///
/// ```
/// use inkan_core::encoding::varint_encode;
/// assert_eq!(varint_encode(0xed), [0xed, 0x01]);
/// assert_eq!(varint_encode(0x1200), [0x80, 0x24]);
/// ```
pub fn varint_encode(mut value: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAX_VARINT_BYTES + 1);
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return out;
        }
        out.push(low | 0x80);
    }
}

/// Decodes an unsigned varint from the start of `bytes`, returning it and the remaining bytes.
///
/// Non-minimal encodings (a trailing `0x00` group), more than 9 bytes and a missing final byte
/// are [`Error::BadMultibase`], as the multiformats spec requires.
///
/// ```
/// use inkan_core::encoding::varint_decode;
/// assert_eq!(varint_decode(&[0xed, 0x01, 0xaa])?, (0xed, &[0xaa][..]));
/// assert!(varint_decode(&[0x80, 0x00]).is_err()); // non-minimal zero
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn varint_decode(bytes: &[u8]) -> Result<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().enumerate().take(MAX_VARINT_BYTES) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if byte == 0 && i > 0 {
                return Err(Error::BadMultibase("varint is not minimally encoded".into()));
            }
            return Ok((value, bytes.get(i + 1..).unwrap_or_default()));
        }
    }
    Err(Error::BadMultibase(if bytes.len() >= MAX_VARINT_BYTES {
        "varint longer than 9 bytes".into()
    } else {
        "truncated varint".into()
    }))
}

/// A multicodec public-key type: the ones inkan uses, and the ones it recognises but refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Codec {
    code: u64,
    name: &'static str,
    /// `None` for known codecs whose keys inkan cannot use.
    key: Option<KeyType>,
}

/// Known public-key multicodecs (multiformats table.csv, tag `key`).
const CODECS: &[Codec] = &[
    codec(0xed, "ed25519-pub", Some(KeyType::Ed25519)),
    codec(0x1200, "p256-pub", Some(KeyType::P256)),
    codec(0x1201, "p384-pub", Some(KeyType::P384)),
    codec(0x1205, "rsa-pub", Some(KeyType::Rsa)),
    codec(0xec, "x25519-pub", None),
    codec(0xe7, "secp256k1-pub", None),
    codec(0x1202, "p521-pub", None),
    codec(0xea, "bls12_381-g1-pub", None),
    codec(0xeb, "bls12_381-g2-pub", None),
    codec(0xee, "bls12_381-g1g2-pub", None),
    codec(0xef, "sr25519-pub", None),
    codec(0x1203, "ed448-pub", None),
    codec(0x1204, "x448-pub", None),
    codec(0xeb51, "jwk_jcs-pub", None),
];

const fn codec(code: u64, name: &'static str, key: Option<KeyType>) -> Codec {
    Codec { code, name, key }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:x})", self.name, self.code)
    }
}

/// The multicodec of each key type inkan can use.
fn code_for(kind: KeyType) -> u64 {
    match kind {
        KeyType::Ed25519 => 0xed,
        KeyType::P256 => 0x1200,
        KeyType::P384 => 0x1201,
        KeyType::Rsa => 0x1205,
    }
}

/// Encodes a public key as a Multikey `publicKeyMultibase` value: `z` + base58btc of the
/// multicodec prefix and the key (EC keys as compressed SEC1 points, RSA as PKCS#1 DER).
///
/// ```
/// use inkan_core::crypto::{Jwk, PublicKeyData};
/// use inkan_core::encoding::multikey_encode;
/// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519",
///   "x":"Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}"#)?;
/// let key = PublicKeyData::from_jwk(&jwk)?;
/// assert_eq!(multikey_encode(&key), "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn multikey_encode(key: &PublicKeyData) -> String {
    let mut bytes = varint_encode(code_for(key.key_type()));
    bytes.extend_from_slice(&key.to_sec1(true));
    multibase_encode(Multibase::Base58Btc, &bytes)
}

/// Decodes a Multikey `publicKeyMultibase` value (base58btc `z` only, as Multikey requires).
///
/// Ed25519, P-256 and P-384 need the exact key lengths of the did:key and Multikey specs (32,
/// 33 and 49 bytes: EC points compressed); RSA (`rsa-pub`) is a PKCS#1 DER `RSAPublicKey`.
/// Known key types inkan cannot use (X25519, secp256k1, P-521, BLS…) are
/// [`Error::UnsupportedAlgorithm`]; undecodable text or an unknown codec is
/// [`Error::BadMultibase`]; key bytes that are not a valid key are [`Error::InvalidKey`].
///
/// ```
/// use inkan_core::crypto::KeyType;
/// use inkan_core::encoding::multikey_decode;
/// let key = multikey_decode("zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")?;
/// assert_eq!(key.key_type(), KeyType::P256);
/// let x25519 = multikey_decode("z6LSeu9HkTHSfLLeUs2nnzUSNedgDUevfNQgQjQC23ZCit6F");
/// assert_eq!(x25519.unwrap_err().code(), "crypto.unsupported_algorithm");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn multikey_decode(text: &str) -> Result<PublicKeyData> {
    let (base, bytes) = multibase_decode(text)?;
    if base != Multibase::Base58Btc {
        return Err(Error::BadMultibase("a Multikey must be base58btc ('z')".into()));
    }
    let (code, key) = varint_decode(&bytes)?;
    let codec = CODECS
        .iter()
        .find(|c| c.code == code)
        .ok_or_else(|| Error::BadMultibase(format!("unknown public-key multicodec 0x{code:x}")))?;
    let kind = codec
        .key
        .ok_or_else(|| Error::UnsupportedAlgorithm(format!("multicodec {codec}")))?;
    match kind {
        KeyType::Rsa => rsa_from_pkcs1(key),
        _ => {
            let expected = key_len(kind);
            if key.len() != expected {
                return Err(Error::InvalidKey(format!(
                    "{codec} key must be {expected} bytes, found {}",
                    key.len()
                )));
            }
            PublicKeyData::from_sec1(kind, key)
        }
    }
}

/// Key lengths the did:key spec fixes for each codec (EC points compressed).
fn key_len(kind: KeyType) -> usize {
    match kind {
        KeyType::Ed25519 => 32,
        KeyType::P256 => 33,
        KeyType::P384 => 49,
        KeyType::Rsa => 0,
    }
}

/// Parses a PKCS#1 `RSAPublicKey`, applying the modulus policy of [`PublicKeyData::from_jwk`].
fn rsa_from_pkcs1(der: &[u8]) -> Result<PublicKeyData> {
    let rsa = openssl::rsa::Rsa::public_key_from_der_pkcs1(der)
        .map_err(|_| Error::InvalidKey("rsa-pub key is not a PKCS#1 RSAPublicKey".into()))?;
    let jwk = Jwk {
        kty: "RSA".into(),
        n: Some(b64url_encode(rsa.n().to_vec())),
        e: Some(b64url_encode(rsa.e().to_vec())),
        ..Jwk::default()
    };
    PublicKeyData::from_jwk(&jwk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{PrivateKeyData, PublicKey};
    use proptest::prelude::*;

    #[test]
    fn every_supported_key_type_round_trips() {
        for kind in [KeyType::Ed25519, KeyType::P256, KeyType::P384, KeyType::Rsa] {
            let key = PrivateKeyData::generate(kind).unwrap().public().unwrap();
            let text = multikey_encode(&key);
            assert_eq!(multikey_decode(&text).unwrap(), key, "{kind}");
        }
    }

    #[test]
    fn uncompressed_points_are_refused() {
        let key = PrivateKeyData::generate(KeyType::P256).unwrap().public().unwrap();
        let mut bytes = varint_encode(0x1200);
        bytes.extend_from_slice(&key.to_sec1(false));
        let err = multikey_decode(&multibase_encode(Multibase::Base58Btc, &bytes)).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidKey(m) if m.contains("33 bytes")),
            "{err}"
        );
    }

    #[test]
    fn prefixes_match_the_spec_examples() {
        // did:key spec: Ed25519 keys start "z6Mk", P-256 "zDn", P-384 "z82".
        for (kind, start) in [
            (KeyType::Ed25519, "z6Mk"),
            (KeyType::P256, "zDn"),
            (KeyType::P384, "z82"),
        ] {
            let key = PrivateKeyData::generate(kind).unwrap().public().unwrap();
            assert!(multikey_encode(&key).starts_with(start), "{kind}");
        }
    }

    #[test]
    fn unknown_and_refused_codecs() {
        let with = |code: u64, len: usize| {
            let mut bytes = varint_encode(code);
            bytes.resize(bytes.len() + len, 2);
            multikey_decode(&multibase_encode(Multibase::Base58Btc, &bytes)).unwrap_err()
        };
        assert_eq!(with(0xe7, 33).code(), "crypto.unsupported_algorithm");
        assert_eq!(with(0x1202, 67).code(), "crypto.unsupported_algorithm");
        assert_eq!(with(0x55, 32).code(), "encoding.bad_multibase");
        assert_eq!(with(0xed, 31).code(), "crypto.invalid_key");
        assert_eq!(with(0x1205, 40).code(), "crypto.invalid_key");
        let b64 = multibase_encode(Multibase::Base64Url, &varint_encode(0xed));
        assert_eq!(
            multikey_decode(&b64).unwrap_err().code(),
            "encoding.bad_multibase"
        );
    }

    #[test]
    fn weak_rsa_keys_are_refused() {
        let rsa = openssl::rsa::Rsa::generate(1024).unwrap();
        let mut bytes = varint_encode(0x1205);
        bytes.extend_from_slice(&rsa.public_key_to_der_pkcs1().unwrap());
        let err = multikey_decode(&multibase_encode(Multibase::Base58Btc, &bytes)).unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
        // A generated key's PublicKey stays usable after decoding.
        let key = PrivateKeyData::generate(KeyType::Ed25519)
            .unwrap()
            .public()
            .unwrap();
        PublicKey::new(multikey_decode(&multikey_encode(&key)).unwrap()).unwrap();
    }

    #[test]
    fn varint_edges() {
        assert_eq!(varint_decode(&[0x00]).unwrap(), (0, &[][..]));
        assert_eq!(varint_decode(&[0x7f]).unwrap().0, 127);
        assert_eq!(varint_decode(&[0x80, 0x01]).unwrap().0, 128);
        assert!(varint_decode(&[]).is_err());
        assert!(varint_decode(&[0x80]).is_err());
        assert!(varint_decode(&[0xff; 10]).is_err());
        let max = varint_encode((1 << 63) - 1);
        assert_eq!(max.len(), 9);
        assert_eq!(varint_decode(&max).unwrap().0, (1 << 63) - 1);
    }

    #[test]
    fn multibase_rejections() {
        assert!(multibase_decode("").is_err());
        assert!(multibase_decode("z0OIl").is_err()); // not in the bitcoin alphabet
        assert!(multibase_decode("uaGVsbG8=").is_err()); // padding
        assert_eq!(multibase_decode("z").unwrap(), (Multibase::Base58Btc, vec![]));
        let long = format!("z{}", "1".repeat(MAX_MULTIBASE_LEN));
        assert_eq!(multibase_decode(&long).unwrap_err().code(), "input.too_large");
    }

    proptest! {
        #[test]
        fn varint_round_trip(value in 0u64..(1 << 63), tail in proptest::collection::vec(any::<u8>(), 0..4)) {
            let mut bytes = varint_encode(value);
            bytes.extend_from_slice(&tail);
            prop_assert_eq!(varint_decode(&bytes).unwrap(), (value, &tail[..]));
        }

        #[test]
        fn multibase_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..256), b58 in any::<bool>()) {
            let base = if b58 { Multibase::Base58Btc } else { Multibase::Base64Url };
            prop_assert_eq!(multibase_decode(&multibase_encode(base, &bytes)).unwrap(), (base, bytes));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[zu]?\\PC{0,80}") {
            let _ = multibase_decode(&text);
            let _ = multikey_decode(&text);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = varint_decode(&bytes);
            let text = multibase_encode(Multibase::Base58Btc, &bytes);
            if let Err(e) = multikey_decode(&text) {
                let code = e.code();
                prop_assert!(
                    ["encoding.bad_multibase", "crypto.invalid_key", "crypto.unsupported_algorithm"].contains(&code),
                    "{}", code
                );
            }
        }
    }
}
