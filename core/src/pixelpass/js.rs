//! The JavaScript semantics PixelPass inherits from its JS libraries, reproduced exactly:
//! object key order, `cbor-web`'s encoding of JSON values (numbers are doubles), the values its
//! decoder produces, and `JSON.stringify` of those values.

use ciborium::Value;
use indexmap::IndexMap;

use crate::{Error, Result};

/// The largest integer a double holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// Deepest JSON nesting written: serde_json's own parse limit, so text input never reaches it.
const MAX_JSON_DEPTH: usize = 128;

/// `key` as an ECMAScript array index: the canonical decimal form of 0 ..= 2³² − 2.
fn array_index(key: &str) -> Option<u32> {
    let canonical = !key.is_empty() && (key == "0" || !key.starts_with('0'));
    if !canonical || key.len() > 10 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

/// Orders distinct keys as JS enumerates an object's properties: array indices first, ascending,
/// then every other key in insertion order. PixelPass's byte output depends on this.
pub(super) fn js_order<K: AsRef<str>, V>(entries: impl IntoIterator<Item = (K, V)>) -> Vec<(K, V)> {
    let (mut ordered, rest): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(k, _)| array_index(k.as_ref()).is_some());
    ordered.sort_by_key(|(k, _)| array_index(k.as_ref()));
    ordered.extend(rest);
    ordered
}

/// Writes a CBOR head (major type and argument) in the shortest form.
pub(super) fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    // Each arm's bound makes the narrowing conversion exact.
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend([m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(arg.to_be_bytes());
        }
    }
}

/// Writes an exact integer key (the Claim 169 profile's integer keys).
pub(super) fn integer(out: &mut Vec<u8>, n: i64) {
    match u64::try_from(n) {
        Ok(u) => head(out, 0, u),
        Err(_) => head(out, 1, n.unsigned_abs() - 1),
    }
}

/// Writes a text string item.
pub(super) fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend(s.as_bytes());
}

/// Writes a JS number as `cbor-web` does: integers within ±(2⁵³ − 1) as CBOR integers, `-0`,
/// NaN and the infinities as half floats, anything else as a single float when that is exact,
/// else a double (never a half float: that is its canonical mode only).
fn number(out: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        out.extend([0xf9, 0x7e, 0x00]);
    } else if x.is_infinite() {
        out.extend(if x > 0.0 {
            [0xf9, 0x7c, 0x00]
        } else {
            [0xf9, 0xfc, 0x00]
        });
    } else if x == 0.0 && x.is_sign_negative() {
        out.extend([0xf9, 0x80, 0x00]);
    } else if x.fract() == 0.0 && x.abs() <= MAX_SAFE {
        // |x| ≤ 2⁵³ − 1 and integral, so the conversions are exact.
        if x >= 0.0 {
            head(out, 0, x as u64);
        } else {
            head(out, 1, (-x - 1.0) as u64);
        }
    } else if f64::from(x as f32) == x {
        out.push(0xfa);
        out.extend((x as f32).to_be_bytes());
    } else {
        out.push(0xfb);
        out.extend(x.to_be_bytes());
    }
}

/// Writes a JSON value as `cbor-web` encodes the value `JSON.parse` gives for it.
pub(super) fn write_json(out: &mut Vec<u8>, value: &serde_json::Value, depth: usize) -> Result<()> {
    use serde_json::Value as J;
    if depth > MAX_JSON_DEPTH {
        return Err(Error::PixelpassUnsupportedJson(format!(
            "nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    match value {
        J::Null => out.push(0xf6),
        J::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        // Without serde_json's arbitrary_precision every number has an f64 value.
        J::Number(n) => number(out, n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => text(out, s),
        J::Array(items) => {
            head(out, 4, items.len() as u64);
            for item in items {
                write_json(out, item, depth + 1)?;
            }
        }
        J::Object(map) => {
            head(out, 5, map.len() as u64);
            for (k, v) in js_order(map.iter()) {
                text(out, k);
                write_json(out, v, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// A value as `cbor-web`'s decoder hands it to JavaScript.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum JsValue {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A byte string becomes a `Buffer`.
    Buffer(Vec<u8>),
    Array(Vec<JsValue>),
    /// A map with only text keys becomes an object: keys distinct and in JS order.
    Object(Vec<(String, JsValue)>),
    /// Any other map becomes a JS `Map`, which `JSON.stringify` prints as `{}` whatever it holds;
    /// its entries are kept as CBOR and converted only when asked for as JSON data.
    Map(Vec<(Value, Value)>),
}

/// Why a decoded CBOR item has no JS counterpart here.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Unrepresentable {
    /// An integer beyond ±(2⁵³ − 1): the JS decoder yields a `BigInt`, which `JSON.stringify`
    /// refuses, so PixelPass falls back to returning the raw text.
    BigInt,
    /// A tag: the JS decoder turns tags into dates, URLs, regexps, … which are not reproduced.
    Tag(u64),
    /// A map key that is neither text, an integer nor a float.
    Key,
}

impl From<Unrepresentable> for Error {
    fn from(u: Unrepresentable) -> Self {
        match u {
            Unrepresentable::BigInt => Error::PixelpassUnsupportedCbor("integer beyond 2^53 - 1".into()),
            Unrepresentable::Tag(t) => Error::PixelpassUnsupportedCbor(format!("tag {t}")),
            Unrepresentable::Key => Error::PixelpassBadMappedData("map key neither text nor number".into()),
        }
    }
}

impl JsValue {
    /// Converts a decoded CBOR value (already depth-capped by `cose::cbor::decode`).
    pub(super) fn from_cbor(value: &Value) -> std::result::Result<JsValue, Unrepresentable> {
        Ok(match value {
            Value::Integer(i) => {
                let n = i128::from(*i);
                if n.unsigned_abs() > MAX_SAFE as u128 {
                    return Err(Unrepresentable::BigInt);
                }
                JsValue::Number(n as f64)
            }
            Value::Float(f) => JsValue::Number(*f),
            Value::Text(s) => JsValue::String(s.clone()),
            Value::Bytes(b) => JsValue::Buffer(b.clone()),
            Value::Bool(b) => JsValue::Bool(*b),
            Value::Null => JsValue::Null,
            Value::Array(items) => {
                JsValue::Array(items.iter().map(Self::from_cbor).collect::<Result<_, _>>()?)
            }
            Value::Map(entries) => Self::from_map(entries)?,
            Value::Tag(t, _) => return Err(Unrepresentable::Tag(*t)),
            // ciborium's Value is non-exhaustive; nothing else is produced by its decoder.
            _ => JsValue::Undefined,
        })
    }

    fn from_map(entries: &[(Value, Value)]) -> std::result::Result<JsValue, Unrepresentable> {
        if !entries.iter().all(|(k, _)| k.is_text()) {
            return Ok(JsValue::Map(entries.to_vec()));
        }
        let mut props: IndexMap<String, JsValue> = IndexMap::with_capacity(entries.len());
        for (k, v) in entries {
            // A repeated key keeps its first position and takes the last value, as in JS.
            props.insert(property_key(k)?, Self::from_cbor(v)?);
        }
        Ok(JsValue::Object(js_order(props)))
    }

    /// Whether JS treats the value as true (`if (value)`).
    pub(super) fn truthy(&self) -> bool {
        match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(x) => *x != 0.0 && !x.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// `JSON.stringify(value)`, for a value that is not `undefined` at the top.
    pub(super) fn stringify(&self, out: &mut String) {
        match self {
            JsValue::Undefined | JsValue::Null => out.push_str("null"),
            JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JsValue::Number(x) if x.is_finite() => out.push_str(&number_to_string(*x)),
            JsValue::Number(_) => out.push_str("null"),
            JsValue::String(s) => out.push_str(&quote(s)),
            JsValue::Buffer(bytes) => {
                // Buffer.prototype.toJSON.
                let data: Vec<String> = bytes.iter().map(u8::to_string).collect();
                out.push_str(&format!("{{\"type\":\"Buffer\",\"data\":[{}]}}", data.join(",")));
            }
            JsValue::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.stringify(out);
                }
                out.push(']');
            }
            JsValue::Object(props) => {
                out.push('{');
                // Properties whose value is undefined are left out.
                let shown = props.iter().filter(|(_, v)| *v != JsValue::Undefined);
                for (i, (k, v)) in shown.enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(k));
                    out.push(':');
                    v.stringify(out);
                }
                out.push('}');
            }
            JsValue::Map(_) => out.push_str("{}"),
        }
    }

    /// The value as JSON data: numbers that are safe integers become JSON integers, non-finite
    /// numbers and `undefined` become null, a `Buffer` its `toJSON` form, and a `Map` an object
    /// keyed by `String(key)` (so its entries must be representable).
    pub(super) fn into_json(self) -> std::result::Result<serde_json::Value, Unrepresentable> {
        use serde_json::Value as J;
        Ok(match self {
            JsValue::Undefined | JsValue::Null => J::Null,
            JsValue::Bool(b) => J::Bool(b),
            // Integral doubles within the 64-bit ranges are exact as JSON integers.
            JsValue::Number(x) if x.fract() == 0.0 && x.abs() < TWO_POW_63 => J::from(x as i64),
            JsValue::Number(x) if x.fract() == 0.0 && (0.0..TWO_POW_64).contains(&x) => J::from(x as u64),
            JsValue::Number(x) => serde_json::Number::from_f64(x).map_or(J::Null, J::Number),
            JsValue::String(s) => J::String(s),
            JsValue::Buffer(b) => serde_json::json!({"type": "Buffer", "data": b}),
            JsValue::Array(items) => {
                J::Array(items.into_iter().map(Self::into_json).collect::<Result<_, _>>()?)
            }
            JsValue::Object(props) => J::Object(
                props
                    .into_iter()
                    .map(|(k, v)| Ok((k, v.into_json()?)))
                    .collect::<Result<_, _>>()?,
            ),
            JsValue::Map(entries) => J::Object(map_to_json(&entries)?),
        })
    }
}

/// A CBOR map as a JSON object the way JS assigns its entries to an object: each key as
/// `String(key)`, a repeated name keeping its first position and its last value, JS order.
pub(super) fn map_to_json(
    entries: &[(Value, Value)],
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, Unrepresentable> {
    map_to_json_renamed(entries, |name| name)
}

/// [`map_to_json`] with every property name passed through `rename` first.
pub(super) fn map_to_json_renamed(
    entries: &[(Value, Value)],
    rename: impl Fn(String) -> String,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, Unrepresentable> {
    let mut props: IndexMap<String, serde_json::Value> = IndexMap::with_capacity(entries.len());
    for (k, v) in entries {
        props.insert(rename(property_key(k)?), JsValue::from_cbor(v)?.into_json()?);
    }
    Ok(js_order(props).into_iter().collect())
}

/// The property name JS uses for a decoded map key (`String(key)`).
pub(super) fn property_key(key: &Value) -> std::result::Result<String, Unrepresentable> {
    match key {
        Value::Text(s) => Ok(s.clone()),
        Value::Integer(i) => Ok(i128::from(*i).to_string()),
        Value::Float(f) => Ok(number_to_string(*f)),
        _ => Err(Unrepresentable::Key),
    }
}

/// A JSON string literal as `JSON.stringify` writes it (same escapes as serde_json for UTF-8).
fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `Number.prototype.toString()` (ECMA-262 Number::toString, radix 10): the shortest digits
/// that round-trip, in plain notation for exponents −7 < n ≤ 21 and scientific otherwise.
pub(super) fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Rust's `{:e}` prints the same shortest round-trip digits: "d.ddde±x".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let e = n - 1;
        format!("{first}{dot}e{}{}", if e >= 0 { "+" } else { "-" }, e.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cbor(json: &str) -> String {
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::from_str(json).unwrap(), 0).unwrap();
        hex::encode(out)
    }

    #[test]
    fn numbers_encode_as_cbor_web_does() {
        // Expected bytes printed by cbor-web 9.0.2 under Node 20.
        assert_eq!(cbor("1.5"), "fa3fc00000");
        assert_eq!(cbor("0.1"), "fb3fb999999999999a");
        assert_eq!(cbor("-0"), "f98000");
        assert_eq!(cbor("1.0"), "01");
        assert_eq!(cbor("1e21"), "fb444b1ae4d6e2ef50");
        assert_eq!(cbor("9007199254740993"), "fa5a000000");
        assert_eq!(cbor("-9007199254740993"), "fada000000");
        assert_eq!(cbor("4294967296"), "1b0000000100000000");
        assert_eq!(cbor("123456789012"), "1b0000001cbe991a14");
        assert_eq!(cbor("-1"), "20");
    }

    #[test]
    fn object_keys_follow_js_property_order() {
        let json = r#"{"b":1,"2":2,"a":3,"1":4,"-1":5,"01":6,"4294967295":7,"4294967294":8}"#;
        assert_eq!(
            cbor(json),
            "a86131046132026a3432393439363732393408616201616103622d3105623031066a3432393439363732393507"
        );
        assert_eq!(cbor(r#"[1,"x",{"b":[]}]"#), "83016178a1616280");
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        let cases = [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1.5e-6, "0.0000015"),
            (-0.0, "0"),
            (123.456, "123.456"),
            (1.2345e300, "1.2345e+300"),
            (5e-324, "5e-324"),
            (-42.0, "-42"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (x, want) in cases {
            assert_eq!(number_to_string(x), want, "{x:e}");
        }
    }

    #[test]
    fn decoded_maps_become_objects_or_js_maps() {
        let decode = |h: &str| {
            let v = crate::cose::cbor::decode(&hex::decode(h).unwrap(), &Default::default()).unwrap();
            let mut s = String::new();
            JsValue::from_cbor(&v).unwrap().stringify(&mut s);
            s
        };
        assert_eq!(decode("a2616201613102"), r#"{"1":2,"b":1}"#);
        assert_eq!(decode("a2016162026163"), "{}");
        assert_eq!(decode("a2616101616102"), r#"{"a":2}"#);
        assert_eq!(decode("8101"), "[1]");
        assert_eq!(decode("f93e00"), "1.5");
        assert_eq!(decode("f97c00"), "null");
        assert_eq!(decode("43010203"), r#"{"type":"Buffer","data":[1,2,3]}"#);
        let big = crate::cose::cbor::decode(&hex::decode("1b0020000000000001").unwrap(), &Default::default());
        assert_eq!(JsValue::from_cbor(&big.unwrap()), Err(Unrepresentable::BigInt));
    }

    proptest! {
        #[test]
        fn printed_numbers_parse_back_exactly(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let s = number_to_string(x);
            prop_assert_eq!(s.parse::<f64>().unwrap(), if x == 0.0 { 0.0 } else { x });
        }
    }
}
