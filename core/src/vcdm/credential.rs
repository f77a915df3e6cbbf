//! [`Credential`]: a verifiable credential (VCDM 1.1 or 2.0), checked when parsed.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::context::{self, ContextInfo};
use super::rules::{date, is_url, language_value, one_or_many, optional_id, short, typed_objects, types};
use super::{CONTEXT_V1, CONTEXT_V2, parse_document};
use crate::clock::Clock;
use crate::{Error, Result};

/// The data model version a document follows, from its first `@context`.
///
/// ```
/// use inkan_core::vcdm::Version;
/// assert_eq!(Version::V2_0.base_context(), "https://www.w3.org/ns/credentials/v2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// VCDM 1.1 (`https://www.w3.org/2018/credentials/v1`; `issuanceDate`/`expirationDate`).
    V1_1,
    /// VCDM 2.0 (`https://www.w3.org/ns/credentials/v2`; `validFrom`/`validUntil`).
    V2_0,
}

impl Version {
    /// The base context that must come first in `@context`.
    pub fn base_context(self) -> &'static str {
        match self {
            Version::V1_1 => CONTEXT_V1,
            Version::V2_0 => CONTEXT_V2,
        }
    }

    /// The version whose base context the document's first `@context` entry is.
    pub(crate) fn of(obj: &Map<String, Value>) -> Result<Self> {
        let first = obj.get("@context").map(one_or_many).and_then(|c| c.first());
        match first.and_then(Value::as_str) {
            Some(CONTEXT_V2) => Ok(Version::V2_0),
            Some(CONTEXT_V1) => Ok(Version::V1_1),
            None if first.is_none() => Err(Error::VcdmContext("@context is missing".into())),
            _ => Err(Error::VcdmContext(format!(
                "the first @context must be {CONTEXT_V2} or {CONTEXT_V1}"
            ))),
        }
    }
}

/// One `credentialStatus` entry: its `type`s, optional `id`, and every member as published (a
/// status checker such as the Bitstring Status List reads its own members from [`Self::members`]).
///
/// ```
/// use inkan_core::vcdm::Credential;
/// let vc = Credential::from_value(serde_json::json!({
///   "@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
///   "issuer": "did:example:i", "credentialSubject": {"id": "did:example:s"},
///   "credentialStatus": {"id": "https://example.com/status/1#9", "type": "BitstringStatusListEntry",
///                        "statusListIndex": "9", "statusListCredential": "https://example.com/status/1"}}))?;
/// let status = &vc.status()[0];
/// assert_eq!(status.types(), ["BitstringStatusListEntry"]);
/// assert_eq!(status.members()["statusListIndex"], "9");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialStatus {
    id: Option<String>,
    types: Vec<String>,
    members: Map<String, Value>,
}

impl CredentialStatus {
    /// The entry's `id`, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The entry's `type` values.
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// Every member of the entry as published.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }
}

/// One `credentialSchema` entry: a URL `id` and a `type` (e.g. `JsonSchema`).
///
/// ```
/// use inkan_core::vcdm::Credential;
/// let vc = Credential::from_value(serde_json::json!({
///   "@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
///   "issuer": "did:example:i", "credentialSubject": {"id": "did:example:s"},
///   "credentialSchema": {"id": "https://example.com/schema.json", "type": "JsonSchema"}}))?;
/// assert_eq!(vc.schemas()[0].id(), "https://example.com/schema.json");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSchema {
    id: String,
    types: Vec<String>,
}

impl CredentialSchema {
    /// The schema's URL.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The schema's `type` values.
    pub fn types(&self) -> &[String] {
        &self.types
    }
}

/// A verifiable credential whose shape follows the data model, kept as the JSON it arrived as.
///
/// Parsing checks every rule of the model that needs no clock and no JSON-LD processing (see the
/// [module](super) documentation); [`Credential::check_validity`] then checks the validity period.
/// A credential embedded in a presentation, or one under a proof, is parsed the same way.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::vcdm::Credential;
/// let vc = Credential::from_json(r#"{
///   "@context": ["https://www.w3.org/2018/credentials/v1"],
///   "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
///   "issuanceDate": "2025-01-01T00:00:00Z", "expirationDate": "2026-01-01T00:00:00Z",
///   "credentialSubject": {"id": "did:example:subject"}}"#)?;
/// assert!(vc.check_validity(&FixedClock::from_rfc3339("2025-06-01T00:00:00Z")?, 0).is_ok());
/// let late = vc.check_validity(&FixedClock::from_rfc3339("2026-06-01T00:00:00Z")?, 0);
/// assert_eq!(late.unwrap_err().code(), "vcdm.expired");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    doc: Value,
    version: Version,
    id: Option<String>,
    types: Vec<String>,
    issuer: String,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
    status: Vec<CredentialStatus>,
    schemas: Vec<CredentialSchema>,
}

impl Credential {
    /// Parses and checks a credential from JSON text (size and depth capped, see
    /// [`parse_document`](super::parse_document)).
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_value(parse_document(text)?)
    }

    /// Checks a credential held as a JSON value, keeping the value as it is.
    pub fn from_value(doc: Value) -> Result<Self> {
        super::check_depth(&doc, super::MAX_DEPTH)?;
        let obj = doc
            .as_object()
            .ok_or_else(|| Error::VcdmMalformed("a credential must be a JSON object".into()))?;
        let version = Version::of(obj)?;
        let ctx = context::check(obj, version.base_context())?;
        let types = required_types(obj, &ctx, "VerifiableCredential")?;
        let id = optional_id(obj, "the credential")?;
        let issuer = issuer(obj)?;
        check_subjects(obj)?;
        let (valid_from, valid_until) = validity(obj, version)?;
        let status = status_entries(obj, version, &ctx)?;
        let schemas = schema_entries(obj)?;
        other_properties(obj, &ctx)?;
        Ok(Credential {
            version,
            id,
            types,
            issuer,
            valid_from,
            valid_until,
            status,
            schemas,
            doc,
        })
    }

    /// The document as parsed.
    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// The document, given back.
    pub fn into_document(self) -> Value {
        self.doc
    }

    /// The data model version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The credential's `id`, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The `type` values (always including `VerifiableCredential`).
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// The issuer's URL: `issuer`, or `issuer.id`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `validFrom` (2.0) or `issuanceDate` (1.1).
    pub fn valid_from(&self) -> Option<OffsetDateTime> {
        self.valid_from
    }

    /// `validUntil` (2.0) or `expirationDate` (1.1).
    pub fn valid_until(&self) -> Option<OffsetDateTime> {
        self.valid_until
    }

    /// The `credentialSubject` objects (one or more).
    pub fn subjects(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.doc
            .get("credentialSubject")
            .map(one_or_many)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_object)
    }

    /// The `id` of the first subject, if it has one.
    pub fn subject_id(&self) -> Option<&str> {
        self.subjects()
            .next()
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
    }

    /// The `credentialStatus` entries.
    pub fn status(&self) -> &[CredentialStatus] {
        &self.status
    }

    /// The `credentialSchema` entries.
    pub fn schemas(&self) -> &[CredentialSchema] {
        &self.schemas
    }

    /// Fails unless the credential is valid at the clock's time, with `leeway_secs` either side:
    /// [`Error::VcdmNotYetValid`] before `validFrom`/`issuanceDate`, [`Error::VcdmExpired`] after
    /// `validUntil`/`expirationDate`.
    pub fn check_validity(&self, clock: &dyn Clock, leeway_secs: u64) -> Result<()> {
        let now = clock.now_unix();
        let leeway = i64::try_from(leeway_secs).unwrap_or(i64::MAX);
        if let Some(from) = self.valid_from
            && now.saturating_add(leeway) < from.unix_timestamp()
        {
            return Err(Error::VcdmNotYetValid(rfc3339(from)));
        }
        if let Some(until) = self.valid_until
            && now.saturating_sub(leeway) > until.unix_timestamp()
        {
            return Err(Error::VcdmExpired(rfc3339(until)));
        }
        Ok(())
    }
}

/// Sets the issuer of a credential template, as an issuer does before signing: a missing
/// `issuer` becomes `issuer_id`; an issuer object without `id` gets it. An `issuer` that is
/// already set is left for [`Credential::from_value`] to judge.
///
/// ```
/// use inkan_core::vcdm::fill_issuer;
/// let mut t = serde_json::json!({"issuer": {"name": "Example"}});
/// fill_issuer(&mut t, "did:example:issuer");
/// assert_eq!(t["issuer"]["id"], "did:example:issuer");
/// ```
pub fn fill_issuer(template: &mut Value, issuer_id: &str) {
    let Some(obj) = template.as_object_mut() else {
        return;
    };
    match obj.get_mut("issuer") {
        None => {
            obj.insert("issuer".into(), Value::from(issuer_id));
        }
        Some(Value::Object(issuer)) if !issuer.contains_key("id") => {
            issuer.insert("id".into(), Value::from(issuer_id));
        }
        Some(_) => {}
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `type`: present, containing `required`, every value mapping to a URL.
pub(super) fn required_types(
    obj: &Map<String, Value>,
    ctx: &ContextInfo<'_>,
    required: &str,
) -> Result<Vec<String>> {
    let types = types(obj)?.ok_or_else(|| Error::VcdmType("type is missing".into()))?;
    if !types.iter().any(|t| t == required) {
        return Err(Error::VcdmType(format!("type must include {required}")));
    }
    for t in &types {
        ctx.check_type(t)?;
    }
    Ok(types)
}

/// `issuer`: a URL, or an object with a URL `id`.
fn issuer(obj: &Map<String, Value>) -> Result<String> {
    match obj.get("issuer") {
        Some(Value::String(s)) if is_url(s) => Ok(s.clone()),
        Some(Value::Object(o)) => {
            language_value(o, "name")?;
            language_value(o, "description")?;
            match o.get("id") {
                Some(Value::String(s)) if is_url(s) => Ok(s.clone()),
                Some(other) => Err(Error::VcdmIssuer(format!(
                    "issuer id {} is not a URL",
                    short(other)
                ))),
                None => Err(Error::VcdmIssuer("the issuer object has no id".into())),
            }
        }
        Some(other) => Err(Error::VcdmIssuer(format!("{} is not a URL", short(other)))),
        None => Err(Error::VcdmIssuer("issuer is missing".into())),
    }
}

/// `credentialSubject`: one object or a non-empty array; each with a claim; `id` one URL.
fn check_subjects(obj: &Map<String, Value>) -> Result<()> {
    let subjects = one_or_many(
        obj.get("credentialSubject")
            .ok_or_else(|| Error::VcdmSubject("credentialSubject is missing".into()))?,
    );
    if subjects.is_empty() {
        return Err(Error::VcdmSubject("credentialSubject is an empty array".into()));
    }
    for subject in subjects {
        let s = subject
            .as_object()
            .ok_or_else(|| Error::VcdmSubject("each credentialSubject must be an object".into()))?;
        if s.is_empty() {
            return Err(Error::VcdmSubject("a credentialSubject makes no claim".into()));
        }
        optional_id(s, "credentialSubject").map_err(|e| Error::VcdmSubject(e.to_string()))?;
    }
    Ok(())
}

/// The validity period for the version, checked for order.
fn validity(
    obj: &Map<String, Value>,
    version: Version,
) -> Result<(Option<OffsetDateTime>, Option<OffsetDateTime>)> {
    let (from, until) = match version {
        Version::V2_0 => (date(obj, "validFrom")?, date(obj, "validUntil")?),
        Version::V1_1 => {
            let from = date(obj, "issuanceDate")?
                .ok_or_else(|| Error::VcdmDate("a VCDM 1.1 credential needs issuanceDate".into()))?;
            (Some(from), date(obj, "expirationDate")?)
        }
    };
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        return Err(Error::VcdmValidityOrder);
    }
    Ok((from, until))
}

fn status_entries(
    obj: &Map<String, Value>,
    version: Version,
    ctx: &ContextInfo<'_>,
) -> Result<Vec<CredentialStatus>> {
    typed_objects(obj, "credentialStatus", Error::VcdmStatus)?
        .into_iter()
        .map(|o| {
            let id = optional_id(o, "credentialStatus").map_err(|e| Error::VcdmStatus(e.to_string()))?;
            if id.is_none() && version == Version::V1_1 {
                return Err(Error::VcdmStatus(
                    "a VCDM 1.1 credentialStatus needs an id".into(),
                ));
            }
            let types = types(o)?.unwrap_or_default();
            for t in &types {
                ctx.check_type(t).map_err(|e| Error::VcdmStatus(e.to_string()))?;
            }
            Ok(CredentialStatus {
                id,
                types,
                members: o.clone(),
            })
        })
        .collect()
}

fn schema_entries(obj: &Map<String, Value>) -> Result<Vec<CredentialSchema>> {
    typed_objects(obj, "credentialSchema", Error::VcdmSchema)?
        .into_iter()
        .map(|o| {
            let id = optional_id(o, "credentialSchema")
                .map_err(|e| Error::VcdmSchema(e.to_string()))?
                .ok_or_else(|| Error::VcdmSchema("credentialSchema needs an id".into()))?;
            Ok(CredentialSchema {
                id,
                types: types(o)?.unwrap_or_default(),
            })
        })
        .collect()
}

/// `name`/`description`, and the typed optional properties (`evidence`, `termsOfUse`,
/// `refreshService`, `proof`), each needing a `type` that maps to a URL.
pub(super) fn other_properties(obj: &Map<String, Value>, ctx: &ContextInfo<'_>) -> Result<()> {
    language_value(obj, "name")?;
    language_value(obj, "description")?;
    for name in ["evidence", "termsOfUse", "refreshService", "proof"] {
        for o in typed_objects(obj, name, Error::VcdmProperty)? {
            optional_id(o, name)?;
            for t in types(o)?.unwrap_or_default() {
                ctx.check_type(&t)
                    .map_err(|e| Error::VcdmProperty(format!("{name}: {e}")))?;
            }
        }
    }
    Ok(())
}
