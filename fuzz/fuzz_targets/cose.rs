//! Bounded CBOR, COSE_Sign1/Mac0/Encrypt0 and CWT decoding and verification on arbitrary bytes.
#![no_main]

use std::sync::LazyLock;

use inkan_core::cose::{self, DecodeOptions, Encrypt0, Mac0, Sign1};
use inkan_core::crypto::{Algorithm, SoftwareKey};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::EdDsa).unwrap());

fuzz_target!(|data: &[u8]| {
    let opts = DecodeOptions::default();
    if let Ok(value) = cose::cbor::decode(data, &opts.limits) {
        let _ = cose::cbor::encode_deterministic(&value);
    }
    if let Ok(msg) = Sign1::decode(data, &opts) {
        let _ = msg.verify(KEY.public_key(), b"");
    }
    if let Ok(msg) = Mac0::decode(data, &opts) {
        let _ = msg.verify(&[7u8; 32], b"");
    }
    if let Ok(msg) = Encrypt0::decode(data, &opts) {
        let _ = msg.decrypt(&[7u8; 32], b"");
    }
    let _ = cose::cwt::CwtClaims::decode(data, &opts.limits);
});
