//! W3C Bitstring Status List 1.0 (and StatusList2021 on the verify side): the bitstring
//! ([`Bitstring`]: gzip, MSB first, at least [`MIN_ENTRIES`] entries, multibase base64url
//! `encodedList`), the `credentialStatus` entry ([`StatusEntry`]), the status list credential
//! ([`StatusListCredential`]: built unsigned with [`list_credential`], so any securing mechanism
//! — VC-JOSE-COSE, Data Integrity — can sign it) and the check of one against the other
//! ([`check_status`]). Pure: fetching, caching and signatures belong to the callers.
//!
//! ```
//! use inkan_core::bitstring::{self, Bitstring, StatusEntry, StatusPurpose, StatusSize, MIN_ENTRIES};
//! use inkan_core::clock::FixedClock;
//! let url = "https://example.com/status/1";
//! let mut list = Bitstring::new(MIN_ENTRIES, StatusSize::ONE)?;
//! list.set(42, StatusSize::ONE, 1)?;
//! let credential = bitstring::list_credential(url, "did:example:issuer", StatusPurpose::Revocation, &list);
//! let parsed = bitstring::StatusListCredential::from_credential(&credential)?;
//! let clock = FixedClock::at_unix(1_800_000_000);
//! let revoked = StatusEntry::new(StatusPurpose::Revocation, 42, url);
//! let err = bitstring::check_status(&revoked, &parsed, &clock, 0).unwrap_err();
//! assert_eq!(err.code(), "bitstring.revoked");
//! let fine = StatusEntry::new(StatusPurpose::Revocation, 41, url);
//! assert_eq!(bitstring::check_status(&fine, &parsed, &clock, 0)?.value, 0);
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod entry;
mod list;

pub use entry::{ListKind, StatusEntry, StatusMessage, StatusPurpose};
pub use list::{Bitstring, MAX_LIST_BYTES, MIN_ENTRIES, StatusSize};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::clock::Clock;
use crate::{Error, Result};

/// The VCDM 2.0 base context, first in a Bitstring Status List credential.
pub const CONTEXT_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// A status list credential's content, read after its securing mechanism verified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListCredential {
    /// The credential's `id` (the URL entries point at), if any.
    pub id: Option<String>,
    /// Bitstring Status List or StatusList2021.
    pub kind: ListKind,
    /// `credentialSubject.statusPurpose` (one or several).
    pub purposes: Vec<StatusPurpose>,
    /// The decoded list (decompressed once, then O(1) lookups).
    pub list: Bitstring,
    /// `validFrom` (or `issuanceDate`), seconds since the epoch.
    pub valid_from: Option<i64>,
    /// `validUntil` (or `expirationDate`), seconds since the epoch.
    pub valid_until: Option<i64>,
    /// `credentialSubject.ttl`: how long it may be cached, in milliseconds.
    pub ttl_ms: Option<u64>,
}

impl StatusListCredential {
    /// Reads a (verified) status list credential: its `type` must include
    /// `BitstringStatusListCredential` or `StatusList2021Credential`, its subject the matching
    /// list type, a purpose and an `encodedList` (inflated under [`MAX_LIST_BYTES`]).
    pub fn from_credential(credential: &Value) -> Result<Self> {
        let kind = [ListKind::Bitstring, ListKind::StatusList2021]
            .into_iter()
            .find(|k| has_type(credential.get("type"), k.credential_type()))
            .ok_or_else(|| Error::BitstringWrongCredential("not a BitstringStatusListCredential".into()))?;
        let subject = credential
            .get("credentialSubject")
            .ok_or_else(|| malformed("no credentialSubject"))?;
        if !has_type(subject.get("type"), kind.subject_type()) {
            return Err(Error::BitstringWrongCredential(format!(
                "credentialSubject.type is not {}",
                kind.subject_type()
            )));
        }
        let purposes = match subject.get("statusPurpose") {
            Some(Value::String(p)) => vec![StatusPurpose::parse(p)?],
            Some(Value::Array(ps)) if !ps.is_empty() => ps
                .iter()
                .map(|p| StatusPurpose::parse(p.as_str().unwrap_or_default()))
                .collect::<Result<_>>()?,
            _ => return Err(malformed("statusPurpose must be a string or a non-empty array")),
        };
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("no encodedList"))?;
        let ttl_ms = match subject.get("ttl") {
            None => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| malformed("ttl is not an integer"))?),
        };
        Ok(Self {
            id: credential.get("id").and_then(Value::as_str).map(str::to_owned),
            kind,
            purposes,
            list: Bitstring::decode(encoded)?,
            valid_from: date(credential, &["validFrom", "issuanceDate"])?,
            valid_until: date(credential, &["validUntil", "expirationDate"])?,
            ttl_ms,
        })
    }

    /// Fails with [`Error::BitstringListExpired`] outside `validFrom`..`validUntil` (± leeway).
    pub fn check_validity(&self, clock: &dyn Clock, leeway_secs: i64) -> Result<()> {
        let now = clock.now_unix();
        let leeway = leeway_secs.max(0);
        if let Some(until) = self.valid_until
            && now > until.saturating_add(leeway)
        {
            return Err(Error::BitstringListExpired(format!("validUntil {until} passed")));
        }
        if let Some(from) = self.valid_from
            && now < from.saturating_sub(leeway)
        {
            return Err(Error::BitstringListExpired(format!(
                "validFrom {from} not reached"
            )));
        }
        Ok(())
    }
}

/// What a status list says about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusOutcome {
    /// The entry's purpose.
    pub purpose: StatusPurpose,
    /// The entry's index.
    pub index: u64,
    /// The value found (0 = nothing to report).
    pub value: u8,
    /// The entry's `statusMessage` for that value, if any.
    pub message: Option<String>,
}

/// Checks `entry` against the (verified) status list credential `list`, following the spec's
/// validation algorithm: the list is of the entry's kind and, when it has an `id`, is the
/// credential the entry names; the purposes match; the list is within its validity period;
/// it holds at least [`MIN_ENTRIES`] entries of the entry's size (STATUS_LIST_LENGTH_ERROR);
/// the index is inside it (STATUS_RANGE_ERROR). A set revocation entry is then
/// [`Error::BitstringRevoked`], a set suspension entry [`Error::BitstringSuspended`]; message
/// and refresh values are returned as an [`StatusOutcome`] for the caller to report.
pub fn check_status(
    entry: &StatusEntry,
    list: &StatusListCredential,
    clock: &dyn Clock,
    leeway_secs: i64,
) -> Result<StatusOutcome> {
    if list.kind != entry.kind {
        return Err(Error::BitstringWrongCredential(format!(
            "a {} points at a {}",
            entry.kind.entry_type(),
            list.kind.credential_type()
        )));
    }
    if let Some(id) = &list.id
        && id != &entry.list_credential
    {
        return Err(Error::BitstringWrongCredential(format!(
            "list credential {id} is not {}",
            entry.list_credential
        )));
    }
    if !list.purposes.contains(&entry.purpose) {
        let names: Vec<_> = list.purposes.iter().map(|p| p.as_str()).collect();
        return Err(Error::BitstringPurposeMismatch {
            entry: entry.purpose.as_str().to_owned(),
            list: names.join(","),
        });
    }
    list.check_validity(clock, leeway_secs)?;
    let entries = list.list.entries(entry.size);
    if entries < MIN_ENTRIES {
        return Err(Error::BitstringListTooShort {
            entries,
            min: MIN_ENTRIES,
        });
    }
    let value = list.list.get(entry.index, entry.size)?;
    let outcome = StatusOutcome {
        purpose: entry.purpose,
        index: entry.index,
        value,
        message: entry.message(value).map(str::to_owned),
    };
    match (entry.purpose, value) {
        (_, 0) => Ok(outcome),
        (StatusPurpose::Revocation, _) => Err(Error::BitstringRevoked { index: entry.index }),
        (StatusPurpose::Suspension, _) => Err(Error::BitstringSuspended { index: entry.index }),
        _ => Ok(outcome),
    }
}

/// An unsigned VCDM 2.0 `BitstringStatusListCredential` publishing `list` at `url` (which is
/// also its `id`); add `validFrom`/`validUntil` and the subject's `ttl` as needed, then secure it.
///
/// ```
/// use inkan_core::bitstring::{list_credential, Bitstring, StatusPurpose, StatusSize, MIN_ENTRIES};
/// let list = Bitstring::new(MIN_ENTRIES, StatusSize::ONE)?;
/// let vc = list_credential("https://example.com/s/1", "did:example:i", StatusPurpose::Suspension, &list);
/// assert_eq!(vc["credentialSubject"]["type"], "BitstringStatusList");
/// assert_eq!(vc["credentialSubject"]["statusPurpose"], "suspension");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn list_credential(url: &str, issuer: &str, purpose: StatusPurpose, list: &Bitstring) -> Value {
    json!({
        "@context": [CONTEXT_V2],
        "id": url,
        "type": ["VerifiableCredential", ListKind::Bitstring.credential_type()],
        "issuer": issuer,
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": ListKind::Bitstring.subject_type(),
            "statusPurpose": purpose.as_str(),
            "encodedList": list.encode(),
        }
    })
}

/// Whether a JSON-LD `type` (a string or an array of strings) includes `name`.
fn has_type(value: Option<&Value>, name: &str) -> bool {
    match value {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(name)),
        _ => false,
    }
}

/// The first of `names` present, as an RFC 3339 date-time in seconds.
fn date(credential: &Value, names: &[&str]) -> Result<Option<i64>> {
    let Some((name, value)) = names.iter().find_map(|n| credential.get(*n).map(|v| (*n, v))) else {
        return Ok(None);
    };
    let text = value
        .as_str()
        .ok_or_else(|| malformed(format!("{name} is not a string")))?;
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| Some(t.unix_timestamp()))
        .map_err(|_| malformed(format!("{name} {text:?} is not an RFC 3339 date-time")))
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::BitstringMalformed(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    const URL: &str = "https://example.com/status/1";

    fn credential(purpose: StatusPurpose, entries: u64, size: StatusSize) -> (Value, Bitstring) {
        let mut list =
            Bitstring::from_bytes(vec![0; (entries * u64::from(size.bits())).div_ceil(8) as usize]);
        list.set(5, size, 1).unwrap();
        list.set(6, size, size.values().saturating_sub(1) as u8).unwrap();
        (list_credential(URL, "did:example:i", purpose, &list), list)
    }

    fn check(vc: &Value, entry: &StatusEntry, now: i64) -> Result<StatusOutcome> {
        let parsed = StatusListCredential::from_credential(vc)?;
        check_status(entry, &parsed, &FixedClock::at_unix(now), 0)
    }

    #[test]
    fn purposes_and_values() {
        let (vc, _) = credential(StatusPurpose::Revocation, MIN_ENTRIES, StatusSize::ONE);
        let e = |i| StatusEntry::new(StatusPurpose::Revocation, i, URL);
        assert_eq!(check(&vc, &e(4), 0).unwrap().value, 0);
        assert_eq!(check(&vc, &e(5), 0).unwrap_err().code(), "bitstring.revoked");
        assert_eq!(
            check(&vc, &e(MIN_ENTRIES), 0).unwrap_err().code(),
            "bitstring.index_out_of_range"
        );
        let suspended = StatusEntry::new(StatusPurpose::Suspension, 5, URL);
        assert_eq!(
            check(&vc, &suspended, 0).unwrap_err().code(),
            "bitstring.purpose_mismatch"
        );
        let (vc, _) = credential(StatusPurpose::Suspension, MIN_ENTRIES, StatusSize::ONE);
        assert_eq!(
            check(&vc, &suspended, 0).unwrap_err().code(),
            "bitstring.suspended"
        );
        let elsewhere = StatusEntry::new(StatusPurpose::Suspension, 5, "https://example.com/other");
        assert_eq!(
            check(&vc, &elsewhere, 0).unwrap_err().code(),
            "bitstring.wrong_credential"
        );
    }

    #[test]
    fn messages_with_two_bit_entries() {
        let size = StatusSize::new(2).unwrap();
        let (vc, _) = credential(StatusPurpose::Message, MIN_ENTRIES, size);
        let mut entry = StatusEntry::new(StatusPurpose::Message, 6, URL);
        entry.size = size;
        entry.messages = (0..4)
            .map(|status| StatusMessage {
                status,
                message: format!("m{status}"),
            })
            .collect();
        let outcome = check(&vc, &entry, 0).unwrap();
        assert_eq!((outcome.value, outcome.message.as_deref()), (3, Some("m3")));
    }

    #[test]
    fn short_lists_and_validity() {
        let (vc, _) = credential(StatusPurpose::Revocation, MIN_ENTRIES / 2, StatusSize::ONE);
        let entry = StatusEntry::new(StatusPurpose::Revocation, 1, URL);
        assert_eq!(
            check(&vc, &entry, 0).unwrap_err().code(),
            "bitstring.list_too_short"
        );
        // 2-bit entries over a 16 KiB list: only 65,536 entries, too short as well.
        let (vc, _) = credential(StatusPurpose::Revocation, MIN_ENTRIES, StatusSize::ONE);
        let mut two = entry.clone();
        two.size = StatusSize::new(2).unwrap();
        assert_eq!(
            check(&vc, &two, 0).unwrap_err().code(),
            "bitstring.list_too_short"
        );
        let mut dated = vc.clone();
        dated["validFrom"] = "2026-01-01T00:00:00Z".into();
        dated["validUntil"] = "2026-02-01T00:00:00Z".into();
        assert!(check(&dated, &entry, 1_768_000_000).is_ok());
        assert_eq!(
            check(&dated, &entry, 1_770_000_000).unwrap_err().code(),
            "bitstring.list_expired"
        );
        assert_eq!(
            check(&dated, &entry, 1_700_000_000).unwrap_err().code(),
            "bitstring.list_expired"
        );
        dated["validUntil"] = "yesterday".into();
        assert_eq!(
            check(&dated, &entry, 0).unwrap_err().code(),
            "bitstring.malformed"
        );
    }

    #[test]
    fn status_list_2021_is_read() {
        let (_, list) = credential(StatusPurpose::Revocation, MIN_ENTRIES, StatusSize::ONE);
        let vc = json!({
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
            "id": URL,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuanceDate": "2021-04-05T14:27:40Z",
            "credentialSubject": {"id": format!("{URL}#list"), "type": "StatusList2021",
                "statusPurpose": "revocation", "encodedList": &list.encode()[1..]}
        });
        let entry = StatusEntry::from_json(&json!({
            "id": format!("{URL}#5"), "type": "StatusList2021Entry", "statusPurpose": "revocation",
            "statusListIndex": "5", "statusListCredential": URL}))
        .unwrap();
        assert_eq!(
            check(&vc, &entry, 1_700_000_000).unwrap_err().code(),
            "bitstring.revoked"
        );
        let bitstring_entry = StatusEntry::new(StatusPurpose::Revocation, 5, URL);
        assert_eq!(
            check(&vc, &bitstring_entry, 0).unwrap_err().code(),
            "bitstring.wrong_credential"
        );
    }

    #[test]
    fn wrong_credentials() {
        let (vc, _) = credential(StatusPurpose::Revocation, MIN_ENTRIES, StatusSize::ONE);
        let mut other = vc.clone();
        other["type"] = json!(["VerifiableCredential"]);
        assert_eq!(
            StatusListCredential::from_credential(&other).unwrap_err().code(),
            "bitstring.wrong_credential"
        );
        let mut subject = vc.clone();
        subject["credentialSubject"]["type"] = "Other".into();
        assert_eq!(
            StatusListCredential::from_credential(&subject)
                .unwrap_err()
                .code(),
            "bitstring.wrong_credential"
        );
        let mut list = vc;
        list["credentialSubject"]["encodedList"] = "uAAAA".into();
        assert_eq!(
            StatusListCredential::from_credential(&list).unwrap_err().code(),
            "bitstring.malformed"
        );
    }
}
