//! Time-claim checks shared by JWT and CWT: `exp`, `nbf` and `iat` against a [`Clock`].

use crate::clock::Clock;
use crate::{Error, Result};

/// How a token's time claims are checked.
///
/// `exp` and `nbf` are always enforced when present; `require_exp` additionally rejects tokens
/// without an expiry. `leeway_secs` absorbs clock skew between issuer and verifier.
///
/// ```
/// use inkan_core::claims::TimeRules;
/// use inkan_core::clock::FixedClock;
/// let rules = TimeRules::default();
/// let now = FixedClock::at_unix(1_000);
/// assert!(rules.check(Some(1_100), None, Some(900), &now).is_ok());
/// assert_eq!(rules.check(Some(900), None, None, &now).unwrap_err().code(), "jwt.expired");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRules {
    /// Allowed clock skew, in seconds (default 60).
    pub leeway_secs: i64,
    /// Reject tokens without `exp` (default false).
    pub require_exp: bool,
    /// Reject tokens whose `iat` is further in the future than the leeway (default true).
    pub reject_future_iat: bool,
    /// If set, reject tokens whose `iat` is older than this many seconds.
    pub max_age_secs: Option<i64>,
}

impl Default for TimeRules {
    fn default() -> Self {
        Self {
            leeway_secs: 60,
            require_exp: false,
            reject_future_iat: true,
            max_age_secs: None,
        }
    }
}

impl TimeRules {
    /// Checks the time claims (seconds since the epoch) against `clock`.
    pub fn check(
        &self,
        exp: Option<i64>,
        nbf: Option<i64>,
        iat: Option<i64>,
        clock: &dyn Clock,
    ) -> Result<()> {
        let now = clock.now_unix();
        let leeway = self.leeway_secs.max(0);
        match exp {
            Some(exp) if now > exp.saturating_add(leeway) => return Err(Error::Expired),
            None if self.require_exp => return Err(Error::InvalidClaim("exp is required".into())),
            _ => {}
        }
        if nbf.is_some_and(|nbf| now < nbf.saturating_sub(leeway)) {
            return Err(Error::NotYetValid);
        }
        if let Some(iat) = iat {
            if self.reject_future_iat && iat > now.saturating_add(leeway) {
                return Err(Error::IssuedInFuture);
            }
            if self
                .max_age_secs
                .is_some_and(|max| now.saturating_sub(iat) > max.saturating_add(leeway))
            {
                return Err(Error::Expired);
            }
        } else if self.max_age_secs.is_some() {
            return Err(Error::InvalidClaim(
                "iat is required to check the token's age".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    #[test]
    fn leeway_applies_to_every_bound() {
        let r = TimeRules {
            leeway_secs: 10,
            ..TimeRules::default()
        };
        let c = FixedClock::at_unix(100);
        assert!(r.check(Some(95), Some(105), Some(105), &c).is_ok());
        assert_eq!(r.check(Some(89), None, None, &c), Err(Error::Expired));
        assert_eq!(r.check(None, Some(111), None, &c), Err(Error::NotYetValid));
        assert_eq!(r.check(None, None, Some(111), &c), Err(Error::IssuedInFuture));
    }

    #[test]
    fn required_exp_and_max_age() {
        let c = FixedClock::at_unix(1_000);
        let r = TimeRules {
            require_exp: true,
            ..TimeRules::default()
        };
        assert!(matches!(
            r.check(None, None, None, &c),
            Err(Error::InvalidClaim(_))
        ));
        let r = TimeRules {
            max_age_secs: Some(100),
            leeway_secs: 0,
            ..TimeRules::default()
        };
        assert!(r.check(None, None, Some(950), &c).is_ok());
        assert_eq!(r.check(None, None, Some(850), &c), Err(Error::Expired));
        assert!(r.check(None, None, None, &c).is_err());
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let edges = [i64::MIN, -1, 0, 1, i64::MAX];
        for leeway in edges {
            let r = TimeRules {
                leeway_secs: leeway,
                max_age_secs: Some(leeway),
                ..TimeRules::default()
            };
            for now in edges {
                for t in edges {
                    // Overflow would panic in debug builds; any verdict is acceptable here.
                    let _ = r.check(Some(t), Some(t), Some(t), &FixedClock::at_unix(now));
                }
            }
        }
    }
}
