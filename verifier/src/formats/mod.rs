//! The built-in format modules, in detection order (see [`FormatRegistry::builtin`]).
//!
//! [`FormatRegistry::builtin`]: crate::FormatRegistry::builtin

pub mod claim169;
pub mod jwt_vc;
pub mod pixelpass;
pub mod qr_image;

use std::io::Read;

use inkan_core::encoding::base45_decode;

/// How many inflated bytes detection looks at.
const PEEK: usize = 4;

/// The first bytes of what Base45 text over a zlib stream (what Claim 169 and PixelPass share)
/// inflates to; `None` for anything else. Detection only, so only a few bytes are inflated —
/// decoding proper inflates everything under its cap and reports its own errors.
fn peek_base45_zlib(text: &str) -> Option<Vec<u8>> {
    let packed = base45_decode(text).ok()?;
    let mut head = Vec::with_capacity(PEEK);
    flate2::read::ZlibDecoder::new(packed.as_slice())
        .take(PEEK as u64)
        .read_to_end(&mut head)
        .ok()?;
    (!head.is_empty()).then_some(head)
}

/// Whether CBOR bytes start like a COSE message as Claim 169 sends it: tag 18 (Sign1), tag 16
/// (Encrypt0), the CWT tag 61, or an untagged array of 4 (Sign1) or 3 (Encrypt0) items.
fn starts_like_cose(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [0xd2, ..] | [0xd0, ..] | [0xd8, 0x3d, ..] | [0x84, ..] | [0x83, ..]
    )
}

#[cfg(test)]
mod tests;
