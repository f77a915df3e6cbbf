//! One-time passwords: 6 digits from the OS CSPRNG, valid 3 minutes, at most 5 wrong tries and
//! 3 sends, stored only as a keyed hash.
//!
//! Modelled as a pure state machine over [`OtpRecord`], the value the store persists: each
//! step takes the record and a [`Clock`] and returns the record to write back (with the code to
//! send, or the verdict). Nothing here touches storage or the network.
//!
//! **Hashing.** A 6-digit code has 10^6 values, so any unkeyed hash — even argon2 — is brute
//! forced from a database dump in minutes to hours. The record keeps HMAC-SHA256 under a server
//! key ([`OtpKey`], kept outside the database) over the subject, purpose, issue time and code:
//! a dump alone reveals nothing, the hash cannot be moved to another subject or issuance, and
//! checking costs microseconds, so the verify endpoint is no CPU amplifier for attackers.
//!
//! **Limits.** The attempt counter survives resends (a resend cannot be used to reset a brute
//! force); the 5th wrong code locks the record until it expires; a correct code marks it used.
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_idp::factors::otp::{OtpKey, OtpPolicy, OtpRecord};
//! let key = OtpKey::from_bytes(&[3; 32])?;
//! let policy = OtpPolicy::default();
//! let (record, code) = OtpRecord::issue("uin:6936894708", "login", &policy, &key, &FixedClock::at_unix(1_000))?;
//! // ... send `code` through a Notifier, persist `record` ...
//! let attempt = record.verify("000000", &policy, &key, &FixedClock::at_unix(1_010));
//! # let attempt = if code.as_str() == "000000" { record.verify("111111", &policy, &key, &FixedClock::at_unix(1_010)) } else { attempt };
//! assert_eq!(attempt.outcome.unwrap_err().code(), "idp.otp_mismatch");
//! let ok = attempt.record.verify(code.as_str(), &policy, &key, &FixedClock::at_unix(1_020));
//! assert!(ok.outcome.is_ok());
//! let again = ok.record.verify(code.as_str(), &policy, &key, &FixedClock::at_unix(1_030));
//! assert_eq!(again.outcome.unwrap_err().code(), "idp.otp_used");
//! # Ok::<(), inkan_idp::factors::FactorError>(())
//! ```

use std::fmt;

use inkan_core::clock::Clock;
use inkan_core::encoding::{b64url_decode, b64url_encode};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::FactorError;
use crate::secret::{SECRET_MIN, Secret};

/// Digits in a code.
pub const OTP_DIGITS: usize = 6;

/// Limits of the OTP factor.
///
/// ```
/// let p = inkan_idp::factors::otp::OtpPolicy::default();
/// assert_eq!((p.ttl_secs, p.max_attempts, p.max_sends, p.resend_after_secs), (180, 5, 3, 30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtpPolicy {
    /// Seconds a code stays valid (from its last send).
    pub ttl_secs: i64,
    /// Wrong codes before the record locks.
    pub max_attempts: u32,
    /// Sends per record (the first one included).
    pub max_sends: u32,
    /// Seconds between two sends.
    pub resend_after_secs: i64,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            ttl_secs: 180,
            max_attempts: 5,
            max_sends: 3,
            resend_after_secs: 30,
        }
    }
}

impl OtpPolicy {
    /// Refuses limits that disable the protection (zero or negative).
    ///
    /// ```
    /// use inkan_idp::factors::otp::OtpPolicy;
    /// let off = OtpPolicy { max_attempts: 0, ..OtpPolicy::default() };
    /// assert_eq!(off.validate().unwrap_err().code(), "idp.bad_factor_config");
    /// ```
    pub fn validate(&self) -> Result<(), FactorError> {
        if self.ttl_secs <= 0 || self.max_attempts == 0 || self.max_sends == 0 || self.resend_after_secs < 0 {
            return Err(FactorError::BadConfig("OTP limits must be positive".into()));
        }
        Ok(())
    }
}

/// The server key OTP hashes are computed under (at least 32 bytes; keep it out of the
/// database).
#[derive(Debug)]
pub struct OtpKey(Secret);

impl OtpKey {
    /// A key from at least 32 secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FactorError> {
        Secret::from_bytes(bytes)
            .map(Self)
            .ok_or_else(|| FactorError::BadConfig(format!("OTP key must be at least {SECRET_MIN} bytes")))
    }

    fn digest(&self, record: &OtpRecord, code: &str) -> [u8; 32] {
        self.0.mac(
            "inkan-otp-v1",
            &[
                record.subject.as_bytes(),
                record.purpose.as_bytes(),
                &record.sent_at.to_be_bytes(),
                code.as_bytes(),
            ],
        )
    }
}

/// A code to send; zeroised on drop and not printed by `Debug`.
///
/// ```
/// use inkan_core::clock::SystemClock;
/// use inkan_idp::factors::otp::{OtpKey, OtpPolicy, OtpRecord};
/// let key = OtpKey::from_bytes(&[3; 32])?;
/// let (_, code) = OtpRecord::issue("s", "p", &OtpPolicy::default(), &key, &SystemClock)?;
/// assert_eq!(code.as_str().len(), 6);
/// assert_eq!(format!("{code:?}"), "OtpCode(..)");
/// # Ok::<(), inkan_idp::factors::FactorError>(())
/// ```
pub struct OtpCode(Zeroizing<String>);

impl OtpCode {
    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(..)")
    }
}

/// Where an OTP record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtpState {
    /// Waiting for the code.
    Active,
    /// The code was entered correctly; it cannot be used again.
    Used,
    /// Too many wrong codes.
    Locked,
}

/// One OTP challenge as the store keeps it (serde: camelCase JSON, or map its fields to
/// columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OtpRecord {
    /// Who the code is for (the registry's internal reference; never shown to others).
    pub subject: String,
    /// What it authorises (`login`, `ekyc`, `update-phone`, …): a code for one purpose does
    /// not verify for another.
    pub purpose: String,
    /// base64url HMAC of the current code.
    pub code_hash: String,
    /// Unix seconds of the last send.
    pub sent_at: i64,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
    /// Wrong codes so far (kept across resends).
    pub attempts: u32,
    /// Sends so far.
    pub sends: u32,
    /// Active, used or locked.
    pub state: OtpState,
}

/// The result of one verification: the record to persist, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAttempt {
    /// The record after this attempt (persist it whatever the outcome).
    pub record: OtpRecord,
    /// `Ok` if the code was right.
    pub outcome: Result<(), FactorError>,
}

impl OtpAttempt {
    /// Whether the record changed (and so must be written back).
    pub fn changed(&self, before: &OtpRecord) -> bool {
        &self.record != before
    }
}

impl OtpRecord {
    /// A new challenge for `subject`/`purpose`, and the code to send.
    pub fn issue(
        subject: &str,
        purpose: &str,
        policy: &OtpPolicy,
        key: &OtpKey,
        clock: &dyn Clock,
    ) -> Result<(OtpRecord, OtpCode), FactorError> {
        policy.validate()?;
        let record = OtpRecord {
            subject: subject.to_owned(),
            purpose: purpose.to_owned(),
            code_hash: String::new(),
            sent_at: clock.now_unix(),
            expires_at: 0,
            attempts: 0,
            sends: 0,
            state: OtpState::Active,
        };
        record.with_new_code(policy, key, clock)
    }

    /// A new code for the same challenge (the old one stops working). Refused when the record
    /// is used or locked, after [`OtpPolicy::max_sends`] sends, and within
    /// [`OtpPolicy::resend_after_secs`] of the last send.
    ///
    /// ```
    /// use inkan_core::clock::FixedClock;
    /// use inkan_idp::factors::otp::{OtpKey, OtpPolicy, OtpRecord};
    /// let (key, policy) = (OtpKey::from_bytes(&[3; 32])?, OtpPolicy::default());
    /// let (r, _) = OtpRecord::issue("s", "login", &policy, &key, &FixedClock::at_unix(0))?;
    /// assert_eq!(r.resend(&policy, &key, &FixedClock::at_unix(10)).unwrap_err().code(), "idp.otp_resend_too_soon");
    /// let (r, _) = r.resend(&policy, &key, &FixedClock::at_unix(30))?;
    /// let (r, _) = r.resend(&policy, &key, &FixedClock::at_unix(60))?;
    /// assert_eq!(r.resend(&policy, &key, &FixedClock::at_unix(90)).unwrap_err().code(), "idp.otp_resend_limit");
    /// # Ok::<(), inkan_idp::factors::FactorError>(())
    /// ```
    pub fn resend(
        &self,
        policy: &OtpPolicy,
        key: &OtpKey,
        clock: &dyn Clock,
    ) -> Result<(OtpRecord, OtpCode), FactorError> {
        policy.validate()?;
        match self.state {
            OtpState::Used => return Err(FactorError::OtpUsed),
            OtpState::Locked => return Err(FactorError::OtpLocked),
            OtpState::Active => {}
        }
        if self.sends >= policy.max_sends {
            return Err(FactorError::OtpResendLimit);
        }
        let wait = self.sent_at.saturating_add(policy.resend_after_secs) - clock.now_unix();
        if wait > 0 {
            return Err(FactorError::OtpResendTooSoon { retry_after: wait });
        }
        self.with_new_code(policy, key, clock)
    }

    fn with_new_code(
        &self,
        policy: &OtpPolicy,
        key: &OtpKey,
        clock: &dyn Clock,
    ) -> Result<(OtpRecord, OtpCode), FactorError> {
        let code = random_code()?;
        let now = clock.now_unix();
        let mut record = OtpRecord {
            sent_at: now,
            expires_at: now.saturating_add(policy.ttl_secs),
            sends: self.sends.saturating_add(1),
            ..self.clone()
        };
        record.code_hash = b64url_encode(key.digest(&record, code.as_str()));
        Ok((record, code))
    }

    /// Checks `code`. Used, locked and expired records refuse without change; a wrong code
    /// (anything but the six digits, malformed input included) counts an attempt and the last
    /// allowed one locks the record; the right code marks it used. The comparison is
    /// constant-time.
    pub fn verify(&self, code: &str, policy: &OtpPolicy, key: &OtpKey, clock: &dyn Clock) -> OtpAttempt {
        let unchanged = |e| OtpAttempt {
            record: self.clone(),
            outcome: Err(e),
        };
        match self.state {
            OtpState::Used => return unchanged(FactorError::OtpUsed),
            OtpState::Locked => return unchanged(FactorError::OtpLocked),
            OtpState::Active => {}
        }
        if clock.now_unix() >= self.expires_at {
            return unchanged(FactorError::OtpExpired);
        }
        if self.attempts >= policy.max_attempts {
            return OtpAttempt {
                record: OtpRecord {
                    state: OtpState::Locked,
                    ..self.clone()
                },
                outcome: Err(FactorError::OtpLocked),
            };
        }
        if self.matches(code, key) {
            return OtpAttempt {
                record: OtpRecord {
                    state: OtpState::Used,
                    ..self.clone()
                },
                outcome: Ok(()),
            };
        }
        let attempts = self.attempts.saturating_add(1);
        let attempts_left = policy.max_attempts.saturating_sub(attempts);
        let (state, error) = if attempts_left == 0 {
            (OtpState::Locked, FactorError::OtpLocked)
        } else {
            (OtpState::Active, FactorError::OtpMismatch { attempts_left })
        };
        OtpAttempt {
            record: OtpRecord {
                attempts,
                state,
                ..self.clone()
            },
            outcome: Err(error),
        }
    }

    fn matches(&self, code: &str, key: &OtpKey) -> bool {
        let well_formed = code.len() == OTP_DIGITS && code.bytes().all(|b| b.is_ascii_digit());
        let Ok(stored) = b64url_decode(&self.code_hash) else {
            return false;
        };
        let expected = key.digest(self, code);
        well_formed && constant_time_eq(&stored, &expected)
    }
}

/// Equality without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Six uniform digits: rejection sampling on `u32`s below the largest multiple of 10^6.
fn random_code() -> Result<OtpCode, FactorError> {
    const SPACE: u32 = 1_000_000;
    const LIMIT: u32 = u32::MAX - (u32::MAX % SPACE);
    loop {
        let mut bytes = [0u8; 4];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| FactorError::Random(e.to_string()))?;
        let n = u32::from_le_bytes(bytes);
        if n < LIMIT {
            return Ok(OtpCode(Zeroizing::new(format!("{:06}", n % SPACE))));
        }
    }
}

#[cfg(test)]
mod tests;
