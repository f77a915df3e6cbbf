//! CBOR, COSE (RFC 9052/9053) and CWT (RFC 8392).
//!
//! - [`cbor`]: bounded decoding of untrusted CBOR and deterministic encoding.
//! - [`Sign1`] (COSE_Sign1), [`Mac0`] (COSE_Mac0) and [`Encrypt0`] (COSE_Encrypt0): decode,
//!   verify/decrypt, and build with [`Sign1Builder`], [`Mac0Builder`], [`Encrypt0Builder`].
//!   Callers never assemble `Sig_structure`/`MAC_structure`/`Enc_structure` themselves.
//! - [`cwt`]: CWT claims sets, and signing/verifying CWTs in one call.
//!
//! The typed COSE layer is [`coset`]; its header types appear in this API where they are the
//! natural COSE types. Signatures go through [`crate::crypto::Signer`] and
//! [`crate::crypto::Verifier`], never through coset.
//!
//! Decoding keeps the protected header's original bytes, so verification never depends on
//! re-encoding (one rule from RFC 9052 §4.4 applies: a protected header with no parameters
//! enters the signed structure as a zero-length bstr, even if it was sent as an encoded `{}`). The algorithm is taken from the protected header; a message that names it only
//! in the unprotected header is refused unless [`DecodeOptions::allow_unprotected_alg`] is set.
//!
//! ```
//! use inkan_core::cose::{DecodeOptions, Sign1, Sign1Builder};
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! let key = SoftwareKey::generate(Algorithm::EdDsa)?;
//! let bytes = Sign1Builder::new(b"hello".to_vec()).kid(b"k1".to_vec()).sign(&key)?.encode(true)?;
//! let msg = Sign1::decode(&bytes, &DecodeOptions::default())?;
//! msg.verify(key.public_key(), b"")?;
//! assert_eq!(msg.payload(), Some(&b"hello"[..]));
//! assert_eq!(msg.kid(), Some(&b"k1"[..]));
//! # Ok::<(), inkan_core::Error>(())
//! ```

pub mod cbor;
pub mod cwt;
mod encrypt0;
mod mac0;
mod sign1;

use ciborium::Value;
use coset::{
    AsCborValue, CborSerializable, Header, Label, ProtectedHeader, RegisteredLabelWithPrivate, iana,
};

pub use coset;
pub use encrypt0::{EncAlgorithm, Encrypt0, Encrypt0Builder};
pub use mac0::{Mac0, Mac0Builder, MacAlgorithm};
pub use sign1::{Sign1, Sign1Builder};

use self::cbor::CborLimits;
use crate::{Error, Result};

/// CBOR tag of COSE_Encrypt0.
pub const TAG_ENCRYPT0: u64 = 16;
/// CBOR tag of COSE_Mac0.
pub const TAG_MAC0: u64 = 17;
/// CBOR tag of COSE_Sign1.
pub const TAG_SIGN1: u64 = 18;
/// CBOR tag of a CWT (RFC 8392 §6).
pub const TAG_CWT: u64 = 61;

/// Header label of `x5chain` (RFC 9360).
const X5CHAIN: i64 = 33;

/// Whether a COSE message must carry its CBOR tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagPolicy {
    /// Accept the message with or without its tag (a different tag is still refused).
    #[default]
    Optional,
    /// Refuse the message unless it carries its tag.
    Required,
}

/// How untrusted COSE input is decoded.
///
/// ```
/// use inkan_core::cose::{DecodeOptions, TagPolicy};
/// let strict = DecodeOptions { tag: TagPolicy::Required, ..DecodeOptions::default() };
/// assert!(!strict.allow_unprotected_alg);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// Size and depth caps, applied to the message and to its protected header.
    pub limits: CborLimits,
    /// Whether the COSE tag is required.
    pub tag: TagPolicy,
    /// Accept `alg` in the unprotected header when the protected one has none (default false:
    /// an unprotected algorithm can be swapped by an attacker; RFC 9052 lets it stay
    /// unprotected, and a few old test vectors do that).
    pub allow_unprotected_alg: bool,
}

/// The parts every single-recipient COSE message starts with.
struct Parts {
    protected: ProtectedHeader,
    unprotected: Header,
    /// The items after the two headers.
    rest: Vec<Value>,
}

/// Strips `tag` from `value` according to `policy`.
fn untag(value: Value, tag: u64, policy: TagPolicy) -> Result<Value> {
    match value {
        Value::Tag(found, inner) if found == tag => Ok(*inner),
        Value::Tag(found, _) => Err(Error::CoseWrongTag { expected: tag, found }),
        _ if policy == TagPolicy::Required => Err(Error::CoseMalformed(format!("missing CBOR tag {tag}"))),
        untagged => Ok(untagged),
    }
}

/// Splits a COSE array of `len` items into its headers and the remaining items.
fn split(value: Value, len: usize, limits: &CborLimits) -> Result<Parts> {
    let Value::Array(items) = value else {
        return Err(Error::CoseMalformed("a COSE message must be an array".into()));
    };
    if items.len() != len {
        return Err(Error::CoseMalformed(format!(
            "expected {len} items, found {}",
            items.len()
        )));
    }
    let mut items = items.into_iter();
    let (Some(Value::Bytes(protected)), Some(unprotected)) = (items.next(), items.next()) else {
        return Err(Error::CoseMalformed("the protected header must be a bstr".into()));
    };
    let protected_map = if protected.is_empty() {
        Value::Map(Vec::new())
    } else {
        cbor::decode(&protected, limits)?
    };
    check_distinct_labels(&protected_map, &unprotected)?;
    let header = parse_header(protected_map)?;
    Ok(Parts {
        protected: ProtectedHeader {
            original_data: Some(protected),
            header,
        },
        unprotected: parse_header(unprotected)?,
        rest: items.collect(),
    })
}

/// Parses a header map, reporting an unregistered algorithm as unsupported (coset refuses it
/// as malformed) and refusing critical headers, none of which inkan implements.
fn parse_header(map: Value) -> Result<Header> {
    let Value::Map(entries) = &map else {
        return Err(Error::CoseMalformed("a header must be a map".into()));
    };
    let alg = entries.iter().find(|(k, _)| *k == Value::from(1)).map(|(_, v)| v);
    if let Some(Value::Integer(id)) = alg {
        let id = i64::try_from(*id)
            .map_err(|_| Error::UnsupportedAlgorithm("COSE algorithm out of range".into()))?;
        if algorithm_label(id).is_none() {
            return Err(Error::UnsupportedAlgorithm(format!("COSE algorithm {id}")));
        }
    }
    let header = Header::from_cbor_value(map).map_err(cose_error)?;
    if !header.crit.is_empty() {
        return Err(Error::CoseMalformed(
            "unsupported critical header parameters".into(),
        ));
    }
    Ok(header)
}

/// RFC 9052 §3: a parameter must not appear in both the protected and the unprotected header.
fn check_distinct_labels(protected: &Value, unprotected: &Value) -> Result<()> {
    let (Value::Map(p), Value::Map(u)) = (protected, unprotected) else {
        return Err(Error::CoseMalformed("a header must be a map".into()));
    };
    if p.iter()
        .any(|(label, _)| u.iter().any(|(other, _)| other == label))
    {
        return Err(Error::CoseMalformed(
            "a header parameter appears in both the protected and unprotected header".into(),
        ));
    }
    Ok(())
}

/// coset's label for a COSE algorithm id, if it can represent it.
fn algorithm_label(id: i64) -> Option<coset::Algorithm> {
    use coset::iana::{EnumI64, WithPrivateRange};
    match iana::Algorithm::from_i64(id) {
        Some(alg) => Some(RegisteredLabelWithPrivate::Assigned(alg)),
        None if iana::Algorithm::is_private(id) => Some(RegisteredLabelWithPrivate::PrivateUse(id)),
        None => None,
    }
}

/// The numeric algorithm id of a message, from the protected header (or, if allowed, the
/// unprotected one).
fn algorithm_id(protected: &Header, unprotected: &Header, allow_unprotected: bool) -> Result<i64> {
    let label = match (&protected.alg, &unprotected.alg) {
        (Some(alg), _) => alg,
        (None, Some(alg)) if allow_unprotected => alg,
        (None, Some(_)) => {
            return Err(Error::CoseMalformed(
                "the algorithm is not in the protected header".into(),
            ));
        }
        (None, None) => return Err(Error::CoseMalformed("no algorithm in the headers".into())),
    };
    match label {
        RegisteredLabelWithPrivate::Assigned(alg) => Ok(coset::iana::EnumI64::to_i64(alg)),
        RegisteredLabelWithPrivate::PrivateUse(id) => Ok(*id),
        RegisteredLabelWithPrivate::Text(name) => Err(Error::UnsupportedAlgorithm(name.clone())),
    }
}

/// The key id, from the protected header first.
fn key_id<'a>(protected: &'a Header, unprotected: &'a Header) -> Option<&'a [u8]> {
    [protected, unprotected]
        .into_iter()
        .map(|h| h.key_id.as_slice())
        .find(|kid| !kid.is_empty())
}

/// The `x5chain` certificates (DER), leaf first; empty when the header is absent.
fn x5chain<'a>(protected: &'a Header, unprotected: &'a Header) -> Result<Vec<&'a [u8]>> {
    let found = [protected, unprotected]
        .into_iter()
        .flat_map(|h| h.rest.iter())
        .find(|(label, _)| *label == Label::Int(X5CHAIN));
    match found.map(|(_, v)| v) {
        None => Ok(Vec::new()),
        Some(Value::Bytes(cert)) => Ok(vec![cert.as_slice()]),
        Some(Value::Array(certs)) if !certs.is_empty() => certs
            .iter()
            .map(|c| match c {
                Value::Bytes(cert) => Ok(cert.as_slice()),
                _ => Err(Error::CoseMalformed("x5chain entries must be bstr".into())),
            })
            .collect(),
        Some(_) => Err(Error::CoseMalformed(
            "x5chain must be a bstr or a non-empty array".into(),
        )),
    }
}

/// Puts `certs` into `header` as `x5chain` (RFC 9360: one certificate as a bstr, several as an
/// array), replacing any `x5chain` already there; no certificates leave the header as it is.
fn set_x5chain(header: &mut Header, certs: Vec<Vec<u8>>) {
    let value = match <[Vec<u8>; 1]>::try_from(certs) {
        Ok([one]) => Value::Bytes(one),
        Err(certs) if certs.is_empty() => return,
        Err(certs) => Value::Array(certs.into_iter().map(Value::Bytes).collect()),
    };
    header.rest.retain(|(label, _)| *label != Label::Int(X5CHAIN));
    header.rest.push((Label::Int(X5CHAIN), value));
}

/// A protected header with its bytes fixed once, so what is signed is exactly what is sent.
fn seal_protected(header: Header) -> Result<ProtectedHeader> {
    let bytes = if header.is_empty() {
        Vec::new()
    } else {
        header.clone().to_vec().map_err(cose_error)?
    };
    Ok(ProtectedHeader {
        original_data: Some(bytes),
        header,
    })
}

/// The protected header as it enters `Sig_structure`, `MAC_structure` and `Enc_structure`:
/// its original bytes, except that a header with no parameters is a zero-length bstr even when
/// the message carries an encoded empty map (RFC 9052 §4.4, §5.3, §6.3: "if there are no
/// protected attributes, a zero-length byte string is used").
fn structure_protected(protected: &ProtectedHeader) -> ProtectedHeader {
    if protected.header.is_empty() {
        ProtectedHeader {
            original_data: Some(Vec::new()),
            header: Header::default(),
        }
    } else {
        protected.clone()
    }
}

/// Refuses headers a builder would emit against RFC 9052 §3 (same label in both buckets).
fn check_builder_headers(protected: &Header, unprotected: &Header) -> Result<()> {
    let p = protected.clone().to_cbor_value().map_err(cose_error)?;
    let u = unprotected.clone().to_cbor_value().map_err(cose_error)?;
    check_distinct_labels(&p, &u)
}

/// Encodes a COSE array, tagged or not.
fn encode_message(items: Value, tag: Option<u64>) -> Result<Vec<u8>> {
    match tag {
        Some(tag) => cbor::encode(&Value::Tag(tag, Box::new(items))),
        None => cbor::encode(&items),
    }
}

fn cose_error(err: coset::CoseError) -> Error {
    Error::CoseMalformed(err.to_string())
}

/// The payload a Sig/MAC_structure covers: the attached one, or the caller's when detached.
fn select_payload<'a>(attached: Option<&'a [u8]>, detached: Option<&'a [u8]>) -> Result<&'a [u8]> {
    match (attached, detached) {
        (Some(attached), None) => Ok(attached),
        (None, Some(detached)) => Ok(detached),
        (Some(_), Some(_)) => Err(Error::CoseMalformed("the payload is attached".into())),
        (None, None) => Err(Error::CoseMalformed("the payload is detached".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untag_policy() {
        let inner = Value::Array(vec![]);
        let tagged = Value::Tag(18, Box::new(inner.clone()));
        assert_eq!(untag(tagged.clone(), 18, TagPolicy::Required).unwrap(), inner);
        assert_eq!(untag(inner.clone(), 18, TagPolicy::Optional).unwrap(), inner);
        assert_eq!(
            untag(inner, 18, TagPolicy::Required).unwrap_err().code(),
            "cose.malformed"
        );
        assert_eq!(
            untag(tagged, 17, TagPolicy::Optional).unwrap_err(),
            Error::CoseWrongTag {
                expected: 17,
                found: 18
            }
        );
    }

    #[test]
    fn algorithm_placement() {
        let alg = |id: i64| Header {
            alg: algorithm_label(id),
            ..Header::default()
        };
        let none = Header::default();
        assert_eq!(algorithm_id(&alg(-7), &none, false), Ok(-7));
        assert_eq!(algorithm_id(&none, &alg(-7), true), Ok(-7));
        assert_eq!(
            algorithm_id(&none, &alg(-7), false).unwrap_err().code(),
            "cose.malformed"
        );
        assert_eq!(
            algorithm_id(&none, &none, true).unwrap_err().code(),
            "cose.malformed"
        );
        assert!(algorithm_label(-999).is_none());
        assert_eq!(
            algorithm_label(-70_000),
            Some(RegisteredLabelWithPrivate::PrivateUse(-70_000))
        );
    }

    #[test]
    fn header_checks() {
        let map = |entries: Vec<(Value, Value)>| Value::Map(entries);
        assert_eq!(
            parse_header(map(vec![(1.into(), (-999).into())]))
                .unwrap_err()
                .code(),
            "crypto.unsupported_algorithm"
        );
        assert_eq!(
            parse_header(map(vec![(2.into(), Value::Array(vec![4.into()]))]))
                .unwrap_err()
                .code(),
            "cose.malformed"
        );
        assert_eq!(parse_header(Value::Null).unwrap_err().code(), "cose.malformed");
        let p = map(vec![(4.into(), Value::Bytes(b"a".to_vec()))]);
        assert!(check_distinct_labels(&p, &map(vec![])).is_ok());
        assert_eq!(
            check_distinct_labels(&p, &p).unwrap_err().code(),
            "cose.malformed"
        );
    }

    #[test]
    fn an_encoded_empty_protected_map_enters_structures_as_an_empty_bstr() {
        let empty_map = ProtectedHeader {
            original_data: Some(vec![0xa0]),
            header: Header::default(),
        };
        assert_eq!(structure_protected(&empty_map).original_data, Some(vec![]));
        let odd = vec![0xb9, 0x00, 0x01, 0x01, 0x26];
        let kept = ProtectedHeader {
            original_data: Some(odd.clone()),
            header: Header {
                alg: algorithm_label(-7),
                ..Header::default()
            },
        };
        assert_eq!(structure_protected(&kept).original_data, Some(odd));
    }

    #[test]
    fn x5chain_forms() {
        let with = |v: Value| Header {
            rest: vec![(Label::Int(X5CHAIN), v)],
            ..Header::default()
        };
        let none = Header::default();
        assert!(x5chain(&none, &none).unwrap().is_empty());
        let one = with(Value::Bytes(vec![1]));
        assert_eq!(x5chain(&none, &one).unwrap(), vec![&[1u8][..]]);
        let two = with(Value::Array(vec![Value::Bytes(vec![1]), Value::Bytes(vec![2])]));
        assert_eq!(x5chain(&two, &none).unwrap(), vec![&[1u8][..], &[2u8][..]]);
        for bad in [Value::Array(vec![]), Value::Array(vec![1.into()]), 5.into()] {
            assert_eq!(x5chain(&with(bad), &none).unwrap_err().code(), "cose.malformed");
        }
        let mut header = with(Value::Bytes(vec![9]));
        set_x5chain(&mut header, vec![]);
        assert_eq!(x5chain(&header, &none).unwrap(), vec![&[9u8][..]]);
        set_x5chain(&mut header, vec![vec![1]]);
        assert_eq!(header.rest, vec![(Label::Int(X5CHAIN), Value::Bytes(vec![1]))]);
    }
}
