//! VC-JWT and VP-JWT parsing and checks on arbitrary input: as token text directly, and as a
//! payload (wrapped in a signed JWS) so the fuzzer reaches the VCDM 1.1 mapping.
#![no_main]

use std::sync::LazyLock;

use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::did::KeyDidResolver;
use inkan_core::jose::{Header, jws};
use inkan_core::trust::StaticTrustStore;
use inkan_core::vcjwt::{self, KeySources};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::EdDsa).unwrap());

fn check(token: &str) {
    let trust = StaticTrustStore::builder().build();
    let sources = KeySources { trust: &trust, dids: &KeyDidResolver };
    let clock = FixedClock::at_unix(1_700_000_000);
    if let Ok(vc) = vcjwt::parse_vc(token) {
        let _ = (vc.credential_types(), vc.status(), vc.subject());
        let _ = vc.verify_signature(KEY.public_key(), &Default::default());
        let _ = vc.check_time(&TimeRules::default(), &clock);
    }
    let _ = vcjwt::verify_vc(token, &sources, &TimeRules::default(), &clock);
    if let Ok(vp) = vcjwt::parse_vp(token) {
        let _ = (vp.check_request("a", "n"), vp.check_subjects());
        let _ = vp.check_time(&TimeRules::default(), &clock);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
    if let Ok(token) = jws::sign_compact(data, &Header::default(), &*KEY) {
        check(&token);
    }
});
