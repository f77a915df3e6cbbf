//! Small shared rules of the data model: URLs, one-or-many values, types, dates, language values.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Error, Result};

/// Whether `text` is an absolute URL as the model needs for identifiers: an RFC 3986 scheme, a
/// colon, and no whitespace or characters an IRI may not hold.
pub(crate) fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !rest.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
        })
}

/// A value that may be one item or an array of items, as a slice.
pub(crate) fn one_or_many(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// An `id` member, if present: one URL.
pub(crate) fn optional_id(obj: &Map<String, Value>, what: &str) -> Result<Option<String>> {
    match obj.get("id") {
        None => Ok(None),
        Some(Value::String(s)) if is_url(s) => Ok(Some(s.clone())),
        Some(other) => Err(Error::VcdmId(format!(
            "{what} id must be one URL, not {}",
            short(other)
        ))),
    }
}

/// The `type` member as a list of strings; `None` when absent.
pub(crate) fn types(obj: &Map<String, Value>) -> Result<Option<Vec<String>>> {
    let Some(value) = obj.get("type") else {
        return Ok(None);
    };
    one_or_many(value)
        .iter()
        .map(|t| match t {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            other => Err(Error::VcdmType(format!(
                "a type must be a non-empty string, not {}",
                short(other)
            ))),
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Objects of a property that holds one object or an array of them, each with a `type`.
pub(crate) fn typed_objects<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    err: fn(String) -> Error,
) -> Result<Vec<&'a Map<String, Value>>> {
    let Some(value) = obj.get(name) else {
        return Ok(Vec::new());
    };
    let items = one_or_many(value);
    if items.is_empty() {
        return Err(err(format!("{name} must not be an empty array")));
    }
    items
        .iter()
        .map(|item| {
            let o = item
                .as_object()
                .ok_or_else(|| err(format!("each {name} must be an object")))?;
            match types(o) {
                Ok(Some(t)) if !t.is_empty() => Ok(o),
                Ok(_) => Err(err(format!("each {name} needs a type"))),
                Err(e) => Err(err(format!("{name}: {e}"))),
            }
        })
        .collect()
}

/// Parses an XML Schema `dateTimeStamp` (RFC 3339 with a mandatory offset).
pub(crate) fn date(obj: &Map<String, Value>, name: &str) -> Result<Option<OffsetDateTime>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => OffsetDateTime::parse(s, &Rfc3339)
            .map(Some)
            .map_err(|_| Error::VcdmDate(format!("{name} {s:?} is not a dateTimeStamp"))),
        Some(other) => Err(Error::VcdmDate(format!(
            "{name} must be a string, not {}",
            short(other)
        ))),
    }
}

/// Checks a `name`/`description` value: a string, a language value object (`@value` with
/// optional `@language`/`@direction`, nothing else), or an array of these.
pub(crate) fn language_value(obj: &Map<String, Value>, name: &str) -> Result<()> {
    let Some(value) = obj.get(name) else {
        return Ok(());
    };
    for item in one_or_many(value) {
        match item {
            Value::String(_) => {}
            Value::Object(o) => {
                let value_ok = matches!(o.get("@value"), Some(Value::String(_)));
                let extra = o
                    .keys()
                    .find(|k| !matches!(k.as_str(), "@value" | "@language" | "@direction"));
                if !value_ok || extra.is_some() {
                    return Err(Error::VcdmProperty(format!(
                        "{name} must be a string or a language value (@value, @language, @direction)"
                    )));
                }
            }
            _ => {
                return Err(Error::VcdmProperty(format!(
                    "{name} must be a string or a language value"
                )));
            }
        }
    }
    Ok(())
}

/// A short rendering of a value for error messages.
pub(crate) fn short(value: &Value) -> String {
    let mut s = value.to_string();
    if s.len() > 60 {
        let cut = (0..=60).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "did:example:1",
            "urn:uuid:1",
            "https://a.example/x#y",
            "data:application/vc+jwt,eyJ",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "fake-issuer",
            "https ://x",
            "z6Mk",
            "",
            ":x",
            "1a:b",
            "a:",
            "a:b c",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }
}
