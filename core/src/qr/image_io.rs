//! PNG/JPEG bytes to greyscale, with the size checked from the header before any pixel is
//! decoded (a 100-byte PNG can declare 65535 × 65535 pixels).

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use super::prep::Gray;
use crate::{Error, Result};

/// Default cap on width × height: 50 megapixels, above any phone camera's still.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;
/// Default cap on either side, in pixels.
pub const DEFAULT_MAX_SIDE: u64 = 16_384;

/// Refuses dimensions over the caps (or empty images).
pub(crate) fn check_dimensions(width: u64, height: u64, max_pixels: u64, max_side: u64) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::ImageMalformed("image has no pixels".into()));
    }
    if width > max_side || height > max_side || width.saturating_mul(height) > max_pixels {
        return Err(Error::ImageTooLarge {
            width,
            height,
            max_pixels,
            max_side,
        });
    }
    Ok(())
}

fn malformed(err: impl std::fmt::Display) -> Error {
    Error::ImageMalformed(err.to_string())
}

/// Decodes PNG or JPEG bytes to greyscale; transparent pixels count as white paper.
pub(crate) fn decode(bytes: &[u8], max_pixels: u64, max_side: u64) -> Result<Gray> {
    let format = image::guess_format(bytes).map_err(malformed)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(Error::ImageMalformed(format!(
            "{format:?} images are not supported"
        )));
    }
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(malformed)?;
    check_dimensions(u64::from(w), u64::from(h), max_pixels, max_side)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // Worst case 16-bit RGBA plus the decoder's working copy.
    limits.max_alloc = Some(u64::from(w) * u64::from(h) * 16 + (1 << 20));
    reader.limits(limits);
    let image = reader.decode().map_err(malformed)?;
    Ok(to_gray(image))
}

fn to_gray(image: DynamicImage) -> Gray {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let px = if image.color().has_alpha() {
        image
            .into_luma_alpha8()
            .pixels()
            .map(|p| {
                let [l, a] = p.0;
                let (l, a) = (u32::from(l), u32::from(a));
                // Composite over white: a transparent background reads as paper.
                ((l * a + 255 * (255 - a)) / 255) as u8
            })
            .collect()
    } else {
        image.into_luma8().into_raw()
    };
    Gray { w, h, px }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG whose header claims 60000 × 60000 pixels, with an empty data chunk.
    fn bomb_header() -> Vec<u8> {
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&60_000u32.to_be_bytes());
        ihdr.extend_from_slice(&60_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let crc = crc32(&ihdr);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc.to_be_bytes());
        // The decoder reads the header up to the first data chunk.
        png.extend_from_slice(&0u32.to_be_bytes());
        png.extend_from_slice(b"IDAT");
        png.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
        png
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn header_bomb_is_refused_before_decoding() {
        let err = decode(&bomb_header(), DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE).unwrap_err();
        assert_eq!(err.code(), "image.too_large");
    }

    #[test]
    fn other_formats_and_garbage_are_malformed() {
        assert_eq!(
            decode(b"GIF89a....", 100, 100).unwrap_err().code(),
            "image.malformed"
        );
        assert_eq!(decode(b"", 100, 100).unwrap_err().code(), "image.malformed");
        let mut truncated = bomb_header();
        truncated.truncate(20);
        assert_eq!(
            decode(&truncated, 100, 100).unwrap_err().code(),
            "image.malformed"
        );
    }
}
