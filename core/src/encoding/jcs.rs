//! RFC 8785 JSON Canonicalization Scheme (JCS), written straight from a `serde_json::Value` into
//! one buffer: members sorted by UTF-16 code units (borrowed, no per-member buffers), strings
//! escaped as serde_json escapes them (which is JCS's rule: `"`, `\` and control characters
//! only, short forms where JSON has them, else `\u00xx`), numbers through
//! `serde_json_canonicalizer` (ECMAScript number formatting on ryu-js). Data Integrity's JCS
//! suites canonicalize every document they verify, so the crate's generic serializer, which
//! buffers and re-parses every member name, is kept for the one thing it is needed for.
//!
//! One gap is closed here: JCS reads every number as an IEEE 754 double, as JavaScript does, but
//! serde_json keeps integers beyond 2^53 exact. They are written as doubles instead, so
//! `9007199254740993` canonicalizes to `9007199254740992` exactly as in every JavaScript
//! implementation.

use std::io::Write as _;

use serde_json::{Map, Number, Value};

use crate::{Error, Result};

/// Largest integer a double holds exactly (2^53).
const MAX_EXACT: u64 = 1 << 53;

/// The RFC 8785 canonical form of `value`, as UTF-8 bytes.
///
/// ```
/// use inkan_core::encoding::jcs_canonicalize;
/// let v = serde_json::json!({"b": [1.0, 1e21, 0.000001], "a": "\u{20ac}", "c": 9007199254740993u64});
/// let canonical = jcs_canonicalize(&v)?;
/// assert_eq!(std::str::from_utf8(&canonical).unwrap(), r#"{"a":"€","b":[1,1e+21,0.000001],"c":9007199254740992}"#);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn jcs_canonicalize(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    write_value(value, &mut out)?;
    Ok(out)
}

/// The canonical form of an object given as its members (e.g. a document seen without its
/// `proof`), without building that object first.
pub(crate) fn jcs_canonicalize_members<'a>(
    members: impl IntoIterator<Item = (&'a str, &'a Value)>,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    write_members(members.into_iter().collect(), &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(members) => write_object(members, out)?,
    }
    Ok(())
}

fn write_object(members: &Map<String, Value>, out: &mut Vec<u8>) -> Result<()> {
    write_members(members.iter().map(|(k, v)| (k.as_str(), v)).collect(), out)
}

/// Members in UTF-16 code unit order of their names (RFC 8785 §3.2.3); names are unique.
fn write_members(mut members: Vec<(&str, &Value)>, out: &mut Vec<u8>) -> Result<()> {
    members.sort_unstable_by(|(a, _), (b, _)| {
        if a.is_ascii() && b.is_ascii() {
            a.cmp(b)
        } else {
            a.encode_utf16().cmp(b.encode_utf16())
        }
    });
    out.push(b'{');
    for (i, (name, value)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(name, out)?;
        out.push(b':');
        write_value(value, out)?;
    }
    out.push(b'}');
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) -> Result<()> {
    serde_json::to_writer(&mut *out, s).map_err(|e| Error::DiCanonicalization(e.to_string()))
}

/// Integers up to 2^53 as digits; everything else as the double JavaScript reads it as, in
/// ECMAScript's shortest form.
fn write_number(n: &Number, out: &mut Vec<u8>) -> Result<()> {
    let exact = match (n.as_u64(), n.as_i64()) {
        (Some(u), _) if u <= MAX_EXACT => write!(out, "{u}").ok(),
        (None, Some(i)) if i.unsigned_abs() <= MAX_EXACT => write!(out, "{i}").ok(),
        _ => None,
    };
    if exact.is_some() {
        return Ok(());
    }
    // Rounds to the nearest double, as JavaScript's number parsing does.
    #[allow(clippy::cast_precision_loss)]
    let double = match (n.as_u64(), n.as_i64(), n.as_f64()) {
        (Some(u), _, _) => u as f64,
        (None, Some(i), _) => i as f64,
        (None, None, Some(f)) => f,
        _ => {
            return Err(Error::DiCanonicalization(format!(
                "{n} is not a number JCS can write"
            )));
        }
    };
    serde_json_canonicalizer::to_writer(&double, out).map_err(|e| Error::DiCanonicalization(e.to_string()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

    use super::*;

    fn canon(text: &str) -> String {
        let v: Value = serde_json::from_str(text).unwrap();
        String::from_utf8(jcs_canonicalize(&v).unwrap()).unwrap()
    }

    #[test]
    fn rfc8785_examples() {
        // RFC 8785 §3.2.2 (sorting by UTF-16 code units) and §3.2.2.3 number samples.
        assert_eq!(
            canon(
                r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#
            ),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        assert_eq!(
            canon(
                r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"literals":[null,true,false]}"#
            ),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}"#
        );
        assert_eq!(
            canon("[-0.0, 1e-7, 1e-6, 123456789012345680000]"),
            "[0,1e-7,0.000001,123456789012345680000]"
        );
    }

    #[test]
    fn large_integers_become_doubles() {
        assert_eq!(
            canon("[9007199254740993, -9007199254740993, 9007199254740992]"),
            "[9007199254740992,-9007199254740992,9007199254740992]"
        );
        assert_eq!(canon("[18446744073709551615]"), "[18446744073709552000]");
    }

    #[test]
    fn members_canonicalize_like_the_object() {
        let v = serde_json::json!({"b": 1, "a": {"y": [true], "x": null}, "proof": "dropped"});
        let members = v
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "proof")
            .map(|(k, v)| (k.as_str(), v));
        assert_eq!(
            jcs_canonicalize_members(members).unwrap(),
            br#"{"a":{"x":null,"y":[true]},"b":1}"#
        );
    }

    /// The reference: `serde_json_canonicalizer`'s own serializer over the same value (integers
    /// beyond 2^53 passed as doubles), as this module did before it wrote JCS itself.
    struct AsDouble<'a>(&'a Value);

    impl Serialize for AsDouble<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            match self.0 {
                Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                    #[allow(clippy::cast_precision_loss)]
                    (Some(u), _) if u > MAX_EXACT => s.serialize_f64(u as f64),
                    #[allow(clippy::cast_precision_loss)]
                    (None, Some(i)) if i.unsigned_abs() > MAX_EXACT => s.serialize_f64(i as f64),
                    _ => n.serialize(s),
                },
                Value::Array(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(&AsDouble(item))?;
                    }
                    seq.end()
                }
                Value::Object(members) => {
                    let mut map = s.serialize_map(Some(members.len()))?;
                    for (k, v) in members {
                        map.serialize_entry(k, &AsDouble(v))?;
                    }
                    map.end()
                }
                other => other.serialize(s),
            }
        }
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,8}|[\\x00-\\x1f\"\\\\\u{7f}\u{2028}\u{e000}\u{fb33}\u{1f600}]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    "\\PC{0,6}|[\u{80}\u{20ac}\u{fb33}\u{1f600}a-c\\r]{0,3}",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_canonicalizer(v in json()) {
            let reference = serde_json_canonicalizer::to_vec(&AsDouble(&v)).unwrap();
            prop_assert_eq!(jcs_canonicalize(&v).unwrap(), reference);
        }
    }
}
