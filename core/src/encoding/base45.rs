//! Base45 (RFC 9285), the QR-alphanumeric encoding that Claim 169 and PixelPass use.
//!
//! The `base45` crate encodes. Decoding is this module's own single pass: the crate truncates a
//! two-character group worth more than 255 instead of rejecting it, its single error says
//! nothing about where or why the input is bad, and a separate strict check before it doubled
//! the cost of the hottest step in reading a Claim 169 QR code.

use crate::{Error, Result};

/// Largest Base45 text accepted by [`base45_decode`], in bytes.
///
/// A QR code holds at most 4,296 alphanumeric characters; 1 MiB leaves room for Base45 used
/// outside QR codes while bounding the work an attacker can cause.
pub const MAX_BASE45_LEN: usize = 1024 * 1024;

/// Encodes bytes as Base45 (RFC 9285 §4.2).
///
/// ```
/// use inkan_core::encoding::base45_encode;
/// assert_eq!(base45_encode(b"Hello!!"), "%69 VD92EX0");
/// ```
pub fn base45_encode(bytes: &[u8]) -> String {
    base45::encode(bytes)
}

/// Decodes Base45 strictly per RFC 9285 §4.3.
///
/// Rejected, each as [`Error::BadBase45`] naming the offending position: characters outside the
/// 45-character alphabet (lowercase included), a dangling single character (length ≡ 1 mod 3),
/// a three-character group worth more than 65535 and a final pair worth more than 255. Input
/// longer than [`MAX_BASE45_LEN`] is [`Error::TooLarge`].
///
/// ```
/// use inkan_core::encoding::base45_decode;
/// assert_eq!(base45_decode("QED8WEX0")?, b"ietf!");
/// assert_eq!(base45_decode("GGW").unwrap_err().code(), "encoding.bad_base45");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn base45_decode(text: &str) -> Result<Vec<u8>> {
    if text.len() > MAX_BASE45_LEN {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: MAX_BASE45_LEN,
        });
    }
    decode_strict(text.as_bytes())
}

/// Decodes while validating alphabet, length and group values, reporting the first violation.
///
/// The loop over full groups does only table look-ups, arithmetic and one well-predicted
/// branch, writing into output sized up front; a group it refuses is diagnosed afterwards by
/// [`group_error`], so the precise message costs nothing on valid input.
fn decode_strict(input: &[u8]) -> Result<Vec<u8>> {
    if input.len() % 3 == 1 {
        return Err(Error::BadBase45(format!(
            "length {} leaves a dangling single character",
            input.len()
        )));
    }
    let (full, pair) = input.split_at(input.len() / 3 * 3);
    let mut out = vec![0u8; full.len() / 3 * 2 + pair.len() / 2];
    let (words, last) = out.split_at_mut(full.len() / 3 * 2);
    for (group, (chars, word)) in full.chunks_exact(3).zip(words.chunks_exact_mut(2)).enumerate() {
        let value = <&[u8; 3]>::try_from(chars)
            .ok()
            .and_then(triple_value)
            .filter(|v| *v <= u32::from(u16::MAX))
            .ok_or_else(|| group_error(chars, group * 3))?;
        // Checked against u16::MAX just above, so the narrowing is exact.
        word.copy_from_slice(&(value as u16).to_be_bytes());
    }
    if let [byte] = last {
        *byte = <&[u8; 2]>::try_from(pair)
            .ok()
            .and_then(pair_value)
            .and_then(|v| u8::try_from(v).ok())
            .ok_or_else(|| group_error(pair, full.len()))?;
    }
    Ok(out)
}

/// Base45 digit of each byte, or `INVALID` (RFC 9285 §4: `0-9A-Z $%*+-./:`).
const INVALID: u8 = 0xff;
const DIGITS: [u8; 256] = {
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The little-endian base-45 value of a three-character group, `None` if a character is
/// outside the alphabet. Digits are below 45 and `INVALID` has the top bit set, so one OR of
/// the digits tells whether any is invalid.
#[inline(always)]
fn triple_value(chars: &[u8; 3]) -> Option<u32> {
    let [a, b, c] = chars.map(|c| DIGITS[usize::from(c)]);
    let value = u32::from(a) + 45 * u32::from(b) + 45 * 45 * u32::from(c);
    ((a | b | c) & 0x80 == 0).then_some(value)
}

/// The same for the final two-character group.
fn pair_value(chars: &[u8; 2]) -> Option<u32> {
    let [a, b] = chars.map(|c| DIGITS[usize::from(c)]);
    ((a | b) & 0x80 == 0).then_some(u32::from(a) + 45 * u32::from(b))
}

/// Why `chars` (a group at `offset`) is not valid Base45: its first character outside the
/// alphabet, else its value above the group's maximum.
fn group_error(chars: &[u8], offset: usize) -> Error {
    if let Some((i, &c)) = chars
        .iter()
        .enumerate()
        .find(|(_, c)| DIGITS[usize::from(**c)] == INVALID)
    {
        return Error::BadBase45(format!(
            "byte 0x{c:02x} ({:?}) at offset {} is not in the Base45 alphabet",
            char::from(c),
            offset + i
        ));
    }
    // Every character is in the alphabet here, so this is the group's value.
    let value = chars
        .iter()
        .rev()
        .fold(0u32, |value, c| value * 45 + u32::from(DIGITS[usize::from(*c)]));
    let max = if chars.len() == 3 {
        u16::MAX as u32
    } else {
        u8::MAX as u32
    };
    let text = String::from_utf8_lossy(chars);
    Error::BadBase45(format!(
        "group \"{text}\" at offset {offset} has value {value} > {max}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_examples() {
        assert_eq!(base45_encode(b"AB"), "BB8");
        assert_eq!(base45_decode("UJCLQE7W581").unwrap(), b"base-45");
        assert_eq!(base45_decode("").unwrap(), b"");
    }

    #[test]
    fn limits_are_exact() {
        // "FGW" = 15 + 16·45 + 32·2025 = 65535, the largest valid triple; "GGW" is one more.
        assert_eq!(base45_decode("FGW").unwrap(), [0xff, 0xff]);
        assert_eq!(base45_decode("U5").unwrap(), [0xff]); // 30 + 5·45 = 255
        let err = base45_decode("V5").unwrap_err(); // 256
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("256 > 255")),
            "{err}"
        );
        let err = base45_decode("BB8GGW").unwrap_err();
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("offset 3")),
            "{err}"
        );
    }

    #[test]
    fn bad_characters_are_located() {
        let err = base45_decode("BB8BbX").unwrap_err();
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("offset 4")),
            "{err}"
        );
        let err = base45_decode("BB\u{e9}").unwrap_err();
        assert_eq!(err.code(), "encoding.bad_base45");
    }

    #[test]
    fn the_first_bad_character_is_named_in_full_and_final_groups() {
        let err = base45_decode("BB8a!X").unwrap_err();
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("0x61") && m.contains("offset 3")),
            "{err}"
        );
        let err = base45_decode("BB8Ua").unwrap_err();
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("0x61") && m.contains("offset 4")),
            "{err}"
        );
        let err = base45_decode("BB8V5").unwrap_err();
        assert!(
            matches!(&err, Error::BadBase45(m) if m.contains("\"V5\" at offset 3") && m.contains("256 > 255")),
            "{err}"
        );
    }

    #[test]
    fn oversized_input_is_refused() {
        let text = "0".repeat(MAX_BASE45_LEN + 3);
        assert_eq!(base45_decode(&text).unwrap_err().code(), "input.too_large");
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            prop_assert_eq!(base45_decode(&base45_encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,64}") {
            if let Err(e) = base45_decode(&text) {
                prop_assert_eq!(e.code(), "encoding.bad_base45");
            }
        }

        #[test]
        fn alphabet_text_decodes_or_is_rejected_by_value(text in "[0-9A-Z $%*+./:-]{0,64}") {
            match base45_decode(&text) {
                Ok(bytes) => prop_assert_eq!(base45_encode(&bytes), text),
                Err(Error::BadBase45(m)) => prop_assert!(m.contains("dangling") || m.contains(" > ")),
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
    }
}
