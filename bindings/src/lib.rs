//! # inkan-bindings (library `inkan`)
//!
//! A small, stable facade over inkan for Kotlin (Android, JVM), Swift (iOS, macOS) and Python,
//! exported with UniFFI proc-macros. Everything here is thin: it converts arguments, calls
//! inkan-core or inkan-verifier, and converts the answer into records and enums.
//!
//! - [`Verifier`]: a trust store (JSON) and a [`VerifierOptions`] policy, then
//!   [`Verifier::verify`] / [`Verifier::verify_text`] for every format inkan-verifier knows,
//!   answered with the full [`Verification`] report. A new format in the verifier needs no
//!   change here.
//! - Claim 169: [`claim169_encode`] (signed by any [`SigningKey`]), [`claim169_decode`]
//!   (unverified, for display).
//! - PixelPass: [`pixelpass_encode`], [`pixelpass_decode`].
//! - QR: [`qr_render_png`], [`qr_render_svg`], [`qr_scan_image`], [`qr_scan_frame`].
//! - Keys: [`SigningKey`] — generated, imported, or [`SigningKey::foreign`] around a
//!   [`ForeignSigner`] implemented by the app over Android Keystore / Secure Enclave, whose
//!   private bytes never enter Rust.
//! - SD-JWT (holder): [`sd_jwt_contents`] (unverified, for display and choosing),
//!   [`sd_jwt_present`], [`sd_jwt_present_bound`] (a KB-JWT signed by any [`SigningKey`]);
//!   [`sd_jwt_vc_issue`] (issuer basics).
//! - Errors: [`InkanError`], one variant per domain, each with the stable code and a message.
//!
//! Objects are immutable and `Send + Sync`; calls are synchronous, take no global lock and do
//! no I/O, so they block their thread exactly as long as the work takes.
//!
//! ```
//! use inkan::*;
//! let key = SigningKey::generate(SignatureAlgorithm::Es256)?;
//! let qr_text = claim169_encode(r#"{"id":"3918592438"}"#.into(), CwtMeta::default(), key.clone(),
//!                               Claim169EncodeOptions::default())?;
//! let verifier = Verifier::new(key.public_jwk(), VerifierOptions::default())?;
//! assert_eq!(verifier.verify_text(qr_text)?.verdict, ReportVerdict::Valid);
//! # Ok::<(), InkanError>(())
//! ```

uniffi::setup_scaffolding!();

mod claim169;
mod codec;
mod error;
mod keys;
mod sd_jwt;
mod verify;

pub use claim169::{
    Claim169EncodeOptions, Claim169Encryption, CwtMeta, UnverifiedClaim169, claim169_decode, claim169_encode,
};
pub use codec::{
    LumaImage, QrEcLevel, QrStyle, ScannedCode, pixelpass_decode, pixelpass_encode, qr_render_png,
    qr_render_svg, qr_scan_frame, qr_scan_image,
};
pub use error::{Domain, InkanError, Result, codes};
pub use keys::{ForeignSigner, SignatureAlgorithm, SignatureEncoding, SigningKey};
pub use sd_jwt::{SdJwtContents, sd_jwt_contents, sd_jwt_present, sd_jwt_present_bound, sd_jwt_vc_issue};
pub use verify::{
    CheckOutcome, ReportCheck, ReportSource, ReportVerdict, ReportWarning, Verification, Verifier,
    VerifierOptions, VerifyOptions,
};

#[cfg(test)]
mod tests;
