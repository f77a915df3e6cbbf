//! IETF Token Status List (draft-ietf-oauth-status-list-20): pure encode/decode/sign/verify,
//! no I/O.
//!
//! - [`StatusList`]: a packed array of 1-, 2-, 4- or 8-bit statuses ([`Bits`]), LSB first, with
//!   O(1) [`get`](StatusList::get)/[`set`](StatusList::set) and the `lst` encoding (zlib, and
//!   base64url in JSON). Inflating is capped from the declared bits and [`MAX_ENTRIES`].
//! - [`StatusListToken`]: the list's claims (`sub`, `iat`, `exp`, `ttl`), signed as a
//!   `statuslist+jwt` or an `application/statuslist+cwt`; [`UnverifiedStatusList`] parses
//!   either, exposes `kid`/`x5chain` to choose the key, then verifies the signature.
//! - [`StatusReference`]: the referenced token's `status` claim (`idx` + `uri`), JSON or CBOR.
//! - [`StatusValue`]: what an entry means, and [`StatusValue::check`] turns it into the
//!   verdict's error (`status.revoked`, `status.suspended`, …).
//!
//! Fetching and caching lists is I/O: it lives in `inkan-verifier`.
//!
//! ```
//! use inkan_core::status::{Bits, StatusList, StatusReference, StatusValue};
//! let mut list = StatusList::new(Bits::Two, 1_000)?;
//! list.set(42, StatusValue::Suspended.into())?;
//! let reference = StatusReference::new(42, "https://example.com/statuslists/1");
//! let value = StatusValue::from(list.get(reference.idx)?);
//! assert_eq!(value, StatusValue::Suspended);
//! assert_eq!(value.check(reference.idx).unwrap_err().code(), "status.suspended");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod list;
mod reference;
mod token;

pub use list::{Bits, MAX_ENTRIES, StatusList};
pub use reference::{CWT_STATUS, StatusReference};
pub use token::{CWT_STATUS_LIST, CWT_TTL, CWT_TYP, JWT_TYP, StatusListToken, UnverifiedStatusList};

use crate::{Error, Result};

/// The meaning of a status entry (draft §7.1).
///
/// ```
/// use inkan_core::status::StatusValue;
/// assert_eq!(StatusValue::from(1), StatusValue::Invalid);
/// assert_eq!(u8::from(StatusValue::ApplicationSpecific(0x0c)), 0x0c);
/// assert!(StatusValue::Valid.check(7).is_ok());
/// assert_eq!(StatusValue::Invalid.check(7).unwrap_err().code(), "status.revoked");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusValue {
    /// 0x00: the token is valid.
    Valid,
    /// 0x01: revoked, for good.
    Invalid,
    /// 0x02: temporarily invalid.
    Suspended,
    /// Any other value (0x03 and 0x0C–0x0F are application-specific; the rest reserved).
    ApplicationSpecific(u8),
}

impl StatusValue {
    /// `Ok` only for [`StatusValue::Valid`]; otherwise the error a verifier reports for entry
    /// `index`: [`Error::StatusRevoked`], [`Error::StatusSuspended`] or
    /// [`Error::StatusApplicationSpecific`] (a demanding verifier does not guess what an
    /// unknown status means).
    pub fn check(self, index: u64) -> Result<()> {
        match self {
            StatusValue::Valid => Ok(()),
            StatusValue::Invalid => Err(Error::StatusRevoked { index }),
            StatusValue::Suspended => Err(Error::StatusSuspended { index }),
            StatusValue::ApplicationSpecific(value) => Err(Error::StatusApplicationSpecific { index, value }),
        }
    }
}

impl From<u8> for StatusValue {
    fn from(value: u8) -> Self {
        match value {
            0 => StatusValue::Valid,
            1 => StatusValue::Invalid,
            2 => StatusValue::Suspended,
            other => StatusValue::ApplicationSpecific(other),
        }
    }
}

impl From<StatusValue> for u8 {
    fn from(value: StatusValue) -> Self {
        match value {
            StatusValue::Valid => 0,
            StatusValue::Invalid => 1,
            StatusValue::Suspended => 2,
            StatusValue::ApplicationSpecific(other) => other,
        }
    }
}
