//! JWK, PEM, DID and DID document parsing on arbitrary text.
#![no_main]

use inkan_core::crypto::{Jwk, PublicKey, SoftwareKey};
use inkan_core::did::{self, DidDocument, DidResolver, KeyDidResolver};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(jwk) = Jwk::from_json(text) {
        let _ = PublicKey::from_jwk(&jwk);
        let _ = SoftwareKey::from_jwk(&jwk);
    }
    let _ = PublicKey::from_pem(text);
    let _ = SoftwareKey::from_pem(text);
    let _ = did::resolve_key(text);
    let _ = KeyDidResolver.resolve_offline(text);
    let _ = DidDocument::from_json(text);
});
