//! COSE_Sign1 decode + verification (the CWT / Claim 169 / mdoc hot path) against the raw
//! signature verify of the same Sig_structure.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::cose::{DecodeOptions, Sign1, Sign1Builder};
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};

fn bench(c: &mut Criterion) {
    // A credential-sized payload (~1 KB), as a CWT claims set would be.
    let payload = vec![0xa5u8; 1024];
    let opts = DecodeOptions::default();
    for alg in [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384] {
        let key = SoftwareKey::generate(alg).unwrap();
        let bytes = Sign1Builder::new(payload.clone())
            .sign(&key)
            .unwrap()
            .encode(true)
            .unwrap();
        let public = key.public_key().clone();
        let msg = Sign1::decode(&bytes, &opts).unwrap();
        let tbs = msg.to_be_signed(b"", None).unwrap();
        let sig = msg.as_coset().signature.clone();
        let raw = || public.verify(alg, &tbs, &sig).unwrap();
        let cose = || {
            let msg = Sign1::decode(std::hint::black_box(&bytes), &opts).unwrap();
            msg.verify(&public, b"").unwrap();
        };

        let mut group = c.benchmark_group(format!("cose_sign1/{alg}"));
        group.bench_function("raw_verify", |b| b.iter(raw));
        group.bench_function("decode_verify", |b| b.iter(cose));
        group.finish();
        common::report_ratio(&format!("COSE_Sign1 decode+verify {alg}"), raw, cose);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
