//! [`Policy`]: which checks must pass, how much clock skew to allow, and which formats and
//! algorithms to accept.

use std::collections::BTreeSet;

use inkan_core::claims::TimeRules;
use inkan_core::crypto::Algorithm;

use crate::CheckId;

/// Largest input [`Verifier::verify`](crate::Verifier::verify) accepts by default, in bytes
/// (room for a photo of a QR code).
///
/// ```
/// assert_eq!(inkan_verifier::Policy::default().input_limit(), inkan_verifier::DEFAULT_MAX_INPUT);
/// ```
pub const DEFAULT_MAX_INPUT: usize = 16 * 1024 * 1024;

/// What a verifier demands of a credential.
///
/// By default `decode`, `signature`, `trust` and `validity` are required, the leeway is 60 s,
/// every registered format and every algorithm inkan supports are accepted, and inputs are
/// capped at [`DEFAULT_MAX_INPUT`]. A check that runs and fails makes the verdict invalid whether
/// it is required or not; "required" means it must also have run and passed.
///
/// ```
/// use inkan_core::crypto::Algorithm;
/// use inkan_verifier::{CheckId, Policy};
/// let policy = Policy::default()
///     .require(CheckId::STATUS)
///     .leeway_secs(300)
///     .accept_formats(["claim169"])
///     .accept_algorithms([Algorithm::EdDsa, Algorithm::Es256]);
/// assert!(policy.is_required(&CheckId::STATUS));
/// assert!(policy.accepts_format("claim169") && !policy.accepts_format("pixelpass"));
/// assert!(policy.check_algorithm(Algorithm::Ps256).is_err());
/// assert_eq!(policy.time_rules().leeway_secs, 300);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    required: BTreeSet<CheckId>,
    leeway_secs: i64,
    require_exp: bool,
    formats: Option<BTreeSet<String>>,
    algorithms: Vec<Algorithm>,
    max_input_bytes: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            required: [
                CheckId::DECODE,
                CheckId::SIGNATURE,
                CheckId::TRUST,
                CheckId::VALIDITY,
            ]
            .into(),
            leeway_secs: TimeRules::default().leeway_secs,
            require_exp: false,
            formats: None,
            algorithms: Algorithm::ALL.to_vec(),
            max_input_bytes: DEFAULT_MAX_INPUT,
        }
    }
}

impl Policy {
    /// Requires `check` to pass.
    pub fn require(mut self, check: CheckId) -> Self {
        self.required.insert(check);
        self
    }

    /// No longer requires `check` (it still invalidates the verdict if it runs and fails).
    ///
    /// ```
    /// use inkan_verifier::{CheckId, Policy};
    /// assert!(!Policy::default().optional(&CheckId::TRUST).is_required(&CheckId::TRUST));
    /// ```
    pub fn optional(mut self, check: &CheckId) -> Self {
        self.required.remove(check);
        self
    }

    /// Allowed clock skew for time checks, in seconds.
    pub fn leeway_secs(mut self, secs: i64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// Rejects credentials without an expiry.
    ///
    /// ```
    /// assert!(inkan_verifier::Policy::default().require_exp(true).time_rules().require_exp);
    /// ```
    pub fn require_exp(mut self, yes: bool) -> Self {
        self.require_exp = yes;
        self
    }

    /// Accepts only these formats (by identifier).
    pub fn accept_formats<S: Into<String>>(mut self, formats: impl IntoIterator<Item = S>) -> Self {
        self.formats = Some(formats.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts only these signature algorithms.
    pub fn accept_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// Caps the input size, in bytes.
    ///
    /// ```
    /// assert_eq!(inkan_verifier::Policy::default().max_input_bytes(10).input_limit(), 10);
    /// ```
    pub fn max_input_bytes(mut self, limit: usize) -> Self {
        self.max_input_bytes = limit;
        self
    }

    /// Whether `check` is required.
    pub fn is_required(&self, check: &CheckId) -> bool {
        self.required.contains(check)
    }

    /// The required checks, in name order.
    ///
    /// ```
    /// let names: Vec<_> = inkan_verifier::Policy::default().required_checks().map(|c| c.to_string()).collect();
    /// assert_eq!(names, ["decode", "signature", "trust", "validity"]);
    /// ```
    pub fn required_checks(&self) -> impl Iterator<Item = &CheckId> {
        self.required.iter()
    }

    /// Whether the format named `id` is accepted.
    pub fn accepts_format(&self, id: &str) -> bool {
        self.formats.as_ref().is_none_or(|f| f.contains(id))
    }

    /// Fails with `crypto.unsupported_algorithm` unless `alg` is accepted.
    pub fn check_algorithm(&self, alg: Algorithm) -> inkan_core::Result<()> {
        if self.algorithms.contains(&alg) {
            Ok(())
        } else {
            Err(inkan_core::Error::UnsupportedAlgorithm(format!(
                "{alg} is not accepted by the verifier's policy"
            )))
        }
    }

    /// The input size cap, in bytes.
    pub fn input_limit(&self) -> usize {
        self.max_input_bytes
    }

    /// The time rules every format's `exp`/`nbf`/`iat` check uses.
    pub fn time_rules(&self) -> TimeRules {
        TimeRules {
            leeway_secs: self.leeway_secs,
            require_exp: self.require_exp,
            ..TimeRules::default()
        }
    }
}
