//! ISO/IEC 18013-5 mdoc (`mso_mdoc`): mobile driving licences, the EU PID, wallet documents.
//!
//! - [`IssuerSignedItem`], [`IssuerSigned`] (name spaces + `issuerAuth`), [`Mso`] (the Mobile
//!   Security Object the issuer signs), [`DeviceKeyInfo`], [`ValidityInfo`].
//! - [`DeviceResponse`], [`Document`], [`DeviceSigned`], [`DeviceAuth`] (COSE_Sign1 or
//!   COSE_Mac0), [`DeviceRequest`], [`ItemsRequest`].
//! - [`SessionTranscript`] and its handovers (OpenID4VP 1.0 Appendix B, ISO 18013-7 Annex B),
//!   [`device_authentication_bytes`], and the `EMacKey` derivation ([`emac_key`]).
//! - [`Iso18013Profile`]: the IACA / document-signer certificate profile for core's chain
//!   validator.
//!
//! Decoding keeps the bytes every digest and signature covers: the embedded CBOR of each
//! `#6.24(bstr)` (IssuerSignedItem, MSO, DeviceNameSpaces, ItemsRequest) is stored as received
//! and only *its wrapper* — the two-byte tag head and the bstr length head — is written again
//! when a digest input is formed, in the preferred (shortest) form RFC 8949 §4.2 and 18013-5 §8.1
//! require. The MSO is verified over the COSE payload exactly as received; the session
//! transcript enters `DeviceAuthentication` as the caller's bytes.
//!
//! ```
//! use inkan_core::mdoc::{DigestAlgorithm, IssuerSignedItem};
//! let item = IssuerSignedItem::new(7, vec![1; 16], "family_name", "Doe".into());
//! let tagged = item.to_tagged()?;
//! assert_eq!(tagged.value().element_identifier, "family_name");
//! assert_eq!(DigestAlgorithm::Sha256.digest(tagged.tagged_bytes().as_slice()).len(), 32);
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod device;
mod issuer_signed;
mod json;
mod profile;
mod transcript;
mod verify;

use ciborium::Value;
use sha2::Digest;

pub use device::{
    DeviceAuth, DeviceNameSpaces, DeviceRequest, DeviceResponse, DeviceSigned, DocRequest, Document,
    ItemsRequest,
};
pub use issuer_signed::{
    DeviceKeyInfo, IssuerSigned, IssuerSignedItem, KeyAuthorizations, Mso, MsoBuilder, NameSpaces,
    ValidityInfo, cose_key_from_public, public_from_cose_key,
};
pub use json::{cbor_to_json, json_to_cbor};
pub use profile::{EXT_KEY_USAGE_MDL_DS, Iso18013Profile};
pub use transcript::{
    SessionTranscript, device_authentication_bytes, ecdh_shared_secret, emac_key, oid4vp_dc_api_handover,
    oid4vp_handover, oid4vp_iso18013_7_handover, reader_authentication_bytes,
};
pub use verify::{
    check_device_signed_authorized, check_doc_type, check_requested, verify_device_auth, verify_digests,
};

use crate::cose::cbor::{self, CborLimits};
use crate::{Error, Result};

/// CBOR tag of embedded CBOR (`#6.24(bstr .cbor T)`).
pub const TAG_ENCODED_CBOR: u64 = 24;
/// CBOR tag of an RFC 3339 date-time (`tdate`).
pub const TAG_TDATE: u64 = 0;
/// CBOR tag of an RFC 8943 `full-date` string.
pub const TAG_FULL_DATE: u64 = 1004;

/// The mDL docType.
pub const DOCTYPE_MDL: &str = "org.iso.18013.5.1.mDL";
/// The mDL namespace.
pub const NAMESPACE_MDL: &str = "org.iso.18013.5.1";
/// The EU PID docType (and its namespace, which has the same name).
pub const DOCTYPE_EU_PID: &str = "eu.europa.ec.eudi.pid.1";
/// inkan's national ID docType (namespace of the same name).
pub const DOCTYPE_INKAN_NATIONAL_ID: &str = "org.inkan.national_id.1";

/// Caps while decoding embedded CBOR: the default size cap, and a depth that fits every 18013-5
/// structure (element values such as `driving_privileges` nest a few levels more).
pub const LIMITS: CborLimits = CborLimits {
    max_depth: 24,
    max_size: CborLimits::DEFAULT_MAX_SIZE,
};

/// Most documents in one DeviceResponse / DeviceRequest.
pub const MAX_DOCUMENTS: usize = 16;
/// Most elements in one namespace (of an MSO, a response or a request).
pub const MAX_ELEMENTS: usize = 1024;
/// Most namespaces in one document.
pub const MAX_NAMESPACES: usize = 64;

/// The MSO's digest algorithm.
///
/// ```
/// use inkan_core::mdoc::DigestAlgorithm;
/// assert_eq!(DigestAlgorithm::from_name("SHA-384")?, DigestAlgorithm::Sha384);
/// assert_eq!(DigestAlgorithm::from_name("MD5").unwrap_err().code(), "mdoc.unsupported_digest");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DigestAlgorithm {
    /// `SHA-256`.
    #[default]
    Sha256,
    /// `SHA-384`.
    Sha384,
    /// `SHA-512`.
    Sha512,
}

impl DigestAlgorithm {
    /// The name the MSO carries.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Parses the MSO's `digestAlgorithm`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "SHA-256" => Ok(DigestAlgorithm::Sha256),
            "SHA-384" => Ok(DigestAlgorithm::Sha384),
            "SHA-512" => Ok(DigestAlgorithm::Sha512),
            other => Err(Error::MdocUnsupportedDigest(other.to_owned())),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        self.digest_parts(&[data])
    }

    /// The digest of the concatenation of `parts`, without building it.
    fn digest_parts(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            DigestAlgorithm::Sha256 => run::<sha2::Sha256>(parts),
            DigestAlgorithm::Sha384 => run::<sha2::Sha384>(parts),
            DigestAlgorithm::Sha512 => run::<sha2::Sha512>(parts),
        }
    }
}

/// A `#6.24(bstr .cbor T)`: the embedded bytes exactly as received (or as built) and their
/// parsed value.
///
/// ```
/// use inkan_core::mdoc::Tagged;
/// use ciborium::Value;
/// let t = Tagged::<Value>::from_value(Value::Tag(24, Box::new(Value::Bytes(vec![0x01]))), Ok)?;
/// assert_eq!(t.bytes(), [0x01]);
/// assert_eq!(t.tagged_bytes(), [0xd8, 0x18, 0x41, 0x01]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged<T> {
    bytes: Vec<u8>,
    value: T,
}

impl<T> Tagged<T> {
    /// Decodes a `#6.24(bstr)` value, parsing the embedded CBOR with `parse`.
    pub fn from_value(value: Value, parse: impl FnOnce(Value) -> Result<T>) -> Result<Self> {
        let Value::Tag(TAG_ENCODED_CBOR, inner) = value else {
            return Err(malformed("expected embedded CBOR (tag 24)"));
        };
        let Value::Bytes(bytes) = *inner else {
            return Err(malformed("tag 24 must wrap a bstr"));
        };
        let value = parse(cbor::decode(&bytes, &LIMITS)?)?;
        Ok(Self { bytes, value })
    }

    /// Pairs a value with the bytes it was encoded to.
    pub(crate) fn new(bytes: Vec<u8>, value: T) -> Self {
        Self { bytes, value }
    }

    /// The embedded CBOR bytes (the bstr's content).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The parsed value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The whole `#6.24(bstr)` item: what 18013-5 digests and signs.
    pub fn tagged_bytes(&self) -> Vec<u8> {
        tag24(&self.bytes)
    }

    /// The digest of [`tagged_bytes`](Self::tagged_bytes) under `alg`, without building them
    /// (the two heads are hashed, then the embedded bytes as held).
    ///
    /// ```
    /// use inkan_core::mdoc::{DigestAlgorithm, IssuerSignedItem};
    /// let item = IssuerSignedItem::new(7, vec![1; 16], "family_name", "Doe".into()).to_tagged()?;
    /// let alg = DigestAlgorithm::Sha256;
    /// assert_eq!(item.tagged_digest(alg), alg.digest(&item.tagged_bytes()));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn tagged_digest(&self, alg: DigestAlgorithm) -> Vec<u8> {
        let mut heads = Vec::with_capacity(11);
        push_tag24_head(&mut heads, self.bytes.len());
        alg.digest_parts(&[&heads, &self.bytes])
    }

    /// The `#6.24(bstr)` as a CBOR value.
    pub fn to_value(&self) -> Value {
        Value::Tag(TAG_ENCODED_CBOR, Box::new(Value::Bytes(self.bytes.clone())))
    }
}

/// `#6.24(bstr)` around `inner`, heads in preferred form.
fn tag24(inner: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(inner.len() + 11);
    push_tag24(&mut out, inner);
    out
}

/// Appends `#6.24(bstr)` around `inner` to `out`.
fn push_tag24(out: &mut Vec<u8>, inner: &[u8]) {
    push_tag24_head(out, inner.len());
    out.extend_from_slice(inner);
}

/// The tag-24 head and the head of a bstr of `len` bytes.
fn push_tag24_head(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&[0xd8, 0x18]);
    push_head(out, 2, len as u64);
}

/// Appends a text string (head and UTF-8 bytes), as any CBOR encoder writes it.
fn push_text(out: &mut Vec<u8>, text: &str) {
    push_head(out, 3, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// A CBOR head (major type + argument) in preferred form.
fn push_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::MdocMalformed(msg.into())
}

/// A CBOR map's entries, or an error naming `what`.
fn as_map(value: Value, what: &str) -> Result<Vec<(Value, Value)>> {
    match value {
        Value::Map(entries) => Ok(entries),
        _ => Err(malformed(format!("{what} must be a map"))),
    }
}

/// Removes and returns the value under text key `key`.
fn take(map: &mut Vec<(Value, Value)>, key: &str) -> Option<Value> {
    let at = map.iter().position(|(k, _)| k.as_text() == Some(key))?;
    Some(map.swap_remove(at).1)
}

/// Like [`take`], but the key must be there.
fn take_req(map: &mut Vec<(Value, Value)>, key: &str, what: &str) -> Result<Value> {
    take(map, key).ok_or_else(|| malformed(format!("{what} lacks {key}")))
}

fn into_text(value: Value, what: &str) -> Result<String> {
    match value {
        Value::Text(t) => Ok(t),
        _ => Err(malformed(format!("{what} must be text"))),
    }
}

fn into_bytes(value: Value, what: &str) -> Result<Vec<u8>> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(malformed(format!("{what} must be a bstr"))),
    }
}

fn into_array(value: Value, what: &str, max: usize) -> Result<Vec<Value>> {
    match value {
        Value::Array(items) if items.len() <= max => Ok(items),
        Value::Array(items) => Err(malformed(format!("{what}: {} items, at most {max}", items.len()))),
        _ => Err(malformed(format!("{what} must be an array"))),
    }
}

fn into_uint(value: &Value, what: &str) -> Result<u64> {
    value
        .as_integer()
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| malformed(format!("{what} must be an unsigned integer")))
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

#[cfg(test)]
mod tests;
