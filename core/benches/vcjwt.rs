//! VC-JWT verification (parse, DID key resolution, signature, trust, time) and VP-JWT
//! verification with one embedded credential, against the raw signature verify on the same input.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::did::{KeyDidResolver, did_key};
use inkan_core::trust::StaticTrustStore;
use inkan_core::vcjwt::{self, KeySources, PresentationOptions};

fn did_key_signer(alg: Algorithm) -> (SoftwareKey, String) {
    let key = SoftwareKey::generate(alg).unwrap();
    let did = did_key(key.public_key());
    let kid = format!("{did}#{}", &did["did:key:".len()..]);
    (key.with_kid(kid), did)
}

/// A credential-sized VC (~1 KB of subject claims).
fn credential(issuer: &str, holder: &str) -> serde_json::Value {
    let mut subject: serde_json::Map<String, serde_json::Value> = (0..20)
        .map(|i| {
            (
                format!("claim_{i}"),
                format!("value number {i} of the credential").into(),
            )
        })
        .collect();
    subject.insert("id".into(), holder.into());
    serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "IDCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": subject,
    })
}

fn raw_floor(token: &str, key: &inkan_core::crypto::PublicKey, alg: Algorithm) -> impl FnMut() {
    let (input, sig) = token.rsplit_once('.').unwrap();
    let (input, sig) = (
        input.to_owned(),
        inkan_core::encoding::b64url_decode(sig).unwrap(),
    );
    let key = key.clone();
    move || key.verify(alg, input.as_bytes(), &sig).unwrap()
}

fn bench(c: &mut Criterion) {
    let now = FixedClock::at_unix(1_767_225_600);
    let rules = TimeRules::default();
    for alg in [Algorithm::EdDsa, Algorithm::Es256] {
        let (issuer_key, issuer) = did_key_signer(alg);
        let (holder_key, holder) = did_key_signer(alg);
        let vc = vcjwt::sign_vc(&credential(&issuer, &holder), &issuer_key).unwrap();
        let options = PresentationOptions::new("https://verifier.example", "n-1", 1_767_225_600);
        let vp = vcjwt::sign_vp(&holder, &[&vc], &options, &holder_key).unwrap();
        let trust = StaticTrustStore::builder().trusted_did(&issuer).build();
        let sources = KeySources {
            trust: &trust,
            dids: &KeyDidResolver,
        };
        let verify_vc = || {
            vcjwt::verify_vc(std::hint::black_box(&vc), &sources, &rules, &now).unwrap();
        };
        let verify_vp = || {
            vcjwt::verify_vp(
                std::hint::black_box(&vp),
                &sources,
                "https://verifier.example",
                "n-1",
                &rules,
                &now,
            )
            .unwrap();
        };
        let mut raw = raw_floor(&vc, issuer_key.public_key(), alg);

        let mut group = c.benchmark_group(format!("vcjwt/{alg}"));
        group.bench_function("raw_verify", |b| b.iter(&mut raw));
        group.bench_function("verify_vc", |b| b.iter(verify_vc));
        group.bench_function("verify_vp_1_vc", |b| b.iter(verify_vp));
        group.finish();
        common::report_ratio(&format!("vc-jwt verify {alg}"), &mut raw, verify_vc);
        // Two signatures (holder + issuer): the floor is two raw verifies.
        let mut raw_vp = raw_floor(&vp, holder_key.public_key(), alg);
        common::report_ratio(
            &format!("vp-jwt verify (1 vc, floor = 2 raw) {alg}"),
            || {
                raw();
                raw_vp();
            },
            verify_vp,
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
