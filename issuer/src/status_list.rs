//! Status lists an issuer publishes (IETF Token Status List): allocate an entry per issued
//! token, set statuses (revoke, suspend, reinstate), and sign the list as a `statuslist+jwt`
//! or `application/statuslist+cwt` with `sub`, `iat`, `exp` and `ttl`.
//!
//! Indices are allocated at random, not in issuance order, so an index says nothing about when
//! (or in what order) a token was issued (draft §12.5, unlinkability).

use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::status::{Bits, StatusList, StatusListToken, StatusReference, StatusValue};
use inkan_core::{Error, Result};
use rand_core::{OsRng, RngCore};

/// Random picks tried before [`IssuerStatusList::allocate`] falls back to a scan for a free
/// entry (only a nearly full list gets there).
const RANDOM_TRIES: usize = 64;

/// How a signed status list token is dated.
///
/// ```
/// use inkan_issuer::status_list::Validity;
/// let v = Validity { lifetime_secs: Some(86_400), ttl_secs: Some(3_600) };
/// assert_eq!(Validity::default(), Validity { lifetime_secs: None, ttl_secs: None });
/// # let _ = v;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Validity {
    /// `exp` = `iat` + this many seconds (no `exp` when `None`).
    pub lifetime_secs: Option<u64>,
    /// `ttl`: how long relying parties may cache the list, in seconds.
    pub ttl_secs: Option<u64>,
}

/// One status list published at `uri`: the statuses, and which entries are in use.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::status::{Bits, StatusValue, UnverifiedStatusList};
/// use inkan_issuer::status_list::{IssuerStatusList, Validity};
/// let mut list = IssuerStatusList::new("https://issuer.example/status/1", Bits::Two, 1_024)?;
/// let reference = list.allocate()?; // goes into the issued token's `status` claim
/// list.set(reference.idx, StatusValue::Suspended)?;
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let clock = FixedClock::at_unix(1_000);
/// let jwt = list.sign_jwt(&key, &clock, Validity { lifetime_secs: Some(86_400), ttl_secs: Some(300) })?;
/// let token = UnverifiedStatusList::parse(jwt.as_bytes())?.into_token();
/// assert_eq!((token.iat, token.exp, token.ttl), (1_000, Some(87_400), Some(300)));
/// assert_eq!(token.list.get(reference.idx)?, 2);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerStatusList {
    uri: String,
    list: StatusList,
    /// One bit per entry: allocated or free.
    used: Vec<u64>,
    allocated: usize,
}

impl IssuerStatusList {
    /// An empty list of at least `len` entries (rounded up to whole bytes) published at `uri`.
    pub fn new(uri: impl Into<String>, bits: Bits, len: usize) -> Result<Self> {
        Self::from_list(uri, StatusList::new(bits, len)?)
    }

    /// Resumes a published list: every entry whose status is not VALID counts as allocated
    /// (free VALID entries cannot be told from issued ones, so mark those with
    /// [`mark_allocated`](Self::mark_allocated)).
    pub fn from_list(uri: impl Into<String>, list: StatusList) -> Result<Self> {
        let mut this = Self {
            uri: uri.into(),
            used: vec![0; list.len().div_ceil(64)],
            allocated: 0,
            list,
        };
        let taken: Vec<u64> = this.list.non_valid().map(|(i, _)| i).collect();
        for index in taken {
            this.mark_allocated(index)?;
        }
        Ok(this)
    }

    /// The URI the list is published at (its `sub`).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The statuses.
    pub fn list(&self) -> &StatusList {
        &self.list
    }

    /// How many entries are allocated.
    pub fn allocated(&self) -> usize {
        self.allocated
    }

    /// Allocates a free entry at random (the OS RNG) and returns the reference to put in the
    /// issued token's `status` claim; [`Error::StatusListFull`] when none is left.
    pub fn allocate(&mut self) -> Result<StatusReference> {
        self.allocate_with(&mut OsRng)
    }

    /// [`allocate`](Self::allocate) with a given random source.
    pub fn allocate_with(&mut self, rng: &mut dyn RngCore) -> Result<StatusReference> {
        let len = self.list.len() as u64;
        if self.allocated as u64 >= len {
            return Err(Error::StatusListFull { len: self.list.len() });
        }
        let mut pick = 0;
        for _ in 0..RANDOM_TRIES {
            pick = uniform(rng, len);
            if !self.is_allocated(pick) {
                return self.take(pick);
            }
        }
        // Nearly full: the next free entry after the last pick, wrapping around.
        let free = (0..len)
            .map(|k| (pick + k) % len)
            .find(|i| !self.is_allocated(*i))
            .ok_or(Error::StatusListFull { len: self.list.len() })?;
        self.take(free)
    }

    /// Marks `index` as in use (a token issued before this list was loaded).
    pub fn mark_allocated(&mut self, index: u64) -> Result<()> {
        self.list.get(index)?;
        if !self.is_allocated(index) {
            self.used[(index / 64) as usize] |= 1 << (index % 64);
            self.allocated += 1;
        }
        Ok(())
    }

    /// Sets the status of entry `index` (revoke with [`StatusValue::Invalid`], suspend,
    /// reinstate with [`StatusValue::Valid`]).
    pub fn set(&mut self, index: u64, value: StatusValue) -> Result<()> {
        self.list.set(index, value.into())
    }

    /// The status of entry `index`.
    pub fn get(&self, index: u64) -> Result<StatusValue> {
        self.list.get(index).map(StatusValue::from)
    }

    /// The list's token claims, issued now by `clock`.
    pub fn token(&self, clock: &dyn Clock, validity: Validity) -> StatusListToken {
        let iat = clock.now_unix();
        let add = |secs: u64| iat.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX));
        StatusListToken {
            exp: validity.lifetime_secs.map(add),
            ttl: validity.ttl_secs,
            ..StatusListToken::new(self.uri.clone(), iat, self.list.clone())
        }
    }

    /// Signs the list as a `statuslist+jwt` (the signer's `kid` in the header).
    pub fn sign_jwt(&self, signer: &dyn Signer, clock: &dyn Clock, validity: Validity) -> Result<String> {
        self.token(clock, validity).sign_jwt(signer)
    }

    /// Signs the list as an `application/statuslist+cwt` (the signer's `kid`, if any, in the
    /// unprotected header).
    pub fn sign_cwt(&self, signer: &dyn Signer, clock: &dyn Clock, validity: Validity) -> Result<Vec<u8>> {
        let kid = signer.key_id().map(|k| k.as_bytes().to_vec());
        self.token(clock, validity).sign_cwt(signer, kid)
    }

    fn is_allocated(&self, index: u64) -> bool {
        self.used
            .get((index / 64) as usize)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    fn take(&mut self, index: u64) -> Result<StatusReference> {
        self.mark_allocated(index)?;
        Ok(StatusReference::new(index, self.uri.clone()))
    }
}

/// A uniform value in `0..n` (n > 0), by rejection so no index is favoured.
pub(crate) fn uniform(rng: &mut dyn RngCore, n: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::status::UnverifiedStatusList;
    use std::collections::BTreeSet;

    #[test]
    fn allocates_every_entry_once_then_reports_full() {
        let mut list = IssuerStatusList::new("https://i.example/s/1", Bits::One, 64).unwrap();
        let indices: BTreeSet<u64> = (0..64).map(|_| list.allocate().unwrap().idx).collect();
        assert_eq!(indices.len(), 64);
        assert_eq!(list.allocate().unwrap_err().code(), "status.list_full");
    }

    #[test]
    fn allocation_is_not_in_issuance_order() {
        let mut list = IssuerStatusList::new("https://i.example/s/1", Bits::One, 1 << 16).unwrap();
        let first: Vec<u64> = (0..16).map(|_| list.allocate().unwrap().idx).collect();
        assert!(first.windows(2).any(|w| w[0] > w[1]), "{first:?}");
    }

    #[test]
    fn resuming_keeps_set_entries_allocated() {
        let mut list = IssuerStatusList::new("https://i.example/s/1", Bits::Two, 8).unwrap();
        list.set(5, StatusValue::Invalid).unwrap();
        let resumed = IssuerStatusList::from_list("https://i.example/s/1", list.list().clone()).unwrap();
        assert_eq!(resumed.allocated(), 1);
        assert!(resumed.is_allocated(5));
        assert_eq!(
            list.set(8, StatusValue::Invalid).unwrap_err().code(),
            "status.index_out_of_range"
        );
    }

    #[test]
    fn signs_cwt_with_the_signers_kid() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap().with_kid("k7");
        let mut list = IssuerStatusList::new("https://i.example/s/1", Bits::One, 8).unwrap();
        list.set(1, StatusValue::Invalid).unwrap();
        let cwt = list
            .sign_cwt(&key, &FixedClock::at_unix(10), Validity::default())
            .unwrap();
        let parsed = UnverifiedStatusList::parse(&cwt).unwrap();
        assert_eq!(parsed.kid().as_deref(), Some("k7"));
        parsed
            .verify_signature(key.public_key(), &[Algorithm::EdDsa])
            .unwrap();
        let token = parsed.into_token();
        assert_eq!((token.iat, token.exp, token.ttl), (10, None, None));
        assert_eq!(token.list.get(1).unwrap(), 1);
    }
}
