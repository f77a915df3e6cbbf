//! The verifier: a trust store and a policy, built once, then `verify` for any input every
//! format of inkan-verifier understands (QR images, Claim 169, PixelPass, and each format added
//! later), answered with the full report as records.

use std::sync::Arc;

use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::Algorithm;
use inkan_verifier::{
    CheckId, DecryptionKey, JsonTrustStore, Outcome, Policy, Source, Verdict, VerifyRequest,
};

use crate::error::{Domain, InDomain, InkanError, Result};
use crate::keys::SignatureAlgorithm;

/// What the verifier requires and accepts. Every field has a default: an empty record is
/// inkan-verifier's default policy (decode, signature, trust and validity required; every
/// format and algorithm accepted; 16 MiB inputs; the system clock).
///
/// ```
/// let options = inkan::VerifierOptions::default();
/// assert!(options.extra_required_checks.is_empty() && options.now_unix.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct VerifierOptions {
    /// Checks to require on top of the default ones (`status`, `holder_binding`,
    /// `issuance_policy`).
    #[uniffi(default)]
    pub extra_required_checks: Vec<String>,
    /// Default checks to make optional (`decode`, `signature`, `trust`, `validity`).
    #[uniffi(default)]
    pub optional_checks: Vec<String>,
    /// Allowed clock skew in seconds (inkan's default when absent).
    #[uniffi(default)]
    pub leeway_secs: Option<i64>,
    /// Refuse credentials without an expiry.
    #[uniffi(default)]
    pub require_exp: bool,
    /// Only these format ids (`claim169`, `pixelpass`, `qr-image`, …); all when absent.
    #[uniffi(default)]
    pub accepted_formats: Option<Vec<String>>,
    /// Only these signature algorithms; all when absent.
    #[uniffi(default)]
    pub accepted_algorithms: Option<Vec<SignatureAlgorithm>>,
    /// The largest input accepted, in bytes (inkan's default when absent).
    #[uniffi(default)]
    pub max_input_bytes: Option<u64>,
    /// A fixed "now" (Unix seconds) instead of the system clock: for tests and for checking
    /// a credential as of a given time.
    #[uniffi(default)]
    pub now_unix: Option<i64>,
}

/// What one verification expects beyond the input itself. Empty by default.
///
/// ```
/// assert!(inkan::VerifyOptions::default().symmetric_keys.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct VerifyOptions {
    /// Expected audience (holder binding).
    #[uniffi(default)]
    pub audience: Option<String>,
    /// Expected nonce (holder binding).
    #[uniffi(default)]
    pub nonce: Option<String>,
    /// Symmetric keys to try on an encrypted credential (Claim 169 COSE_Encrypt0).
    #[uniffi(default)]
    pub symmetric_keys: Vec<Vec<u8>>,
}

/// The verdict of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportVerdict {
    /// Every required check passed and none failed.
    Valid,
    /// Something failed or a required check did not run.
    Invalid,
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CheckOutcome {
    /// It passed.
    Passed,
    /// It failed, with the stable code and a message.
    Failed {
        /// Stable code.
        code: String,
        /// Explanation.
        message: String,
    },
    /// It does not apply to this credential.
    NotApplicable {
        /// Why.
        reason: String,
    },
}

/// One check of a report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReportCheck {
    /// Its id (`decode`, `signature`, `trust`, `validity`, `status`, …).
    pub check: String,
    /// Whether the policy requires it.
    pub required: bool,
    /// How it ended.
    pub outcome: CheckOutcome,
}

/// A warning: something tolerated that the issuer should fix.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReportWarning {
    /// Stable code.
    pub code: String,
    /// Explanation.
    pub message: String,
}

/// Where the credential came from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ReportSource {
    /// The input itself.
    Direct,
    /// A QR code in an image.
    QrImage {
        /// Which code of the image (0-based).
        code_index: u64,
        /// How many codes the image held.
        codes_found: u64,
    },
}

/// A verification report: the same content as inkan-verifier's `Verification` (and the CLI's
/// JSON, given whole in `report_json`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verification {
    /// The verdict.
    pub verdict: ReportVerdict,
    /// The detected format's id.
    pub format: String,
    /// Where the credential came from.
    pub source: ReportSource,
    /// The issuer, when known.
    pub issuer: Option<String>,
    /// The credential type, when known.
    pub credential_type: Option<String>,
    /// When it was checked (RFC 3339).
    pub checked_at: String,
    /// The subject claims as JSON (their shape depends on the format).
    pub claims_json: String,
    /// Every check with its outcome.
    pub checks: Vec<ReportCheck>,
    /// Warnings.
    pub warnings: Vec<ReportWarning>,
    /// The whole report as JSON (schema `inkan.verification/1`).
    pub report_json: String,
}

impl From<inkan_verifier::Verification> for Verification {
    fn from(report: inkan_verifier::Verification) -> Self {
        let checks = report
            .checks()
            .iter()
            .map(|c| ReportCheck {
                check: c.check.as_str().to_owned(),
                required: c.required,
                outcome: match &c.outcome {
                    Outcome::Passed => CheckOutcome::Passed,
                    Outcome::Failed { code, message } => CheckOutcome::Failed {
                        code: code.clone(),
                        message: message.clone(),
                    },
                    Outcome::NotApplicable { reason } => CheckOutcome::NotApplicable {
                        reason: reason.clone(),
                    },
                },
            })
            .collect();
        Verification {
            verdict: match report.verdict() {
                Verdict::Valid => ReportVerdict::Valid,
                Verdict::Invalid => ReportVerdict::Invalid,
            },
            format: report.format().to_owned(),
            source: match report.source() {
                Source::Direct => ReportSource::Direct,
                Source::QrImage {
                    code_index,
                    codes_found,
                } => ReportSource::QrImage {
                    code_index: *code_index as u64,
                    codes_found: *codes_found as u64,
                },
            },
            issuer: report.issuer().map(str::to_owned),
            credential_type: report.credential_type().map(str::to_owned),
            checked_at: report.checked_at().to_owned(),
            claims_json: report.claims().to_string(),
            checks,
            warnings: report
                .warnings()
                .iter()
                .map(|w| ReportWarning {
                    code: w.code.clone(),
                    message: w.message.clone(),
                })
                .collect(),
            report_json: report.to_json().to_string(),
        }
    }
}

/// A verifier built once from a trust store and a policy; share it between threads freely
/// (it is immutable; each call is independent and takes no lock).
///
/// Calls are synchronous and run on the caller's thread for exactly as long as the work takes
/// (no I/O, no waiting): call them off the UI thread, e.g. from a coroutine dispatcher.
///
/// ```
/// use inkan::{SignatureAlgorithm, SigningKey, Verifier, VerifierOptions};
/// let key = SigningKey::generate(SignatureAlgorithm::EdDsa)?;
/// let verifier = Verifier::new(key.public_jwk(), VerifierOptions::default())?;
/// let err = verifier.verify_text("hello".into()).unwrap_err();
/// assert_eq!(err.code(), "verifier.unknown_format");
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: inkan_verifier::Verifier,
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting `trust_json` (a trust-store JSON document, or a bare JWK, JWKS or
    /// PEM, as the CLI's `--trust` takes) under `options`.
    #[uniffi::constructor]
    pub fn new(trust_json: String, options: VerifierOptions) -> Result<Arc<Self>> {
        let trust = JsonTrustStore::parse(&trust_json).in_domain(Domain::TrustStore)?;
        let clock: Arc<dyn Clock> = match options.now_unix {
            Some(now) => Arc::new(FixedClock::at_unix(now)),
            None => Arc::new(SystemClock),
        };
        let policy = policy(&options)?;
        let inner = inkan_verifier::Verifier::builder(Arc::new(trust), policy, clock).build();
        Ok(Arc::new(Self { inner }))
    }

    /// Verifies bytes: an image holding QR codes (PNG/JPEG), or any credential's bytes/text.
    pub fn verify(&self, input: Vec<u8>) -> Result<Verification> {
        self.run(VerifyRequest::bytes(input))
    }

    /// Verifies text (QR content as scanned, a JWT, …).
    pub fn verify_text(&self, text: String) -> Result<Verification> {
        self.run(VerifyRequest::text(text))
    }

    /// Verifies bytes with the expectations in `options`.
    pub fn verify_with(&self, input: Vec<u8>, options: VerifyOptions) -> Result<Verification> {
        let mut request = VerifyRequest::bytes(input);
        if let Some(aud) = options.audience {
            request = request.audience(aud);
        }
        if let Some(nonce) = options.nonce {
            request = request.nonce(nonce);
        }
        for key in options.symmetric_keys {
            request = request.decryption_key(DecryptionKey::Symmetric(key.into()));
        }
        self.run(request)
    }

    /// The format ids this verifier can detect, in detection order.
    pub fn formats(&self) -> Vec<String> {
        self.inner.formats().map(str::to_owned).collect()
    }
}

impl Verifier {
    fn run(&self, request: VerifyRequest) -> Result<Verification> {
        let report = self.inner.verify(&request).in_domain(Domain::Verify)?;
        Ok(report.into())
    }
}

/// inkan-verifier's policy from the options.
fn policy(options: &VerifierOptions) -> Result<Policy> {
    let mut policy = Policy::default().require_exp(options.require_exp);
    for name in &options.extra_required_checks {
        policy = policy.require(check_id(name)?);
    }
    for name in &options.optional_checks {
        policy = policy.optional(&check_id(name)?);
    }
    if let Some(secs) = options.leeway_secs {
        if secs < 0 {
            return Err(InkanError::bad_argument(
                Domain::TrustStore,
                "leeway_secs must not be negative",
            ));
        }
        policy = policy.leeway_secs(secs);
    }
    if let Some(formats) = &options.accepted_formats {
        policy = policy.accept_formats(formats.iter().cloned());
    }
    if let Some(algs) = &options.accepted_algorithms {
        policy = policy.accept_algorithms(algs.iter().map(|a| Algorithm::from(*a)));
    }
    if let Some(max) = options.max_input_bytes {
        let max = usize::try_from(max).map_err(|_| {
            InkanError::bad_argument(
                Domain::TrustStore,
                "max_input_bytes exceeds this platform's memory",
            )
        })?;
        policy = policy.max_input_bytes(max);
    }
    Ok(policy)
}

/// The check ids a policy can name.
static CHECKS: [CheckId; 7] = [
    CheckId::DECODE,
    CheckId::SIGNATURE,
    CheckId::TRUST,
    CheckId::VALIDITY,
    CheckId::STATUS,
    CheckId::HOLDER_BINDING,
    CheckId::ISSUANCE_POLICY,
];

fn check_id(name: &str) -> Result<CheckId> {
    CHECKS
        .iter()
        .find(|c| c.as_str() == name)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<_> = CHECKS.iter().map(CheckId::as_str).collect();
            InkanError::bad_argument(
                Domain::TrustStore,
                format!("unknown check {name:?}; known: {}", known.join(", ")),
            )
        })
}
