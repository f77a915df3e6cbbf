//! SD-JWT parsing (compact and JWS JSON), Disclosure processing and KB-JWT checks on arbitrary
//! text; and Disclosure processing of arbitrary payloads.
#![no_main]

use std::sync::LazyLock;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::sdjwt::{HashAlg, KbExpectation, Limits, SdJwt, vc};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::Es256).unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(sd) = SdJwt::parse(text, &Limits::default()) else { return };
    let _ = sd.serialize();
    let _ = sd.present(&["a.0".parse().unwrap()]);
    // Processing without a valid signature exercises the digest walk on hostile payloads.
    if let Ok(claims) = sd.unverified_claims() {
        if let Ok(p) = sd.process(&claims) {
            let _ = vc::check_claims(&p.claims, &p.disclosed);
        }
    }
    let _ = sd.verify_signature(&VerifyOptions::default(), |_, _| Ok(KEY.public_key()));
    let expect = KbExpectation::new("aud", "nonce");
    let _ = sd.verify_key_binding(KEY.public_key(), HashAlg::Sha256, &expect, &VerifyOptions::default(), &FixedClock::at_unix(0));
});
