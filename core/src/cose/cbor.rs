//! Bounded CBOR decoding of untrusted input and deterministic encoding (RFC 8949 §4.2.1).
//!
//! Decoding is capped twice: the input size ([`CborLimits::max_size`]) and the nesting depth
//! ([`CborLimits::max_depth`]). The depth cap is enforced by ciborium's own recursion limit
//! *while parsing* (arrays, maps and tags each cost one level there, exactly as
//! [`depth`] counts them), so deeply nested input is refused before it can exhaust the stack.

use ciborium::Value;

use crate::{Error, Result};

/// The highest depth cap [`decode`] honours; larger settings are lowered to it.
///
/// The parser recurses once per level, so this bounds the stack it can use (measured: 256 levels
/// fit a 2 MiB thread stack in an unoptimised build; 1000 do not).
pub const MAX_DEPTH_CEILING: usize = 128;

/// Caps applied when decoding untrusted CBOR.
///
/// ```
/// use inkan_core::cose::cbor::CborLimits;
/// let limits = CborLimits { max_depth: 10, ..CborLimits::default() };
/// assert_eq!(limits.max_size, CborLimits::DEFAULT_MAX_SIZE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CborLimits {
    /// Deepest nesting of arrays, maps and tags allowed (default 16, at most [`MAX_DEPTH_CEILING`]).
    pub max_depth: usize,
    /// Largest input accepted, in bytes (default [`CborLimits::DEFAULT_MAX_SIZE`]).
    pub max_size: usize,
}

impl CborLimits {
    /// Default depth cap: mdoc and Claim 169 structures need about 10 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 16;
    /// Default size cap (2 MiB): room for an mdoc with portraits, far below memory trouble.
    pub const DEFAULT_MAX_SIZE: usize = 2 * 1024 * 1024;

    fn effective_depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_CEILING)
    }
}

impl Default for CborLimits {
    fn default() -> Self {
        Self {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_size: Self::DEFAULT_MAX_SIZE,
        }
    }
}

/// Decodes exactly one CBOR data item from `bytes` within `limits`.
///
/// Fails with [`Error::TooLarge`] for oversized input, [`Error::CborTooDeep`] for nesting beyond
/// the cap and [`Error::CborMalformed`] for truncated, invalid or trailing bytes.
///
/// ```
/// use inkan_core::cose::cbor::{decode, CborLimits};
/// use ciborium::Value;
/// let v = decode(&[0x82, 0x01, 0x61, 0x61], &CborLimits::default())?;
/// assert_eq!(v, Value::Array(vec![1.into(), "a".into()]));
/// assert_eq!(decode(&[0x82, 0x01], &CborLimits::default()).unwrap_err().code(), "cbor.malformed");
/// assert_eq!(decode(&[0x81, 0x81, 0x00], &CborLimits { max_depth: 1, ..Default::default() })
///     .unwrap_err().code(), "cbor.too_deep");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn decode(bytes: &[u8], limits: &CborLimits) -> Result<Value> {
    if bytes.len() > limits.max_size {
        return Err(Error::TooLarge {
            size: bytes.len(),
            limit: limits.max_size,
        });
    }
    let max_depth = limits.effective_depth();
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut rest, max_depth)
        .map_err(|e| decode_error(e, max_depth))?;
    if !rest.is_empty() {
        return Err(Error::CborMalformed(format!("{} trailing bytes", rest.len())));
    }
    // ciborium's limit already stopped the parse; this re-check pins our definition of depth.
    if depth(&value) > max_depth {
        return Err(Error::CborTooDeep(max_depth));
    }
    Ok(value)
}

fn decode_error<E: std::fmt::Debug>(err: ciborium::de::Error<E>, max_depth: usize) -> Error {
    use ciborium::de::Error as De;
    match err {
        De::RecursionLimitExceeded => Error::CborTooDeep(max_depth),
        De::Io(_) => Error::CborMalformed("truncated input".into()),
        De::Syntax(offset) => Error::CborMalformed(format!("invalid CBOR at byte {offset}")),
        De::Semantic(_, msg) => Error::CborMalformed(msg),
    }
}

/// Nesting depth of a value: arrays, maps and tags count one level each, scalars none.
///
/// ```
/// use inkan_core::cose::cbor::depth;
/// use ciborium::Value;
/// assert_eq!(depth(&Value::Integer(1.into())), 0);
/// assert_eq!(depth(&Value::Array(vec![Value::Tag(1, Box::new(Value::Null))])), 2);
/// ```
pub fn depth(value: &Value) -> usize {
    // Iterative, so measuring a deep value built in memory cannot overflow the stack either.
    let mut deepest = 0;
    let mut pending = vec![(value, 0usize)];
    while let Some((v, d)) = pending.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(items) => pending.extend(items.iter().map(|i| (i, d + 1))),
            Value::Map(entries) => {
                for (k, v) in entries {
                    pending.push((k, d + 1));
                    pending.push((v, d + 1));
                }
            }
            Value::Tag(_, inner) => pending.push((inner, d + 1)),
            _ => {}
        }
    }
    deepest
}

/// Encodes a value as CBOR (preferred serialization: shortest-form heads, definite lengths).
///
/// ```
/// use ciborium::Value;
/// let bytes = inkan_core::cose::cbor::encode(&Value::Integer(500.into()))?;
/// assert_eq!(bytes, [0x19, 0x01, 0xf4]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out)
        .map_err(|e| Error::CborMalformed(format!("cannot encode: {e}")))?;
    Ok(out)
}

/// Encodes a value in RFC 8949 §4.2.1 core deterministic form: shortest-form integers,
/// lengths and floats, definite lengths, and map keys sorted by their encoded bytes, at every
/// level. Duplicate map keys are kept (deterministic encoding presumes there are none).
///
/// ```
/// use ciborium::Value;
/// use inkan_core::cose::cbor::encode_deterministic;
/// let map = Value::Map(vec![("b".into(), 1.into()), (10.into(), 2.into()), ("a".into(), 3.into())]);
/// // 10 (0x0a) < "a" (0x61 0x61) < "b" (0x61 0x62)
/// assert_eq!(encode_deterministic(&map)?, [0xa3, 0x0a, 0x02, 0x61, 0x61, 0x03, 0x61, 0x62, 0x01]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn encode_deterministic(value: &Value) -> Result<Vec<u8>> {
    encode(&sorted(value)?)
}

/// A copy of `value` with every map's entries sorted by the encoding of their keys.
fn sorted(value: &Value) -> Result<Value> {
    Ok(match value {
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect::<Result<_>>()?),
        Value::Tag(tag, inner) => Value::Tag(*tag, Box::new(sorted(inner)?)),
        Value::Map(entries) => {
            let mut keyed = entries
                .iter()
                .map(|(k, v)| {
                    let k = sorted(k)?;
                    Ok((encode(&k)?, k, sorted(v)?))
                })
                .collect::<Result<Vec<_>>>()?;
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(keyed.into_iter().map(|(_, k, v)| (k, v)).collect())
        }
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nested(open: &[u8], levels: usize) -> Vec<u8> {
        let mut bytes = open.repeat(levels);
        bytes.push(0x00);
        bytes
    }

    #[test]
    fn depth_cap_is_exact_for_arrays_maps_and_tags() {
        let limits = CborLimits {
            max_depth: 5,
            ..CborLimits::default()
        };
        for open in [&[0x81u8][..], &[0xa1, 0x00], &[0xd8, 0x40]] {
            assert!(decode(&nested(open, 5), &limits).is_ok());
            assert_eq!(decode(&nested(open, 6), &limits), Err(Error::CborTooDeep(5)));
        }
    }

    #[test]
    fn ten_thousand_levels_fail_cleanly() {
        for open in [&[0x81u8][..], &[0x9f], &[0xa1, 0x00], &[0xd8, 0x40]] {
            let err = decode(&nested(open, 10_000), &CborLimits::default()).unwrap_err();
            assert_eq!(err, Error::CborTooDeep(CborLimits::DEFAULT_MAX_DEPTH));
        }
        // A huge configured cap is lowered to the ceiling rather than risking the stack.
        let lax = CborLimits {
            max_depth: usize::MAX,
            ..CborLimits::default()
        };
        assert_eq!(
            decode(&nested(&[0x81], 10_000), &lax),
            Err(Error::CborTooDeep(MAX_DEPTH_CEILING))
        );
    }

    #[test]
    fn size_truncation_and_trailing_bytes() {
        let limits = CborLimits {
            max_size: 4,
            ..CborLimits::default()
        };
        assert_eq!(
            decode(&[0x45, 1, 2, 3, 4, 5], &limits),
            Err(Error::TooLarge { size: 6, limit: 4 })
        );
        let code = |b: &[u8]| decode(b, &CborLimits::default()).unwrap_err().code();
        assert_eq!(code(&[]), "cbor.malformed");
        assert_eq!(code(&[0x01, 0x02]), "cbor.malformed");
        assert_eq!(
            code(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            "cbor.malformed"
        );
        assert_eq!(
            code(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            "cbor.malformed"
        );
        assert_eq!(code(&[0x62, 0xff, 0xfe]), "cbor.malformed");
        assert_eq!(code(&[0xff]), "cbor.malformed");
    }

    #[test]
    fn deterministic_encoding_sorts_nested_maps_and_shortens_heads() {
        // {"z": {2: 0, 1: 0}, 1: 0} written with non-shortest heads.
        let loose = [
            0xb9, 0x00, 0x02, 0x61, 0x7a, 0xa2, 0x02, 0x00, 0x01, 0x00, 0x18, 0x01, 0x00,
        ];
        let value = decode(&loose, &CborLimits::default()).unwrap();
        let det = encode_deterministic(&value).unwrap();
        assert_eq!(det, [0xa2, 0x01, 0x00, 0x61, 0x7a, 0xa2, 0x01, 0x00, 0x02, 0x00]);
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
            ".{0,8}".prop_map(Value::Text),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Bytes),
            any::<f64>()
                .prop_filter("NaN has many encodings", |f| !f.is_nan())
                .prop_map(Value::Float),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..4).prop_map(Value::Map),
                // Tags 2 and 3 over short bstrs decode as integers (bignums), so they are left out.
                (4u64..1000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode(&bytes, &CborLimits::default());
        }

        #[test]
        fn deterministic_encoding_round_trips_and_is_idempotent(value in arb_value()) {
            let det = encode_deterministic(&value).unwrap();
            let back = decode(&det, &CborLimits::default()).unwrap();
            prop_assert_eq!(encode_deterministic(&back).unwrap(), det.clone());
            // Decoding the deterministic form gives the sorted value back exactly.
            prop_assert_eq!(back, sorted(&value).unwrap());
        }
    }
}
