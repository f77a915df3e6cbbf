//! Time, injected: every `exp`/`nbf`/`iat`/validity check asks a [`Clock`], so tests and
//! verifiers that check "as of" a past instant are deterministic.

use crate::{Error, Result};

/// A source of the current time, in whole seconds since the Unix epoch.
///
/// ```
/// use inkan_core::clock::{Clock, FixedClock, SystemClock};
/// let fixed = FixedClock::at_unix(1_700_000_000);
/// assert_eq!(fixed.now_unix(), 1_700_000_000);
/// assert!(SystemClock.now_unix() > 1_700_000_000);
/// ```
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> i64;
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        let now = std::time::SystemTime::now();
        match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

/// A clock stopped at one instant (tests, `--at` in the CLI, "was it valid then?").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(i64);

impl FixedClock {
    /// A clock fixed at `secs` seconds since the Unix epoch.
    ///
    /// ```
    /// use inkan_core::clock::{Clock, FixedClock};
    /// assert_eq!(FixedClock::at_unix(0).now_unix(), 0);
    /// ```
    pub const fn at_unix(secs: i64) -> Self {
        Self(secs)
    }

    /// A clock fixed at an RFC 3339 instant such as `2026-01-01T00:00:00Z`.
    ///
    /// ```
    /// use inkan_core::clock::{Clock, FixedClock};
    /// let c = FixedClock::from_rfc3339("1970-01-02T00:00:00Z")?;
    /// assert_eq!(c.now_unix(), 86_400);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_rfc3339(text: &str) -> Result<Self> {
        let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .map_err(|e| Error::InvalidClaim(format!("not an RFC 3339 time: {e}")))?;
        Ok(Self(t.unix_timestamp()))
    }
}

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
}
