//! Claim 169 parse + signature verification (the offline QR verifier's hot path) against the
//! raw Ed25519 verify of the same Sig_structure: a small credential, and one with a ~10 KB photo
//! and biometrics.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::claim169::{
    self, Biometric, BiometricFormat, BodyPart, EncodeOptions, IdentityData, ParseOptions, SubFormat,
};
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::encoding::InflateLimit;

fn small() -> IdentityData {
    IdentityData {
        id: Some("ID-SIGNED-001".into()),
        full_name: Some("Signed Test Person".into()),
        ..IdentityData::default()
    }
}

fn with_photo() -> IdentityData {
    // Photo bytes that do not compress, like a real JPEG/WebP.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let photo = (0..10 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let finger = |i: u8| Biometric {
        data: vec![i; 300],
        format: Some(BiometricFormat::Template),
        sub_format: Some(SubFormat::from_code(Some(BiometricFormat::Template), 1)),
        issuer: Some("vendor".into()),
    };
    IdentityData {
        photo: Some(photo),
        photo_format: Some(claim169::PhotoFormat::Webp),
        date_of_birth: Some("19840418".into()),
        address: Some("New House, Near Metro Line, Bengaluru, KA".into()),
        biometrics: [
            (BodyPart::RightThumb, vec![finger(1)]),
            (BodyPart::LeftThumb, vec![finger(2)]),
        ]
        .into(),
        ..small()
    }
}

fn bench(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let public = key.public_key().clone();
    let meta = CwtClaims {
        iss: Some("https://mosip.example.org".into()),
        exp: Some(1_800_000_000),
        iat: Some(1_700_000_000),
        ..CwtClaims::default()
    };
    let options = ParseOptions {
        inflate_limit: InflateLimit::new(256 * 1024),
        ..ParseOptions::default()
    };
    for (name, person) in [("small", small()), ("photo+biometrics", with_photo())] {
        let qr = claim169::encode(&person, &meta, &key, &EncodeOptions::default()).unwrap();
        let parsed = claim169::parse(&qr, &options).unwrap();
        let sign1 = parsed.sign1().unwrap();
        let tbs = sign1.to_be_signed(b"", None).unwrap();
        let sig = sign1.as_coset().signature.clone();
        let raw = || public.verify(Algorithm::EdDsa, &tbs, &sig).unwrap();
        let full = || {
            let parsed = claim169::parse(std::hint::black_box(&qr), &options).unwrap();
            parsed.verify_signature(&public).unwrap();
        };
        let mut group = c.benchmark_group(format!("claim169/{name}"));
        group.bench_function("raw_verify", |b| b.iter(raw));
        group.bench_function("parse_verify", |b| b.iter(full));
        group.finish();
        common::report_ratio(
            &format!("Claim 169 parse+verify {name} ({} chars QR) EdDSA", qr.len()),
            raw,
            full,
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
