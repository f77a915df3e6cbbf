//! Format modules: the [`Format`] trait each credential format implements, the
//! [`FormatRegistry`] the verifier dispatches through, and the [`Context`] a module verifies in.
//!
//! Adding a format means adding a module that implements [`Format`] and one line in
//! [`FormatRegistry::builtin`]; nothing else in the verifier changes.

use std::fmt;
use std::sync::Arc;

use inkan_core::BoxFuture;
use inkan_core::clock::Clock;
use inkan_core::did::DidResolver;
use inkan_core::http::HttpClient;
use inkan_core::trust::TrustStore;

use crate::{Error, InputRef, Policy, ReportBuilder, Result, Verification, Verifier, VerifyRequest};

/// How sure a format is that an input is one of its own.
///
/// ```
/// use inkan_verifier::Confidence;
/// assert!(Confidence::CERTAIN > Confidence::LIKELY);
/// assert!(!Confidence::NONE.is_match());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Confidence(u8);

impl Confidence {
    /// Not this format.
    pub const NONE: Confidence = Confidence(0);
    /// The alphabet fits, nothing more (e.g. any Base45 text).
    pub const POSSIBLE: Confidence = Confidence(25);
    /// The structure fits (e.g. Base45 that inflates to the right CBOR).
    pub const LIKELY: Confidence = Confidence(60);
    /// A magic number or prefix that only this format uses (a PNG signature, `HC1:`).
    pub const CERTAIN: Confidence = Confidence(100);

    /// A confidence from 0 (not this format) to 100 (certain); larger values are capped.
    ///
    /// ```
    /// assert_eq!(inkan_verifier::Confidence::new(250), inkan_verifier::Confidence::CERTAIN);
    /// ```
    pub const fn new(score: u8) -> Self {
        Confidence(if score > 100 { 100 } else { score })
    }

    /// Whether the format claims the input at all.
    pub fn is_match(self) -> bool {
        self > Confidence::NONE
    }
}

/// One credential format: recognises its inputs and verifies them into a report.
///
/// `detect` must be cheap and never fail (no signature checks; decoding a header is fine).
/// `verify` returns `Err` only when the input cannot be read as this format at all; a
/// credential that decodes but fails a check is an `Ok` report with that check failed.
/// `verify` must not do I/O; [`refresh`](Self::refresh), called by
/// [`Verifier::verify_online`], may refresh caches (status lists, DID documents) first.
///
/// ```
/// use inkan_verifier::{CheckId, Confidence, Context, Format, InputRef, Result, Verification};
///
/// /// Accepts the text "hello" as a credential that needs no checks.
/// struct Hello;
/// impl Format for Hello {
///     fn id(&self) -> &'static str { "hello" }
///     fn detect(&self, input: &InputRef<'_>) -> Confidence {
///         if input.text() == Some("hello") { Confidence::CERTAIN } else { Confidence::NONE }
///     }
///     fn verify(&self, _input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
///         let mut report = cx.report(self.id());
///         report.passed(CheckId::DECODE);
///         Ok(cx.finish(report))
///     }
/// }
/// # let _ = Hello;
/// ```
pub trait Format: Send + Sync {
    /// The format's stable identifier (`"claim169"`), as reports and policies name it.
    fn id(&self) -> &'static str;

    /// How sure this format is that `input` is its own.
    fn detect(&self, input: &InputRef<'_>) -> Confidence;

    /// Verifies `input` offline.
    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification>;

    /// Refreshes whatever `verify` will read from caches, using [`Context::http`]. The default
    /// refreshes nothing.
    fn refresh<'a>(&'a self, _input: &'a InputRef<'a>, _cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// What a format module sees while verifying: the verifier's trust store, policy, clock and
/// resolvers, the caller's request, and a way to verify a nested input.
///
/// Only the verifier makes one; format modules receive it in [`Format::verify`] (see the
/// example there).
pub struct Context<'a> {
    verifier: &'a Verifier,
    request: &'a VerifyRequest,
    depth: usize,
}

impl<'a> Context<'a> {
    pub(crate) fn new(verifier: &'a Verifier, request: &'a VerifyRequest, depth: usize) -> Self {
        Self {
            verifier,
            request,
            depth,
        }
    }

    /// The trust store.
    pub fn trust(&self) -> &dyn TrustStore {
        self.verifier.trust()
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        self.verifier.policy()
    }

    /// The clock every time check uses.
    pub fn clock(&self) -> &dyn Clock {
        self.verifier.clock()
    }

    /// The DID resolver (offline resolution only inside `verify`).
    pub fn did_resolver(&self) -> &dyn DidResolver {
        self.verifier.did_resolver()
    }

    /// The HTTP client, if the verifier has one (for [`Format::refresh`] only).
    pub fn http(&self) -> Option<&dyn HttpClient> {
        self.verifier.http()
    }

    /// The status list cache (read by `verify`, refreshed by `refresh`).
    pub(crate) fn status_cache(&self) -> &crate::StatusListCache {
        self.verifier.status_cache()
    }

    /// The W3C status list credential cache (read by `verify`, refreshed by `refresh`).
    pub(crate) fn bitstring_cache(&self) -> &crate::BitstringCache {
        self.verifier.bitstring_cache()
    }

    /// The verifier itself (to verify a fetched status list credential).
    pub(crate) fn verifier(&self) -> &Verifier {
        self.verifier
    }

    /// The caller's request (expected audience, nonce, transcript, decryption keys).
    pub fn request(&self) -> &VerifyRequest {
        self.request
    }

    /// A fresh report for `format`.
    pub fn report(&self, format: &str) -> ReportBuilder {
        ReportBuilder::new(format)
    }

    /// Finishes `report` under the verifier's policy and clock.
    pub fn finish(&self, report: ReportBuilder) -> Verification {
        report.finish(self.policy(), self.clock())
    }

    /// Detects and verifies a nested input (the text of a QR code found in an image), one
    /// level deeper; fails with [`Error::NestingTooDeep`] past the verifier's nesting limit.
    pub fn dispatch(&self, input: &InputRef<'_>) -> Result<Verification> {
        self.verifier.dispatch(input, self.request, self.depth + 1)
    }
}

/// The formats a verifier knows, in detection order.
///
/// The verifier asks the formats in order for their [`Confidence`] and dispatches to the most
/// confident; ties go to the format registered first, and the first to be
/// [`CERTAIN`](Confidence::CERTAIN) ends the search.
///
/// ```
/// use inkan_verifier::FormatRegistry;
/// let builtin = FormatRegistry::builtin();
/// assert_eq!(FormatRegistry::empty().ids().count(), 0);
/// assert_eq!(builtin.ids().count(), builtin.len());
/// ```
#[derive(Clone, Default)]
pub struct FormatRegistry(Vec<Arc<dyn Format>>);

impl FormatRegistry {
    /// A registry with no formats.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Every format built into this crate, in detection order.
    pub fn builtin() -> Self {
        use crate::formats::{claim169::Claim169, pixelpass::PixelPass, qr_image::QrImage};
        let mut registry = Self::empty();
        registry
            .register(Arc::new(QrImage))
            .register(Arc::new(Claim169))
            .register(Arc::new(PixelPass))
            .register(Arc::new(crate::formats::sd_jwt::SdJwtFormat::default()))
            .register(Arc::new(crate::formats::jwt_vc::JwtVc))
            .register(Arc::new(crate::formats::vc_jose::VcJose))
            .register(Arc::new(crate::formats::ldp_vc::LdpVc))
            .register(Arc::new(crate::formats::mdoc::Mdoc));
        registry
    }

    /// Adds `format` after those already registered; a format with the same identifier is
    /// replaced in place.
    pub fn register(&mut self, format: Arc<dyn Format>) -> &mut Self {
        match self.0.iter_mut().find(|f| f.id() == format.id()) {
            Some(slot) => *slot = format,
            None => self.0.push(format),
        }
        self
    }

    /// The registered formats' identifiers, in order.
    pub fn ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|f| f.id())
    }

    /// How many formats are registered.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no format is registered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The format that claims `input` most confidently; [`Error::FormatNotAccepted`] if the
    /// policy does not accept it (no less confident format is tried instead).
    pub(crate) fn detect(&self, input: &InputRef<'_>, policy: &Policy) -> Result<&dyn Format> {
        let mut best: Option<(Confidence, &dyn Format)> = None;
        for format in &self.0 {
            let confidence = format.detect(input);
            if confidence.is_match() && best.is_none_or(|(b, _)| confidence > b) {
                best = Some((confidence, format.as_ref()));
            }
            // Nothing can beat certainty, and later formats may be costly to ask.
            if confidence == Confidence::CERTAIN {
                break;
            }
        }
        let Some((_, format)) = best else {
            return Err(Error::UnknownFormat(describe(input)));
        };
        if !policy.accepts_format(format.id()) {
            return Err(Error::FormatNotAccepted(format.id().to_owned()));
        }
        Ok(format)
    }
}

impl fmt::Debug for FormatRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.ids()).finish()
    }
}

/// A short description of an input nobody recognised, for the error message.
fn describe(input: &InputRef<'_>) -> String {
    match input.text() {
        _ if input.is_empty() => "empty input".into(),
        Some(text) => format!(
            "{} characters of text that no format recognises",
            text.chars().count()
        ),
        None => format!("{} bytes that no format recognises", input.len()),
    }
}
