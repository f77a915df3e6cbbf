//! e-KYC: the consented claims of an authenticated individual, for an authorised partner, as a
//! JWT signed through inkan-core's JWS and [`Signer`].
//!
//! The claims are read from the identity record through the same mapping as Claim 169
//! ([`crate::schema::to_claim169`]) and named as in OpenID Connect Core §5.1 (`name`,
//! `given_name`, `family_name`, `middle_name`, `birthdate`, `gender`, `email`, `phone_number`,
//! `address`, `nationality`, `locale`); the name in other languages is added as `name#<lang>`
//! (§5.2). Only claims that the partner's policy allows **and** the individual consented to
//! are released; asking for one the policy does not allow is refused outright rather than
//! silently dropped, so a misconfigured partner notices.
//!
//! ```
//! use std::collections::BTreeSet;
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::jose::jwt;
//! use inkan_idp::ekyc::{EkycClaim, EkycRequest, PartnerPolicy, issue};
//! let key = SoftwareKey::generate(Algorithm::Es256)?.with_kid("registry-1");
//! let partner = PartnerPolicy {
//!     partner_id: "bank-001".into(),
//!     allowed_claims: BTreeSet::from([EkycClaim::Name, EkycClaim::Birthdate, EkycClaim::Address]),
//!     token_ttl_secs: 300,
//! };
//! let record = serde_json::json!({
//!     "fullName": [{"language": "eng", "value": "Jane Doe"}], "dateOfBirth": "1990-01-31", "gender": "female"});
//! let request = EkycRequest { subject: "pairwise-sub", consented: &[EkycClaim::Name, EkycClaim::Birthdate], amr: &["otp"] };
//! let clock = FixedClock::at_unix(1_000);
//! let token = issue("https://id.example", &partner, &request, &record, &key, &clock)?;
//! let rules = jwt::JwtValidation::default().with_issuer("https://id.example").with_audience("bank-001");
//! let v = jwt::verify(&token, key.public_key(), &rules, &clock)?;
//! assert_eq!((v.claims["name"].as_str(), v.claims["birthdate"].as_str()), (Some("Jane Doe"), Some("1990-01-31")));
//! assert!(v.claims.get("gender").is_none()); // not consented
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;

use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::{Header, jwt};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::schema::{SchemaError, to_claim169};

/// The JOSE `typ` of an e-KYC token.
pub const EKYC_TYP: &str = "ekyc+jwt";

/// A claim an e-KYC token can carry (OIDC Core names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EkycClaim {
    /// `name` (and `name#<lang>` for the other languages).
    Name,
    /// `given_name`.
    GivenName,
    /// `middle_name`.
    MiddleName,
    /// `family_name`.
    FamilyName,
    /// `birthdate` (`YYYY-MM-DD`).
    Birthdate,
    /// `gender`.
    Gender,
    /// `email`.
    Email,
    /// `phone_number`.
    PhoneNumber,
    /// `address` (`{"formatted": …}`).
    Address,
    /// `nationality`.
    Nationality,
    /// `locale` (the preferred language).
    Locale,
}

/// What a partner may receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerPolicy {
    /// The partner's id: the token's `aud`.
    pub partner_id: String,
    /// Claims the partner is authorised for.
    pub allowed_claims: BTreeSet<EkycClaim>,
    /// Token lifetime in seconds.
    pub token_ttl_secs: i64,
}

/// One e-KYC request, after the individual authenticated and consented.
#[derive(Debug, Clone, Copy)]
pub struct EkycRequest<'a> {
    /// The individual's `sub` for this partner (a pairwise subject, see
    /// [`crate::ids::PairwiseKey::subject`]).
    pub subject: &'a str,
    /// The claims the individual consented to release.
    pub consented: &'a [EkycClaim],
    /// The factors used to authenticate (`otp`, `pin`, `bio`, `hwk`, … — RFC 8176 values).
    pub amr: &'a [&'a str],
}

/// Why an e-KYC token was not issued. Codes are stable (`idp.*`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EkycError {
    /// The individual consented to nothing.
    #[error("no consented claim")]
    NoConsent,
    /// A consented claim is not in the partner's policy.
    #[error("partner {partner} is not authorised for {claim:?}")]
    ClaimNotAllowed {
        /// The partner.
        partner: String,
        /// The claim.
        claim: EkycClaim,
    },
    /// The partner policy is unusable.
    #[error("invalid partner policy: {0}")]
    BadPolicy(String),
    /// The record could not be read.
    #[error(transparent)]
    Record(#[from] SchemaError),
    /// Signing failed.
    #[error("signing the e-KYC token failed: {0}")]
    Sign(String),
}

impl EkycError {
    /// The stable code.
    ///
    /// ```
    /// assert_eq!(inkan_idp::ekyc::EkycError::NoConsent.code(), "idp.ekyc_no_consent");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            EkycError::NoConsent => "idp.ekyc_no_consent",
            EkycError::ClaimNotAllowed { .. } => "idp.ekyc_claim_not_allowed",
            EkycError::BadPolicy(_) => "idp.ekyc_bad_policy",
            EkycError::Record(e) => e.code(),
            EkycError::Sign(_) => "idp.ekyc_sign_failed",
        }
    }
}

/// Issues the e-KYC token: `iss`, `sub`, `aud` (the partner), `iat`, `exp`, `jti`, `amr` and
/// the released claims (absent ones are left out), signed by `signer` with `typ` [`EKYC_TYP`].
pub fn issue(
    issuer: &str,
    partner: &PartnerPolicy,
    request: &EkycRequest<'_>,
    record: &Value,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<String, EkycError> {
    if partner.token_ttl_secs <= 0 || partner.partner_id.is_empty() {
        return Err(EkycError::BadPolicy(
            "partner id and a positive token lifetime are required".into(),
        ));
    }
    if request.consented.is_empty() {
        return Err(EkycError::NoConsent);
    }
    if let Some(claim) = request
        .consented
        .iter()
        .find(|c| !partner.allowed_claims.contains(c))
    {
        return Err(EkycError::ClaimNotAllowed {
            partner: partner.partner_id.clone(),
            claim: *claim,
        });
    }
    let now = clock.now_unix();
    let mut jti = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut jti)
        .map_err(|e| EkycError::Sign(e.to_string()))?;
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("sub".into(), json!(request.subject));
    claims.insert("aud".into(), json!(partner.partner_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now.saturating_add(partner.token_ttl_secs)));
    claims.insert("jti".into(), json!(b64url_encode(jti)));
    claims.insert("amr".into(), json!(request.amr));
    let consented: BTreeSet<EkycClaim> = request.consented.iter().copied().collect();
    claims.extend(released_claims(record, &consented)?);
    jwt::sign(&claims, &Header::for_signer(signer).with_typ(EKYC_TYP), signer)
        .map_err(|e| EkycError::Sign(e.to_string()))
}

/// The values of `wanted` in `record`, by OIDC name (the mapping [`issue`] uses, without a
/// partner policy: the caller decides what may be released).
///
/// ```
/// use inkan_idp::ekyc::{EkycClaim, claims_of};
/// let record = serde_json::json!({"fullName": [{"language": "eng", "value": "Jane Doe"}], "dateOfBirth": "1990-01-31", "gender": "female"});
/// let c = claims_of(&record, &[EkycClaim::Birthdate])?;
/// assert_eq!(serde_json::Value::Object(c), serde_json::json!({"birthdate": "1990-01-31"}));
/// # Ok::<(), inkan_idp::ekyc::EkycError>(())
/// ```
pub fn claims_of(record: &Value, wanted: &[EkycClaim]) -> Result<Map<String, Value>, EkycError> {
    released_claims(record, &wanted.iter().copied().collect())
}

/// The record's values for `wanted`, by OIDC name.
fn released_claims(record: &Value, wanted: &BTreeSet<EkycClaim>) -> Result<Map<String, Value>, EkycError> {
    let data = to_claim169(record)?;
    let mut out = Map::new();
    let mut put = |claim: EkycClaim, name: &str, value: Option<Value>| {
        if let (true, Some(value)) = (wanted.contains(&claim), value) {
            out.insert(name.to_owned(), value);
        }
    };
    let text = |v: &Option<String>| v.as_ref().map(|s| json!(s));
    put(EkycClaim::Name, "name", text(&data.full_name));
    if let (Some(lang), Some(name)) = (&data.secondary_language, &data.secondary_full_name) {
        put(EkycClaim::Name, &format!("name#{lang}"), Some(json!(name)));
    }
    put(EkycClaim::GivenName, "given_name", text(&data.first_name));
    put(EkycClaim::MiddleName, "middle_name", text(&data.middle_name));
    put(EkycClaim::FamilyName, "family_name", text(&data.last_name));
    put(
        EkycClaim::Birthdate,
        "birthdate",
        record.get("dateOfBirth").cloned(),
    );
    put(EkycClaim::Gender, "gender", record.get("gender").cloned());
    put(EkycClaim::Email, "email", text(&data.email));
    put(EkycClaim::PhoneNumber, "phone_number", text(&data.phone));
    put(
        EkycClaim::Address,
        "address",
        data.address.as_ref().map(|a| json!({ "formatted": a })),
    );
    put(EkycClaim::Nationality, "nationality", text(&data.nationality));
    put(EkycClaim::Locale, "locale", text(&data.language));
    Ok(out)
}

#[cfg(test)]
mod tests;
