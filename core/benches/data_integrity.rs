//! Data Integrity verify (eddsa-jcs-2022, ecdsa-jcs-2019 P-256) of a typical 20-claim VCDM 2.0
//! credential — parse the JSON text, check the data model, resolve the did:key method, JCS,
//! hash, verify — against the raw signature verify of the same hash data in the same run.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, KeyType, SoftwareKey, Verifier};
use inkan_core::di::{self, Cryptosuite, DidMethods, Env, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship, did_key};
use inkan_core::encoding::multibase_decode;
use inkan_core::vcdm::Credential;
use serde_json::Value;

/// A credential-sized VC: 20 subject claims (~1 KB).
fn credential(issuer: &str) -> Value {
    let mut subject: serde_json::Map<String, Value> = (0..20)
        .map(|i| {
            (
                format!("claim_{i}"),
                format!("value number {i} of the credential").into(),
            )
        })
        .collect();
    subject.insert("id".into(), "did:example:holder".into());
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "IDCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": subject,
    })
}

fn bench(c: &mut Criterion) {
    let clock = FixedClock::at_unix(1_767_225_600);
    for (alg, suite) in [
        (Algorithm::EdDsa, Cryptosuite::EddsaJcs2022),
        (Algorithm::Es256, Cryptosuite::EcdsaJcs2019),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let did = did_key(key.public_key());
        let vm = format!("{did}#{}", &did["did:key:".len()..]);
        let options = ProofOptions::new(suite, vm, Relationship::AssertionMethod);
        let signed = di::add_proof(&credential(&did), &options, &key).unwrap();
        let text = signed.to_string();

        // The floor: the raw verify of exactly the bytes the proof signs.
        let mut config = signed["proof"].clone();
        let sig = multibase_decode(config["proofValue"].as_str().unwrap())
            .unwrap()
            .1;
        config.as_object_mut().unwrap().remove("proofValue");
        let mut unsecured = signed.clone();
        unsecured.as_object_mut().unwrap().remove("proof");
        let kind: KeyType = key.public_key().key_type();
        let data = suite
            .hash_data(kind, &config, &unsecured, &Env::default())
            .unwrap();
        let public = key.public_key().clone();
        let mut raw = || public.verify(alg, std::hint::black_box(&data), &sig).unwrap();

        let methods = DidMethods(&KeyDidResolver);
        let verify_opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
        let verify = || {
            let doc: Value = serde_json::from_str(std::hint::black_box(&text)).unwrap();
            let vc = Credential::from_value(doc).unwrap();
            vc.check_validity(&clock, 0).unwrap();
            di::verify(vc.document(), &verify_opts, &methods).unwrap();
        };

        let mut group = c.benchmark_group(format!("data_integrity/{}", suite.name()));
        group.bench_function("raw_verify", |b| b.iter(&mut raw));
        group.bench_function("verify_credential", |b| b.iter(verify));
        group.finish();
        common::report_ratio(
            &format!("{} verify (20 claims) {alg}", suite.name()),
            &mut raw,
            verify,
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
