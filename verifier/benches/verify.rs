//! The verifier's entry point on a signed Claim 169 (detection, decoding, trust lookup, every
//! check, the report) against the raw Ed25519 verify of the same signature, and the same from a
//! QR image.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

#[path = "../../core/benches/common/mod.rs"]
mod common;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::claim169::{self, EncodeOptions, IdentityData, ParseOptions};
use inkan_core::clock::FixedClock;
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier as _};
use inkan_core::qr::{EcLevel, QrCode, Style};
use inkan_verifier::{JsonTrustStore, Policy, Verifier, VerifyRequest};

fn bench(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let person = IdentityData::from_json(&serde_json::json!({
        "id": "3918592438", "fullName": "Janardhan BS", "dateOfBirth": "19840418", "gender": 1,
        "address": "New House, Near Metro Line, Bengaluru, KA", "email": "janardhan@example.com",
        "phone": "+919876543210", "nationality": "IN"}))
    .unwrap();
    let meta = CwtClaims {
        iss: Some("https://id.example.gov".into()),
        exp: Some(2_000_000_000),
        iat: Some(1_700_000_000),
        ..CwtClaims::default()
    };
    let options = EncodeOptions {
        kid: Some(b"k1".to_vec()),
        ..EncodeOptions::default()
    };
    let text = claim169::encode(&person, &meta, &key, &options).unwrap();
    let png = QrCode::encode(&text, EcLevel::M)
        .unwrap()
        .to_png(Style::default())
        .unwrap();

    let parsed = claim169::parse(&text, &ParseOptions::default()).unwrap();
    let sign1 = parsed.sign1().unwrap();
    let tbs = sign1.to_be_signed(b"", None).unwrap();
    let signature = sign1.as_coset().signature.clone();
    let public = key.public_key().clone();
    let raw = || public.verify(Algorithm::EdDsa, &tbs, &signature).unwrap();

    let trust = serde_json::json!({"issuers": [{"issuer": "https://id.example.gov", "kid": "k1",
                                                "keys": [public.to_jwk()]}]});
    let verifier = Verifier::builder(
        Arc::new(JsonTrustStore::parse(&trust.to_string()).unwrap()),
        Policy::default(),
        Arc::new(FixedClock::at_unix(1_800_000_000)),
    )
    .build();
    let text_request = VerifyRequest::text(text.clone());
    let image_request = VerifyRequest::bytes(png);
    let verify_text = || {
        assert!(
            verifier
                .verify(std::hint::black_box(&text_request))
                .unwrap()
                .is_valid()
        )
    };
    let verify_image = || {
        assert!(
            verifier
                .verify(std::hint::black_box(&image_request))
                .unwrap()
                .is_valid()
        )
    };
    let parse_only = || {
        claim169::parse(std::hint::black_box(&text), &ParseOptions::default()).unwrap();
    };

    let mut group = c.benchmark_group("verifier/claim169");
    group.bench_function("raw_ed25519_verify", |b| b.iter(raw));
    group.bench_function("verify_text", |b| b.iter(verify_text));
    group.bench_function("verify_qr_png", |b| b.iter(verify_image));
    group.finish();
    common::report_ratio("verifier claim169 text (EdDSA)", raw, verify_text);
    common::report_ratio("claim169 parse alone (EdDSA)", raw, parse_only);
    common::report_ratio("verifier claim169 from a QR PNG (EdDSA)", raw, verify_image);
}

criterion_group!(benches, bench);
criterion_main!(benches);
