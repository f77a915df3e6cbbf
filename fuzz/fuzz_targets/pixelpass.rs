//! PixelPass decode (Base45 → capped inflate → bounded CBOR → JSON text, or text) and the
//! mapped-CBOR decoder on arbitrary input; encode → decode on arbitrary text.
#![no_main]

use inkan_core::cose::cbor::CborLimits;
use inkan_core::pixelpass::{self, DecodeOptions, Decoded, KeyMapper};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions::default();
    if let Ok(mapper) = KeyMapper::integer([("id", 1), ("name", 2)]) {
        let _ = mapper.from_cbor(data, &CborLimits::default());
    }
    let _ = pixelpass::decode(&pixelpass::pack(data, ""), &options);
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = pixelpass::decode(text, &options);
    // Text that is not JSON must come back as itself unless its bytes are one CBOR item.
    if let Ok(qr) = pixelpass::encode(text, "HDR:") {
        let with_header = DecodeOptions { header: "HDR:".into(), ..options };
        if let Ok(Decoded::Text(back)) = pixelpass::decode(&qr, &with_header) {
            if serde_json::from_str::<serde_json::Value>(text).is_err() {
                assert_eq!(back, text.strip_prefix('\u{feff}').unwrap_or(text));
            }
        }
    }
});
