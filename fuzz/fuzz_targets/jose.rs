//! JWS (compact and JSON), JWT and JWE parsing and verification on arbitrary text.
#![no_main]

use std::sync::LazyLock;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, SoftwareKey};
use inkan_core::jose::{jwe, jws, jwt};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::Es256).unwrap());
static ENC_KEY: LazyLock<Jwk> = LazyLock::new(|| KEY.to_jwk().unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = jws::VerifyOptions::default();
    let _ = jws::peek_header(text);
    let _ = jws::verify_compact(text, KEY.public_key(), &opts);
    let _ = jws::JwsJson::parse(text, &opts);
    let _ = jwt::verify(text, KEY.public_key(), &jwt::JwtValidation::default(), &FixedClock::at_unix(0));
    let _ = jwe::decrypt_compact(text, &ENC_KEY, &Default::default());
});
