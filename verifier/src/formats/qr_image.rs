//! PNG or JPEG images: every QR code in the image is scanned and its content verified as an
//! input of its own; the report says it came from a QR image.

use inkan_core::qr::{self, Content, ScanOptions};

use crate::{Confidence, Context, Format, InputRef, Result, Source, Verification};

/// The format's identifier.
pub const ID: &str = "qr-image";

/// Most codes verified from one image; further codes are ignored.
pub const MAX_CODES: usize = 8;

/// An image holding QR codes.
///
/// With several codes, the report of the first that verifies as valid is returned; if none
/// does, the first that could be checked at all; if none could, the first code's error.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::qr_image::QrImage;
/// assert_eq!(QrImage.detect(&InputRef::Bytes(b"\x89PNG\r\n\x1a\n....")), Confidence::CERTAIN);
/// assert_eq!(QrImage.detect(&InputRef::Bytes(&[0xff, 0xd8, 0xff, 0xe0])), Confidence::CERTAIN);
/// assert_eq!(QrImage.detect(&InputRef::Text("NCF")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct QrImage;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = &[0xff, 0xd8, 0xff];

impl Format for QrImage {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        let bytes = input.bytes();
        if bytes.starts_with(PNG) || bytes.starts_with(JPEG) {
            Confidence::CERTAIN
        } else {
            Confidence::NONE
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let codes = qr::scan_image(input.bytes(), &ScanOptions::default())?;
        let found = codes.len();
        let mut first_report = None;
        let mut first_error = None;
        for (index, code) in codes.iter().take(MAX_CODES).enumerate() {
            let inner = match &code.content {
                Content::Text(text) => InputRef::Text(text),
                Content::Bytes(bytes) => InputRef::Bytes(bytes),
            };
            match cx.dispatch(&inner) {
                Ok(report) => {
                    let report = report.with_source(Source::QrImage {
                        code_index: index,
                        codes_found: found,
                    });
                    if report.is_valid() {
                        return Ok(report);
                    }
                    first_report.get_or_insert(report);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match (first_report, first_error) {
            (Some(report), _) => Ok(report),
            (None, Some(e)) => Err(e),
            (None, None) => Err(inkan_core::Error::QrNotFound.into()),
        }
    }
}
