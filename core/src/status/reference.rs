//! The referenced token's side: the `status` claim pointing at an entry of a status list.

use ciborium::Value as Cbor;
use serde_json::Value;

use crate::{Error, Result};

/// CWT claim key of `status` in a referenced token.
pub const CWT_STATUS: i64 = 65535;

/// Where a referenced token's status lives: entry `idx` of the list published at `uri`.
///
/// ```
/// use inkan_core::status::StatusReference;
/// let status = serde_json::json!({"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}});
/// let reference = StatusReference::from_json(&status)?.expect("a status_list reference");
/// assert_eq!((reference.idx, reference.uri.as_str()), (0, "https://example.com/statuslists/1"));
/// assert_eq!(reference.to_json(), status);
/// // A `status` claim holding only other mechanisms is no Token Status List reference.
/// assert!(StatusReference::from_json(&serde_json::json!({"other": {}}))?.is_none());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusReference {
    /// The index of the token's entry.
    pub idx: u64,
    /// The status list token's URI (its `sub`).
    pub uri: String,
}

impl StatusReference {
    /// A reference to entry `idx` of the list at `uri`.
    pub fn new(idx: u64, uri: impl Into<String>) -> Self {
        Self { idx, uri: uri.into() }
    }

    /// Reads the JSON `status` claim. `Ok(None)` when it names no `status_list` (other status
    /// mechanisms may sit beside it); [`Error::StatusMalformed`] when the shape is wrong.
    pub fn from_json(status: &Value) -> Result<Option<Self>> {
        let object = status
            .as_object()
            .ok_or_else(|| malformed("the status claim must be an object"))?;
        let Some(list) = object.get("status_list") else {
            return Ok(None);
        };
        let list = list
            .as_object()
            .ok_or_else(|| malformed("status.status_list must be an object"))?;
        let idx = list
            .get("idx")
            .and_then(Value::as_u64)
            .ok_or_else(|| malformed("status_list.idx must be a non-negative integer"))?;
        let uri = list
            .get("uri")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("status_list.uri must be a string"))?;
        Ok(Some(Self::new(idx, uri)))
    }

    /// Reads the CBOR `status` claim (CWT key [`CWT_STATUS`]), the same shape with text keys.
    ///
    /// ```
    /// use ciborium::Value;
    /// use inkan_core::status::StatusReference;
    /// let reference = StatusReference::new(7, "https://example.com/statuslists/1");
    /// assert_eq!(StatusReference::from_cbor(&reference.to_cbor())?, Some(reference));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_cbor(status: &Cbor) -> Result<Option<Self>> {
        let map = status
            .as_map()
            .ok_or_else(|| malformed("the status claim must be a map"))?;
        let Some(list) = text_key(map, "status_list") else {
            return Ok(None);
        };
        let list = list
            .as_map()
            .ok_or_else(|| malformed("status_list must be a map"))?;
        let idx = text_key(list, "idx")
            .and_then(Cbor::as_integer)
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| malformed("status_list idx must be a non-negative integer"))?;
        let uri = text_key(list, "uri")
            .and_then(Cbor::as_text)
            .ok_or_else(|| malformed("status_list uri must be text"))?;
        Ok(Some(Self::new(idx, uri)))
    }

    /// The JSON `status` claim.
    pub fn to_json(&self) -> Value {
        serde_json::json!({"status_list": {"idx": self.idx, "uri": self.uri}})
    }

    /// The CBOR `status` claim.
    pub fn to_cbor(&self) -> Cbor {
        let list = Cbor::Map(vec![
            (Cbor::Text("idx".into()), Cbor::Integer(self.idx.into())),
            (Cbor::Text("uri".into()), Cbor::Text(self.uri.clone())),
        ]);
        Cbor::Map(vec![(Cbor::Text("status_list".into()), list)])
    }
}

/// The value under text key `key` of a CBOR map.
pub(super) fn text_key<'a>(map: &'a [(Cbor, Cbor)], key: &str) -> Option<&'a Cbor> {
    map.iter().find(|(k, _)| k.as_text() == Some(key)).map(|(_, v)| v)
}

fn malformed(msg: &str) -> Error {
    Error::StatusMalformed(msg.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_shapes_are_malformed() {
        for bad in [
            json!("x"),
            json!({"status_list": 1}),
            json!({"status_list": {"idx": -1, "uri": "u"}}),
            json!({"status_list": {"idx": 1.5, "uri": "u"}}),
            json!({"status_list": {"idx": 1}}),
            json!({"status_list": {"uri": "u"}}),
        ] {
            let err = StatusReference::from_json(&bad).unwrap_err();
            assert_eq!(err.code(), "status.malformed", "{bad}");
        }
        assert_eq!(
            StatusReference::from_cbor(&Cbor::Integer(1.into()))
                .unwrap_err()
                .code(),
            "status.malformed"
        );
    }
}
