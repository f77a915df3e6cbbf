//! The boundary to the pure modules: schema validation (`crate::schema`) and de-duplication
//! keys (`crate::dedup`), turned into the registry's errors and blind-index rows.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::dedup::{BiometricSample, DedupError, DemographicKey};
use crate::error::ApiError;
use crate::schema::{IdSchema, SchemaError};
use crate::seal::Sealer;

/// Blind-index kind of demographic keys (name + date of birth + gender).
pub const DEMOGRAPHIC: &str = "demo";
/// Blind-index kind of exact biometric templates.
pub const BIOMETRIC: &str = "bio";

/// A schema error as a problem: 422 `idp.schema_violation` with `errors[].path` (JSON
/// pointers), or the error's own code.
pub fn schema_error(e: SchemaError) -> ApiError {
    let status = match e {
        SchemaError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        SchemaError::Malformed(_) => StatusCode::BAD_REQUEST,
        SchemaError::BadSchema(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let errors: Vec<Value> = e
        .violations()
        .iter()
        .map(|v| json!({ "path": v.pointer, "keyword": v.keyword, "message": v.message }))
        .collect();
    ApiError::new(status, e.code(), e.to_string()).with(json!({ "errors": errors }))
}

fn dedup_error(e: DedupError) -> ApiError {
    match e {
        DedupError::Record(s) => schema_error(s),
        other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.code(), other.to_string()),
    }
}

/// Validates `identity` against the programme's schema.
pub fn validate(schema: &IdSchema, identity: &Value) -> Result<(), ApiError> {
    schema.validate(identity).map_err(schema_error)
}

/// The blind-index rows `(kind, keyed hash)` of a valid document: one per demographic key
/// (every script of the name gives the same key) and one per biometric template.
pub fn dedup_keys(sealer: &Sealer, identity: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let mut keys: Vec<(String, String)> = DemographicKey::from_record(identity)
        .map_err(dedup_error)?
        .iter()
        .map(|k| (DEMOGRAPHIC.to_string(), sealer.demographic_index(k)))
        .collect();
    for s in BiometricSample::from_record(identity).map_err(dedup_error)? {
        let (part, format) = (s.body_part.key().to_be_bytes(), s.format.code().to_be_bytes());
        keys.push((
            BIOMETRIC.to_string(),
            sealer.blind_index(BIOMETRIC, &[&part, &format, &s.data]),
        ));
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// The demographic rows only (lost-UIN search accepts a partial document).
pub fn demographic_keys(sealer: &Sealer, identity: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let keys = DemographicKey::from_record(identity).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.insufficient_demographics",
            format!("fullName, dateOfBirth and gender are needed to find a UIN: {e}"),
        )
    })?;
    Ok(keys
        .iter()
        .map(|k| (DEMOGRAPHIC.to_string(), sealer.demographic_index(k)))
        .collect())
}
