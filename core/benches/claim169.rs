//! Claim 169 parse + signature verification (the offline QR verifier's hot path) against the
//! raw Ed25519 verify of the same Sig_structure: a small credential, one with a 10 KiB photo,
//! and one with the photo and two fingerprint templates. The largest is also timed stage by
//! stage (Base45, inflate, parse, signature check) to show where the time above the floor goes.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod claim169_inputs;
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::claim169::{self, EncodeOptions, ParseOptions};
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::encoding::{InflateLimit, base45_decode, zlib_decompress};

fn bench(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let public = key.public_key().clone();
    let options = ParseOptions::default();
    for (name, person) in claim169_inputs::all() {
        let meta = claim169_inputs::meta();
        let qr = claim169::encode(&person, &meta, &key, &EncodeOptions::default()).unwrap();
        let parsed = claim169::parse(&qr, &options).unwrap();
        let sign1 = parsed.sign1().unwrap();
        let tbs = sign1.to_be_signed(b"", None).unwrap();
        let sig = sign1.as_coset().signature.clone();
        let raw = || public.verify(Algorithm::EdDsa, &tbs, &sig).unwrap();
        let full = || {
            let parsed = claim169::parse(black_box(&qr), &options).unwrap();
            parsed.verify_signature(&public).unwrap();
        };
        let mut group = c.benchmark_group(format!("claim169/{name}"));
        group.bench_function("raw_verify", |b| b.iter(raw));
        group.bench_function("parse_verify", |b| b.iter(full));
        if name == "photo+biometrics" {
            let packed = base45_decode(&qr).unwrap();
            group.bench_function("stage_base45", |b| {
                b.iter(|| base45_decode(black_box(&qr)).unwrap())
            });
            group.bench_function("stage_inflate", |b| {
                b.iter(|| zlib_decompress(black_box(&packed), InflateLimit::DEFAULT).unwrap())
            });
            group.bench_function("stage_parse", |b| {
                b.iter(|| claim169::parse(black_box(&qr), &options).unwrap())
            });
            group.bench_function("stage_verify_signature", |b| {
                b.iter(|| parsed.verify_signature(&public).unwrap())
            });
        }
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
