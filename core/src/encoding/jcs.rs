//! RFC 8785 JSON Canonicalization Scheme (JCS), on `serde_json_canonicalizer` (ECMAScript number
//! formatting through ryu-js, members sorted by UTF-16 code units).
//!
//! One gap is closed here: JCS reads every number as an IEEE 754 double, as JavaScript does, but
//! serde_json keeps integers beyond 2^53 exact and the crate prints them digit for digit. They are
//! passed as doubles instead, so `9007199254740993` canonicalizes to `9007199254740992` exactly as
//! in every JavaScript implementation.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

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
    serde_json_canonicalizer::to_vec(&AsDouble(value)).map_err(|e| Error::DiCanonicalization(e.to_string()))
}

/// Serializes a JSON value with every integer beyond 2^53 turned into the double JavaScript
/// would read it as.
struct AsDouble<'a>(&'a Value);

impl Serialize for AsDouble<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Value::Number(n) => {
                if let Some(u) = n.as_u64().filter(|u| *u > MAX_EXACT) {
                    // Rounds to the nearest double, as JavaScript's number parsing does.
                    #[allow(clippy::cast_precision_loss)]
                    return s.serialize_f64(u as f64);
                }
                if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() > MAX_EXACT) {
                    #[allow(clippy::cast_precision_loss)]
                    return s.serialize_f64(i as f64);
                }
                n.serialize(s)
            }
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

#[cfg(test)]
mod tests {
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
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"דּ\":\"Hebrew Letter Dalet With Dagesh\"}"
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
}
