//! MOSIP PixelPass, byte for byte as its JavaScript implementation (`@mosip/pixelpass`) does it.
//!
//! `generateQRData` ([`encode`]): text that `JSON.parse` accepts becomes CBOR (as the `cbor-web`
//! library encodes the parsed value: numbers are doubles, object keys in JS property order),
//! anything else stays UTF-8; then zlib deflate at level 9 (zlib's own deflate, as pako is) and
//! Base45, after an optional header. `decode` ([`decode`]) reverses it and returns what the JS
//! returns: `JSON.stringify` of the decoded CBOR, or the inflated text when that is not CBOR.
//!
//! The key mapping (`getMappedData` / `decodeMappedData`) is [`KeyMapper`]: JSON keys replaced by
//! short text keys as the JS writes them, or by integer keys (the Claim 169 profile).
//!
//! ```
//! use inkan_core::pixelpass::{decode, encode, DecodeOptions};
//! let qr = encode(r#"{"temp":15}"#, "")?;
//! assert_eq!(qr, "NCF3QBXJA5NJRCOC004 QN4");
//! assert_eq!(decode(&qr, &DecodeOptions::default())?.as_str(), r#"{"temp":15}"#);
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod js;
mod mapper;

pub use mapper::{KeyMapper, ShortKey};

use crate::cose::cbor::{self, CborLimits, MAX_DEPTH_CEILING};
use crate::encoding::{InflateLimit, base45_decode, base45_encode, zlib_compress, zlib_decompress};
use crate::{Error, Result};

/// The zlib level PixelPass uses.
const LEVEL: u32 = 9;

/// `generateQRData(data, header)`: the Base45 text PixelPass puts in a QR code.
///
/// Errors only with [`Error::PixelpassUnsupportedJson`], for JSON that JavaScript parses but
/// that cannot be encoded identically here (nesting beyond 128 levels, a number beyond the
/// double range such as `1e400`, a lone UTF-16 surrogate escape).
///
/// ```
/// use inkan_core::pixelpass::encode;
/// assert_eq!(encode("hello", "mockHeader://")?, "mockHeader://NCFKVPV0QSIP600GP5L0");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn encode(data: &str, header: &str) -> Result<String> {
    match parse_json(data)? {
        Some(value) => {
            let mut cbor = Vec::new();
            js::write_json(&mut cbor, &value, 0)?;
            Ok(pack(&cbor, header))
        }
        None => Ok(pack(data.as_bytes(), header)),
    }
}

/// Deflates `payload` (zlib level 9) and Base45-encodes it after `header`: the last two steps of
/// PixelPass, for a payload built elsewhere (such as [`KeyMapper::to_cbor`]'s output).
///
/// ```
/// use inkan_core::pixelpass::pack;
/// assert_eq!(pack(b"hello", ""), "NCFKVPV0QSIP600GP5L0");
/// ```
pub fn pack(payload: &[u8], header: &str) -> String {
    format!("{header}{}", base45_encode(&zlib_compress(payload, LEVEL)))
}

/// The reverse of [`pack`]: strips the header, decodes Base45 and inflates within the limit.
///
/// Errors: [`Error::PixelpassMissingHeader`], [`Error::BadBase45`], [`Error::TooLarge`],
/// [`Error::BadZlib`], [`Error::InflateLimit`].
///
/// ```
/// use inkan_core::pixelpass::{unpack, DecodeOptions};
/// assert_eq!(unpack("NCFKVPV0QSIP600GP5L0", &DecodeOptions::default())?, b"hello");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn unpack(text: &str, options: &DecodeOptions) -> Result<Vec<u8>> {
    let body = text
        .strip_prefix(options.header.as_str())
        .ok_or_else(|| Error::PixelpassMissingHeader(options.header.clone()))?;
    zlib_decompress(&base45_decode(body)?, options.inflate_limit)
}

/// `decode(data)`: the JSON text (or plain text) PixelPass's JS returns for a QR payload.
///
/// As in the JS, the inflated bytes are read as CBOR first; when they are not one complete CBOR
/// item, or the item is falsy in JS (`0`, `false`, `null`, `""`), or holds an integer beyond
/// 2⁵³ − 1 (`JSON.stringify` throws on a `BigInt`), the text itself is returned. Unlike the JS,
/// which decodes bytes that are not UTF-8 into replacement characters, such a payload is
/// [`Error::PixelpassNotUtf8`]. CBOR holding a tag is [`Error::PixelpassUnsupportedCbor`];
/// CBOR nested beyond the depth cap is [`Error::CborTooDeep`]; see [`unpack`] for the rest.
///
/// ```
/// use inkan_core::pixelpass::{decode, DecodeOptions, Decoded};
/// let options = DecodeOptions { header: "mockHeader://".into(), ..DecodeOptions::default() };
/// assert_eq!(decode("mockHeader://NCFKVPV0QSIP600GP5L0", &options)?, Decoded::Text("hello".into()));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn decode(text: &str, options: &DecodeOptions) -> Result<Decoded> {
    let bytes = unpack(text, options)?;
    let value = match cbor::decode(&bytes, &options.cbor_limits) {
        Ok(value) => value,
        Err(Error::CborMalformed(_)) => return as_text(bytes),
        Err(e) => return Err(e),
    };
    match js::JsValue::from_cbor(&value) {
        Ok(v) if v.truthy() => {
            let mut json = String::new();
            v.stringify(&mut json);
            Ok(Decoded::Json(json))
        }
        Ok(_) | Err(js::Unrepresentable::BigInt) => as_text(bytes),
        Err(e) => Err(e.into()),
    }
}

/// The payload as text; `TextDecoder` drops a leading byte-order mark.
fn as_text(bytes: Vec<u8>) -> Result<Decoded> {
    let text = String::from_utf8(bytes).map_err(|_| Error::PixelpassNotUtf8)?;
    Ok(Decoded::Text(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }))
}

/// `JSON.parse(data)`: `Some` when it succeeds, `None` when the JS would fall back to text.
fn parse_json(data: &str) -> Result<Option<serde_json::Value>> {
    match serde_json::from_str(&replace_lone_surrogates(data)) {
        Ok(value) => Ok(Some(value)),
        Err(e) if js_would_parse(&e) => Err(Error::PixelpassUnsupportedJson(e.to_string())),
        Err(_) => Ok(None),
    }
}

/// serde_json errors for text that `JSON.parse` accepts: JS has no nesting limit and turns an
/// out-of-range number into ±Infinity.
fn js_would_parse(err: &serde_json::Error) -> bool {
    let msg = err.to_string();
    msg.contains("recursion limit exceeded") || msg.contains("number out of range")
}

/// Rewrites `\uXXXX` escapes of unpaired UTF-16 surrogates as `\ufffd`.
///
/// `JSON.parse` keeps a lone surrogate in the string and `cbor-web` then writes it as UTF-8,
/// which turns it into U+FFFD; serde_json refuses it. Replacing it first gives the same bytes.
fn replace_lone_surrogates(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains("\\u") {
        return json.into();
    }
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(i) = rest.find('\\') {
        let (text, escape) = rest.split_at(i);
        out.push_str(text);
        let unit = surrogate_escape(escape);
        let high = unit.is_some_and(|u| (0xd800..=0xdbff).contains(&u));
        let low_next = escape.get(6..).and_then(surrogate_escape);
        let pair = high && low_next.is_some_and(|u| (0xdc00..=0xdfff).contains(&u));
        // Any other escape is copied whole, so an escaped backslash is never read as the
        // start of another escape.
        let len = match (pair, unit) {
            (true, _) => 12,
            (false, Some(_)) => 6,
            (false, None) => escape.chars().take(2).map(char::len_utf8).sum(),
        };
        let (taken, tail) = escape.split_at_checked(len).unwrap_or((escape, ""));
        match unit {
            Some(0xd800..=0xdfff) if !pair => out.push_str("\\ufffd"),
            _ => out.push_str(taken),
        }
        rest = tail;
    }
    out.push_str(rest);
    out.into()
}

/// The code unit of a `\uXXXX` escape at the start of `s`.
fn surrogate_escape(s: &str) -> Option<u16> {
    let hex = s.strip_prefix("\\u")?.get(..4)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

/// What [`decode`] returns: exactly the string the JS `decode` returns, tagged by its kind.
///
/// ```
/// use inkan_core::pixelpass::Decoded;
/// assert_eq!(Decoded::Json("{}".into()).as_str(), "{}");
/// assert!(Decoded::Json("{}".into()).is_json());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// `JSON.stringify` of the decoded CBOR.
    Json(String),
    /// The inflated payload as text (it was not CBOR).
    Text(String),
}

impl Decoded {
    /// The string the JS `decode` returns.
    pub fn as_str(&self) -> &str {
        match self {
            Decoded::Json(s) | Decoded::Text(s) => s,
        }
    }

    /// Whether the payload was CBOR (JSON at the encoder).
    pub fn is_json(&self) -> bool {
        matches!(self, Decoded::Json(_))
    }

    /// The string, by value.
    pub fn into_string(self) -> String {
        match self {
            Decoded::Json(s) | Decoded::Text(s) => s,
        }
    }
}

/// Caps and the header for [`decode`] and [`unpack`].
///
/// ```
/// use inkan_core::pixelpass::DecodeOptions;
/// let options = DecodeOptions::default();
/// assert_eq!(options.header, "");
/// assert_eq!(options.cbor_limits.max_depth, 128);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The prefix the text must start with (`""`: none); it is removed before Base45 decoding.
    pub header: String,
    /// Cap on the inflated payload (default 64 KiB).
    pub inflate_limit: InflateLimit,
    /// Caps on the CBOR; the default depth is the ceiling (128), so that anything [`encode`]
    /// writes (JSON up to 128 levels) decodes.
    pub cbor_limits: CborLimits,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            header: String::new(),
            inflate_limit: InflateLimit::DEFAULT,
            cbor_limits: CborLimits {
                max_depth: MAX_DEPTH_CEILING,
                ..CborLimits::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(input: &str) -> Decoded {
        decode(&encode(input, "").unwrap(), &DecodeOptions::default()).unwrap()
    }

    #[test]
    fn js_quirks_are_kept() {
        // Text that happens to be one CBOR item comes back as JSON, as in the JS ("!" = -2).
        assert_eq!(round_trip("!"), Decoded::Json("-2".into()));
        // Falsy CBOR values come back as the text of their bytes ("`" is CBOR "").
        assert_eq!(round_trip("\"\""), Decoded::Text("`".into()));
        assert_eq!(round_trip("0"), Decoded::Text("\0".into()));
        assert_eq!(round_trip("hello world"), Decoded::Text("hello world".into()));
        assert_eq!(
            round_trip(r#"{"b":1,"1":2.50}"#),
            Decoded::Json(r#"{"1":2.5,"b":1}"#.into())
        );
    }

    #[test]
    fn json_javascript_would_parse_differently_is_refused() {
        for input in [
            "1e400",
            "-1e400",
            &format!("{}{}", "[".repeat(200), "]".repeat(200)),
        ] {
            let err = encode(input, "").unwrap_err();
            assert_eq!(err.code(), "pixelpass.unsupported_json", "{input}");
        }
        // Invalid JSON is text, as in the JS.
        assert_eq!(round_trip("{\"a\":"), Decoded::Text("{\"a\":".into()));
    }

    #[test]
    fn header_is_required_when_configured() {
        let options = DecodeOptions {
            header: "HDR:".into(),
            ..DecodeOptions::default()
        };
        let err = decode("NCFKVPV0QSIP600GP5L0", &options).unwrap_err();
        assert_eq!(err.code(), "pixelpass.missing_header");
    }

    #[test]
    fn non_utf8_payloads_and_tags_are_typed_errors() {
        let options = DecodeOptions::default();
        let err = decode(&pack(&[0xff, 0xfe, 0x00], ""), &options).unwrap_err();
        assert_eq!(err, Error::PixelpassNotUtf8);
        let err = decode(&pack(&[0xc1, 0x01], ""), &options).unwrap_err();
        assert_eq!(err.code(), "pixelpass.unsupported_cbor");
        // A BigInt makes the JS fall back to the text, here not UTF-8.
        let text = decode(&pack(&hex_bytes("1b0020000000000001"), ""), &options).unwrap();
        assert_eq!(text, Decoded::Text("\u{1b}\0 \0\0\0\0\0\u{1}".into()));
        let err = decode(&pack(&hex_bytes("1bff20000000000001"), ""), &options).unwrap_err();
        assert_eq!(err, Error::PixelpassNotUtf8);
    }

    #[test]
    fn deep_cbor_is_refused() {
        let mut deep = vec![0x81; 1000];
        deep.push(0x00);
        let err = decode(&pack(&deep, ""), &DecodeOptions::default()).unwrap_err();
        assert_eq!(err, Error::CborTooDeep(MAX_DEPTH_CEILING));
    }

    #[test]
    fn lone_surrogates_encode_as_javascript_does() {
        // Expected output of @mosip/pixelpass 0.6.0 generateQRData.
        let cases = [
            (r#""\ud800""#, "NCFLO9I9OH.5N$0:F0"),
            (r#""\udc00x""#, "NCFGO9I9OQ1E9006$SR1"),
            (r#""\ud800\u0041""#, "NCFGO9I9OF6M900B*LH0"),
            (r#"{"\ud800":1}"#, "NCF3QBI-VYCWA%80U1QJ0"),
        ];
        for (input, want) in cases {
            assert_eq!(encode(input, "").unwrap(), want, "{input}");
        }
        assert_eq!(
            replace_lone_surrogates(r#""\\ud800 \ud83d\ude00""#),
            r#""\\ud800 \ud83d\ude00""#
        );
    }

    fn hex_bytes(h: &str) -> Vec<u8> {
        hex::decode(h).unwrap()
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in ".{0,200}") {
            let _ = decode(&text, &DecodeOptions::default());
        }

        #[test]
        fn escape_heavy_text_encodes_or_is_refused(text in "[\\\\ud83Dcfe0-9\"\\[\\]{}:, é]{0,48}") {
            match encode(&text, "") {
                // Only falsy JSON (null, false, -0) decodes to bytes that are not UTF-8 text.
                Ok(qr) => if let Err(e) = decode(&qr, &DecodeOptions::default()) {
                    prop_assert_eq!(e, Error::PixelpassNotUtf8);
                },
                Err(e) => prop_assert_eq!(e.code(), "pixelpass.unsupported_json"),
            }
        }

        #[test]
        fn lone_surrogate_rewriting_keeps_valid_json_valid(s in "\\PC{0,24}") {
            let json = serde_json::Value::from(s.as_str()).to_string();
            let rewritten = replace_lone_surrogates(&json);
            prop_assert_eq!(rewritten.as_ref(), json.as_str());
        }

        #[test]
        fn arbitrary_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&pack(&bytes, ""), &DecodeOptions::default());
        }
    }
}
