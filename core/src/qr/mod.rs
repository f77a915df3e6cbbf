//! QR images: render a payload as PNG, SVG or terminal text, and scan every code in a PNG/JPEG
//! photo or a raw camera frame.
//!
//! Bytes in, bytes out: no file I/O. Rendering picks the smallest QR version for the data and
//! the most compact mode for each run of it, so Base45 text (whose 45-character alphabet *is* the
//! QR alphanumeric set) is stored at 5.5 bits a character instead of 8. Scanning runs
//! [`rqrr`](https://docs.rs/rqrr) on the image (big ones at half size first), then retries with
//! pre-processing (global and local thresholds, inversion, rescaling, smoothing, sharpening)
//! until a pass accounts for every finder pattern it sees or the attempt budget is spent;
//! images are capped by size before a pixel is decoded.
//!
//! ```
//! use inkan_core::qr::{EcLevel, QrCode, ScanOptions, Style, scan_image};
//! let code = QrCode::encode("HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B", EcLevel::Q)?;
//! let png = code.to_png(Style::default())?;
//! let found = scan_image(&png, &ScanOptions::default())?;
//! assert_eq!(found[0].content.as_bytes(), b"HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod image_io;
mod prep;
mod render;
mod scan;

pub use image_io::{DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE};
pub use render::{QrCode, Style};
pub use scan::{Content, Decoded, LumaFrame, Point, ScanOptions, scan_image, scan_luma};

/// QR error-correction level: the share of codewords that may be damaged and still be read
/// (L ≈ 7 %, M ≈ 15 %, Q ≈ 25 %, H ≈ 30 %); higher levels hold less data.
///
/// ```
/// use inkan_core::qr::EcLevel;
/// assert_eq!(EcLevel::Q.letter(), 'Q');
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EcLevel {
    /// About 7 % recoverable; the largest capacity.
    L,
    /// About 15 % recoverable.
    #[default]
    M,
    /// About 25 % recoverable.
    Q,
    /// About 30 % recoverable; the smallest capacity.
    H,
}

impl EcLevel {
    /// All levels, from the largest capacity to the most robust.
    pub const ALL: [EcLevel; 4] = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H];

    /// The level's letter, as QR tools print it.
    pub fn letter(self) -> char {
        match self {
            EcLevel::L => 'L',
            EcLevel::M => 'M',
            EcLevel::Q => 'Q',
            EcLevel::H => 'H',
        }
    }

    fn to_qrcode(self) -> qrcode::EcLevel {
        match self {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        }
    }

    /// From the two format-information bits as rqrr reports them (ISO 18004 table 12 order).
    fn from_format_bits(bits: u16) -> Option<Self> {
        match bits {
            1 => Some(EcLevel::L),
            0 => Some(EcLevel::M),
            3 => Some(EcLevel::Q),
            2 => Some(EcLevel::H),
            _ => None,
        }
    }
}
