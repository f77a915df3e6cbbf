//! PixelPass and QR codes: render (PNG, SVG) and scan (PNG/JPEG bytes or a camera's luma
//! frame).

use inkan_core::pixelpass::{self, DecodeOptions};
use inkan_core::qr::{self, Content, EcLevel, LumaFrame, QrCode, ScanOptions, Style};

use crate::error::{Domain, InDomain, InkanError, Result};

/// PixelPass `generateQRData(data, header)`: JSON becomes CBOR, anything else stays text; then
/// zlib and Base45 after `header`.
///
/// ```
/// assert_eq!(inkan::pixelpass_encode("hello".into(), "".into())?, "NCFKVPV0QSIP600GP5L0");
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn pixelpass_encode(data: String, header: String) -> Result<String> {
    pixelpass::encode(&data, &header).in_domain(Domain::PixelPass)
}

/// PixelPass `decode`: the JSON (or text) that [`pixelpass_encode`] packed; `header` is the
/// prefix the text must start with (`""` for none).
///
/// ```
/// assert_eq!(inkan::pixelpass_decode("NCFKVPV0QSIP600GP5L0".into(), "".into())?, "hello");
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn pixelpass_decode(text: String, header: String) -> Result<String> {
    let options = DecodeOptions {
        header,
        ..DecodeOptions::default()
    };
    Ok(pixelpass::decode(&text, &options)
        .in_domain(Domain::PixelPass)?
        .into_string())
}

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrEcLevel {
    /// About 7 % recoverable; the largest capacity.
    L,
    /// About 15 % recoverable.
    M,
    /// About 25 % recoverable.
    Q,
    /// About 30 % recoverable.
    H,
}

/// How a QR code is drawn.
///
/// ```
/// let style = inkan::QrStyle::default();
/// assert_eq!((style.module_px, style.quiet_zone), (8, 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct QrStyle {
    /// Error-correction level.
    pub ec_level: QrEcLevel,
    /// Pixels (PNG) or user units (SVG) per module, at least 1.
    #[uniffi(default = 8)]
    pub module_px: u8,
    /// Light margin, in modules.
    #[uniffi(default = 4)]
    pub quiet_zone: u8,
}

impl Default for QrStyle {
    fn default() -> Self {
        Self {
            ec_level: QrEcLevel::M,
            module_px: 8,
            quiet_zone: 4,
        }
    }
}

impl QrStyle {
    fn encode(&self, data: &[u8]) -> Result<(QrCode, Style)> {
        if self.module_px == 0 {
            return Err(InkanError::bad_argument(
                Domain::Qr,
                "module_px must be at least 1",
            ));
        }
        let ec = match self.ec_level {
            QrEcLevel::L => EcLevel::L,
            QrEcLevel::M => EcLevel::M,
            QrEcLevel::Q => EcLevel::Q,
            QrEcLevel::H => EcLevel::H,
        };
        let code = QrCode::encode(data, ec).in_domain(Domain::Qr)?;
        let style = Style::default()
            .with_module_px(self.module_px)
            .with_quiet_zone(self.quiet_zone);
        Ok((code, style))
    }
}

/// `data` (text such as Claim 169's Base45, or bytes) as a QR code in a PNG image.
///
/// ```
/// let png = inkan::qr_render_png(b"hello".to_vec(), inkan::QrStyle::default())?;
/// assert!(png.starts_with(b"\x89PNG"));
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn qr_render_png(data: Vec<u8>, style: QrStyle) -> Result<Vec<u8>> {
    let (code, style) = style.encode(&data)?;
    code.to_png(style).in_domain(Domain::Qr)
}

/// `data` as a QR code in an SVG document.
///
/// ```
/// let svg = inkan::qr_render_svg(b"hello".to_vec(), inkan::QrStyle::default())?;
/// assert!(svg.contains("<svg"));
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn qr_render_svg(data: Vec<u8>, style: QrStyle) -> Result<String> {
    let (code, style) = style.encode(&data)?;
    Ok(code.to_svg(style))
}

/// One code found by a scan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    /// The payload as text, when it is UTF-8 (Base45, URLs).
    pub text: Option<String>,
    /// The payload's bytes, always.
    pub bytes: Vec<u8>,
    /// The symbol's version, 1–40.
    pub version: u8,
    /// Corners in the image, as x, y pairs: top-left, top-right, bottom-right, bottom-left.
    pub corners: Vec<i32>,
}

/// A camera frame: `height` rows of `width` luma bytes, each row `stride` bytes after the
/// previous (the Y plane of a YUV_420_888 / `kCVPixelFormatType_420YpCbCr8BiPlanar` frame).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LumaImage {
    /// The plane.
    pub data: Vec<u8>,
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bytes from one row's start to the next's.
    pub stride: u32,
}

/// Every QR code in a PNG or JPEG image; `qr.not_found` when there is none.
///
/// ```
/// let png = inkan::qr_render_png(b"hello".to_vec(), inkan::QrStyle::default())?;
/// assert_eq!(inkan::qr_scan_image(png)?[0].text.as_deref(), Some("hello"));
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn qr_scan_image(image: Vec<u8>) -> Result<Vec<ScannedCode>> {
    let found = qr::scan_image(&image, &ScanOptions::default()).in_domain(Domain::Qr)?;
    Ok(found.into_iter().map(scanned).collect())
}

/// Every QR code in a camera frame; `qr.not_found` when there is none (the usual answer
/// for most frames of a live preview: scan the next one).
///
/// ```
/// let frame = inkan::LumaImage { data: vec![255; 64 * 48], width: 60, height: 48, stride: 64 };
/// assert_eq!(inkan::qr_scan_frame(frame).unwrap_err().code(), "qr.not_found");
/// ```
#[uniffi::export]
pub fn qr_scan_frame(frame: LumaImage) -> Result<Vec<ScannedCode>> {
    let size =
        |n: u32| usize::try_from(n).map_err(|_| InkanError::bad_argument(Domain::Qr, "frame too large"));
    let luma = LumaFrame::new(
        &frame.data,
        size(frame.width)?,
        size(frame.height)?,
        size(frame.stride)?,
    )
    .in_domain(Domain::Qr)?;
    let found = qr::scan_luma(luma, &ScanOptions::default()).in_domain(Domain::Qr)?;
    Ok(found.into_iter().map(scanned).collect())
}

fn scanned(code: qr::Decoded) -> ScannedCode {
    let bytes = code.content.as_bytes().to_vec();
    ScannedCode {
        text: match code.content {
            Content::Text(text) => Some(text),
            Content::Bytes(_) => None,
        },
        bytes,
        version: code.version,
        corners: code.corners.iter().flat_map(|p| [p.x, p.y]).collect(),
    }
}
