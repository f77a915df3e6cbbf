//! Certificate parsing (DER and PEM) and chain validation on arbitrary input.
#![no_main]

use inkan_core::clock::FixedClock;
use inkan_core::x509::{Certificate, ChainValidator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_der(data) {
        let _ = cert.public_key();
        let validator = ChainValidator::new(Vec::new());
        let _ = validator.validate(&[cert], &FixedClock::at_unix(1_700_000_000));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Certificate::from_pem_bundle(text);
    }
});
