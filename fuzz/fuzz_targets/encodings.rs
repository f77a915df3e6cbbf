//! Base45, zlib (with the inflate cap), multibase and Multikey decoders on arbitrary input.
#![no_main]

use inkan_core::encoding::{self, InflateLimit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = encoding::zlib_decompress(data, InflateLimit::DEFAULT) {
        assert!(out.len() <= InflateLimit::DEFAULT.bytes());
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(bytes) = encoding::base45_decode(text) {
        assert_eq!(encoding::base45_encode(&bytes), text);
    }
    let _ = encoding::b64url_decode(text);
    let _ = encoding::multibase_decode(text);
    let _ = encoding::multikey_decode(text);
});
