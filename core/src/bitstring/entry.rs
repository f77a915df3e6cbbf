//! `BitstringStatusListEntry` (and the older `StatusList2021Entry`) as a credential's
//! `credentialStatus` carries it.

use serde_json::{Map, Value, json};

use super::StatusSize;
use crate::{Error, Result};

/// Why a list exists (`statusPurpose`).
///
/// ```
/// use inkan_core::bitstring::StatusPurpose;
/// assert_eq!(StatusPurpose::parse("suspension")?, StatusPurpose::Suspension);
/// assert_eq!(StatusPurpose::Message.as_str(), "message");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// A set entry means revoked, for good.
    Revocation,
    /// A set entry means suspended, perhaps for a while.
    Suspension,
    /// The entry's value selects one of the `statusMessage`s.
    Message,
    /// A set entry means the holder should refresh the credential.
    Refresh,
}

impl StatusPurpose {
    /// Parses a purpose name ([`Error::BitstringMalformed`] for any other).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "revocation" => Ok(Self::Revocation),
            "suspension" => Ok(Self::Suspension),
            "message" => Ok(Self::Message),
            "refresh" => Ok(Self::Refresh),
            other => Err(Error::BitstringMalformed(format!(
                "unknown statusPurpose {other:?}"
            ))),
        }
    }

    /// The purpose's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
            Self::Message => "message",
            Self::Refresh => "refresh",
        }
    }
}

/// Which generation of the W3C status list an entry or list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// Bitstring Status List 1.0 (`BitstringStatusListEntry`, `BitstringStatusListCredential`).
    Bitstring,
    /// StatusList2021 (`StatusList2021Entry`, `StatusList2021Credential`), verify side only.
    StatusList2021,
}

impl ListKind {
    /// The entry `type`.
    pub fn entry_type(self) -> &'static str {
        match self {
            Self::Bitstring => "BitstringStatusListEntry",
            Self::StatusList2021 => "StatusList2021Entry",
        }
    }

    /// The status list credential's `type`.
    pub fn credential_type(self) -> &'static str {
        match self {
            Self::Bitstring => "BitstringStatusListCredential",
            Self::StatusList2021 => "StatusList2021Credential",
        }
    }

    /// The status list credential's `credentialSubject.type`.
    pub fn subject_type(self) -> &'static str {
        match self {
            Self::Bitstring => "BitstringStatusList",
            Self::StatusList2021 => "StatusList2021",
        }
    }

    fn from_entry_type(name: &str) -> Option<Self> {
        [Self::Bitstring, Self::StatusList2021]
            .into_iter()
            .find(|k| k.entry_type() == name)
    }
}

/// One `statusMessage`: what a value of a multi-bit entry means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The value (written as hex, `"0x2"`).
    pub status: u8,
    /// Its meaning, for people.
    pub message: String,
}

/// A parsed `credentialStatus` entry pointing into a W3C status list.
///
/// ```
/// use inkan_core::bitstring::{StatusEntry, StatusPurpose};
/// let entry = StatusEntry::from_json(&serde_json::json!({
///     "id": "https://example.com/credentials/status/3#94567",
///     "type": "BitstringStatusListEntry",
///     "statusPurpose": "revocation",
///     "statusListIndex": "94567",
///     "statusListCredential": "https://example.com/credentials/status/3"
/// }))?;
/// assert_eq!((entry.purpose, entry.index), (StatusPurpose::Revocation, 94567));
/// assert_eq!(entry.to_json()["statusListIndex"], "94567");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The entry's `id`, if any.
    pub id: Option<String>,
    /// Bitstring Status List or StatusList2021.
    pub kind: ListKind,
    /// `statusPurpose`.
    pub purpose: StatusPurpose,
    /// `statusListIndex`.
    pub index: u64,
    /// `statusListCredential`: the URL of the status list credential.
    pub list_credential: String,
    /// `statusSize` (default 1).
    pub size: StatusSize,
    /// `statusMessage` (required, one per value, when `statusSize` > 1).
    pub messages: Vec<StatusMessage>,
}

impl StatusEntry {
    /// A one-bit Bitstring Status List entry.
    pub fn new(purpose: StatusPurpose, index: u64, list_credential: impl Into<String>) -> Self {
        let list_credential = list_credential.into();
        Self {
            id: Some(format!("{list_credential}#{index}")),
            kind: ListKind::Bitstring,
            purpose,
            index,
            list_credential,
            size: StatusSize::ONE,
            messages: Vec::new(),
        }
    }

    /// Parses one entry; the `type` must be `BitstringStatusListEntry` or `StatusList2021Entry`.
    pub fn from_json(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| malformed("credentialStatus entry is not an object"))?;
        let type_ = str_member(obj, "type")?;
        let kind = ListKind::from_entry_type(type_)
            .ok_or_else(|| malformed(format!("{type_:?} is not a W3C status list entry")))?;
        let purpose = StatusPurpose::parse(str_member(obj, "statusPurpose")?)?;
        let index = parse_index(obj.get("statusListIndex"))?;
        let list_credential = str_member(obj, "statusListCredential")?.to_owned();
        let size = match obj.get("statusSize") {
            None => StatusSize::ONE,
            Some(v) => StatusSize::new(
                v.as_u64()
                    .ok_or_else(|| malformed("statusSize is not a positive integer"))?,
            )?,
        };
        let messages = match obj.get("statusMessage") {
            None => Vec::new(),
            Some(v) => parse_messages(v, size)?,
        };
        if size.bits() > 1 && messages.len() != usize::from(size.values()) {
            return Err(malformed(format!(
                "statusSize {} needs {} statusMessage entries, found {}",
                size.bits(),
                size.values(),
                messages.len()
            )));
        }
        let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
        Ok(Self {
            id,
            kind,
            purpose,
            index,
            list_credential,
            size,
            messages,
        })
    }

    /// The W3C status list entries of a credential's `credentialStatus` (an object or an array);
    /// entries of other types are skipped, a malformed W3C entry is an error.
    ///
    /// ```
    /// let credential = serde_json::json!({"credentialStatus": [
    ///     {"type": "OtherStatus"},
    ///     {"type": "BitstringStatusListEntry", "statusPurpose": "suspension",
    ///      "statusListIndex": "7", "statusListCredential": "https://example.com/s/1"}]});
    /// let entries = inkan_core::bitstring::StatusEntry::all_in(&credential)?;
    /// assert_eq!(entries.len(), 1);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn all_in(credential: &Value) -> Result<Vec<Self>> {
        let items = match credential.get("credentialStatus") {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        items
            .into_iter()
            .filter(|item| {
                item.get("type")
                    .and_then(Value::as_str)
                    .and_then(ListKind::from_entry_type)
                    .is_some()
            })
            .map(Self::from_json)
            .collect()
    }

    /// The message for `value`, if the entry lists one.
    pub fn message(&self, value: u8) -> Option<&str> {
        self.messages
            .iter()
            .find(|m| m.status == value)
            .map(|m| m.message.as_str())
    }

    /// The entry as JSON (`statusListIndex` as a string, as the spec writes it).
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        if let Some(id) = &self.id {
            obj.insert("id".into(), id.as_str().into());
        }
        obj.insert("type".into(), self.kind.entry_type().into());
        obj.insert("statusPurpose".into(), self.purpose.as_str().into());
        obj.insert("statusListIndex".into(), self.index.to_string().into());
        obj.insert(
            "statusListCredential".into(),
            self.list_credential.as_str().into(),
        );
        if self.size != StatusSize::ONE {
            obj.insert("statusSize".into(), self.size.bits().into());
        }
        if !self.messages.is_empty() {
            let messages = self
                .messages
                .iter()
                .map(|m| json!({"status": format!("{:#x}", m.status), "message": m.message}))
                .collect();
            obj.insert("statusMessage".into(), Value::Array(messages));
        }
        Value::Object(obj)
    }
}

/// `statusListIndex`: a string of decimal digits (the spec's form) or, leniently, an integer.
fn parse_index(value: Option<&Value>) -> Result<u64> {
    match value {
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse()
            .map_err(|_| malformed(format!("statusListIndex {s:?} is too large"))),
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| malformed("statusListIndex is not a non-negative integer")),
        _ => Err(malformed("statusListIndex must be a string of digits")),
    }
}

fn parse_messages(value: &Value, size: StatusSize) -> Result<Vec<StatusMessage>> {
    let items = value
        .as_array()
        .ok_or_else(|| malformed("statusMessage is not an array"))?;
    if items.len() > usize::from(size.values()) {
        return Err(malformed("more statusMessage entries than values"));
    }
    items
        .iter()
        .map(|item| {
            let status = item.get("status").and_then(Value::as_str).unwrap_or_default();
            let hex = status
                .strip_prefix("0x")
                .ok_or_else(|| malformed(format!("status {status:?} is not 0x-hex")))?;
            let status = u8::from_str_radix(hex, 16)
                .ok()
                .filter(|v| u16::from(*v) < size.values())
                .ok_or_else(|| malformed(format!("status {status:?} out of range")))?;
            let message = item
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed("statusMessage entry without message"))?;
            Ok(StatusMessage {
                status,
                message: message.to_owned(),
            })
        })
        .collect()
}

fn str_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    obj.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(format!("{name} must be a string")))
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::BitstringMalformed(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(extra: Value) -> Result<StatusEntry> {
        let mut base = json!({
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": "1",
            "statusListCredential": "https://example.com/s"
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        StatusEntry::from_json(&base)
    }

    #[test]
    fn multi_bit_entries_need_their_messages() {
        let messages = json!([
            {"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "pending"},
            {"status": "0x2", "message": "expired"}, {"status": "0x3", "message": "other"}]);
        let e = entry(json!({"statusSize": 2, "statusMessage": messages})).unwrap();
        assert_eq!(e.message(2), Some("expired"));
        assert_eq!(StatusEntry::from_json(&e.to_json()).unwrap(), e);
        for bad in [
            json!({"statusSize": 2}),
            json!({"statusSize": 9}),
            json!({"statusSize": 2, "statusMessage": [{"status": "0x4", "message": "x"}]}),
            json!({"statusListIndex": "-1"}),
            json!({"statusListIndex": " 1"}),
            json!({"statusListIndex": "99999999999999999999999"}),
            json!({"statusPurpose": "deletion"}),
            json!({"type": "Other"}),
            json!({"statusListCredential": 5}),
        ] {
            let code = entry(bad.clone()).unwrap_err().code();
            assert!(code.starts_with("bitstring."), "{bad}: {code}");
        }
        assert_eq!(entry(json!({"statusListIndex": 5})).unwrap().index, 5);
    }
}
