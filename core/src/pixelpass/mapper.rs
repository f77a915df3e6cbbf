//! PixelPass key mapping: `getMappedData` / `decodeMappedData`.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::js;
use crate::cose::cbor::{self, CborLimits};
use crate::{Error, Result};

/// The short key a JSON key is replaced by.
///
/// ```
/// use inkan_core::pixelpass::ShortKey;
/// assert_eq!(ShortKey::Int(4).to_string(), "4");
/// assert_eq!(ShortKey::Text("4".into()).to_string(), "4");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShortKey {
    /// A text key, as the JS writes every mapped key (`"1"`, `"2"`, …).
    Text(String),
    /// An integer key, as the Claim 169 profile writes them.
    Int(i64),
}

impl std::fmt::Display for ShortKey {
    /// The key as a JS property name, which is how the decoder looks it up.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShortKey::Text(s) => f.write_str(s),
            ShortKey::Int(n) => write!(f, "{n}"),
        }
    }
}

/// A PixelPass mapper (JSON key → short key) and its reverse, for the top-level keys of a JSON
/// object. Keys without a mapping are kept as they are.
///
/// ```
/// use inkan_core::pixelpass::KeyMapper;
/// use inkan_core::cose::cbor::CborLimits;
/// let mapper = KeyMapper::text([("id", "1"), ("name", "2"), ("l_name", "3")])?;
/// let json = serde_json::json!({"name": "Jhon", "id": "207", "l_name": "Honay"});
/// let cbor = mapper.to_cbor(json.as_object().unwrap())?;
/// assert_eq!(hex::encode(&cbor), "a36131633230376132644a686f6e613365486f6e6179");
/// let back = mapper.from_cbor(&cbor, &CborLimits::default())?;
/// assert_eq!(serde_json::Value::Object(back), json);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMapper {
    forward: BTreeMap<String, ShortKey>,
    /// Short key (as a JS property name) → JSON key.
    reverse: BTreeMap<String, String>,
}

impl KeyMapper {
    /// A mapper writing text short keys, as the JS `getMappedData` does.
    ///
    /// Errors with [`Error::PixelpassBadMapper`] when a short key is empty (the JS treats it as
    /// "not mapped") or two JSON keys share one (the mapping could not be reversed).
    ///
    /// ```
    /// use inkan_core::pixelpass::KeyMapper;
    /// assert!(KeyMapper::text([("id", "1")]).is_ok());
    /// assert_eq!(KeyMapper::text([("a", "1"), ("b", "1")]).unwrap_err().code(), "pixelpass.bad_mapper");
    /// ```
    pub fn text<K: Into<String>, S: Into<String>>(pairs: impl IntoIterator<Item = (K, S)>) -> Result<Self> {
        Self::new(
            pairs
                .into_iter()
                .map(|(k, s)| (k.into(), ShortKey::Text(s.into()))),
        )
    }

    /// A mapper writing integer short keys (the Claim 169 profile).
    ///
    /// ```
    /// use inkan_core::pixelpass::KeyMapper;
    /// let mapper = KeyMapper::integer([("id", 1), ("fullName", 4)])?;
    /// let cbor = mapper.to_cbor(serde_json::json!({"fullName": "Jo", "id": "7"}).as_object().unwrap())?;
    /// assert_eq!(hex::encode(cbor), "a201613704624a6f");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn integer<K: Into<String>>(pairs: impl IntoIterator<Item = (K, i64)>) -> Result<Self> {
        Self::new(pairs.into_iter().map(|(k, n)| (k.into(), ShortKey::Int(n))))
    }

    fn new(pairs: impl IntoIterator<Item = (String, ShortKey)>) -> Result<Self> {
        let mut forward = BTreeMap::new();
        let mut reverse = BTreeMap::new();
        for (key, short) in pairs {
            let name = short.to_string();
            if name.is_empty() {
                return Err(Error::PixelpassBadMapper(format!("empty short key for {key:?}")));
            }
            if let Some(other) = reverse.insert(name.clone(), key.clone()) {
                return Err(Error::PixelpassBadMapper(format!(
                    "{other:?} and {key:?} share the short key {name:?}"
                )));
            }
            if forward.insert(key.clone(), short).is_some() {
                return Err(Error::PixelpassBadMapper(format!("{key:?} is mapped twice")));
            }
        }
        Ok(Self { forward, reverse })
    }

    /// `getMappedData(json, mapper, true)`: the object with its keys replaced, as CBOR.
    ///
    /// Entries are written in JS property order of the mapped object (keys that are array
    /// indices, such as `"1"` or `1`, first and ascending); when two keys land on the same
    /// short key, the later value wins at the earlier position, as in the JS.
    /// Errors with [`Error::PixelpassUnsupportedJson`] for values nested beyond 128 levels.
    ///
    /// ```
    /// use inkan_core::pixelpass::KeyMapper;
    /// let mapper = KeyMapper::text([("name", "n")])?;
    /// let cbor = mapper.to_cbor(serde_json::json!({"name": "A"}).as_object().unwrap())?;
    /// assert_eq!(cbor, [0xa1, 0x61, b'n', 0x61, b'A']);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_cbor(&self, json: &Map<String, Value>) -> Result<Vec<u8>> {
        let mut mapped: IndexMap<String, (ShortKey, &Value)> = IndexMap::with_capacity(json.len());
        for (key, value) in js::js_order(json.iter()) {
            let short = self
                .forward
                .get(key)
                .cloned()
                .unwrap_or_else(|| ShortKey::Text(key.clone()));
            mapped.insert(short.to_string(), (short, value));
        }
        let mut out = Vec::new();
        js::head(&mut out, 5, mapped.len() as u64);
        for (_, (short, value)) in js::js_order(mapped) {
            match short {
                ShortKey::Text(s) => js::text(&mut out, &s),
                ShortKey::Int(n) => js::integer(&mut out, n),
            }
            js::write_json(&mut out, value, 1)?;
        }
        Ok(out)
    }

    /// `decodeMappedData(cbor, reverse mapper)`: the mapped CBOR map back as a JSON object.
    ///
    /// Both key forms are read: a text key `"1"` and an integer key `1` both name the JSON key
    /// mapped to `1`; unmapped keys are kept (an integer key as its decimal text). Values come
    /// back as the JS decoder gives them (numbers are doubles: safe integers as JSON integers).
    ///
    /// Errors: the caps of [`cbor::decode`]; [`Error::PixelpassBadMappedData`] when the CBOR is
    /// not a map or a key is neither text nor a number; [`Error::PixelpassUnsupportedCbor`] for
    /// tags and integers beyond 2⁵³ − 1.
    ///
    /// ```
    /// use inkan_core::pixelpass::KeyMapper;
    /// use inkan_core::cose::cbor::CborLimits;
    /// let mapper = KeyMapper::text([("id", "1"), ("name", "2"), ("l_name", "3")])?;
    /// let cbor = hex::decode("a302644a686f6e01633230370365486f6e6179").unwrap();
    /// let json = mapper.from_cbor(&cbor, &CborLimits::default())?;
    /// assert_eq!(serde_json::to_string(&json).unwrap(), r#"{"name":"Jhon","id":"207","l_name":"Honay"}"#);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_cbor(&self, cbor: &[u8], limits: &CborLimits) -> Result<Map<String, Value>> {
        let ciborium::Value::Map(entries) = cbor::decode(cbor, limits)? else {
            return Err(Error::PixelpassBadMappedData("not a CBOR map".into()));
        };
        let json =
            js::map_to_json_renamed(&entries, |name| self.reverse.get(&name).cloned().unwrap_or(name))?;
        Ok(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_key_forms_decode_through_one_mapper() {
        let mapper = KeyMapper::integer([("id", 1), ("name", 2)]).unwrap();
        // {1: "a", "2": "b", 9: true}
        let cbor = hex::decode("a30161616132616209f5").unwrap();
        let json = mapper.from_cbor(&cbor, &CborLimits::default()).unwrap();
        assert_eq!(
            Value::Object(json),
            serde_json::json!({"id": "a", "name": "b", "9": true})
        );
    }

    #[test]
    fn malformed_mapped_data_is_typed() {
        let mapper = KeyMapper::text([("a", "1")]).unwrap();
        let limits = CborLimits::default();
        let code = |h: &str| {
            mapper
                .from_cbor(&hex::decode(h).unwrap(), &limits)
                .unwrap_err()
                .code()
        };
        assert_eq!(code("8101"), "pixelpass.bad_mapped_data");
        assert_eq!(code("a14001"), "pixelpass.bad_mapped_data");
        assert_eq!(code("a16161c100"), "pixelpass.unsupported_cbor");
        assert_eq!(code("a1"), "cbor.malformed");
    }

    #[test]
    fn colliding_and_empty_short_keys_are_refused() {
        let err = KeyMapper::integer([("a", 1)].into_iter().chain([("b", 1)])).unwrap_err();
        assert_eq!(err.code(), "pixelpass.bad_mapper");
        assert_eq!(
            KeyMapper::text([("a", "")]).unwrap_err().code(),
            "pixelpass.bad_mapper"
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1_000_000i64..1_000_000).prop_map(Value::from),
            "[a-z0-9 ]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec(("[a-z]{1,4}", inner), 0..4)
                    .prop_map(|kv| Value::Object(js::js_order(kv).into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn mapped_round_trip(
            entries in proptest::collection::btree_map("[a-z]{1,6}", arb_json(), 0..8),
            integer in any::<bool>(),
        ) {
            let keys: Vec<&String> = entries.keys().collect();
            let mapper = match integer {
                true => KeyMapper::integer(keys.iter().enumerate().map(|(i, k)| (k.as_str(), i as i64 + 1))),
                false => KeyMapper::text(keys.iter().enumerate().map(|(i, k)| (k.as_str(), (i + 1).to_string()))),
            }
            .unwrap();
            let json: Map<String, Value> = entries.into_iter().collect();
            let cbor = mapper.to_cbor(&json).unwrap();
            let back = mapper.from_cbor(&cbor, &CborLimits::default()).unwrap();
            prop_assert_eq!(Value::Object(back), Value::Object(json));
        }

        #[test]
        fn arbitrary_cbor_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mapper = KeyMapper::text([("id", "1")]).unwrap();
            let _ = mapper.from_cbor(&bytes, &CborLimits::default());
        }
    }
}
