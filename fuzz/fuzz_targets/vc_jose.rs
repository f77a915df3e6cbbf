//! VC-JOSE-COSE parsing on arbitrary bytes: vc+jwt / vp+jwt text and vc+cose / vp+cose
//! COSE_Sign1 (bounded CBOR), then every accessor and a signature check against a fixed key.
#![no_main]

use std::sync::LazyLock;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::vcjose::Secured;
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::Es256).unwrap());

fuzz_target!(|data: &[u8]| {
    for parsed in [Secured::parse(data), Secured::parse_cose(data)].into_iter().flatten() {
        let _ = (parsed.kind(), parsed.envelope(), parsed.algorithm(), parsed.kid());
        let _ = (parsed.issuer(), parsed.types(), parsed.document().len());
        let _ = parsed.verify_signature(KEY.public_key());
        let _ = parsed.check_time(&FixedClock::at_unix(1_800_000_000), 60);
        let _ = parsed.enveloped_credentials();
    }
});
