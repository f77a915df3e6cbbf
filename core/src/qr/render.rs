//! Encoding data into a QR symbol and drawing it as PNG, SVG or terminal text.

use std::fmt::Write as _;
use std::num::NonZeroU8;

use image::ImageEncoder as _;
use qrcode::bits::Bits;
use qrcode::optimize::{Optimizer, Parser, Segment, total_encoded_len};
use qrcode::types::Version;

use super::EcLevel;
use super::image_io::{DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, check_dimensions};
use crate::{Error, Result};

/// How a symbol is drawn: pixels (PNG) or user units (SVG) per module, and the light margin
/// around it in modules (the standard asks for 4; scanners struggle below 2).
///
/// ```
/// use inkan_core::qr::Style;
/// let style = Style::default().with_module_px(4).with_quiet_zone(2);
/// assert_eq!((style.module_px.get(), style.quiet_zone), (4, 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Side of one module, in pixels (PNG) or user units (SVG).
    pub module_px: NonZeroU8,
    /// Light margin on every side, in modules.
    pub quiet_zone: u8,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            module_px: NonZeroU8::new(8).unwrap_or(NonZeroU8::MIN),
            quiet_zone: 4,
        }
    }
}

impl Style {
    /// This style with `px` pixels per module (0 is taken as 1).
    pub fn with_module_px(self, px: u8) -> Self {
        Style {
            module_px: NonZeroU8::new(px).unwrap_or(NonZeroU8::MIN),
            ..self
        }
    }

    /// This style with a quiet zone of `modules` modules.
    pub fn with_quiet_zone(self, modules: u8) -> Self {
        Style {
            quiet_zone: modules,
            ..self
        }
    }
}

/// An encoded QR symbol: the smallest version that holds the data at the chosen level, each
/// run of the data in its most compact mode (numeric, alphanumeric — Base45 text — or bytes).
///
/// ```
/// use inkan_core::qr::{EcLevel, QrCode};
/// let code = QrCode::encode(b"hello", EcLevel::H)?;
/// assert_eq!((code.version(), code.width(), code.ec_level()), (1, 21, EcLevel::H));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub struct QrCode {
    code: qrcode::QrCode,
    ec: EcLevel,
}

impl std::fmt::Debug for QrCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrCode")
            .field("version", &self.version())
            .field("ec", &self.ec)
            .finish()
    }
}

const V40: Version = Version::Normal(40);

impl QrCode {
    /// Encodes `data` (text or bytes) at error-correction level `ec`.
    ///
    /// Fails with [`Error::QrTooLarge`] when even version 40 cannot hold it, saying how many
    /// bytes must go at this level and how many would fit at level L.
    ///
    /// ```
    /// use inkan_core::qr::{EcLevel, QrCode};
    /// let err = QrCode::encode(vec![0u8; 3000], EcLevel::M).unwrap_err();
    /// assert_eq!(err.code(), "qr.too_large");
    /// assert!(err.to_string().contains("669 bytes too many"));
    /// ```
    pub fn encode(data: impl AsRef<[u8]>, ec: EcLevel) -> Result<Self> {
        let data = data.as_ref();
        match qrcode::QrCode::with_error_correction_level(data, ec.to_qrcode()) {
            Ok(code) => Ok(QrCode { code, ec }),
            Err(qrcode::types::QrError::DataTooLong) => Err(too_large(data, ec)),
            Err(other) => Err(Error::ImageMalformed(format!("QR encoder: {other}"))),
        }
    }

    /// The version (1–40): the symbol is `17 + 4 × version` modules wide.
    pub fn version(&self) -> u8 {
        match self.code.version() {
            Version::Normal(v) | Version::Micro(v) => u8::try_from(v).unwrap_or(0),
        }
    }

    /// The error-correction level.
    pub fn ec_level(&self) -> EcLevel {
        self.ec
    }

    /// Width (= height) in modules, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// The modules row by row, `true` for dark, quiet zone included.
    fn rows(&self, quiet_zone: u8) -> Vec<Vec<bool>> {
        let (w, q) = (self.width(), usize::from(quiet_zone));
        let colors = self.code.to_colors();
        let side = w + 2 * q;
        (0..side)
            .map(|y| {
                (0..side)
                    .map(|x| {
                        let inside = (q..q + w).contains(&x) && (q..q + w).contains(&y);
                        inside && colors.get((y - q) * w + (x - q)) == Some(&qrcode::Color::Dark)
                    })
                    .collect()
            })
            .collect()
    }

    /// An 8-bit greyscale PNG (dark 0, light 255).
    ///
    /// Fails with [`Error::ImageTooLarge`] when the style would make it larger than
    /// [`DEFAULT_MAX_SIDE`] pixels a side.
    ///
    /// ```
    /// use inkan_core::qr::{EcLevel, QrCode, Style};
    /// let png = QrCode::encode("HELLO", EcLevel::M)?.to_png(Style::default())?;
    /// assert!(png.starts_with(b"\x89PNG"));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_png(&self, style: Style) -> Result<Vec<u8>> {
        let (pixels, side) = self.to_luma(style)?;
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, side, side, image::ExtendedColorType::L8)
            .map_err(|e| Error::ImageMalformed(format!("PNG encoder: {e}")))?;
        Ok(out)
    }

    /// The symbol as a square greyscale buffer (row-major, one byte a pixel) and its side.
    ///
    /// ```
    /// use inkan_core::qr::{EcLevel, QrCode, Style};
    /// let (pixels, side) = QrCode::encode("HI", EcLevel::L)?.to_luma(Style::default().with_module_px(1))?;
    /// assert_eq!((side, pixels.len()), (29, 29 * 29));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_luma(&self, style: Style) -> Result<(Vec<u8>, u32)> {
        let rows = self.rows(style.quiet_zone);
        let px = usize::from(style.module_px.get());
        let side = rows.len() * px;
        let side_u64 = side as u64;
        check_dimensions(side_u64, side_u64, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE)?;
        let mut pixels = Vec::with_capacity(side * side);
        for row in &rows {
            let line: Vec<u8> = row
                .iter()
                .flat_map(|&dark| std::iter::repeat_n(if dark { 0 } else { 255 }, px))
                .collect();
            for _ in 0..px {
                pixels.extend_from_slice(&line);
            }
        }
        Ok((pixels, u32::try_from(side).unwrap_or(u32::MAX)))
    }

    /// A standalone SVG document: one path of dark modules on a white square.
    ///
    /// ```
    /// use inkan_core::qr::{EcLevel, QrCode, Style};
    /// let svg = QrCode::encode("HELLO", EcLevel::M)?.to_svg(Style::default());
    /// assert!(svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 29 29\""));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_svg(&self, style: Style) -> String {
        let rows = self.rows(style.quiet_zone);
        let side = rows.len();
        let px = side * usize::from(style.module_px.get());
        let mut path = String::new();
        for (y, row) in rows.iter().enumerate() {
            for (x, run) in dark_runs(row) {
                // Writing to a String cannot fail.
                let _ = write!(path, "M{x} {y}h{run}v1h-{run}z");
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" \
             viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>\n"
        )
    }

    /// Terminal text: two module rows per line with Unicode half blocks, dark modules drawn
    /// (for a dark-on-light terminal), one newline-terminated line per pair of rows.
    ///
    /// ```
    /// use inkan_core::qr::{EcLevel, QrCode};
    /// let text = QrCode::encode("HI", EcLevel::L)?.to_terminal(1);
    /// assert_eq!(text.lines().count(), 12); // (21 + 2) rows, two per line
    /// assert!(text.lines().all(|l| l.chars().count() == 23));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_terminal(&self, quiet_zone: u8) -> String {
        let rows = self.rows(quiet_zone);
        let blank = vec![false; rows.len()];
        let mut out = String::new();
        for pair in rows.chunks(2) {
            let lower = pair.get(1).unwrap_or(&blank);
            for (&top, &bottom) in pair[0].iter().zip(lower) {
                out.push(match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

/// (start, length) of each run of dark modules in a row.
fn dark_runs(row: &[bool]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut x = 0;
    std::iter::from_fn(move || {
        let start = x + row.get(x..)?.iter().position(|&d| d)?;
        let len = row[start..].iter().take_while(|&&d| d).count();
        x = start + len;
        Some((start, len))
    })
}

/// Bits that `data` takes in a version-40 symbol, in its optimal segmentation.
fn bits_needed(data: &[u8]) -> usize {
    let segments: Vec<Segment> = Parser::new(data).collect();
    let optimal: Vec<Segment> = Optimizer::new(segments.into_iter(), V40).collect();
    total_encoded_len(&optimal, V40)
}

/// The longest prefix of `data` that fits version 40 at `ec`.
fn capacity(data: &[u8], ec: EcLevel) -> usize {
    let max_bits = Bits::new(V40).max_len(ec.to_qrcode()).unwrap_or(0);
    // Encoded length grows with the prefix, so bisect on it.
    let (mut lo, mut hi) = (0, data.len());
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if bits_needed(&data[..mid]) <= max_bits {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

fn too_large(data: &[u8], ec: EcLevel) -> Error {
    let fits = capacity(data, ec);
    Error::QrTooLarge {
        level: ec.letter(),
        over: data.len() - fits,
        capacity: fits,
        capacity_l: capacity(data, EcLevel::L),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base45_text_uses_alphanumeric_mode() {
        // 4296 characters is the alphanumeric capacity of version 40-L; in byte mode only 2953 fit.
        let text = "HC1:6BF+*".repeat(4296 / 9) + "ABC";
        assert_eq!(text.len(), 4296);
        assert_eq!(QrCode::encode(&text, EcLevel::L).unwrap().version(), 40);
        let err = QrCode::encode(format!("{text}A"), EcLevel::L).unwrap_err();
        assert_eq!(
            err,
            Error::QrTooLarge {
                level: 'L',
                over: 1,
                capacity: 4296,
                capacity_l: 4296
            }
        );
    }

    #[test]
    fn too_large_reports_capacity_per_level() {
        let err = QrCode::encode(vec![0xAB; 3000], EcLevel::H).unwrap_err();
        assert_eq!(
            err,
            Error::QrTooLarge {
                level: 'H',
                over: 3000 - 1273,
                capacity: 1273,
                capacity_l: 2953
            }
        );
        assert_eq!(err.code(), "qr.too_large");
    }

    #[test]
    fn oversized_render_is_refused() {
        let code = QrCode::encode(vec![0u8; 2000], EcLevel::L).unwrap();
        let err = code.to_png(Style::default().with_module_px(255)).unwrap_err();
        assert_eq!(err.code(), "image.too_large");
    }

    #[test]
    fn dark_runs_cover_exactly_the_dark_modules() {
        let row = [true, true, false, true, false, false, true];
        assert_eq!(dark_runs(&row).collect::<Vec<_>>(), [(0, 2), (3, 1), (6, 1)]);
    }
}
