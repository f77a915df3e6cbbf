//! Claim 169 QR text parsing, signature and time checks on arbitrary input: as QR text
//! directly, and as the inflated bytes (re-packed with zlib and Base45) so the fuzzer reaches the
//! COSE, CWT and identity-data layers.
#![no_main]

use std::sync::LazyLock;

use inkan_core::claim169::{self, IdentityData, ParseOptions};
use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::cose::cbor;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::encoding::{base45_encode, zlib_compress};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::EdDsa).unwrap());

fn check(text: &str, options: &ParseOptions) {
    if let Ok(parsed) = claim169::parse(text, options) {
        let _ = (parsed.algorithm(), parsed.kid(), parsed.x5chain(), parsed.issuer());
        let _ = parsed.verify_signature(KEY.public_key());
        let _ = parsed.check_time(&TimeRules::default(), &FixedClock::at_unix(1_700_000_000));
        let _ = parsed.claims().to_json();
        let _ = parsed.claims().to_cbor();
    }
}

fuzz_target!(|data: &[u8]| {
    let options = ParseOptions {
        decryption_key: Some(vec![7u8; 32].into()),
        ..ParseOptions::default()
    };
    if let Ok(text) = std::str::from_utf8(data) {
        check(text, &options);
    }
    check(&base45_encode(&zlib_compress(data, 1)), &options);
    if let Ok(value) = cbor::decode(data, &options.limits) {
        let _ = IdentityData::from_cbor(value);
    }
});
