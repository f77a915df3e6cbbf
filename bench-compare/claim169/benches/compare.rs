//! inkan-core against claim169-core on the same signed Claim 169 QR texts: both decode and
//! verify (Ed25519 signature, then `exp`/`nbf`/`iat`), both must agree on every decoded field,
//! and both are timed in one run together with the raw Ed25519 verify of the same
//! Sig_structure — with aws-lc-rs (inkan's default provider) and with ed25519-dalek (what
//! claim169-core verifies with) — so each gets a ratio over its own floor.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

#[path = "../../../core/benches/common/mod.rs"]
mod common;
#[path = "../../../core/benches/claim169_inputs/mod.rs"]
mod inputs;

use std::hint::black_box;

use claim169_core::Decoder;
use claim169_core::crypto::Ed25519Verifier;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::Verifier as _;
use inkan_core::claim169::{self, EncodeOptions, IdentityData, ParseOptions};
use inkan_core::claims::TimeRules;
use inkan_core::clock::SystemClock;
use inkan_core::crypto::{Algorithm, PublicKeyData, SoftwareKey, Verifier as _};

/// Fails the run unless claim169-core read what inkan-core read.
fn assert_agree(ours: &IdentityData, theirs: &claim169_core::model::Claim169) {
    assert_eq!(ours.id, theirs.id);
    assert_eq!(ours.full_name, theirs.full_name);
    assert_eq!(ours.date_of_birth, theirs.date_of_birth);
    assert_eq!(ours.address, theirs.address);
    assert_eq!(ours.photo, theirs.photo);
    assert_eq!(
        ours.photo_format.map(|f| f.code()),
        theirs.photo_format.map(i64::from)
    );
    let fingers = |list: &Option<Vec<claim169_core::model::Biometric>>| {
        list.iter()
            .flatten()
            .map(|b| {
                let sub = b.sub_format.as_ref().map(|s| s.to_value());
                (b.data.clone(), b.format.map(i64::from), sub, b.issuer.clone())
            })
            .collect::<Vec<_>>()
    };
    let mut theirs_bio = fingers(&theirs.right_thumb);
    theirs_bio.extend(fingers(&theirs.left_thumb));
    let ours_bio: Vec<_> = ours
        .biometrics
        .values()
        .flatten()
        .map(|b| {
            let sub = b.sub_format.map(|s| s.code());
            (b.data.clone(), b.format.map(|f| f.code()), sub, b.issuer.clone())
        })
        .collect();
    assert_eq!(ours_bio, theirs_bio);
}

fn bench(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let public = key.public_key().clone();
    let PublicKeyData::Ed25519(dalek_key) = public.data().clone() else {
        unreachable!("an EdDSA key")
    };
    // Parsed once, like inkan's `PublicKey`, so neither side times key decoding.
    let theirs_key: &'static Ed25519Verifier = Box::leak(Box::new(
        Ed25519Verifier::from_bytes(dalek_key.as_bytes()).unwrap(),
    ));
    let options = ParseOptions::default();
    let rules = TimeRules::default();
    for (name, person) in inputs::all() {
        let qr = claim169::encode(&person, &inputs::meta(), &key, &EncodeOptions::default()).unwrap();
        let parsed = claim169::parse(&qr, &options).unwrap();
        let sign1 = parsed.sign1().unwrap();
        let tbs = sign1.to_be_signed(b"", None).unwrap();
        let sig = sign1.as_coset().signature.clone();
        let dalek_sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();

        let ours = || claim169::decode(black_box(&qr), &options, &public, &rules, &SystemClock).unwrap();
        let theirs = || {
            Decoder::new(black_box(qr.as_str()))
                .verify_with(theirs_key)
                .decode()
                .unwrap()
        };
        let ours_result = ours();
        let theirs_result = theirs();
        assert_agree(ours_result.claims(), &theirs_result.claim169);
        assert_eq!(ours_result.cwt().iss, theirs_result.cwt_meta.issuer);
        assert_eq!(ours_result.cwt().exp, theirs_result.cwt_meta.expires_at);

        let raw_awslc = || public.verify(Algorithm::EdDsa, &tbs, &sig).unwrap();
        let raw_dalek = || dalek_key.verify(&tbs, &dalek_sig).unwrap();
        let mut group = c.benchmark_group(format!("compare/{name}"));
        group.bench_function("raw_ed25519_aws_lc", |b| b.iter(raw_awslc));
        group.bench_function("raw_ed25519_dalek", |b| b.iter(raw_dalek));
        group.bench_function("inkan_core", |b| b.iter(ours));
        group.bench_function("claim169_core", |b| b.iter(theirs));
        group.finish();
        let label = format!("{name} ({} chars QR)", qr.len());
        common::report_ratio(
            &format!("inkan-core decode+verify {label} / raw aws-lc"),
            raw_awslc,
            || {
                ours();
            },
        );
        common::report_ratio(
            &format!("claim169-core decode+verify {label} / raw dalek"),
            raw_dalek,
            || {
                theirs();
            },
        );
        common::report_ratio(
            &format!("claim169-core decode+verify {label} / raw aws-lc"),
            raw_awslc,
            || {
                theirs();
            },
        );
        common::report_ratio(
            &format!("claim169-core / inkan-core {label}"),
            || {
                ours();
            },
            || {
                theirs();
            },
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
