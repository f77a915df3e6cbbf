//! Data Integrity verify of a 20-claim VCDM 2.0 credential with the RDFC suites
//! (`eddsa-rdfc-2022`, `ecdsa-rdfc-2019` P-256): the whole `di::verify` (JSON-LD expansion from
//! the cached processed context, RDFC-1.0 of document and proof configuration, hashing, did:key
//! resolution, signature) against the raw signature verify on the same hash data; and
//! canonicalization alone. ssi's own verify of the same credential is timed beside inkan's in
//! `bench-compare/jsonld` (ssi is too heavy for the workspace).

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier as _};
use inkan_core::di::{self, Cryptosuite, DidMethods, Env, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship, did_key};
use inkan_core::jsonld::{self, ContextLoader};

fn credential(issuer: &str) -> serde_json::Value {
    let mut subject = serde_json::Map::new();
    subject.insert("id".into(), "did:example:holder".into());
    for i in 0..20 {
        subject.insert(
            format!("claim{i:02}"),
            format!("value number {i} of the credential").into(),
        );
    }
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:2f7b2c1e-0d5a-4c7e-9a51-1f1b4f0c9e11",
        "type": ["VerifiableCredential", "ExampleIdentityCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": subject,
    })
}

fn bench(c: &mut Criterion) {
    let clock = FixedClock::at_unix(1_767_225_600);
    for (suite, alg, name) in [
        (Cryptosuite::EddsaRdfc2022, Algorithm::EdDsa, "eddsa-rdfc-2022"),
        (
            Cryptosuite::EcdsaRdfc2019,
            Algorithm::Es256,
            "ecdsa-rdfc-2019 P-256",
        ),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let did = did_key(key.public_key());
        let vm = format!("{did}#{}", &did["did:key:".len()..]);
        let opts = ProofOptions::new(suite, vm, Relationship::AssertionMethod);
        let signed = di::add_proof(&credential(&did), &opts, &key).unwrap();
        let check = VerifyOptions::new(Relationship::AssertionMethod, &clock);
        let verify = || {
            di::verify(&signed, &check, &DidMethods(&KeyDidResolver)).unwrap();
        };

        // The floor: the raw signature over the same hash data the suite computes.
        let proof = di::Proof::from_value(&signed["proof"]).unwrap();
        let mut unsecured = signed.clone();
        unsecured.as_object_mut().unwrap().remove("proof");
        let data = suite
            .hash_data(
                key.public_key().key_type(),
                &serde_json::Value::Object(proof.options()),
                &unsecured,
                &Env::default(),
            )
            .unwrap();
        let public = key.public_key().clone();
        let floor = || public.verify(alg, &data, proof.proof_value()).unwrap();
        floor();

        c.bench_function(&format!("di verify {name} (20 claims)"), |b| b.iter(verify));
        c.bench_function(&format!("raw verify {name}"), |b| b.iter(floor));
        common::report_ratio(&format!("di verify {name} (20 claims)"), floor, verify);
    }

    let doc = credential("did:example:issuer");
    let loader = ContextLoader::shared();
    c.bench_function("jsonld canonicalize (20 claims, cached contexts)", |b| {
        b.iter(|| jsonld::canonicalize(&doc, loader).unwrap())
    });
    c.bench_function("jsonld canonicalize (20 claims, fresh loader)", |b| {
        b.iter(|| jsonld::canonicalize(&doc, &ContextLoader::new()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
