//! MOSIP PixelPass text (Base45 → zlib → CBOR-encoded JSON, or plain text).
//!
//! PixelPass is an encoding, not a credential: it carries no signature, issuer or expiry, so a
//! report for it decodes the data and marks those checks not applicable — under the default
//! policy, which requires them, the verdict is therefore invalid. Claim 169 text (a COSE
//! message inside) is left to the Claim 169 format.

use inkan_core::pixelpass::{self, DecodeOptions, Decoded};

use super::{peek_base45_zlib, starts_like_cose};
use crate::{CheckId, Confidence, Context, Format, InputRef, Result, Verification};

/// The format's identifier.
pub const ID: &str = "pixelpass";

/// PixelPass QR text without a header.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::pixelpass::PixelPass;
/// // `{"temp":15}` as PixelPass encodes it.
/// assert!(PixelPass.detect(&InputRef::Text("NCF3QBXJA5NJRCOC004 QN4")).is_match());
/// assert!(!PixelPass.detect(&InputRef::Text("{\"temp\":15}")).is_match());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PixelPass;

impl Format for PixelPass {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text().and_then(peek_base45_zlib) {
            Some(head) if starts_like_cose(&head) => Confidence::new(20),
            Some(_) => Confidence::LIKELY,
            None => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let decoded = pixelpass::decode(input.text().unwrap_or_default(), &DecodeOptions::default())?;
        let mut report = cx.report(ID);
        report.passed(CheckId::DECODE);
        report.claims(match decoded {
            // The decoder returns JSON.stringify output, which always parses.
            Decoded::Json(json) => serde_json::from_str(&json).unwrap_or(serde_json::Value::String(json)),
            Decoded::Text(text) => serde_json::json!({ "text": text }),
        });
        for id in [CheckId::SIGNATURE, CheckId::TRUST, CheckId::VALIDITY] {
            report.not_applicable(id, "PixelPass data is not signed");
        }
        Ok(cx.finish(report))
    }
}
