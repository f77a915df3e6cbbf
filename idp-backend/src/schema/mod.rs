//! The programme's identity-data schema: a JSON Schema (draft 2020-12) every write is
//! validated against, with caps on size and depth checked first.
//!
//! The default schema (`idp-backend/schema/default-id-schema.json`, [`IdSchema::default_schema`])
//! is MOSIP-style: multi-language values as `[{language, value}]` (ISO 639-3), ISO dates, an
//! E.164 phone, email, address lines, documents as references and biometrics as typed records
//! (`modality`, `bodyPart`, `format`, `subFormat`, `quality`, base64 `data`). A programme may
//! replace it with its own ([`IdSchema::new`]); only a record in the default shape maps onto
//! Claim 169 with [`to_claim169`].
//!
//! Violations carry the JSON pointer of the offending field; their messages never echo the
//! submitted value (it is personal data and would end up in logs).
//!
//! ```
//! use inkan_idp::schema::IdSchema;
//! let schema = IdSchema::default_schema()?;
//! let ok = br#"{"fullName": [{"language": "eng", "value": "Jane Doe"}],
//!              "dateOfBirth": "1990-01-31", "gender": "female"}"#;
//! let record = schema.parse(ok)?;
//! assert_eq!(record["gender"], "female");
//!
//! let bad = br#"{"fullName": [{"language": "english", "value": "Jane"}],
//!               "dateOfBirth": "1990-13-01", "gender": "female"}"#;
//! let err = schema.parse(bad).unwrap_err();
//! assert_eq!(err.code(), "idp.schema_violation");
//! let pointers: Vec<&str> = err.violations().iter().map(|v| v.pointer.as_str()).collect();
//! assert_eq!(pointers, ["/dateOfBirth", "/fullName/0/language"]);
//! # Ok::<(), inkan_idp::schema::SchemaError>(())
//! ```

mod claim169;

pub(crate) use claim169::biometric_entries;
pub use claim169::to_claim169;

use serde::Serialize;
use serde_json::Value;

/// The default schema's text.
pub const DEFAULT_SCHEMA: &str = include_str!("../../schema/default-id-schema.json");
/// Default cap on a record's encoded size: 8 MiB (biometric images are the bulk).
pub const DEFAULT_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Default cap on a record's nesting depth (the default schema needs 4).
pub const DEFAULT_MAX_DEPTH: usize = 16;
/// At most this many violations are reported for one record.
pub const MAX_VIOLATIONS: usize = 64;

/// One schema violation: where, which keyword, and a message without the submitted value.
///
/// ```
/// use inkan_idp::schema::IdSchema;
/// let err = IdSchema::default_schema()?.validate(&serde_json::json!({"gender": "x"})).unwrap_err();
/// let v = &err.violations()[0];
/// assert_eq!((v.pointer.as_str(), v.keyword.as_str()), ("", "required"));
/// # Ok::<(), inkan_idp::schema::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer (RFC 6901) to the field; `""` is the whole record.
    pub pointer: String,
    /// The JSON Schema keyword that failed (`required`, `pattern`, `enum`, …).
    pub keyword: String,
    /// What is wrong, with the value masked.
    pub message: String,
}

/// Why a record (or a schema) was refused. Codes are stable (`idp.*`).
///
/// ```
/// use inkan_idp::schema::IdSchema;
/// let err = IdSchema::default_schema()?.parse(b"{").unwrap_err();
/// assert_eq!(err.code(), "idp.malformed_json");
/// # Ok::<(), inkan_idp::schema::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The programme's schema is not a usable JSON Schema (or refers to external documents).
    #[error("invalid identity schema: {0}")]
    BadSchema(String),
    /// The record is larger than the cap.
    #[error("record is larger than {limit} bytes")]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The record nests deeper than the cap.
    #[error("record nests deeper than {limit} levels")]
    TooDeep {
        /// The cap.
        limit: usize,
    },
    /// The body is not JSON.
    #[error("record is not valid JSON: {0}")]
    Malformed(String),
    /// The record breaks the schema.
    #[error("record does not match the identity schema ({} violation(s), first at {:?})", .0.len(), .0.first().map(|v| v.pointer.as_str()).unwrap_or(""))]
    Invalid(Vec<Violation>),
    /// A valid record cannot be expressed as Claim 169 (e.g. it is not in the default shape).
    #[error("cannot map {pointer:?} to Claim 169: {reason}")]
    Mapping {
        /// JSON pointer of the field.
        pointer: String,
        /// Why.
        reason: String,
    },
}

impl SchemaError {
    /// The stable code.
    ///
    /// ```
    /// assert_eq!(inkan_idp::schema::SchemaError::TooDeep { limit: 1 }.code(), "idp.payload_too_deep");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SchemaError::BadSchema(_) => "idp.bad_schema",
            SchemaError::TooLarge { .. } => "idp.payload_too_large",
            SchemaError::TooDeep { .. } => "idp.payload_too_deep",
            SchemaError::Malformed(_) => "idp.malformed_json",
            SchemaError::Invalid(_) => "idp.schema_violation",
            SchemaError::Mapping { .. } => "idp.claim169_mapping",
        }
    }

    /// The violations of an [`SchemaError::Invalid`] (empty for the other variants).
    pub fn violations(&self) -> &[Violation] {
        match self {
            SchemaError::Invalid(v) => v,
            _ => &[],
        }
    }
}

/// Caps checked before validation.
///
/// ```
/// use inkan_idp::schema::{IdSchema, Limits};
/// let tight = IdSchema::default_schema()?.with_limits(Limits { max_bytes: 10, max_depth: 16 });
/// assert_eq!(tight.parse(br#"{"fullName": []}"#).unwrap_err().code(), "idp.payload_too_large");
/// # Ok::<(), inkan_idp::schema::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded record, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting (a scalar at the top is depth 0, `{"a": 1}` is 1).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// A compiled identity schema with its caps. Build once, share (`Send + Sync`).
#[derive(Debug)]
pub struct IdSchema {
    validator: jsonschema::Validator,
    source: Value,
    limits: Limits,
}

impl IdSchema {
    /// Compiles a programme's schema (draft 2020-12 unless it says otherwise). The schema is
    /// itself checked against its meta-schema; `$ref`s to other documents are refused (this
    /// crate never fetches a schema).
    ///
    /// ```
    /// use inkan_idp::schema::IdSchema;
    /// let err = IdSchema::new(&serde_json::json!({"type": 5})).unwrap_err();
    /// assert_eq!(err.code(), "idp.bad_schema");
    /// let remote = serde_json::json!({"$ref": "https://schemas.example/id.json"});
    /// assert_eq!(IdSchema::new(&remote).unwrap_err().code(), "idp.bad_schema");
    /// ```
    pub fn new(schema: &Value) -> Result<Self, SchemaError> {
        jsonschema::meta::validate(schema).map_err(|e| SchemaError::BadSchema(e.to_string()))?;
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(schema)
            .map_err(|e| SchemaError::BadSchema(e.to_string()))?;
        Ok(Self {
            validator,
            source: schema.clone(),
            limits: Limits::default(),
        })
    }

    /// The default schema shipped with inkan (maps onto Claim 169).
    pub fn default_schema() -> Result<Self, SchemaError> {
        let source: Value =
            serde_json::from_str(DEFAULT_SCHEMA).map_err(|e| SchemaError::BadSchema(e.to_string()))?;
        Self::new(&source)
    }

    /// The same schema with other caps.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The schema document (to publish, e.g. in the OpenAPI description).
    pub fn source(&self) -> &Value {
        &self.source
    }

    /// The caps.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Parses a submitted body and validates it: size cap, JSON, depth cap, schema.
    pub fn parse(&self, body: &[u8]) -> Result<Value, SchemaError> {
        if body.len() > self.limits.max_bytes {
            return Err(SchemaError::TooLarge {
                limit: self.limits.max_bytes,
            });
        }
        // serde_json refuses nesting beyond 128 while parsing, so this cannot overflow the
        // stack; the tighter depth cap is checked on the parsed value.
        let record: Value =
            serde_json::from_slice(body).map_err(|e| SchemaError::Malformed(e.to_string()))?;
        self.validate(&record)?;
        Ok(record)
    }

    /// Validates a record already in memory (e.g. after an update was merged): depth cap, then
    /// the schema. The size cap applies to [`IdSchema::parse`]'s input.
    pub fn validate(&self, record: &Value) -> Result<(), SchemaError> {
        if depth(record) > self.limits.max_depth {
            return Err(SchemaError::TooDeep {
                limit: self.limits.max_depth,
            });
        }
        let mut violations: Vec<Violation> = self
            .validator
            .iter_errors(record)
            .take(MAX_VIOLATIONS)
            .map(|e| Violation {
                pointer: e.instance_path().as_str().to_owned(),
                keyword: e.kind().keyword().to_owned(),
                message: e.masked().to_string(),
            })
            .collect();
        if violations.is_empty() {
            return Ok(());
        }
        violations.sort_by(|a, b| a.pointer.cmp(&b.pointer).then_with(|| a.keyword.cmp(&b.keyword)));
        Err(SchemaError::Invalid(violations))
    }
}

/// Nesting depth without recursion (a hostile value must not exhaust the stack).
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests;
