//! The status list itself: a packed array of 1-, 2-, 4- or 8-bit statuses, LSB first, and its
//! `lst` encoding (zlib, and base64url in JSON).

use crate::encoding::{InflateLimit, b64url_decode, b64url_encode, zlib_compress, zlib_decompress};
use crate::{Error, Result};

/// The most entries a status list may hold by default (2^24): 2 MiB inflated at 1 bit, 16 MiB
/// at 8 bits. The inflate cap of [`StatusList::from_compressed`] is derived from it and the
/// list's bits, so a zlib bomb stops there.
///
/// ```
/// assert_eq!(inkan_core::status::MAX_ENTRIES, 1 << 24);
/// ```
pub const MAX_ENTRIES: usize = 1 << 24;

/// Bits per status: the only four widths the spec allows.
///
/// ```
/// use inkan_core::status::Bits;
/// assert_eq!(Bits::try_from(2)?, Bits::Two);
/// assert_eq!(Bits::try_from(3).unwrap_err().code(), "status.bad_bits");
/// assert_eq!(Bits::Four.max_value(), 15);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bits {
    /// 1 bit: VALID / INVALID.
    One = 1,
    /// 2 bits: adds SUSPENDED and one application-specific value.
    Two = 2,
    /// 4 bits.
    Four = 4,
    /// 8 bits.
    Eight = 8,
}

impl Bits {
    /// The width in bits.
    pub fn get(self) -> u8 {
        self as u8
    }

    /// The largest status value that fits.
    pub fn max_value(self) -> u8 {
        match self {
            Bits::Eight => u8::MAX,
            other => (1 << other.get()) - 1,
        }
    }
}

impl TryFrom<u64> for Bits {
    type Error = Error;

    fn try_from(bits: u64) -> Result<Self> {
        match bits {
            1 => Ok(Bits::One),
            2 => Ok(Bits::Two),
            4 => Ok(Bits::Four),
            8 => Ok(Bits::Eight),
            other => Err(Error::StatusBadBits(other)),
        }
    }
}

/// A decoded status list: `bits` per entry, entry `i` in byte `i * bits / 8` starting at bit
/// `(i * bits) % 8` counted from the least significant bit.
///
/// Its length is always a whole number of bytes' worth of entries (`bytes * 8 / bits`), as on
/// the wire: [`StatusList::new`] rounds up.
///
/// ```
/// use inkan_core::status::{Bits, StatusList};
/// let mut list = StatusList::new(Bits::Two, 12)?;
/// list.set(0, 1)?;
/// list.set(1, 2)?;
/// list.set(11, 3)?;
/// assert_eq!(list.as_bytes(), [0b0000_1001, 0, 0b1100_0000]);
/// assert_eq!(list.get(11)?, 3);
/// let back = StatusList::from_lst(Bits::Two, &list.to_lst())?;
/// assert_eq!(back, list);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Bits,
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of at least `len` entries, all VALID (0); more than [`MAX_ENTRIES`] is refused.
    pub fn new(bits: Bits, len: usize) -> Result<Self> {
        if len > MAX_ENTRIES {
            return Err(Error::StatusListTooLarge {
                max_entries: MAX_ENTRIES,
            });
        }
        let bytes = (len * usize::from(bits.get())).div_ceil(8);
        Ok(Self {
            bits,
            bytes: vec![0; bytes],
        })
    }

    /// Inflates a zlib `lst` (the CBOR form) with at most `max_entries` entries: the inflate
    /// cap is `max_entries * bits / 8` bytes, so a decompression bomb fails with
    /// [`Error::StatusListTooLarge`] before it is allocated.
    ///
    /// ```
    /// use inkan_core::encoding::zlib_compress;
    /// use inkan_core::status::{Bits, StatusList};
    /// let bomb = zlib_compress(&vec![0; 1 << 20], 9); // 8 Mi one-bit entries
    /// let err = StatusList::from_compressed(Bits::One, &bomb, 1 << 16).unwrap_err();
    /// assert_eq!(err.code(), "status.too_large");
    /// ```
    pub fn from_compressed(bits: Bits, compressed: &[u8], max_entries: usize) -> Result<Self> {
        let max_entries = max_entries.min(MAX_ENTRIES);
        let limit = InflateLimit::new(inflate_cap(bits, max_entries));
        let bytes = zlib_decompress(compressed, limit).map_err(|e| match e {
            Error::InflateLimit { .. } => Error::StatusListTooLarge { max_entries },
            other => other,
        })?;
        Ok(Self { bits, bytes })
    }

    /// Decodes the JSON form of `lst` (base64url of the zlib stream), capped at [`MAX_ENTRIES`].
    pub fn from_lst(bits: Bits, lst: &str) -> Result<Self> {
        Self::from_compressed(bits, &b64url_decode(lst)?, MAX_ENTRIES)
    }

    /// The zlib stream of the packed bytes (level 9), the CBOR form of `lst`.
    pub fn compress(&self) -> Vec<u8> {
        zlib_compress(&self.bytes, 9)
    }

    /// The JSON form of `lst`: base64url of [`compress`](Self::compress).
    pub fn to_lst(&self) -> String {
        b64url_encode(self.compress())
    }

    /// Bits per entry.
    pub fn bits(&self) -> Bits {
        self.bits
    }

    /// How many entries the list holds.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8 / usize::from(self.bits.get())
    }

    /// Whether the list holds no entry.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed bytes (before compression).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `index`; [`Error::StatusIndexOutOfRange`] past the end.
    pub fn get(&self, index: u64) -> Result<u8> {
        let (byte, shift) = self.position(index)?;
        Ok((self.bytes[byte] >> shift) & self.bits.max_value())
    }

    /// Sets the status at `index`; the value must fit the list's bits.
    pub fn set(&mut self, index: u64, value: u8) -> Result<()> {
        let mask = self.bits.max_value();
        if value > mask {
            return Err(Error::StatusBadValue {
                value,
                bits: self.bits.get(),
            });
        }
        let (byte, shift) = self.position(index)?;
        let slot = &mut self.bytes[byte];
        *slot = (*slot & !(mask << shift)) | (value << shift);
        Ok(())
    }

    /// Every entry whose status is not VALID, as `(index, value)`, in index order.
    pub fn non_valid(&self) -> impl Iterator<Item = (u64, u8)> + '_ {
        let per_byte = 8 / self.bits.get();
        let mask = self.bits.max_value();
        self.bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b != 0)
            .flat_map(move |(i, b)| {
                (0..per_byte).filter_map(move |k| {
                    let value = (b >> (k * self.bits.get())) & mask;
                    (value != 0).then_some((i as u64 * u64::from(per_byte) + u64::from(k), value))
                })
            })
    }

    /// Byte offset and bit shift of `index`, checked against the length.
    fn position(&self, index: u64) -> Result<(usize, u8)> {
        let len = self.len();
        let out_of_range = || Error::StatusIndexOutOfRange { index, len };
        let i = usize::try_from(index).map_err(|_| out_of_range())?;
        if i >= len {
            return Err(out_of_range());
        }
        let bit = i * usize::from(self.bits.get());
        // bit % 8 < 8, so the shift fits a u8.
        Ok((bit / 8, (bit % 8) as u8))
    }
}

/// Inflated bytes `max_entries` entries of `bits` take.
fn inflate_cap(bits: Bits, max_entries: usize) -> usize {
    (max_entries.saturating_mul(usize::from(bits.get()))).div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spec_examples_pack_lsb_first() {
        // Section 4.1 of the draft: 1-bit [0xb9, 0xa3] and 2-bit [0xc9, 0x44, 0xf9].
        let one = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
        let mut list = StatusList::new(Bits::One, 16).unwrap();
        for (i, v) in one.iter().enumerate() {
            list.set(i as u64, *v).unwrap();
        }
        assert_eq!(list.as_bytes(), [0xb9, 0xa3]);
        let two = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
        let mut list = StatusList::new(Bits::Two, 12).unwrap();
        for (i, v) in two.iter().enumerate() {
            list.set(i as u64, *v).unwrap();
        }
        assert_eq!(list.as_bytes(), [0xc9, 0x44, 0xf9]);
    }

    #[test]
    fn bounds_and_values_are_checked() {
        let mut list = StatusList::new(Bits::Four, 3).unwrap();
        assert_eq!(list.len(), 4, "rounded up to whole bytes");
        assert_eq!(list.get(4).unwrap_err().code(), "status.index_out_of_range");
        assert_eq!(
            list.get(u64::MAX).unwrap_err().code(),
            "status.index_out_of_range"
        );
        assert_eq!(list.set(0, 16).unwrap_err().code(), "status.bad_value");
        assert_eq!(
            StatusList::new(Bits::One, MAX_ENTRIES + 1).unwrap_err().code(),
            "status.too_large"
        );
        list.set(3, 15).unwrap();
        assert_eq!(list.non_valid().collect::<Vec<_>>(), [(3, 15)]);
    }

    #[test]
    fn garbage_lst_is_a_typed_error() {
        assert_eq!(
            StatusList::from_lst(Bits::One, "!!").unwrap_err().code(),
            "encoding.bad_base64"
        );
        assert_eq!(
            StatusList::from_lst(Bits::One, "AAAA").unwrap_err().code(),
            "encoding.bad_zlib"
        );
    }

    #[test]
    fn the_inflate_cap_follows_the_bits() {
        let packed = zlib_compress(&vec![0xff; 1000], 9);
        // 1000 bytes are 8000 one-bit entries but only 1000 eight-bit ones.
        assert!(StatusList::from_compressed(Bits::One, &packed, 8000).is_ok());
        assert!(StatusList::from_compressed(Bits::One, &packed, 7992).is_err());
        assert!(StatusList::from_compressed(Bits::Eight, &packed, 1000).is_ok());
        assert_eq!(
            StatusList::from_compressed(Bits::Eight, &packed, 999).unwrap_err(),
            Error::StatusListTooLarge { max_entries: 999 }
        );
    }

    proptest! {
        #[test]
        fn set_then_get_round_trips(
            bits in prop::sample::select(vec![Bits::One, Bits::Two, Bits::Four, Bits::Eight]),
            writes in prop::collection::vec((0u64..200, any::<u8>()), 0..50),
        ) {
            let mut list = StatusList::new(bits, 200).unwrap();
            let mut model = vec![0u8; list.len()];
            for (i, v) in writes {
                let v = v & bits.max_value();
                list.set(i, v).unwrap();
                model[i as usize] = v;
            }
            for (i, want) in model.iter().enumerate() {
                prop_assert_eq!(list.get(i as u64).unwrap(), *want);
            }
            let expected: Vec<_> = model.iter().enumerate()
                .filter(|(_, v)| **v != 0).map(|(i, v)| (i as u64, *v)).collect();
            prop_assert_eq!(list.non_valid().collect::<Vec<_>>(), expected);
            prop_assert_eq!(StatusList::from_lst(bits, &list.to_lst()).unwrap(), list);
        }
    }
}
