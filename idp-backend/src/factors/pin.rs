//! PINs: argon2id hashes in PHC string form, PIN rules, and a lock after repeated failures.
//!
//! Parameters: 19 MiB memory, 2 passes, 1 lane — the OWASP Password Storage Cheat Sheet's
//! first argon2id setting. A PIN has few values (10^6 for six digits), so the hash only slows
//! an offline attacker with a database dump; the online defence is [`PinAttempts`] (5 wrong
//! PINs lock for 15 minutes). The cost measured here is in ARCHITECTURE.md and the bench
//! `idp-backend/benches/ids.rs`.
//!
//! ```
//! use inkan_idp::factors::pin::PinHasher;
//! let hasher = PinHasher::default();
//! let phc = hasher.hash("739154")?;
//! assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
//! hasher.verify("739154", &phc)?;
//! assert_eq!(hasher.verify("739155", &phc).unwrap_err().code(), "idp.pin_mismatch");
//! assert_eq!(hasher.hash("123456").unwrap_err().code(), "idp.pin_weak");
//! # Ok::<(), inkan_idp::factors::FactorError>(())
//! ```

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use inkan_core::clock::Clock;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};

use super::FactorError;

/// Shortest PIN.
pub const PIN_MIN: usize = 6;
/// Longest PIN.
pub const PIN_MAX: usize = 12;

/// Hashes and checks PINs with argon2id.
#[derive(Debug, Clone)]
pub struct PinHasher {
    params: Params,
}

impl Default for PinHasher {
    /// 19 MiB, 2 passes, 1 lane.
    fn default() -> Self {
        Self {
            params: Params::new(19 * 1024, 2, 1, None).unwrap_or_default(),
        }
    }
}

impl PinHasher {
    /// A hasher with `memory_kib` KiB, `passes` passes and `lanes` lanes (argon2's limits
    /// apply; memory below 8 MiB is refused).
    ///
    /// ```
    /// use inkan_idp::factors::pin::PinHasher;
    /// assert!(PinHasher::new(64 * 1024, 3, 1).is_ok());
    /// assert_eq!(PinHasher::new(1024, 1, 1).unwrap_err().code(), "idp.bad_factor_config");
    /// ```
    pub fn new(memory_kib: u32, passes: u32, lanes: u32) -> Result<Self, FactorError> {
        if memory_kib < 8 * 1024 {
            return Err(FactorError::BadConfig(
                "argon2 memory must be at least 8 MiB".into(),
            ));
        }
        let params = Params::new(memory_kib, passes, lanes, None)
            .map_err(|e| FactorError::BadConfig(e.to_string()))?;
        Ok(Self { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Checks the PIN rules, then hashes with a fresh random salt.
    pub fn hash(&self, pin: &str) -> Result<String, FactorError> {
        check_rules(pin)?;
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(pin.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| FactorError::BadConfig(e.to_string()))
    }

    /// Checks `pin` against a stored PHC string (with the parameters recorded in it, so old
    /// hashes keep working after a parameter change; see [`PinHasher::needs_rehash`]).
    pub fn verify(&self, pin: &str, phc: &str) -> Result<(), FactorError> {
        let hash = PasswordHash::new(phc)
            .map_err(|e| FactorError::BadConfig(format!("stored PIN hash unreadable: {e}")))?;
        if hash.algorithm != argon2::ARGON2ID_IDENT {
            return Err(FactorError::BadConfig("stored PIN hash is not argon2id".into()));
        }
        if pin.len() > PIN_MAX {
            return Err(FactorError::PinMismatch);
        }
        self.argon2()
            .verify_password(pin.as_bytes(), &hash)
            .map_err(|_| FactorError::PinMismatch)
    }

    /// Whether a stored hash was made with other parameters than this hasher's (rehash it
    /// after the next successful verification).
    ///
    /// ```
    /// use inkan_idp::factors::pin::PinHasher;
    /// let old = PinHasher::new(8 * 1024, 1, 1)?.hash("739154")?;
    /// assert!(PinHasher::default().needs_rehash(&old));
    /// # Ok::<(), inkan_idp::factors::FactorError>(())
    /// ```
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = PasswordHash::new(phc) else {
            return true;
        };
        let cost = |p: &Params| (p.m_cost(), p.t_cost(), p.p_cost());
        Params::try_from(&hash).map_or(true, |p| cost(&p) != cost(&self.params))
    }
}

/// The PIN rules: 6–12 ASCII digits, not all the same digit, not a run up or down
/// (`123456`, `987654`).
///
/// ```
/// use inkan_idp::factors::pin::check_rules;
/// assert!(check_rules("739154").is_ok());
/// for weak in ["12345", "111111", "234567", "876543", "12a456"] {
///     assert_eq!(check_rules(weak).unwrap_err().code(), "idp.pin_weak");
/// }
/// ```
pub fn check_rules(pin: &str) -> Result<(), FactorError> {
    let weak = |why: &str| Err(FactorError::PinWeak(why.into()));
    if !(PIN_MIN..=PIN_MAX).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return weak("a PIN is 6 to 12 digits");
    }
    let d = pin.as_bytes();
    let steps: Vec<i16> = d.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    if steps.iter().all(|&s| s == 0) {
        return weak("all digits are the same");
    }
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return weak("the digits run in sequence");
    }
    Ok(())
}

/// Failed-PIN bookkeeping the store keeps per person: after `max_failures` wrong PINs in a row
/// the PIN factor locks for `lock_secs`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_idp::factors::pin::PinAttempts;
/// let mut a = PinAttempts::default();
/// for _ in 0..5 { a = a.failed(&FixedClock::at_unix(100)); }
/// assert_eq!(a.check(&FixedClock::at_unix(200)).unwrap_err().code(), "idp.pin_locked");
/// assert!(a.check(&FixedClock::at_unix(100 + 900)).is_ok());
/// assert_eq!(a.succeeded(), PinAttempts::default());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinAttempts {
    /// Wrong PINs in a row.
    pub failures: u32,
    /// Unix seconds until which the factor is locked.
    pub locked_until: Option<i64>,
}

/// Wrong PINs that lock the factor.
pub const PIN_MAX_FAILURES: u32 = 5;
/// Seconds a lock lasts.
pub const PIN_LOCK_SECS: i64 = 15 * 60;

impl PinAttempts {
    /// Fails with [`FactorError::PinLocked`] while a lock lasts (check before verifying).
    pub fn check(&self, clock: &dyn Clock) -> Result<(), FactorError> {
        match self.locked_until {
            Some(until) if clock.now_unix() < until => Err(FactorError::PinLocked {
                retry_after: until - clock.now_unix(),
            }),
            _ => Ok(()),
        }
    }

    /// The state after a wrong PIN.
    pub fn failed(&self, clock: &dyn Clock) -> Self {
        let failures = self.failures.saturating_add(1);
        if failures >= PIN_MAX_FAILURES {
            Self {
                failures: 0,
                locked_until: Some(clock.now_unix().saturating_add(PIN_LOCK_SECS)),
            }
        } else {
            Self {
                failures,
                locked_until: self.locked_until,
            }
        }
    }

    /// The state after a right PIN.
    pub fn succeeded(&self) -> Self {
        Self::default()
    }
}
