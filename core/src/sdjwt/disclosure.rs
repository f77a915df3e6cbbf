//! Disclosures (RFC 9901 §4.2) and the `_sd_alg` hash functions.

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::encoding::{b64url_decode_into, b64url_encode};
use crate::{Error, Result};

/// A hash function for Disclosure digests and `sd_hash` (`_sd_alg`).
///
/// ```
/// use inkan_core::sdjwt::HashAlg;
/// assert_eq!(HashAlg::from_name("sha-384")?, HashAlg::Sha384);
/// assert_eq!(HashAlg::from_name("md5").unwrap_err().code(), "sdjwt.unknown_hash_alg");
/// // RFC 9901 §5.1: the digest of the given_name Disclosure.
/// let d = "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd";
/// assert_eq!(HashAlg::Sha256.digest_b64(d.as_bytes()), "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlg {
    /// SHA-256, the default when `_sd_alg` is absent.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// The IANA "Named Information Hash Algorithm" name used in `_sd_alg`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha-256",
            HashAlg::Sha384 => "sha-384",
            HashAlg::Sha512 => "sha-512",
        }
    }

    /// Parses an `_sd_alg` value; anything else is [`Error::SdJwtUnknownHashAlg`].
    pub fn from_name(name: &str) -> Result<Self> {
        [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512]
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| Error::SdJwtUnknownHashAlg(name.to_owned()))
    }

    /// The raw digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    /// The base64url digest of `data`, as digests appear in `_sd`, `...` and `sd_hash`.
    pub fn digest_b64(self, data: &[u8]) -> String {
        self.digest_parts_b64(&[data])
    }

    /// [`digest_b64`](Self::digest_b64) of the concatenation of `parts`, without building it.
    pub(super) fn digest_parts_b64(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            b64url_encode(hasher.finalize())
        }
        match self {
            HashAlg::Sha256 => run::<Sha256>(parts),
            HashAlg::Sha384 => run::<Sha384>(parts),
            HashAlg::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// One Disclosure: `[salt, name, value]` for an object property, `[salt, value]` for an array
/// element. The encoded form is kept as received, since digests are taken over it.
///
/// ```
/// use inkan_core::sdjwt::{Disclosure, HashAlg};
/// let d = Disclosure::property("2GLC42sKQveCfGfryNRN9w", "given_name", "John".into());
/// let parsed = Disclosure::parse(d.encoded())?;
/// assert_eq!((parsed.name(), parsed.value()), (Some("given_name"), &serde_json::json!("John")));
/// assert!(Disclosure::parse("bm90IGpzb24").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    encoded: String,
    salt: String,
    name: Option<String>,
    value: Value,
}

impl Disclosure {
    /// A new object-property Disclosure.
    pub fn property(salt: &str, name: &str, value: Value) -> Self {
        let array = Value::Array(vec![salt.into(), name.into(), value.clone()]);
        Self {
            encoded: b64url_encode(array.to_string()),
            salt: salt.to_owned(),
            name: Some(name.to_owned()),
            value,
        }
    }

    /// A new array-element Disclosure.
    pub fn element(salt: &str, value: Value) -> Self {
        let array = Value::Array(vec![salt.into(), value.clone()]);
        Self {
            encoded: b64url_encode(array.to_string()),
            salt: salt.to_owned(),
            name: None,
            value,
        }
    }

    /// Parses an encoded Disclosure; errors are [`Error::SdJwtBadDisclosure`].
    pub fn parse(encoded: &str) -> Result<Self> {
        Self::parse_with(encoded, &mut Vec::new())
    }

    /// [`parse`](Self::parse), decoding the base64url into `buf` (reused across the
    /// Disclosures of one SD-JWT) and the JSON straight into salt, name and value.
    pub(super) fn parse_with(encoded: &str, buf: &mut Vec<u8>) -> Result<Self> {
        let bad = |why: &str| Error::SdJwtBadDisclosure(format!("{why}: {}", shorten(encoded)));
        b64url_decode_into(encoded, buf).map_err(|_| bad("not base64url"))?;
        let Parts(salt, name, value) = serde_json::from_slice(buf).map_err(|e| {
            // The visitor's own messages say what is wrong with the shape; serde_json adds
            // where, which is noise for a Disclosure.
            let msg = e.to_string();
            bad(msg.split(" at line ").next().unwrap_or("not a JSON array"))
        })?;
        Ok(Self {
            encoded: encoded.to_owned(),
            salt,
            name,
            value,
        })
    }

    /// The encoded form (what travels between `~`).
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// The salt.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The claim name (object properties only).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The claim value (may hold further digests).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The digest of the encoded form under `alg`.
    pub fn digest(&self, alg: HashAlg) -> String {
        alg.digest_b64(self.encoded.as_bytes())
    }
}

/// A Disclosure's JSON array read in one pass: `[salt, value]` or `[salt, name, value]`
/// (no intermediate array of values).
struct Parts(String, Option<String>, Value);

impl<'de> Deserialize<'de> for Parts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_seq(PartsVisitor)
    }
}

struct PartsVisitor;

impl<'de> Visitor<'de> for PartsVisitor {
    type Value = Parts;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of two or three elements")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Parts, A::Error> {
        let shape = || <A::Error as de::Error>::custom("not an array of two or three elements");
        let Value::String(salt) = seq.next_element::<Value>()?.ok_or_else(shape)? else {
            return Err(de::Error::custom("salt is not a string"));
        };
        let second = seq.next_element::<Value>()?.ok_or_else(shape)?;
        let Some(value) = seq.next_element::<Value>()? else {
            return Ok(Parts(salt, None, second));
        };
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(shape());
        }
        match second {
            Value::String(name) => Ok(Parts(salt, Some(name), value)),
            _ => Err(de::Error::custom("claim name is not a string")),
        }
    }
}

/// The first characters of a long string, for error messages.
pub(super) fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9901_array_element_disclosure() {
        let d = Disclosure::parse("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0").unwrap();
        assert_eq!(
            (d.salt(), d.name(), d.value()),
            ("lklxF5jMYlGTPUovMNIvCA", None, &Value::from("US"))
        );
        assert_eq!(
            d.digest(HashAlg::Sha256),
            "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo"
        );
    }

    #[test]
    fn bad_shapes_are_typed() {
        for bad in [
            b64url_encode("[]"),
            b64url_encode(r#"["s"]"#),
            b64url_encode(r#"["s", 1, 2]"#),
            b64url_encode(r#"[1, "n", 2]"#),
            b64url_encode(r#"["s", "n", 2, 3]"#),
            b64url_encode("{}"),
            "!!".into(),
        ] {
            assert_eq!(
                Disclosure::parse(&bad).unwrap_err().code(),
                "sdjwt.bad_disclosure"
            );
        }
    }

    #[test]
    fn one_pass_parse_matches_the_generic_json_reading() {
        for json in [
            r#"["s", "n", {"a": [1, 2, {"b": null}]}]"#,
            r#"["s", ["x", {"...": "d"}]]"#,
            r#"["s", "n", "v"]"#,
            r#"["s", 3.5]"#,
            r#"["s", "only a value"]"#,
        ] {
            let d = Disclosure::parse(&b64url_encode(json)).unwrap();
            let Value::Array(mut items) = serde_json::from_str::<Value>(json).unwrap() else {
                unreachable!()
            };
            let value = items.pop().unwrap();
            assert_eq!(d.value(), &value, "{json}");
            assert_eq!(d.salt(), "s");
            assert_eq!(d.name(), items.get(1).and_then(Value::as_str), "{json}");
        }
        // The shape errors keep saying what is wrong, without serde_json's position noise.
        let err = Disclosure::parse(&b64url_encode(r#"[1, "n", 2]"#)).unwrap_err();
        assert!(err.to_string().contains("salt is not a string"), "{err}");
        assert!(!err.to_string().contains("at line"), "{err}");
        let err = Disclosure::parse(&b64url_encode(r#"["s", "n", 2, 3]"#)).unwrap_err();
        assert!(err.to_string().contains("two or three"), "{err}");
    }

    #[test]
    fn hash_lengths() {
        assert_eq!(HashAlg::Sha384.digest(b"").len(), 48);
        assert_eq!(HashAlg::Sha512.digest(b"").len(), 64);
    }
}
