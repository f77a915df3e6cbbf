//! Demographic authentication: the individual states some of their data and every stated
//! field must agree with the record. Names go through the same normalisation as
//! de-duplication ([`crate::dedup::name_key`]), so any script or transliteration of the
//! enrolled name matches; the answer never says which field disagreed.
//!
//! ```
//! use inkan_idp::factors::demographic::{DemographicClaims, match_demographics};
//! let record = serde_json::json!({
//!     "fullName": [{"language": "eng", "value": "Rahul Sharma"}],
//!     "dateOfBirth": "1990-01-31", "gender": "male", "phone": "+919812345678"});
//! let claims = DemographicClaims { name: Some("राहुल शर्मा".into()), date_of_birth: Some("1990-01-31".into()), ..Default::default() };
//! match_demographics(&claims, &record)?;
//! let wrong = DemographicClaims { date_of_birth: Some("1990-01-30".into()), ..claims };
//! assert_eq!(match_demographics(&wrong, &record).unwrap_err().code(), "idp.demographic_mismatch");
//! # Ok::<(), inkan_idp::factors::FactorError>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FactorError;
use crate::dedup::{Gender, name_key, parse_date};

/// What the individual states; absent fields are not compared, at least one must be given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DemographicClaims {
    /// Full name, in any script.
    pub name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Phone number (compared on its digits).
    pub phone: Option<String>,
    /// Email address (compared case-insensitively).
    pub email: Option<String>,
}

/// Compares `claims` with a record in the default schema's shape.
pub fn match_demographics(claims: &DemographicClaims, record: &Value) -> Result<(), FactorError> {
    let bad = |why: &str| FactorError::BadDemographics(why.into());
    let text = |name: &str| record.get(name).and_then(Value::as_str);
    let mut compared = 0;
    let mut agree = true;
    if let Some(name) = &claims.name {
        let wanted = name_key(name);
        if wanted.is_empty() {
            return Err(bad("the name has nothing to compare"));
        }
        let names = record
            .get("fullName")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        agree &= names
            .iter()
            .filter_map(|n| n.get("value").and_then(Value::as_str))
            .any(|n| name_key(n) == wanted);
        compared += 1;
    }
    if let Some(dob) = &claims.date_of_birth {
        let wanted = parse_date(dob).map_err(|_| bad("date of birth must be a real YYYY-MM-DD date"))?;
        agree &= text("dateOfBirth").and_then(|d| parse_date(d).ok()) == Some(wanted);
        compared += 1;
    }
    if let Some(gender) = claims.gender {
        agree &= text("gender").and_then(|g| Gender::parse(g).ok()) == Some(gender);
        compared += 1;
    }
    if let Some(phone) = &claims.phone {
        let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
        let wanted = digits(phone);
        if wanted.len() < 7 {
            return Err(bad("a phone number has at least 7 digits"));
        }
        agree &= text("phone").map(digits) == Some(wanted);
        compared += 1;
    }
    if let Some(email) = &claims.email {
        agree &= text("email").is_some_and(|e| e.eq_ignore_ascii_case(email.trim()));
        compared += 1;
    }
    if compared == 0 {
        return Err(bad("state at least one field"));
    }
    if agree {
        Ok(())
    } else {
        Err(FactorError::DemographicMismatch)
    }
}
