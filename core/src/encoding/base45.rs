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
fn decode_strict(input: &[u8]) -> Result<Vec<u8>> {
    if input.len() % 3 == 1 {
        return Err(Error::BadBase45(format!(
            "length {} leaves a dangling single character",
            input.len()
        )));
    }
    let mut out = Vec::with_capacity(input.len() / 3 * 2 + 1);
    for (group, chunk) in input.chunks(3).enumerate() {
        let offset = group * 3;
        let value = group_value(chunk, offset)?;
        let max = if chunk.len() == 3 {
            u16::MAX as u32
        } else {
            u8::MAX as u32
        };
        if value > max {
            let text = String::from_utf8_lossy(chunk);
            return Err(Error::BadBase45(format!(
                "group \"{text}\" at offset {offset} has value {value} > {max}"
            )));
        }
        // The range checks above make these narrowing conversions exact.
        if chunk.len() == 3 {
            out.extend_from_slice(&(value as u16).to_be_bytes());
        } else {
            out.push(value as u8);
        }
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

/// The little-endian base-45 value of a group of two or three characters.
fn group_value(chunk: &[u8], offset: usize) -> Result<u32> {
    let mut value = 0u32;
    for (i, &c) in chunk.iter().enumerate().rev() {
        let digit = Some(DIGITS[usize::from(c)])
            .filter(|d| *d != INVALID)
            .ok_or_else(|| {
                Error::BadBase45(format!(
                    "byte 0x{c:02x} ({:?}) at offset {} is not in the Base45 alphabet",
                    char::from(c),
                    offset + i
                ))
            })?;
        value = value * 45 + u32::from(digit);
    }
    Ok(value)
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
