//! The registry's identifiers (DESIGN.md §1 "identifiers"): UIN, VID, RID and pairwise
//! subject tokens.
//!
//! - [`Uin`] and [`Vid`] are digit strings whose last digit is a Verhoeff check digit. New ones
//!   come from [`IdGenerator`], which draws digits from the operating system's CSPRNG and
//!   rejects every candidate that a MOSIP filter ([`Filter`], configured by [`IdPolicy`])
//!   refuses. Whole candidates are redrawn on rejection, so the result is uniform over the
//!   numbers that pass.
//! - [`VidPolicy`] is the pure half of VID lifecycle rules (validity, transaction and instance
//!   limits, restore action); the store keeps a [`VidUsage`] per VID and asks the policy.
//! - [`Rid`] is the registration id: centre, machine, sequence and a UTC timestamp.
//! - [`PairwiseKey::subject`] gives a relying party its own stable, unlinkable `sub`.
//!
//! ```
//! use inkan_idp::ids::{IdGenerator, IdPolicy, Uin};
//! let mut generator = IdGenerator::new(IdPolicy::uin())?;
//! let uin: Uin = generator.uin()?;
//! assert_eq!(uin.as_str().len(), 10);
//! IdPolicy::uin().check(uin.as_str())?; // every filter and the check digit
//! assert!(Uin::parse("6936894708").is_ok()); // MOSIP's example
//! # Ok::<(), inkan_idp::ids::IdError>(())
//! ```

use std::fmt;

use inkan_core::clock::Clock;
use inkan_core::encoding::b64url_encode;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::secret::Secret;

/// Shortest UIN/VID accepted (MOSIP's default UIN length).
pub const MIN_LEN: usize = 10;
/// Longest UIN/VID accepted (a `u64` holds up to 19 digits; longer ids are still strings).
pub const MAX_LEN: usize = 24;
/// Default UIN length (MOSIP kernel-idgenerator). About 7 % of 10-digit numbers pass the
/// filters (~58 M UINs); populations beyond a few million should use 12.
pub const DEFAULT_UIN_LEN: usize = 10;
/// Default VID length.
pub const DEFAULT_VID_LEN: usize = 16;
/// Candidates drawn before generation gives up: at the default settings about 1 in 14 passes,
/// so reaching this means the policy admits (almost) no number.
const MAX_DRAWS: u32 = 1_000_000;

/// Why an identifier was refused or could not be made. Codes are stable (`idp.*`).
///
/// ```
/// use inkan_idp::ids::{IdError, Uin};
/// let err = Uin::parse("12345").unwrap_err();
/// assert_eq!(err.code(), "idp.bad_identifier");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Not the right shape (non-digits, wrong length, impossible date …).
    #[error("not a valid {kind}: {reason}")]
    Malformed {
        /// `UIN`, `VID`, `RID`, …
        kind: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The Verhoeff check digit does not match.
    #[error("{kind} check digit does not match")]
    BadCheckDigit {
        /// `UIN` or `VID`.
        kind: &'static str,
    },
    /// A MOSIP filter refuses the number.
    #[error("{kind} refused by the {} filter", filter.name())]
    Filtered {
        /// `UIN` or `VID`.
        kind: &'static str,
        /// The first filter that refused it.
        filter: Filter,
    },
    /// An [`IdPolicy`], [`VidPolicy`] or key is not usable.
    #[error("invalid identifier configuration: {0}")]
    BadConfig(String),
    /// The operating system's random source failed.
    #[error("random source failed: {0}")]
    Random(String),
    /// No candidate passed the filters within the draw limit.
    #[error("no identifier passed the filters after {0} draws")]
    GenerationExhausted(u32),
    /// The VID is past its validity.
    #[error("VID expired")]
    VidExpired,
    /// The VID has been used as often as its policy allows.
    #[error("VID transaction limit reached")]
    VidExhausted,
    /// The VID was revoked.
    #[error("VID revoked")]
    VidRevoked,
    /// The individual already holds as many VIDs of this type as the policy allows.
    #[error("VID instance limit reached")]
    VidInstanceLimit,
}

impl IdError {
    /// The stable code.
    ///
    /// ```
    /// assert_eq!(inkan_idp::ids::IdError::VidExpired.code(), "idp.vid_expired");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Malformed { .. } => "idp.bad_identifier",
            IdError::BadCheckDigit { .. } => "idp.bad_check_digit",
            IdError::Filtered { .. } => "idp.id_filtered",
            IdError::BadConfig(_) => "idp.bad_id_config",
            IdError::Random(_) => "idp.random_failed",
            IdError::GenerationExhausted(_) => "idp.id_generation_exhausted",
            IdError::VidExpired => "idp.vid_expired",
            IdError::VidExhausted => "idp.vid_exhausted",
            IdError::VidRevoked => "idp.vid_revoked",
            IdError::VidInstanceLimit => "idp.vid_instance_limit",
        }
    }
}

// --- Verhoeff ---

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VERHOEFF_INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// The Verhoeff checksum state over `digits` (values 0–9), with the rightmost digit at
/// permutation position `offset`.
fn verhoeff_state(digits: &[u8], offset: usize) -> u8 {
    digits.iter().rev().enumerate().fold(0, |c, (i, &d)| {
        VERHOEFF_D[usize::from(c)][usize::from(VERHOEFF_P[(i + offset) % 8][usize::from(d % 10)])]
    })
}

/// The Verhoeff check digit to append to `digits` (each 0–9).
///
/// ```
/// assert_eq!(inkan_idp::ids::verhoeff_digit(&[2, 3, 6]), 3);
/// ```
pub fn verhoeff_digit(digits: &[u8]) -> u8 {
    VERHOEFF_INV[usize::from(verhoeff_state(digits, 1))]
}

/// Whether `digits` (each 0–9) end in a correct Verhoeff check digit.
///
/// ```
/// assert!(inkan_idp::ids::verhoeff_valid(&[2, 3, 6, 3]));
/// assert!(!inkan_idp::ids::verhoeff_valid(&[2, 3, 6, 4]));
/// ```
pub fn verhoeff_valid(digits: &[u8]) -> bool {
    !digits.is_empty() && verhoeff_state(digits, 0) == 0
}

// --- filters ---

/// One MOSIP UIN/VID filter (kernel-idgenerator defaults, DESIGN.md §1).
///
/// ```
/// use inkan_idp::ids::{Filter, IdPolicy};
/// assert_eq!(IdPolicy::uin().first_violation("1936894708"), Some(Filter::LeadingDigit));
/// assert_eq!(Filter::Sequence.name(), "sequence");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    /// Starts with 0 or 1.
    LeadingDigit,
    /// A digit recurs within two positions (`(\d)\d?\1`).
    RepeatedDigit,
    /// Three consecutive digits ascending or descending, wrapping (`890`, `109` count).
    Sequence,
    /// Three adjacent digits from {2, 4, 6, 8} (`[2468]{3}`).
    EvenRun,
    /// A block of two or more digits recurs later (`(\d{2,}).*?\1`).
    RepeatedBlock,
    /// The first five digits equal the last five.
    SameEnds,
    /// The first five digits equal the last five reversed.
    MirroredEnds,
    /// Contains a restricted number (default 786 and 666).
    Restricted,
    /// Contains a cyclic number (142857, …).
    Cyclic,
}

impl Filter {
    /// Every filter, in the order they are tried.
    pub const ALL: [Filter; 9] = [
        Filter::LeadingDigit,
        Filter::RepeatedDigit,
        Filter::Sequence,
        Filter::EvenRun,
        Filter::RepeatedBlock,
        Filter::SameEnds,
        Filter::MirroredEnds,
        Filter::Restricted,
        Filter::Cyclic,
    ];

    /// The filter's name, as in error messages.
    ///
    /// ```
    /// assert_eq!(inkan_idp::ids::Filter::EvenRun.name(), "even_run");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Filter::LeadingDigit => "leading_digit",
            Filter::Sequence => "sequence",
            Filter::RepeatedDigit => "repeated_digit",
            Filter::RepeatedBlock => "repeated_block",
            Filter::EvenRun => "even_run",
            Filter::SameEnds => "same_ends",
            Filter::MirroredEnds => "mirrored_ends",
            Filter::Restricted => "restricted",
            Filter::Cyclic => "cyclic",
        }
    }
}

/// Digits compared by the same-ends and mirrored-ends filters.
const ENDS: usize = 5;
/// MOSIP's default restricted numbers.
const DEFAULT_RESTRICTED: [&str; 2] = ["786", "666"];
/// The cyclic numbers (full reptend primes 7, 17, 19, 23, 29, 47); only those no longer than
/// an identifier can ever match.
const CYCLIC: [&str; 6] = [
    "142857",
    "0588235294117647",
    "052631578947368421",
    "0434782608695652173913",
    "0344827586206896551724137931",
    "0212765957446808510638297872340425531914893617",
];

/// Which numbers a registry accepts as UIN or VID: the length and the configurable lists.
///
/// ```
/// use inkan_idp::ids::{Filter, IdPolicy};
/// let policy = IdPolicy::uin_with_length(12)?.with_restricted(["786", "666", "420"])?;
/// assert_eq!(policy.length(), 12);
/// assert_eq!(policy.first_violation("3420591738"), Some(Filter::Restricted));
/// # Ok::<(), inkan_idp::ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPolicy {
    kind: &'static str,
    length: usize,
    restricted: Vec<Vec<u8>>,
    cyclic: Vec<Vec<u8>>,
}

impl IdPolicy {
    /// UINs of [`DEFAULT_UIN_LEN`] digits with MOSIP's default lists.
    pub fn uin() -> Self {
        Self::new("UIN", DEFAULT_UIN_LEN)
    }

    /// UINs of `length` digits ([`MIN_LEN`]..=[`MAX_LEN`]); 12 suits large populations.
    ///
    /// ```
    /// use inkan_idp::ids::IdPolicy;
    /// assert_eq!(IdPolicy::uin_with_length(9).unwrap_err().code(), "idp.bad_id_config");
    /// ```
    pub fn uin_with_length(length: usize) -> Result<Self, IdError> {
        check_length(length)?;
        Ok(Self::new("UIN", length))
    }

    /// VIDs of [`DEFAULT_VID_LEN`] digits with the same filter family.
    pub fn vid() -> Self {
        Self::new("VID", DEFAULT_VID_LEN)
    }

    /// VIDs of `length` digits ([`MIN_LEN`]..=[`MAX_LEN`]).
    pub fn vid_with_length(length: usize) -> Result<Self, IdError> {
        check_length(length)?;
        Ok(Self::new("VID", length))
    }

    fn new(kind: &'static str, length: usize) -> Self {
        Self {
            kind,
            length,
            restricted: DEFAULT_RESTRICTED.iter().map(|s| digits_of(s)).collect(),
            cyclic: CYCLIC.iter().map(|s| digits_of(s)).collect(),
        }
    }

    /// The same policy with `numbers` as the restricted list (replacing the default); each must
    /// be 1 to `length` digits.
    pub fn with_restricted<I, S>(mut self, numbers: I) -> Result<Self, IdError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Vec::new();
        for n in numbers {
            let n = n.as_ref();
            if n.is_empty() || n.len() > self.length || !n.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdError::BadConfig(format!(
                    "restricted number {n:?} is not 1-{} digits",
                    self.length
                )));
            }
            list.push(digits_of(n));
        }
        self.restricted = list;
        Ok(self)
    }

    /// The number of digits, check digit included.
    pub fn length(&self) -> usize {
        self.length
    }

    /// The first filter that refuses `number`, or `None` if every filter passes. The check digit
    /// and length are not looked at here (see [`IdPolicy::check`]).
    ///
    /// ```
    /// use inkan_idp::ids::{Filter, IdPolicy};
    /// assert_eq!(IdPolicy::uin().first_violation("6127460851"), None);
    /// assert_eq!(IdPolicy::uin().first_violation("2890357935"), Some(Filter::Sequence));
    /// ```
    pub fn first_violation(&self, number: &str) -> Option<Filter> {
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.violation(&digits_of(number))
    }

    /// Whether `filter` alone refuses `number` (digits only; anything else is not refused).
    ///
    /// ```
    /// use inkan_idp::ids::{Filter, IdPolicy};
    /// assert!(IdPolicy::uin().rejects(Filter::RepeatedBlock, "2135721350"));
    /// assert!(!IdPolicy::uin().rejects(Filter::RepeatedBlock, "6936894708"));
    /// ```
    pub fn rejects(&self, filter: Filter, number: &str) -> bool {
        number.bytes().all(|b| b.is_ascii_digit()) && self.rejects_digits(filter, &digits_of(number))
    }

    /// In [`Filter::ALL`] order, cheapest first: generation rejects ~93 % of candidates.
    fn violation(&self, d: &[u8]) -> Option<Filter> {
        Filter::ALL.into_iter().find(|&f| self.rejects_digits(f, d))
    }

    fn rejects_digits(&self, filter: Filter, d: &[u8]) -> bool {
        let ends = (d.len() >= 2 * ENDS).then(|| (&d[..ENDS], &d[d.len() - ENDS..]));
        match filter {
            Filter::SameEnds => ends.is_some_and(|(head, tail)| head == tail),
            Filter::MirroredEnds => ends.is_some_and(|(head, tail)| head.iter().eq(tail.iter().rev())),
            Filter::Restricted => self.restricted.iter().any(|r| contains(d, r)),
            Filter::Cyclic => self.cyclic.iter().any(|c| contains(d, c)),
            local => (0..d.len()).any(|i| local_violations_at(d, i) & (1 << (local as u16)) != 0),
        }
    }

    /// Checks `number` completely: digits only, this policy's length, every filter, and the
    /// Verhoeff check digit.
    ///
    /// ```
    /// use inkan_idp::ids::IdPolicy;
    /// IdPolicy::uin().check("6936894708")?;
    /// assert_eq!(IdPolicy::uin().check("6936894709").unwrap_err().code(), "idp.bad_check_digit");
    /// # Ok::<(), inkan_idp::ids::IdError>(())
    /// ```
    pub fn check(&self, number: &str) -> Result<(), IdError> {
        let d = parse_digits(self.kind, number)?;
        if d.len() != self.length {
            return Err(malformed(self.kind, format!("must be {} digits", self.length)));
        }
        if let Some(filter) = self.violation(&d) {
            return Err(IdError::Filtered {
                kind: self.kind,
                filter,
            });
        }
        if !verhoeff_valid(&d) {
            return Err(IdError::BadCheckDigit { kind: self.kind });
        }
        Ok(())
    }
}

fn check_length(length: usize) -> Result<(), IdError> {
    if (MIN_LEN..=MAX_LEN).contains(&length) {
        Ok(())
    } else {
        Err(IdError::BadConfig(format!(
            "length must be {MIN_LEN}-{MAX_LEN}, not {length}"
        )))
    }
}

/// ASCII digits to their values (callers have checked they are digits).
fn digits_of(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b.wrapping_sub(b'0')).collect()
}

fn parse_digits(kind: &'static str, s: &str) -> Result<Vec<u8>, IdError> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(kind, "only digits are allowed"));
    }
    Ok(digits_of(s))
}

fn malformed(kind: &'static str, reason: impl Into<String>) -> IdError {
    IdError::Malformed {
        kind,
        reason: reason.into(),
    }
}

/// The local filters (those decided by a window of digits: leading digit, repeated digit,
/// sequence, even run, repeated block) that the digits ending at position `i` break, as bits
/// `1 << filter`; a number breaks a local filter iff some position does. One function with
/// plain indexing on purpose: it is the inner loop of generation and must stay fast in debug
/// builds (the million-UIN test runs unoptimised).
fn local_violations_at(d: &[u8], i: usize) -> u16 {
    let bit = |f: Filter| 1u16 << (f as u16);
    let c = d[i];
    let mut found = 0;
    if i == 0 && c <= 1 {
        found |= bit(Filter::LeadingDigit);
    }
    if (i >= 1 && d[i - 1] == c) || (i >= 2 && d[i - 2] == c) {
        found |= bit(Filter::RepeatedDigit);
    }
    if i >= 2 {
        let (a, b) = (d[i - 2], d[i - 1]);
        if (b == (a + 1) % 10 && c == (b + 1) % 10) || (a == (b + 1) % 10 && b == (c + 1) % 10) {
            found |= bit(Filter::Sequence);
        }
        if is_even(a) && is_even(b) && is_even(c) {
            found |= bit(Filter::EvenRun);
        }
    }
    // The block ending here equals one that ended at least two positions earlier (so they do
    // not overlap). A longer repeated block starts with a repeated two-digit block, so two
    // digits suffice.
    let mut j = 1;
    while j + 2 <= i {
        if d[j - 1] == d[i - 1] && d[j] == c {
            found |= bit(Filter::RepeatedBlock);
            break;
        }
        j += 1;
    }
    found
}

/// Filters that look at the whole number, in [`Filter::ALL`] order.
const GLOBAL: [Filter; 4] = [
    Filter::SameEnds,
    Filter::MirroredEnds,
    Filter::Restricted,
    Filter::Cyclic,
];

fn is_even(x: u8) -> bool {
    matches!(x, 2 | 4 | 6 | 8)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let mut start = 0;
    while start + needle.len() <= haystack.len() {
        if haystack[start..start + needle.len()] == *needle {
            return true;
        }
        start += 1;
    }
    false
}

// --- the identifier types ---

macro_rules! digit_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a stored or submitted value: digits only, [`MIN_LEN`]..=[`MAX_LEN`] long,
            /// valid Verhoeff check digit. The registry's filters are checked by
            /// [`IdPolicy::check`] when it matters (issuing), not on every read.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                let d = parse_digits($kind, text)?;
                if !(MIN_LEN..=MAX_LEN).contains(&d.len()) {
                    return Err(malformed($kind, format!("must be {MIN_LEN}-{MAX_LEN} digits")));
                }
                if !verhoeff_valid(&d) {
                    return Err(IdError::BadCheckDigit { kind: $kind });
                }
                Ok(Self(text.to_owned()))
            }

            /// The digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

digit_id! {
    /// A Unique Identification Number: the person's permanent number in the registry.
    ///
    /// ```
    /// use inkan_idp::ids::Uin;
    /// let uin: Uin = serde_json::from_str("\"6127460851\"")?;
    /// assert_eq!(uin.to_string(), "6127460851");
    /// assert_eq!(serde_json::to_string(&uin)?, "\"6127460851\"");
    /// assert!(serde_json::from_str::<Uin>("\"6127460852\"").is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    Uin, "UIN"
}

digit_id! {
    /// A Virtual ID: a revocable alias of a UIN, given out instead of it.
    ///
    /// ```
    /// use inkan_idp::ids::{IdGenerator, IdPolicy, Vid};
    /// let vid: Vid = IdGenerator::new(IdPolicy::vid())?.vid()?;
    /// assert_eq!(Vid::parse(vid.as_str())?, vid);
    /// assert_eq!(vid.as_str().len(), 16);
    /// # Ok::<(), inkan_idp::ids::IdError>(())
    /// ```
    Vid, "VID"
}

/// Draws identifiers from the OS CSPRNG until one passes its [`IdPolicy`].
///
/// Random bytes are fetched from the OS in blocks (one system call per 512 bytes rather than
/// per digit) and turned into digits by rejection sampling (bytes ≥ 250 are dropped), so every
/// digit is uniform. Uniqueness against issued numbers is the store's job (a unique index and
/// a retry).
///
/// ```
/// use inkan_idp::ids::{IdGenerator, IdPolicy};
/// let mut g = IdGenerator::new(IdPolicy::uin_with_length(12)?)?;
/// let uin = g.uin()?;
/// assert_eq!(uin.as_str().len(), 12);
/// # Ok::<(), inkan_idp::ids::IdError>(())
/// ```
#[derive(Debug)]
pub struct IdGenerator {
    policy: IdPolicy,
    pool: Zeroizing<[u8; 512]>,
    used: usize,
}

impl IdGenerator {
    /// A generator for `policy`.
    pub fn new(policy: IdPolicy) -> Result<Self, IdError> {
        check_length(policy.length)?;
        Ok(Self {
            policy,
            pool: Zeroizing::new([0; 512]),
            used: 512,
        })
    }

    /// The policy.
    pub fn policy(&self) -> &IdPolicy {
        &self.policy
    }

    /// A new UIN (whatever the policy's kind, the digits follow the policy).
    pub fn uin(&mut self) -> Result<Uin, IdError> {
        Ok(Uin(self.digits()?))
    }

    /// A new VID.
    pub fn vid(&mut self) -> Result<Vid, IdError> {
        Ok(Vid(self.digits()?))
    }

    /// A new UIN that `is_taken` says is not issued yet (redrawn otherwise, within the same
    /// draw limit). Random draws collide by the birthday bound (about 8,600 times in a million
    /// 10-digit UINs), so a registry needs this or a unique index and a retry.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use inkan_idp::ids::{IdGenerator, IdPolicy};
    /// let mut issued = HashSet::new();
    /// let mut g = IdGenerator::new(IdPolicy::uin())?;
    /// for _ in 0..100 {
    ///     let uin = g.next_unique_uin(|u| issued.contains(u))?;
    ///     assert!(issued.insert(uin));
    /// }
    /// # Ok::<(), inkan_idp::ids::IdError>(())
    /// ```
    pub fn next_unique_uin(&mut self, mut is_taken: impl FnMut(&Uin) -> bool) -> Result<Uin, IdError> {
        for _ in 0..MAX_DRAWS {
            let uin = self.uin()?;
            if !is_taken(&uin) {
                return Ok(uin);
            }
        }
        Err(IdError::GenerationExhausted(MAX_DRAWS))
    }

    /// [`IdGenerator::next_unique_uin`] for VIDs.
    pub fn next_unique_vid(&mut self, mut is_taken: impl FnMut(&Vid) -> bool) -> Result<Vid, IdError> {
        for _ in 0..MAX_DRAWS {
            let vid = self.vid()?;
            if !is_taken(&vid) {
                return Ok(vid);
            }
        }
        Err(IdError::GenerationExhausted(MAX_DRAWS))
    }

    /// A new number that passes every filter, check digit last.
    ///
    /// Digits are drawn one at a time and a candidate is abandoned at the first digit that
    /// breaks a local filter; abandoning early is rejection sampling all the same (the
    /// candidate would have been refused whole), so the result stays uniform over passing
    /// numbers while most draws stop after a few digits.
    fn digits(&mut self) -> Result<String, IdError> {
        let n = self.policy.length;
        let mut d = vec![0u8; n];
        'draw: for _ in 0..MAX_DRAWS {
            for i in 0..n {
                d[i] = if i + 1 == n {
                    verhoeff_digit(&d[..i])
                } else {
                    self.digit()?
                };
                if local_violations_at(&d, i) != 0 {
                    continue 'draw;
                }
            }
            // Local filters held at every position; the rest look at the whole number.
            if !GLOBAL.iter().any(|&f| self.policy.rejects_digits(f, &d)) {
                return Ok(d.iter().map(|x| char::from(b'0' + x)).collect());
            }
        }
        Err(IdError::GenerationExhausted(MAX_DRAWS))
    }

    fn digit(&mut self) -> Result<u8, IdError> {
        loop {
            if self.used == self.pool.len() {
                OsRng
                    .try_fill_bytes(&mut self.pool[..])
                    .map_err(|e| IdError::Random(e.to_string()))?;
                self.used = 0;
            }
            let byte = self.pool[self.used];
            self.used += 1;
            if byte < 250 {
                return Ok(byte % 10);
            }
        }
    }
}

// --- VID policy ---

/// The two VID types of MOSIP.
///
/// ```
/// use inkan_idp::ids::VidType;
/// assert_eq!(serde_json::to_string(&VidType::Temporary)?, "\"Temporary\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VidType {
    /// Lives until revoked.
    Perpetual,
    /// Short-lived, few uses (e.g. one authentication).
    Temporary,
}

/// What happens to a VID when its UIN's holder revokes or regenerates it.
///
/// ```
/// use inkan_idp::ids::RestoreAction;
/// assert_eq!(serde_json::to_string(&RestoreAction::Regenerate)?, "\"REGENERATE\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RestoreAction {
    /// The old VID is revoked and nothing replaces it.
    Revoke,
    /// The old VID is revoked and a new one is issued in its place.
    Regenerate,
}

/// A VID type's rules (MOSIP's `vid_policy.json`, validity in seconds). Pure: the store keeps
/// a [`VidUsage`] per VID and asks the policy before every use.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_idp::ids::{VidPolicy, VidUsage};
/// let policy = VidPolicy::temporary(); // 30 minutes, one transaction
/// let fresh = VidUsage::issued_at(1_000);
/// let used = policy.record_use(&fresh, &FixedClock::at_unix(1_100))?;
/// assert_eq!(policy.check_use(&used, &FixedClock::at_unix(1_200)).unwrap_err().code(), "idp.vid_exhausted");
/// assert_eq!(policy.check_use(&fresh, &FixedClock::at_unix(1_000 + 1_800)).unwrap_err().code(), "idp.vid_expired");
/// # Ok::<(), inkan_idp::ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VidPolicy {
    /// Perpetual or temporary.
    pub vid_type: VidType,
    /// Seconds a VID stays valid after issue (`None`: until revoked).
    pub valid_for_secs: Option<u64>,
    /// Authentications a VID may be used for (`None`: unlimited).
    pub transactions_allowed: Option<u32>,
    /// Active VIDs of this type one individual may hold at once.
    pub instances_allowed: u32,
    /// Whether a replacement is issued automatically when the VID is used up or revoked.
    pub auto_restore_allowed: bool,
    /// What revoking does.
    pub restore_on_action: RestoreAction,
}

impl VidPolicy {
    /// MOSIP's default perpetual VID: no expiry, unlimited use, one instance, restored on revoke.
    pub fn perpetual() -> Self {
        Self {
            vid_type: VidType::Perpetual,
            valid_for_secs: None,
            transactions_allowed: None,
            instances_allowed: 1,
            auto_restore_allowed: true,
            restore_on_action: RestoreAction::Revoke,
        }
    }

    /// MOSIP's default temporary VID: 30 minutes, one transaction, up to five at once.
    pub fn temporary() -> Self {
        Self {
            vid_type: VidType::Temporary,
            valid_for_secs: Some(30 * 60),
            transactions_allowed: Some(1),
            instances_allowed: 5,
            auto_restore_allowed: false,
            restore_on_action: RestoreAction::Regenerate,
        }
    }

    /// Refuses policies that cannot work: a temporary VID without validity, zero instances,
    /// zero validity or zero transactions.
    ///
    /// ```
    /// use inkan_idp::ids::VidPolicy;
    /// let bad = VidPolicy { valid_for_secs: None, ..VidPolicy::temporary() };
    /// assert_eq!(bad.validate().unwrap_err().code(), "idp.bad_id_config");
    /// ```
    pub fn validate(&self) -> Result<(), IdError> {
        let bad = |why: &str| Err(IdError::BadConfig(format!("VID policy: {why}")));
        if self.vid_type == VidType::Temporary && self.valid_for_secs.is_none() {
            return bad("a temporary VID needs validForSecs");
        }
        if self.instances_allowed == 0
            || self.valid_for_secs == Some(0)
            || self.transactions_allowed == Some(0)
        {
            return bad("limits must be positive");
        }
        Ok(())
    }

    /// When a VID issued at `issued_at` expires (unix seconds), if it does.
    pub fn expires_at(&self, issued_at: i64) -> Option<i64> {
        let secs = i64::try_from(self.valid_for_secs?).unwrap_or(i64::MAX);
        Some(issued_at.saturating_add(secs))
    }

    /// Whether one more VID may be issued to someone holding `active` of this type.
    ///
    /// ```
    /// use inkan_idp::ids::VidPolicy;
    /// assert!(VidPolicy::perpetual().check_issue(0).is_ok());
    /// assert_eq!(VidPolicy::perpetual().check_issue(1).unwrap_err().code(), "idp.vid_instance_limit");
    /// ```
    pub fn check_issue(&self, active: u32) -> Result<(), IdError> {
        if active >= self.instances_allowed {
            return Err(IdError::VidInstanceLimit);
        }
        Ok(())
    }

    /// Whether a VID in state `usage` may be used now.
    pub fn check_use(&self, usage: &VidUsage, clock: &dyn Clock) -> Result<(), IdError> {
        if usage.revoked {
            return Err(IdError::VidRevoked);
        }
        if self
            .expires_at(usage.issued_at)
            .is_some_and(|exp| clock.now_unix() >= exp)
        {
            return Err(IdError::VidExpired);
        }
        if self
            .transactions_allowed
            .is_some_and(|max| usage.transactions >= max)
        {
            return Err(IdError::VidExhausted);
        }
        Ok(())
    }

    /// Checks a use like [`VidPolicy::check_use`] and returns the state to persist after it.
    pub fn record_use(&self, usage: &VidUsage, clock: &dyn Clock) -> Result<VidUsage, IdError> {
        self.check_use(usage, clock)?;
        Ok(VidUsage {
            transactions: usage.transactions.saturating_add(1),
            ..usage.clone()
        })
    }

    /// Whether a new VID should be issued in place of one that was revoked or used up.
    ///
    /// ```
    /// use inkan_idp::ids::VidPolicy;
    /// assert!(VidPolicy::perpetual().replaces_on_revoke());
    /// assert!(VidPolicy::temporary().replaces_on_revoke());
    /// ```
    pub fn replaces_on_revoke(&self) -> bool {
        self.auto_restore_allowed || self.restore_on_action == RestoreAction::Regenerate
    }
}

/// The per-VID state the store persists and [`VidPolicy`] reads.
///
/// ```
/// use inkan_idp::ids::VidUsage;
/// let u = VidUsage::issued_at(5);
/// assert_eq!((u.transactions, u.revoked), (0, false));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VidUsage {
    /// Unix seconds of issue.
    pub issued_at: i64,
    /// Authentications performed with it.
    pub transactions: u32,
    /// Revoked by its holder or an operator.
    pub revoked: bool,
}

impl VidUsage {
    /// A VID issued at `issued_at`, not yet used.
    pub fn issued_at(issued_at: i64) -> Self {
        Self {
            issued_at,
            transactions: 0,
            revoked: false,
        }
    }
}

// --- RID ---

/// A registration id: centre (5 digits) + machine (5) + sequence (5) + UTC timestamp
/// `yyyyMMddHHmmss`, 29 digits in all.
///
/// ```
/// use inkan_idp::ids::Rid;
/// let rid = Rid::new(10001, 20002, 17, 1_764_000_000)?;
/// assert_eq!(rid.to_string(), "10001200020001720251124160000");
/// assert_eq!(Rid::parse(rid.as_str())?, rid);
/// assert_eq!((rid.centre(), rid.machine(), rid.sequence()), (10001, 20002, 17));
/// # Ok::<(), inkan_idp::ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rid(String);

/// Largest centre, machine and sequence number (five digits).
pub const RID_PART_MAX: u32 = 99_999;
const RID_LEN: usize = 29;

/// `yyyyMMddHHmmss` of a UTC instant (years 0–9999 only).
fn rid_stamp(at_unix: i64) -> Result<String, IdError> {
    let t = time::OffsetDateTime::from_unix_timestamp(at_unix)
        .map_err(|_| malformed("RID", "timestamp out of range"))?;
    if !(0..=9999).contains(&t.year()) {
        return Err(malformed("RID", "year must have four digits"));
    }
    let (date, clock) = (t.date(), t.time());
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day(),
        clock.hour(),
        clock.minute(),
        clock.second()
    ))
}

/// The unix time of a `yyyyMMddHHmmss` stamp (14 ASCII digits), if it is a real UTC instant.
fn rid_time(stamp: &str) -> Option<i64> {
    let n = |range: std::ops::Range<usize>| stamp.get(range)?.parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(n(4..6)?).ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(i32::from(n(0..4)?), month, u8::try_from(n(6..8)?).ok()?).ok()?;
    let [h, m, s] = [n(8..10)?, n(10..12)?, n(12..14)?].map(|v| u8::try_from(v).unwrap_or(u8::MAX));
    let clock = time::Time::from_hms(h, m, s).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

impl Rid {
    /// The RID of registration `sequence` on `machine` at `centre`, made at `at_unix` seconds.
    pub fn new(centre: u32, machine: u32, sequence: u32, at_unix: i64) -> Result<Self, IdError> {
        for (name, v) in [("centre", centre), ("machine", machine), ("sequence", sequence)] {
            if v > RID_PART_MAX {
                return Err(malformed("RID", format!("{name} must be at most 5 digits")));
            }
        }
        let stamp = rid_stamp(at_unix)?;
        Ok(Self(format!("{centre:05}{machine:05}{sequence:05}{stamp}")))
    }

    /// Parses 29 digits whose last 14 are a real UTC date and time.
    ///
    /// ```
    /// use inkan_idp::ids::Rid;
    /// assert_eq!(Rid::parse("10001200020001720251324155840").unwrap_err().code(), "idp.bad_identifier");
    /// ```
    pub fn parse(text: &str) -> Result<Self, IdError> {
        parse_digits("RID", text)?;
        if text.len() != RID_LEN {
            return Err(malformed("RID", "must be 29 digits"));
        }
        if rid_time(&text[15..]).is_none() {
            return Err(malformed("RID", "the timestamp is not a real date and time"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn part(&self, at: usize) -> u32 {
        self.0[at..at + 5].parse().unwrap_or(0)
    }

    /// The registration centre.
    pub fn centre(&self) -> u32 {
        self.part(0)
    }

    /// The machine within the centre.
    pub fn machine(&self) -> u32 {
        self.part(5)
    }

    /// The machine's sequence number.
    pub fn sequence(&self) -> u32 {
        self.part(10)
    }

    /// The creation time, unix seconds (UTC).
    ///
    /// ```
    /// let rid = inkan_idp::ids::Rid::new(1, 2, 3, 1_700_000_000)?;
    /// assert_eq!(rid.created_unix(), 1_700_000_000);
    /// # Ok::<(), inkan_idp::ids::IdError>(())
    /// ```
    pub fn created_unix(&self) -> i64 {
        rid_time(&self.0[15..]).unwrap_or(0)
    }
}

impl fmt::Display for Rid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Rid {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}

impl From<Rid> for String {
    fn from(id: Rid) -> String {
        id.0
    }
}

// --- pairwise subjects ---

/// Shortest registry key for pairwise subjects, in bytes.
pub const PAIRWISE_KEY_MIN: usize = crate::secret::SECRET_MIN;

/// The registry's secret for pairwise subject identifiers (OIDC Core §8.1).
///
/// `subject(rp, uin)` = base64url(HMAC-SHA256(key, label ‖ rp ‖ uin)), each part prefixed by
/// its length, with label `inkan-pairwise-v1` ([`Secret::mac`]): the same for one relying
/// party every time, unrelated between relying parties, and without the key neither
/// reversible to the UIN nor linkable. The length prefixes keep (`"ab"`, `"1…"`) and
/// (`"a"`, `"b1…"`) apart.
///
/// ```
/// use inkan_idp::ids::{PairwiseKey, Uin};
/// let key = PairwiseKey::from_bytes(&[7; 32])?;
/// let uin = Uin::parse("6936894708")?;
/// let a = key.subject("https://bank.example", &uin);
/// assert_eq!(a, key.subject("https://bank.example", &uin));
/// assert_ne!(a, key.subject("https://shop.example", &uin));
/// assert_eq!(a.len(), 43);
/// # Ok::<(), inkan_idp::ids::IdError>(())
/// ```
#[derive(Debug)]
pub struct PairwiseKey(Secret);

impl PairwiseKey {
    /// A key from at least [`PAIRWISE_KEY_MIN`] secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IdError> {
        Secret::from_bytes(bytes).map(Self).ok_or_else(|| {
            IdError::BadConfig(format!("pairwise key must be at least {PAIRWISE_KEY_MIN} bytes"))
        })
    }

    /// A fresh random key (32 bytes from the OS).
    pub fn generate() -> Result<Self, IdError> {
        Secret::generate()
            .map(Self)
            .map_err(|e| IdError::Random(e.to_string()))
    }

    /// The pairwise `sub` of `uin` for `relying_party` (its client id or sector identifier).
    pub fn subject(&self, relying_party: &str, uin: &Uin) -> String {
        self.subject_of(relying_party, uin.as_str())
    }

    /// [`PairwiseKey::subject`] of a UIN held as text (a stored UIN, not re-validated).
    ///
    /// ```
    /// use inkan_idp::ids::{PairwiseKey, Uin};
    /// let key = PairwiseKey::from_bytes(&[7; 32])?;
    /// let uin = Uin::parse("6936894708")?;
    /// assert_eq!(key.subject_of("rp", "6936894708"), key.subject("rp", &uin));
    /// # Ok::<(), inkan_idp::ids::IdError>(())
    /// ```
    pub fn subject_of(&self, relying_party: &str, uin: &str) -> String {
        b64url_encode(
            self.0
                .mac("inkan-pairwise-v1", &[relying_party.as_bytes(), uin.as_bytes()]),
        )
    }
}

#[cfg(test)]
mod tests;
