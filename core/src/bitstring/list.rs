//! The bitstring itself: MSB-first entries of 1–8 bits, gzip, multibase base64url.

use std::io::{Read as _, Write as _};

use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;

use crate::encoding::{b64url_decode, b64url_encode};
use crate::{Error, Result};

/// The spec's minimum list length, in entries (16 KiB of one-bit entries): the herd a
/// credential hides in.
pub const MIN_ENTRIES: u64 = 131_072;

/// Default cap on the inflated bitstring, in bytes (16 MiB: 134 million one-bit entries).
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Bits per status entry (`statusSize`), 1 to 8.
///
/// ```
/// use inkan_core::bitstring::StatusSize;
/// assert_eq!(StatusSize::new(2)?.bits(), 2);
/// assert_eq!(StatusSize::new(9).unwrap_err().code(), "bitstring.bad_status_size");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusSize(u8);

impl StatusSize {
    /// One bit per entry, the default.
    pub const ONE: StatusSize = StatusSize(1);

    /// A size of `bits` (1..=8).
    pub fn new(bits: u64) -> Result<Self> {
        match u8::try_from(bits) {
            Ok(b @ 1..=8) => Ok(StatusSize(b)),
            _ => Err(Error::BitstringBadStatusSize(bits)),
        }
    }

    /// The number of bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// How many distinct values an entry holds (2^bits).
    pub fn values(self) -> u16 {
        1 << self.0
    }
}

impl Default for StatusSize {
    fn default() -> Self {
        Self::ONE
    }
}

/// An uncompressed bitstring. Entry `i` of a list with status size `s` is bits `i·s .. i·s+s`,
/// bit 0 being the most significant bit of byte 0; lookups are O(1).
///
/// ```
/// use inkan_core::bitstring::{Bitstring, StatusSize, MIN_ENTRIES};
/// let size = StatusSize::ONE;
/// let mut list = Bitstring::new(MIN_ENTRIES, size)?;
/// list.set(0, size, 1)?;
/// assert_eq!(list.as_bytes()[0], 0x80); // MSB first
/// let encoded = list.encode();
/// assert!(encoded.starts_with("uH4sI")); // multibase base64url of a gzip stream
/// let back = Bitstring::decode(&encoded)?;
/// assert_eq!((back.get(0, size)?, back.get(1, size)?), (1, 0));
/// assert_eq!(back.entries(size), MIN_ENTRIES);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// A zeroed list of at least `entries` entries of `size` bits (never fewer than
    /// [`MIN_ENTRIES`]; rounded up to whole bytes). Over [`MAX_LIST_BYTES`] is refused.
    pub fn new(entries: u64, size: StatusSize) -> Result<Self> {
        let bits = entries.max(MIN_ENTRIES).saturating_mul(u64::from(size.bits()));
        let bytes = usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX);
        if bytes > MAX_LIST_BYTES {
            return Err(Error::BitstringListTooLarge {
                max_entries: max_entries(MAX_LIST_BYTES, size),
            });
        }
        Ok(Self {
            bytes: vec![0; bytes],
        })
    }

    /// A list over raw, uncompressed bytes (MSB first).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many whole entries of `size` bits the list holds.
    pub fn entries(&self, size: StatusSize) -> u64 {
        (self.bytes.len() as u64).saturating_mul(8) / u64::from(size.bits())
    }

    /// The value of entry `index`.
    pub fn get(&self, index: u64, size: StatusSize) -> Result<u8> {
        let first = self.first_bit(index, size)?;
        let mut value = 0u8;
        for bit in first..first + u64::from(size.bits()) {
            value = (value << 1) | self.bit(bit);
        }
        Ok(value)
    }

    /// Sets entry `index` to `value` ([`Error::BitstringBadValue`] if it needs more bits).
    pub fn set(&mut self, index: u64, size: StatusSize, value: u8) -> Result<()> {
        if u16::from(value) >= size.values() {
            return Err(Error::BitstringBadValue {
                value: value.into(),
                size: size.bits(),
            });
        }
        let first = self.first_bit(index, size)?;
        let n = u64::from(size.bits());
        for (k, bit) in (first..first + n).enumerate() {
            let on = (value >> (n - 1 - k as u64)) & 1 == 1;
            self.set_bit(bit, on);
        }
        Ok(())
    }

    /// `encodedList`: `u` + base64url (no padding) of the gzip-compressed bytes.
    pub fn encode(&self) -> String {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        // Writing into a Vec cannot fail.
        let packed = match gz.write_all(&self.bytes) {
            Ok(()) => gz.finish().unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        format!("u{}", b64url_encode(packed))
    }

    /// Decodes an `encodedList` (with the `u` multibase prefix of Bitstring Status List 1.0, or
    /// without it as StatusList2021 wrote it), inflating at most [`MAX_LIST_BYTES`].
    pub fn decode(encoded: &str) -> Result<Self> {
        Self::decode_with_limit(encoded, MAX_LIST_BYTES)
    }

    /// [`Bitstring::decode`] with an inflate cap of `max_bytes` ([`Error::BitstringListTooLarge`]
    /// beyond it, in entries of one bit).
    pub fn decode_with_limit(encoded: &str, max_bytes: usize) -> Result<Self> {
        // base64 of gzip starts "H4sI"; a `u` is therefore always the multibase prefix.
        let text = encoded.strip_prefix('u').unwrap_or(encoded);
        // gzip cannot shrink data below ~1/1000, but the text itself is bounded by the cap too.
        if text.len() > max_bytes.saturating_add(1024) {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: max_bytes.saturating_add(1024),
            });
        }
        let packed = b64url_decode(text)
            .map_err(|_| Error::BitstringMalformed("encodedList is not base64url".into()))?;
        if packed.is_empty() {
            return Err(Error::BitstringMalformed("encodedList is empty".into()));
        }
        // The bufread decoder consumes only the gzip member, so what it leaves is trailing data.
        let mut decoder = GzDecoder::new(packed.as_slice());
        let mut bytes = Vec::new();
        let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
        (&mut decoder)
            .take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::BitstringMalformed(format!("encodedList is not gzip: {e}")))?;
        if bytes.len() > max_bytes {
            return Err(Error::BitstringListTooLarge {
                max_entries: max_entries(max_bytes, StatusSize::ONE),
            });
        }
        // Bytes after the gzip member: a verifier must not accept appended data.
        let rest = decoder.into_inner();
        if !rest.is_empty() {
            return Err(Error::BitstringMalformed(format!(
                "{} bytes after the gzip stream",
                rest.len()
            )));
        }
        Ok(Self { bytes })
    }

    fn first_bit(&self, index: u64, size: StatusSize) -> Result<u64> {
        let len = self.entries(size);
        if index >= len {
            return Err(Error::BitstringIndexOutOfRange { index, len });
        }
        Ok(index * u64::from(size.bits()))
    }

    fn bit(&self, bit: u64) -> u8 {
        let byte = self.bytes.get((bit / 8) as usize).copied().unwrap_or(0);
        (byte >> (7 - bit % 8)) & 1
    }

    fn set_bit(&mut self, bit: u64, on: bool) {
        if let Some(byte) = self.bytes.get_mut((bit / 8) as usize) {
            let mask = 0x80u8 >> (bit % 8);
            if on {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
    }
}

fn max_entries(bytes: usize, size: StatusSize) -> u64 {
    (bytes as u64).saturating_mul(8) / u64::from(size.bits())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn msb_first_across_byte_boundaries() {
        let three = StatusSize::new(3).unwrap();
        let mut list = Bitstring::from_bytes(vec![0; 3]);
        assert_eq!(list.entries(three), 8);
        list.set(2, three, 0b101).unwrap(); // bits 6..9: spans bytes 0 and 1
        assert_eq!(list.as_bytes(), [0b0000_0010, 0b1000_0000, 0]);
        assert_eq!(list.get(2, three).unwrap(), 0b101);
        assert_eq!(list.set(0, three, 8).unwrap_err().code(), "bitstring.bad_value");
        assert_eq!(
            list.get(8, three).unwrap_err().code(),
            "bitstring.index_out_of_range"
        );
        let two = StatusSize::new(2).unwrap();
        let mut list = Bitstring::from_bytes(vec![0]);
        list.set(1, two, 3).unwrap();
        assert_eq!(list.as_bytes(), [0b0011_0000]);
    }

    #[test]
    fn sizes_and_caps() {
        let list = Bitstring::new(10, StatusSize::ONE).unwrap();
        assert_eq!(list.entries(StatusSize::ONE), MIN_ENTRIES);
        assert_eq!(list.as_bytes().len(), 16 * 1024);
        let err = Bitstring::new(u64::MAX, StatusSize::new(8).unwrap()).unwrap_err();
        assert_eq!(err.code(), "bitstring.too_large");
        let bomb = Bitstring::from_bytes(vec![0; 1 << 20]).encode();
        let err = Bitstring::decode_with_limit(&bomb, 1 << 19).unwrap_err();
        assert_eq!(err.code(), "bitstring.too_large");
        assert!(Bitstring::decode_with_limit(&bomb, 1 << 20).is_ok());
        assert_eq!(
            StatusSize::new(0).unwrap_err().code(),
            "bitstring.bad_status_size"
        );
    }

    #[test]
    fn malformed_encodings() {
        let good = Bitstring::from_bytes(vec![1, 2, 3]).encode();
        for bad in ["u!!", "uAAAA", "", &format!("{good}AAAA")] {
            assert_eq!(
                Bitstring::decode(bad).unwrap_err().code(),
                "bitstring.malformed",
                "{bad}"
            );
        }
        // StatusList2021 wrote no multibase prefix.
        assert_eq!(Bitstring::decode(&good[1..]).unwrap().as_bytes(), [1, 2, 3]);
    }

    proptest! {
        #[test]
        fn set_then_get(size in 1u64..=8, index in 0u64..100, value: u8, fill: u8) {
            let size = StatusSize::new(size).unwrap();
            let value = (u16::from(value) % size.values()) as u8;
            let mut list = Bitstring::from_bytes(vec![fill; 100]);
            let before: Vec<u8> = (0..list.entries(size)).map(|i| list.get(i, size).unwrap()).collect();
            list.set(index, size, value).unwrap();
            for i in 0..list.entries(size) {
                let want = if i == index { value } else { before[i as usize] };
                prop_assert_eq!(list.get(i, size).unwrap(), want);
            }
            let back = Bitstring::decode(&list.encode()).unwrap();
            prop_assert_eq!(back, list);
        }

        #[test]
        fn decode_never_panics(text in "u?[A-Za-z0-9_-]{0,80}") {
            let _ = Bitstring::decode(&text);
        }
    }
}
