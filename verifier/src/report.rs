//! The [`Verification`] report: what was checked, how each check came out, and the verdict.
//!
//! The JSON shape is stable (`schema` names its version): format modules fill a
//! [`ReportBuilder`], and [`ReportBuilder::finish`] computes the verdict from the checks and the
//! [`Policy`], so a report can never claim "valid" while a check failed.

use std::borrow::Cow;
use std::fmt;

use inkan_core::clock::Clock;
use serde::{Serialize, Serializer};

use crate::{Error, Policy};

/// The version tag every report carries in its `schema` member.
///
/// ```
/// assert_eq!(inkan_verifier::SCHEMA, "inkan.verification/1");
/// ```
pub const SCHEMA: &str = "inkan.verification/1";

/// The name of a check, as reports and policies spell it (`"signature"`, `"trust"`, …).
///
/// The constants are the checks every format shares; a format may name its own with
/// [`CheckId::new`] (an SD-JWT module adds `"disclosures"`, say) without touching this type.
///
/// ```
/// use inkan_verifier::CheckId;
/// assert_eq!(CheckId::SIGNATURE.as_str(), "signature");
/// assert_eq!(CheckId::new("disclosures").to_string(), "disclosures");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckId(Cow<'static, str>);

impl CheckId {
    /// The input decoded into a credential of the detected format.
    pub const DECODE: CheckId = CheckId::new("decode");
    /// The issuer's signature verified.
    pub const SIGNATURE: CheckId = CheckId::new("signature");
    /// The signing key is trusted for the issuer (trust store, X.509 chain or DID).
    pub const TRUST: CheckId = CheckId::new("trust");
    /// The credential is within its validity period (`exp`, `nbf`, `iat`) at the clock's time.
    pub const VALIDITY: CheckId = CheckId::new("validity");
    /// The credential is not revoked or suspended (status list).
    pub const STATUS: CheckId = CheckId::new("status");
    /// The presenter proved possession of the key the credential is bound to.
    pub const HOLDER_BINDING: CheckId = CheckId::new("holder_binding");
    /// The trust store lets this issuer issue this credential type.
    pub const ISSUANCE_POLICY: CheckId = CheckId::new("issuance_policy");

    /// A check named `name` (lower snake case by convention).
    pub const fn new(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CheckId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// How one check came out.
///
/// ```
/// use inkan_verifier::Outcome;
/// let json = serde_json::to_value(Outcome::NotApplicable { reason: "no status in a Claim 169".into() })?;
/// assert_eq!(json["outcome"], "not_applicable");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed, with the error's stable code and message.
    Failed {
        /// The stable error code (`crypto.bad_signature`, `jwt.expired`, …).
        code: String,
        /// A human-readable reason.
        message: String,
    },
    /// The check does not apply to this credential (or could not run), and why.
    NotApplicable {
        /// Why the check did not run.
        reason: String,
    },
}

/// One check in a report.
///
/// ```
/// use inkan_verifier::{Check, CheckId, Outcome};
/// let check = Check { check: CheckId::TRUST, required: true, outcome: Outcome::Passed };
/// assert_eq!(serde_json::to_value(&check)?, serde_json::json!({"check": "trust", "required": true, "outcome": "passed"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub check: CheckId,
    /// Whether the policy requires it to pass for a valid verdict.
    pub required: bool,
    /// Its outcome.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Something worth knowing that did not fail a check (a tolerated encoding quirk, say).
///
/// ```
/// use inkan_verifier::Warning;
/// let w = Warning { code: "claim169.cwt_tag".into(), message: "wrapped in tag 61".into() };
/// assert_eq!(serde_json::to_value(&w)?["code"], "claim169.cwt_tag");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable code (`claim169.cwt_tag_61`, …).
    pub code: String,
    /// A human-readable description.
    pub message: String,
}

/// The overall verdict.
///
/// ```
/// assert_eq!(serde_json::to_value(inkan_verifier::Verdict::Invalid)?, "invalid");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No check failed and every required check passed.
    Valid,
    /// A check failed, or a required check did not pass.
    Invalid,
}

/// Where the credential came from, when it was unwrapped from something else.
///
/// ```
/// use inkan_verifier::Source;
/// let json = serde_json::to_value(Source::QrImage { code_index: 0, codes_found: 1 })?;
/// assert_eq!(json, serde_json::json!({"kind": "qr_image", "code_index": 0, "codes_found": 1}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// The input was the credential itself.
    Direct,
    /// The credential was read from a QR code in an image.
    QrImage {
        /// Which of the codes found it was (0-based, in scan order).
        code_index: usize,
        /// How many codes the image held.
        codes_found: usize,
    },
}

/// The result of a verification: format, issuer, subject claims, every check with its
/// outcome, warnings and a verdict.
///
/// Serialises to JSON with a stable shape:
/// `{schema, verdict, format, source, issuer, credential_type, checked_at, claims, checks, warnings}`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_verifier::{CheckId, Policy, ReportBuilder, Verdict};
/// let mut report = ReportBuilder::new("example");
/// report.passed(CheckId::DECODE);
/// report.passed(CheckId::SIGNATURE);
/// let report = report.finish(&Policy::default(), &FixedClock::at_unix(0));
/// // Trust and validity are required by default and were not run, so the verdict is invalid.
/// assert_eq!(report.verdict(), Verdict::Invalid);
/// let json = report.to_json();
/// assert_eq!(json["checks"][2]["check"], "trust");
/// assert_eq!(json["checks"][2]["outcome"], "not_applicable");
/// assert_eq!(json["checked_at"], "1970-01-01T00:00:00Z");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    schema: &'static str,
    verdict: Verdict,
    format: String,
    source: Source,
    issuer: Option<String>,
    credential_type: Option<String>,
    checked_at: String,
    claims: serde_json::Value,
    checks: Vec<Check>,
    warnings: Vec<Warning>,
}

impl Verification {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether the verdict is [`Verdict::Valid`].
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The format's identifier (`"claim169"`, `"pixelpass"`, …).
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Where the credential came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The issuer as the credential names it, if it does.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The credential type, if the format has one.
    pub fn credential_type(&self) -> Option<&str> {
        self.credential_type.as_deref()
    }

    /// When the checks ran (RFC 3339, from the verifier's clock).
    pub fn checked_at(&self) -> &str {
        &self.checked_at
    }

    /// The subject's claims as JSON.
    pub fn claims(&self) -> &serde_json::Value {
        &self.claims
    }

    /// Every check, in the order it ran (required checks that did not run come last).
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The check named `id`, if it is in the report.
    pub fn check(&self, id: &CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| &c.check == id)
    }

    /// The warnings.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The report as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        // A struct of strings, enums and JSON values always serialises.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The same report with another [`Source`] (formats that unwrap one input from another
    /// set it on the nested report).
    ///
    /// ```
    /// use inkan_core::clock::FixedClock;
    /// use inkan_verifier::{Policy, ReportBuilder, Source};
    /// let report = ReportBuilder::new("claim169").finish(&Policy::default(), &FixedClock::at_unix(0));
    /// let from_image = report.with_source(Source::QrImage { code_index: 0, codes_found: 1 });
    /// assert_eq!(from_image.to_json()["source"]["kind"], "qr_image");
    /// ```
    pub fn with_source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }
}

/// Collects a format module's findings; [`finish`](Self::finish) turns them into a
/// [`Verification`] with the verdict computed, never set by hand.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_verifier::{CheckId, Policy, ReportBuilder};
/// let mut report = ReportBuilder::new("example");
/// report.issuer("https://issuer.example").claims(serde_json::json!({"name": "Ada"}));
/// for id in [CheckId::DECODE, CheckId::TRUST, CheckId::VALIDITY] {
///     report.passed(id);
/// }
/// let ok = report.check(CheckId::SIGNATURE, Err(inkan_core::Error::BadSignature));
/// assert!(!ok);
/// let report = report.finish(&Policy::default(), &FixedClock::at_unix(0));
/// assert!(!report.is_valid());
/// assert_eq!(report.to_json()["checks"][3]["code"], "crypto.bad_signature");
/// ```
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    format: String,
    issuer: Option<String>,
    credential_type: Option<String>,
    claims: serde_json::Value,
    checks: Vec<(CheckId, Outcome)>,
    warnings: Vec<Warning>,
}

impl ReportBuilder {
    /// An empty report for `format`.
    pub fn new(format: impl Into<String>) -> Self {
        Self {
            format: format.into(),
            issuer: None,
            credential_type: None,
            claims: serde_json::Value::Null,
            checks: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Sets the issuer.
    pub fn issuer(&mut self, issuer: impl Into<String>) -> &mut Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the credential type.
    pub fn credential_type(&mut self, credential_type: impl Into<String>) -> &mut Self {
        self.credential_type = Some(credential_type.into());
        self
    }

    /// Sets the subject's claims.
    pub fn claims(&mut self, claims: serde_json::Value) -> &mut Self {
        self.claims = claims;
        self
    }

    /// Records a check that passed.
    pub fn passed(&mut self, id: CheckId) -> &mut Self {
        self.checks.push((id, Outcome::Passed));
        self
    }

    /// Records a check from its result, keeping the error's code; returns whether it passed,
    /// so checks that depend on it can be marked not applicable.
    pub fn check<E: Into<Error>>(&mut self, id: CheckId, result: std::result::Result<(), E>) -> bool {
        let outcome = match result {
            Ok(()) => Outcome::Passed,
            Err(err) => {
                let err = err.into();
                Outcome::Failed {
                    code: err.code().to_owned(),
                    message: err.to_string(),
                }
            }
        };
        let passed = outcome == Outcome::Passed;
        self.checks.push((id, outcome));
        passed
    }

    /// Records a check that does not apply, and why.
    pub fn not_applicable(&mut self, id: CheckId, reason: impl Into<String>) -> &mut Self {
        self.checks.push((
            id,
            Outcome::NotApplicable {
                reason: reason.into(),
            },
        ));
        self
    }

    /// Records a warning.
    pub fn warning(&mut self, code: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.warnings.push(Warning {
            code: code.into(),
            message: message.into(),
        });
        self
    }

    /// The finished report. Required checks the format did not record are added as not
    /// applicable; the verdict is valid only if no check failed and every required one passed.
    pub fn finish(self, policy: &Policy, clock: &dyn Clock) -> Verification {
        let mut checks: Vec<Check> = self
            .checks
            .into_iter()
            .map(|(check, outcome)| Check {
                required: policy.is_required(&check),
                check,
                outcome,
            })
            .collect();
        for id in policy.required_checks() {
            if !checks.iter().any(|c| &c.check == id) {
                checks.push(Check {
                    check: id.clone(),
                    required: true,
                    outcome: Outcome::NotApplicable {
                        reason: "not performed for this format".into(),
                    },
                });
            }
        }
        let failed = checks.iter().any(|c| matches!(c.outcome, Outcome::Failed { .. }));
        let required_missing = checks.iter().any(|c| c.required && c.outcome != Outcome::Passed);
        Verification {
            schema: SCHEMA,
            verdict: if failed || required_missing {
                Verdict::Invalid
            } else {
                Verdict::Valid
            },
            format: self.format,
            source: Source::Direct,
            issuer: self.issuer,
            credential_type: self.credential_type,
            checked_at: rfc3339(clock.now_unix()),
            claims: self.claims,
            checks,
            warnings: self.warnings,
        }
    }
}

/// RFC 3339 for a Unix time; times `time` cannot represent fall back to the bare number.
fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use inkan_core::clock::FixedClock;

    use super::*;

    fn all_required_passed() -> ReportBuilder {
        let mut r = ReportBuilder::new("t");
        for id in [
            CheckId::DECODE,
            CheckId::SIGNATURE,
            CheckId::TRUST,
            CheckId::VALIDITY,
        ] {
            r.passed(id);
        }
        r
    }

    #[test]
    fn valid_only_when_every_required_check_passed() {
        let clock = FixedClock::at_unix(1_700_000_000);
        let report = all_required_passed().finish(&Policy::default(), &clock);
        assert!(report.is_valid());
        assert!(report.checks().iter().all(|c| c.required));

        let mut optional_na = all_required_passed();
        optional_na.not_applicable(CheckId::STATUS, "no status");
        assert!(optional_na.finish(&Policy::default(), &clock).is_valid());

        let mut required_na = all_required_passed();
        required_na.not_applicable(CheckId::STATUS, "no status");
        let strict = Policy::default().require(CheckId::STATUS);
        let report = required_na.finish(&strict, &clock);
        assert_eq!(report.verdict(), Verdict::Invalid);
        assert!(report.check(&CheckId::STATUS).unwrap().required);
    }

    #[test]
    fn a_failed_optional_check_still_invalidates() {
        let mut r = all_required_passed();
        r.check(CheckId::STATUS, Err(Error::UnknownFormat("revoked".into())));
        let report = r.finish(&Policy::default(), &FixedClock::at_unix(0));
        assert_eq!(report.verdict(), Verdict::Invalid);
        assert!(!report.check(&CheckId::STATUS).unwrap().required);
    }

    #[test]
    fn json_shape_is_stable() {
        let mut r = all_required_passed();
        r.issuer("iss")
            .credential_type("pid")
            .claims(serde_json::json!({"a": 1}))
            .warning("w.code", "careful");
        let report = r
            .finish(&Policy::default(), &FixedClock::at_unix(86_400))
            .with_source(Source::QrImage {
                code_index: 1,
                codes_found: 2,
            });
        let json = report.to_json();
        let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "schema",
                "verdict",
                "format",
                "source",
                "issuer",
                "credential_type",
                "checked_at",
                "claims",
                "checks",
                "warnings"
            ]
        );
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["verdict"], "valid");
        assert_eq!(json["checked_at"], "1970-01-02T00:00:00Z");
        assert_eq!(
            json["source"],
            serde_json::json!({"kind": "qr_image", "code_index": 1, "codes_found": 2})
        );
        assert_eq!(
            json["checks"][0],
            serde_json::json!({"check": "decode", "required": true, "outcome": "passed"})
        );
        assert_eq!(
            json["warnings"][0],
            serde_json::json!({"code": "w.code", "message": "careful"})
        );
    }

    #[test]
    fn failure_keeps_code_and_message() {
        let mut r = ReportBuilder::new("t");
        assert!(!r.check(CheckId::VALIDITY, Err(inkan_core::Error::Expired)));
        let json = r.finish(&Policy::default(), &FixedClock::at_unix(0)).to_json();
        assert_eq!(
            json["checks"][0],
            serde_json::json!({"check": "validity", "required": true, "outcome": "failed",
                               "code": "jwt.expired", "message": "token expired"})
        );
    }

    #[test]
    fn unrepresentable_times_do_not_panic() {
        assert_eq!(rfc3339(i64::MAX), i64::MAX.to_string());
    }
}
