//! JWS compact verification (the JWT hot path) against the raw signature verify on the same input.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::jose::Header;
use inkan_core::jose::jws::{VerifyOptions, sign_compact, verify_compact};

/// A credential-sized payload (~1 KB of claims).
fn payload() -> Vec<u8> {
    let claims: serde_json::Map<String, serde_json::Value> = (0..24)
        .map(|i| {
            (
                format!("claim_{i}"),
                serde_json::json!(format!("value number {i} of the credential")),
            )
        })
        .collect();
    serde_json::to_vec(&claims).unwrap()
}

fn bench(c: &mut Criterion) {
    let payload = payload();
    let opts = VerifyOptions::default();
    for alg in [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384] {
        let key = SoftwareKey::generate(alg).unwrap();
        let token = sign_compact(&payload, &Header::for_signer(&key), &key).unwrap();
        let public = key.public_key().clone();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = inkan_core::encoding::b64url_decode(sig).unwrap();
        let raw = || public.verify(alg, input.as_bytes(), &sig).unwrap();
        let jws = || {
            verify_compact(std::hint::black_box(&token), &public, &opts).unwrap();
        };

        let mut group = c.benchmark_group(format!("jws/{alg}"));
        group.bench_function("raw_verify", |b| b.iter(raw));
        group.bench_function("verify_compact", |b| b.iter(jws));
        group.finish();
        common::report_ratio(&format!("jws verify {alg}"), raw, jws);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
