//! The built-in format modules, in detection order (see [`FormatRegistry::builtin`]).
//!
//! [`FormatRegistry::builtin`]: crate::FormatRegistry::builtin

pub mod claim169;
pub mod jwt_vc;
pub mod ldp_vc;
pub mod mdoc;
pub mod pixelpass;
pub mod qr_image;
pub mod sd_jwt;
pub mod vc_jose;

use flate2::{Decompress, FlushDecompress};
use inkan_core::encoding::base45_decode;

/// How many inflated bytes detection looks at.
const PEEK: usize = 4;

/// How much of the text detection decodes: 512 bytes, enough for the zlib header and the code
/// tables of a dynamic Huffman block (at most ~290 bytes) before the first inflated bytes. A
/// multiple of 3, so the prefix ends on a Base45 group boundary and decodes on its own.
const PEEK_TEXT: usize = 768;

/// The first bytes of what Base45 text over a zlib stream (what Claim 169 and PixelPass share)
/// inflates to; `None` for anything else. Detection only, so only a prefix of the text is
/// decoded and only a few bytes are inflated: the chosen format's decoder then reads the whole
/// text once, under its caps, and reports its own errors (a text that goes bad past the prefix
/// is detected and then refused with the decoder's error code).
fn peek_base45_zlib(text: &str) -> Option<Vec<u8>> {
    let prefix = text.get(..text.len().min(PEEK_TEXT))?;
    let packed = base45_decode(prefix).ok()?;
    let mut head = [0u8; PEEK];
    let mut inflater = Decompress::new(true);
    // A stream cut short by the prefix is fine here: whatever inflated before the cut counts.
    inflater
        .decompress(&packed, &mut head, FlushDecompress::None)
        .ok()?;
    let len = usize::try_from(inflater.total_out()).ok()?;
    (len > 0).then(|| head[..len].to_vec())
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
