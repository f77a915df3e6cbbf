//! W3C Bitstring Status List 1.0 for an issuer: one list per status list credential URL and
//! purpose; [`IssuerBitstringList::allocate`] hands out a `credentialStatus` entry at a random
//! free index (so an index tells nothing about issuance order), [`set`](IssuerBitstringList::set)
//! revokes, suspends or reinstates, and the list is published as a status list credential —
//! unsigned ([`IssuerBitstringList::credential`], for any securing mechanism such as Data
//! Integrity) or secured as `vc+jwt` / `vc+cose` ([`IssuerBitstringList::sign`]).

use inkan_core::bitstring::{
    Bitstring, MIN_ENTRIES, StatusEntry, StatusMessage, StatusPurpose, StatusSize, list_credential,
};
use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::{Error, Result};
use rand_core::{OsRng, RngCore};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::status_list::uniform;
use crate::vc_jose::{Securing, secure};

/// Random picks tried before [`IssuerBitstringList::allocate`] scans for a free index.
const RANDOM_TRIES: usize = 64;

/// How a status list credential is dated.
///
/// ```
/// use inkan_issuer::bitstring::ListValidity;
/// let v = ListValidity { lifetime_secs: Some(86_400), ttl_secs: Some(300) };
/// # let _ = v;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListValidity {
    /// `validUntil` = `validFrom` + this many seconds (none when `None`).
    pub lifetime_secs: Option<u64>,
    /// `credentialSubject.ttl` (written in milliseconds, as the spec has it).
    pub ttl_secs: Option<u64>,
}

/// One Bitstring Status List an issuer publishes.
///
/// ```
/// use inkan_core::bitstring::{StatusListCredential, StatusPurpose};
/// use inkan_core::clock::FixedClock;
/// use inkan_issuer::bitstring::{IssuerBitstringList, ListValidity};
/// let mut list = IssuerBitstringList::new("https://issuer.example/status/1", StatusPurpose::Revocation)?;
/// let entry = list.allocate()?; // goes into the credential's credentialStatus
/// list.set(entry.index, 1)?;
/// let vc = list.credential("did:example:issuer", &FixedClock::at_unix(0), ListValidity::default())?;
/// let parsed = StatusListCredential::from_credential(&vc)?;
/// assert_eq!(parsed.list.get(entry.index, entry.size)?, 1);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerBitstringList {
    url: String,
    purpose: StatusPurpose,
    size: StatusSize,
    messages: Vec<StatusMessage>,
    list: Bitstring,
    /// One bit per entry: allocated or free.
    used: Vec<u64>,
    allocated: u64,
}

impl IssuerBitstringList {
    /// A one-bit list of [`MIN_ENTRIES`] entries published at `url` for `purpose`.
    pub fn new(url: impl Into<String>, purpose: StatusPurpose) -> Result<Self> {
        Self::with_size(url, purpose, MIN_ENTRIES, StatusSize::ONE, Vec::new())
    }

    /// A list of at least `entries` entries of `size` bits; `size` > 1 needs one message per value.
    pub fn with_size(
        url: impl Into<String>,
        purpose: StatusPurpose,
        entries: u64,
        size: StatusSize,
        messages: Vec<StatusMessage>,
    ) -> Result<Self> {
        if size.bits() > 1 && messages.len() != usize::from(size.values()) {
            return Err(Error::BitstringMalformed(format!(
                "statusSize {} needs {} status messages",
                size.bits(),
                size.values()
            )));
        }
        let list = Bitstring::new(entries, size)?;
        Self::from_list(url, purpose, size, messages, list)
    }

    /// Resumes a published list: every entry not 0 counts as allocated (mark free 0 entries
    /// already issued with [`mark_allocated`](Self::mark_allocated)).
    pub fn from_list(
        url: impl Into<String>,
        purpose: StatusPurpose,
        size: StatusSize,
        messages: Vec<StatusMessage>,
        list: Bitstring,
    ) -> Result<Self> {
        let len = list.entries(size);
        let mut this = Self {
            url: url.into(),
            purpose,
            size,
            messages,
            used: vec![0; usize::try_from(len.div_ceil(64)).unwrap_or(usize::MAX)],
            allocated: 0,
            list,
        };
        for index in 0..len {
            if this.list.get(index, size)? != 0 {
                this.mark_allocated(index)?;
            }
        }
        Ok(this)
    }

    /// The URL the status list credential is published at.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bitstring.
    pub fn list(&self) -> &Bitstring {
        &self.list
    }

    /// Entries in the list.
    pub fn len(&self) -> u64 {
        self.list.entries(self.size)
    }

    /// Whether the list holds no entry (never, in practice: lists hold at least [`MIN_ENTRIES`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many entries are allocated.
    pub fn allocated(&self) -> u64 {
        self.allocated
    }

    /// Allocates a free index at random (OS RNG) and returns the `credentialStatus` entry;
    /// [`Error::BitstringListFull`] when none is left.
    pub fn allocate(&mut self) -> Result<StatusEntry> {
        self.allocate_with(&mut OsRng)
    }

    /// [`allocate`](Self::allocate) with a given random source.
    pub fn allocate_with(&mut self, rng: &mut dyn RngCore) -> Result<StatusEntry> {
        let len = self.len();
        if self.allocated >= len {
            return Err(Error::BitstringListFull { len });
        }
        let mut pick = 0;
        for _ in 0..RANDOM_TRIES {
            pick = uniform(rng, len);
            if !self.is_allocated(pick) {
                return self.take(pick);
            }
        }
        let free = (0..len)
            .map(|k| (pick + k) % len)
            .find(|i| !self.is_allocated(*i))
            .ok_or(Error::BitstringListFull { len })?;
        self.take(free)
    }

    /// Marks `index` as in use.
    pub fn mark_allocated(&mut self, index: u64) -> Result<()> {
        self.list.get(index, self.size)?;
        if !self.is_allocated(index)
            && let Some(word) = self.used.get_mut((index / 64) as usize)
        {
            *word |= 1 << (index % 64);
            self.allocated += 1;
        }
        Ok(())
    }

    /// Sets entry `index` to `value` (1 = revoked/suspended for one-bit lists, 0 = reinstated).
    pub fn set(&mut self, index: u64, value: u8) -> Result<()> {
        self.list.set(index, self.size, value)
    }

    /// The value of entry `index`.
    pub fn get(&self, index: u64) -> Result<u8> {
        self.list.get(index, self.size)
    }

    /// The unsigned status list credential, issued by `issuer` now by `clock`.
    pub fn credential(&self, issuer: &str, clock: &dyn Clock, validity: ListValidity) -> Result<Value> {
        let mut vc = list_credential(&self.url, issuer, self.purpose, &self.list);
        let now = clock.now_unix();
        vc["validFrom"] = date(now)?.into();
        if let Some(secs) = validity.lifetime_secs {
            let until = now.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX));
            vc["validUntil"] = date(until)?.into();
        }
        if let Some(ttl) = validity.ttl_secs {
            vc["credentialSubject"]["ttl"] = json!(ttl.saturating_mul(1000));
        }
        Ok(vc)
    }

    /// The status list credential secured as `vc+jwt` or `vc+cose` by `signer` (its `kid` names
    /// the issuer's key, e.g. a DID URL of `issuer`).
    pub fn sign(
        &self,
        issuer: &str,
        securing: Securing,
        signer: &dyn Signer,
        clock: &dyn Clock,
        validity: ListValidity,
    ) -> Result<Vec<u8>> {
        secure(&self.credential(issuer, clock, validity)?, securing, signer)
    }

    fn is_allocated(&self, index: u64) -> bool {
        self.used
            .get((index / 64) as usize)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    fn take(&mut self, index: u64) -> Result<StatusEntry> {
        self.mark_allocated(index)?;
        let mut entry = StatusEntry::new(self.purpose, index, self.url.clone());
        entry.size = self.size;
        entry.messages = self.messages.clone();
        Ok(entry)
    }
}

fn date(unix: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| Error::BitstringMalformed(format!("time {unix} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::bitstring::{StatusListCredential, check_status};
    use inkan_core::clock::FixedClock;
    use std::collections::BTreeSet;

    #[test]
    fn allocation_is_random_unique_and_bounded() {
        let mut list = IssuerBitstringList::new("https://i.example/s", StatusPurpose::Revocation).unwrap();
        let first: Vec<u64> = (0..16).map(|_| list.allocate().unwrap().index).collect();
        assert!(first.windows(2).any(|w| w[0] > w[1]), "{first:?}");
        assert_eq!(first.iter().collect::<BTreeSet<_>>().len(), 16);
        // Fill the rest: every index exactly once, then full.
        let len = list.len();
        while list.allocated() < len {
            list.allocate().unwrap();
        }
        assert_eq!(list.allocate().unwrap_err().code(), "bitstring.list_full");
    }

    #[test]
    fn multi_bit_lists_carry_their_messages_into_entries() {
        let size = StatusSize::new(2).unwrap();
        let messages: Vec<StatusMessage> = (0..4)
            .map(|status| StatusMessage {
                status,
                message: format!("m{status}"),
            })
            .collect();
        let err = IssuerBitstringList::with_size("u", StatusPurpose::Message, 1, size, vec![]).unwrap_err();
        assert_eq!(err.code(), "bitstring.malformed");
        let mut list =
            IssuerBitstringList::with_size("https://i.example/m", StatusPurpose::Message, 1, size, messages)
                .unwrap();
        let entry = list.allocate().unwrap();
        list.set(entry.index, 2).unwrap();
        let clock = FixedClock::at_unix(1_000);
        let validity = ListValidity {
            lifetime_secs: Some(100),
            ttl_secs: Some(60),
        };
        let vc = list.credential("did:example:i", &clock, validity).unwrap();
        assert_eq!(vc["credentialSubject"]["ttl"], 60_000);
        let parsed = StatusListCredential::from_credential(&vc).unwrap();
        let entry = StatusEntry::from_json(&entry.to_json()).unwrap();
        let outcome = check_status(&entry, &parsed, &clock, 0).unwrap();
        assert_eq!(outcome.message.as_deref(), Some("m2"));
        let late = FixedClock::at_unix(1_101);
        assert_eq!(
            check_status(&entry, &parsed, &late, 0).unwrap_err().code(),
            "bitstring.list_expired"
        );
        let resumed = IssuerBitstringList::from_list(
            "https://i.example/m",
            StatusPurpose::Message,
            size,
            vec![],
            list.list().clone(),
        )
        .unwrap();
        assert_eq!(resumed.allocated(), 1);
    }
}
