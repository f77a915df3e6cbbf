//! Element values between CBOR and JSON, for claims files and verification reports.
//!
//! JSON has no dates or byte strings, so three single-key objects stand for them:
//! `{"$full-date": "2000-01-31"}` (tag 1004), `{"$tdate": "2024-01-01T00:00:00Z"}` (tag 0) and
//! `{"$bytes": "<base64url>"}` (bstr). Everything else maps as JSON does.

use ciborium::Value as Cbor;
use serde_json::Value as Json;

use super::{TAG_FULL_DATE, TAG_TDATE, malformed};
use crate::Result;
use crate::encoding::{b64url_decode, b64url_encode};

/// A JSON claim value as CBOR.
///
/// ```
/// use inkan_core::mdoc::{cbor_to_json, json_to_cbor};
/// let json = serde_json::json!({"d": {"$full-date": "2000-01-31"}, "n": [1, -2.5, true, null], "b": {"$bytes": "AQI"}});
/// assert_eq!(cbor_to_json(&json_to_cbor(&json)?), json);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn json_to_cbor(json: &Json) -> Result<Cbor> {
    Ok(match json {
        Json::Null => Cbor::Null,
        Json::Bool(b) => Cbor::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Cbor::Integer(i.into()),
            (_, Some(u), _) => Cbor::Integer(u.into()),
            (_, _, Some(f)) => Cbor::Float(f),
            _ => return Err(malformed(format!("unrepresentable number {n}"))),
        },
        Json::String(s) => Cbor::Text(s.clone()),
        Json::Array(items) => Cbor::Array(items.iter().map(json_to_cbor).collect::<Result<_>>()?),
        Json::Object(map) => match special(map)? {
            Some(value) => value,
            None => Cbor::Map(
                map.iter()
                    .map(|(k, v)| Ok((Cbor::Text(k.clone()), json_to_cbor(v)?)))
                    .collect::<Result<_>>()?,
            ),
        },
    })
}

fn special(map: &serde_json::Map<String, Json>) -> Result<Option<Cbor>> {
    let mut entries = map.iter();
    let (Some((key, Json::String(text))), None) = (entries.next(), entries.next()) else {
        return Ok(None);
    };
    Ok(match key.as_str() {
        "$full-date" => Some(Cbor::Tag(TAG_FULL_DATE, Box::new(Cbor::Text(text.clone())))),
        "$tdate" => Some(Cbor::Tag(TAG_TDATE, Box::new(Cbor::Text(text.clone())))),
        "$bytes" => Some(Cbor::Bytes(b64url_decode(text)?)),
        _ => None,
    })
}

/// A CBOR element value as JSON (the inverse of [`json_to_cbor`]; other tags keep their
/// content, non-text map keys become their JSON text).
pub fn cbor_to_json(cbor: &Cbor) -> Json {
    let tagged = |key: &str, text: &Cbor| match text {
        Cbor::Text(t) => serde_json::json!({ key: t }),
        other => cbor_to_json(other),
    };
    match cbor {
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(*b),
        Cbor::Integer(i) => i64::try_from(*i)
            .map(Json::from)
            .or_else(|_| u64::try_from(*i).map(Json::from))
            .unwrap_or_else(|_| Json::String(i128::from(*i).to_string())),
        Cbor::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Cbor::Text(t) => Json::String(t.clone()),
        Cbor::Bytes(b) => serde_json::json!({ "$bytes": b64url_encode(b) }),
        Cbor::Array(items) => Json::Array(items.iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Cbor::Text(t) => t.clone(),
                        other => cbor_to_json(other).to_string(),
                    };
                    (key, cbor_to_json(v))
                })
                .collect(),
        ),
        Cbor::Tag(TAG_FULL_DATE, inner) => tagged("$full-date", inner),
        Cbor::Tag(TAG_TDATE, inner) => tagged("$tdate", inner),
        Cbor::Tag(_, inner) => cbor_to_json(inner),
        _ => Json::Null,
    }
}
