//! Server-held secrets for keyed hashes (pairwise subjects, blind indexes, OTP hashes): one
//! type, one HMAC construction, so every keyed digest in the registry is built the same way.

use std::fmt;

use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Shortest secret accepted, in bytes (HMAC-SHA256's block of strength).
pub const SECRET_MIN: usize = 32;

/// A secret of at least [`SECRET_MIN`] bytes, zeroised on drop and never printed.
///
/// ```
/// use inkan_idp::secret::Secret;
/// let s = Secret::from_bytes(&[1; 32]).unwrap();
/// assert_eq!(format!("{s:?}"), "Secret(..)");
/// assert!(Secret::from_bytes(&[1; 31]).is_none());
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// The secret, if `bytes` is long enough.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        (bytes.len() >= SECRET_MIN).then(|| Self(Zeroizing::new(bytes.to_vec())))
    }

    /// A fresh random secret of [`SECRET_MIN`] bytes from the OS.
    ///
    /// ```
    /// let a = inkan_idp::secret::Secret::generate()?;
    /// # Ok::<(), rand_core::Error>(())
    /// ```
    pub fn generate() -> Result<Self, rand_core::Error> {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_MIN]);
        OsRng.try_fill_bytes(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// HMAC-SHA256 over `label` and `parts`, each prefixed by its length (so part boundaries
    /// cannot be shifted to forge a collision).
    ///
    /// ```
    /// let s = inkan_idp::secret::Secret::from_bytes(&[7; 32]).unwrap();
    /// assert_ne!(s.mac("a", &[b"bc"]), s.mac("a", &[b"b", b"c"]));
    /// assert_ne!(s.mac("x", &[b"1"]), s.mac("y", &[b"1"]));
    /// ```
    pub fn mac(&self, label: &str, parts: &[&[u8]]) -> [u8; 32] {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes keys of any length")
        };
        for part in std::iter::once(label.as_bytes()).chain(parts.iter().copied()) {
            mac.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}
