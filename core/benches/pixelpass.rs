//! PixelPass decode and encode of a credential-sized JSON document (~1.3 KB), each against the
//! raw Ed25519 verify of the same bytes: the signature check a verifier runs next to it.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::crypto::{Algorithm, Signer, SoftwareKey, Verifier};
use inkan_core::pixelpass::{DecodeOptions, decode, encode};

/// A MOSIP-style verifiable credential, as PixelPass carries them.
fn credential() -> String {
    let subject = serde_json::json!({
        "id": "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6IjExcWJBRlhlV0lVQVdNT0U5YkMzIn0",
        "UIN": "6936894708", "fullName": [{"language": "eng", "value": "Janardhan Bangalore Srinivas"}],
        "dateOfBirth": "1984/04/18", "gender": [{"language": "eng", "value": "Male"}],
        "phone": "+919427357934", "email": "janardhan@example.com",
        "addressLine1": [{"language": "eng", "value": "#1234, 5th Cross, Jayanagar"}],
        "city": [{"language": "eng", "value": "Bengaluru"}], "postalCode": "560041",
        "biometrics": {"face": "a".repeat(200)}
    });
    serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://example.invalid/mosip/v1"],
        "type": ["VerifiableCredential", "MOSIPVerifiableCredential"],
        "issuer": "did:web:example.invalid:mosip", "issuanceDate": "2026-01-01T00:00:00.000Z",
        "expirationDate": "2027-01-01T00:00:00.000Z", "credentialSubject": subject,
        "proof": {"type": "Ed25519Signature2020", "created": "2026-01-01T00:00:00Z",
                  "proofPurpose": "assertionMethod", "verificationMethod": "did:web:example.invalid:mosip#key-0",
                  "proofValue": "z".repeat(88)}
    })
    .to_string()
}

fn bench(c: &mut Criterion) {
    let json = credential();
    let qr = encode(&json, "").unwrap();
    let options = DecodeOptions::default();
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let sig = key.sign(json.as_bytes()).unwrap();
    let public = key.public_key().clone();
    let raw = || {
        public
            .verify(Algorithm::EdDsa, std::hint::black_box(json.as_bytes()), &sig)
            .unwrap()
    };
    let dec = || {
        decode(std::hint::black_box(&qr), &options).unwrap();
    };
    let enc = || {
        encode(std::hint::black_box(&json), "").unwrap();
    };
    println!(
        "credential JSON {} bytes, QR text {} characters",
        json.len(),
        qr.len()
    );

    let mut group = c.benchmark_group("pixelpass");
    group.bench_function("raw_ed25519_verify", |b| b.iter(raw));
    group.bench_function("decode", |b| b.iter(dec));
    group.bench_function("encode", |b| b.iter(enc));
    group.finish();
    common::report_ratio("PixelPass decode", raw, dec);
    common::report_ratio("PixelPass encode", raw, enc);
}

criterion_group!(benches, bench);
criterion_main!(benches);
