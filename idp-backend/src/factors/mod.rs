//! Authentication factors, as pure pieces the OIDC provider and the HTTP layer compose:
//!
//! | factor | module | state the store keeps |
//! |---|---|---|
//! | one-time password (6 digits, 3 minutes, attempt and resend limits) | [`otp`] | [`otp::OtpRecord`] |
//! | PIN (argon2id) | [`pin`] | the PHC string and a [`pin::PinAttempts`] |
//! | demographic match | [`demographic`] | the identity record |
//! | biometric match | [`match_biometrics`] through a [`crate::dedup::BiometricMatcher`] | the matcher's gallery |
//! | wallet-bound key (challenge–response) | [`wallet`] | [`wallet::WalletChallenge`] and the wallet's public JWK |
//!
//! Messages (OTPs) go out through a [`notify::Notifier`]: log, file or SMTP.
//!
//! Every state change is returned as a new value for the caller to persist: nothing here does
//! I/O except the notifiers and the matcher. Every refusal is a [`FactorError`] with a stable
//! code; the HTTP layer turns them into 4xx answers.

pub mod demographic;
pub mod notify;
pub mod otp;
pub mod pin;
pub mod wallet;

use crate::dedup::{BiometricMatcher, BiometricSample, DedupError};

/// Why a factor was refused or could not be checked. Codes are stable (`idp.*`).
///
/// ```
/// use inkan_idp::factors::FactorError;
/// assert_eq!(FactorError::OtpExpired.code(), "idp.otp_expired");
/// assert_eq!(FactorError::OtpExpired.is_client_error(), true);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactorError {
    /// The OTP is past its expiry.
    #[error("the one-time password has expired")]
    OtpExpired,
    /// The OTP was already used.
    #[error("the one-time password was already used")]
    OtpUsed,
    /// The OTP does not match.
    #[error("the one-time password does not match ({attempts_left} attempt(s) left)")]
    OtpMismatch {
        /// Attempts left before the OTP locks.
        attempts_left: u32,
    },
    /// Too many wrong OTPs: this OTP is locked (a new one can be requested once it expires).
    #[error("too many wrong one-time passwords; locked")]
    OtpLocked,
    /// The OTP was sent as often as allowed.
    #[error("the one-time password was resent as often as allowed")]
    OtpResendLimit,
    /// A resend came sooner than allowed.
    #[error("too soon to resend; retry in {retry_after} s")]
    OtpResendTooSoon {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The PIN does not meet the PIN rules.
    #[error("PIN refused: {0}")]
    PinWeak(String),
    /// The PIN does not match.
    #[error("the PIN does not match")]
    PinMismatch,
    /// Too many wrong PINs.
    #[error("too many wrong PINs; locked for {retry_after} s")]
    PinLocked {
        /// Seconds until the lock ends.
        retry_after: i64,
    },
    /// The submitted demographics do not match the record (which field is not said).
    #[error("the demographic data does not match")]
    DemographicMismatch,
    /// The submitted demographics are unusable (no field, a malformed date, …).
    #[error("bad demographic data: {0}")]
    BadDemographics(String),
    /// The biometric sample does not match.
    #[error("the biometric sample does not match")]
    BiometricMismatch,
    /// No biometric sample was submitted.
    #[error("no biometric sample given")]
    NoBiometric,
    /// The wallet challenge expired before the answer arrived.
    #[error("the wallet challenge has expired")]
    ChallengeExpired,
    /// The wallet challenge was already answered.
    #[error("the wallet challenge was already used")]
    ChallengeUsed,
    /// The wallet's answer is not a valid signature over this challenge by the bound key.
    #[error("the wallet's answer does not verify: {0}")]
    WalletResponse(String),
    /// The wallet key offered for binding is not acceptable.
    #[error("unusable wallet key: {0}")]
    WalletKey(String),
    /// A message could not be delivered.
    #[error("notification failed: {0}")]
    Notify(String),
    /// A message went to a channel this notifier cannot reach (e.g. SMS over SMTP).
    #[error("this notifier cannot send to {0}")]
    UnsupportedChannel(&'static str),
    /// The factor's configuration is unusable (weak key, impossible parameters).
    #[error("invalid factor configuration: {0}")]
    BadConfig(String),
    /// The operating system's random source failed.
    #[error("random source failed: {0}")]
    Random(String),
    /// The biometric matcher failed.
    #[error(transparent)]
    Matcher(#[from] DedupError),
}

impl FactorError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            FactorError::OtpExpired => "idp.otp_expired",
            FactorError::OtpUsed => "idp.otp_used",
            FactorError::OtpMismatch { .. } => "idp.otp_mismatch",
            FactorError::OtpLocked => "idp.otp_locked",
            FactorError::OtpResendLimit => "idp.otp_resend_limit",
            FactorError::OtpResendTooSoon { .. } => "idp.otp_resend_too_soon",
            FactorError::PinWeak(_) => "idp.pin_weak",
            FactorError::PinMismatch => "idp.pin_mismatch",
            FactorError::PinLocked { .. } => "idp.pin_locked",
            FactorError::DemographicMismatch => "idp.demographic_mismatch",
            FactorError::BadDemographics(_) => "idp.bad_demographics",
            FactorError::BiometricMismatch => "idp.biometric_mismatch",
            FactorError::NoBiometric => "idp.no_biometric",
            FactorError::ChallengeExpired => "idp.challenge_expired",
            FactorError::ChallengeUsed => "idp.challenge_used",
            FactorError::WalletResponse(_) => "idp.wallet_bad_response",
            FactorError::WalletKey(_) => "idp.wallet_bad_key",
            FactorError::Notify(_) => "idp.notify_failed",
            FactorError::UnsupportedChannel(_) => "idp.notify_unsupported_channel",
            FactorError::BadConfig(_) => "idp.bad_factor_config",
            FactorError::Random(_) => "idp.random_failed",
            FactorError::Matcher(e) => e.code(),
        }
    }

    /// Whether the caller's input caused it (a 4xx), as opposed to the server (a 5xx).
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self,
            FactorError::Notify(_)
                | FactorError::UnsupportedChannel(_)
                | FactorError::BadConfig(_)
                | FactorError::Random(_)
                | FactorError::Matcher(_)
        )
    }
}

/// Biometric authentication: `probe` must match the gallery of `subject` (1:1).
///
/// ```
/// use inkan_core::claim169::{BiometricFormat, BodyPart};
/// use inkan_idp::dedup::{BiometricMatcher, BiometricSample, ExactTemplateMatcher};
/// use inkan_idp::factors::match_biometrics;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let m = ExactTemplateMatcher::new();
/// let face = BiometricSample { body_part: BodyPart::Face, format: BiometricFormat::Template,
///     sub_format: None, quality: None, data: b"face-template".to_vec() };
/// m.insert("ref-1", std::slice::from_ref(&face)).await.unwrap();
/// match_biometrics(&m, "ref-1", std::slice::from_ref(&face)).await?;
/// let err = match_biometrics(&m, "ref-2", &[face]).await.unwrap_err();
/// assert_eq!(err.code(), "idp.biometric_mismatch");
/// # Ok::<(), inkan_idp::factors::FactorError>(())
/// # }).unwrap();
/// ```
pub async fn match_biometrics(
    matcher: &dyn BiometricMatcher,
    subject: &str,
    probe: &[BiometricSample],
) -> Result<(), FactorError> {
    if probe.is_empty() {
        return Err(FactorError::NoBiometric);
    }
    if matcher.verify(subject, probe).await? {
        Ok(())
    } else {
        Err(FactorError::BiometricMismatch)
    }
}

#[cfg(test)]
mod tests;
