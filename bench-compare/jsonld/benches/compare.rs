//! inkan vs ssi: Data Integrity verify (eddsa-rdfc-2022, ecdsa-rdfc-2019 P-256) of the same
//! 20-claim VCDM 2.0 credential, signed by inkan, in one run. Each side starts from the JSON text
//! and resolves the did:key verification method itself; ssi's verify must pass, so this is also
//! a check that ssi accepts inkan's rdfc proofs.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::di::{self, Cryptosuite, DidMethods, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship, did_key};
use ssi::dids::DIDKey;
use ssi::prelude::*;

fn credential(issuer: &str) -> serde_json::Value {
    let mut subject = serde_json::Map::new();
    subject.insert("id".into(), "did:example:holder".into());
    for i in 0..20 {
        subject.insert(format!("claim{i:02}"), format!("value number {i} of the credential").into());
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

fn mean(f: &mut dyn FnMut(), budget: Duration) -> f64 {
    for _ in 0..10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(n.max(1))
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let clock = FixedClock::at_unix(1_767_225_600);
    for (suite, alg, name) in [
        (Cryptosuite::EddsaRdfc2022, Algorithm::EdDsa, "eddsa-rdfc-2022"),
        (Cryptosuite::EcdsaRdfc2019, Algorithm::Es256, "ecdsa-rdfc-2019-p256"),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let did = did_key(key.public_key());
        let vm = format!("{did}#{}", &did["did:key:".len()..]);
        let opts = ProofOptions::new(suite, vm, Relationship::AssertionMethod);
        let signed = di::add_proof(&credential(&did), &opts, &key).unwrap();
        let text = signed.to_string();

        let check = VerifyOptions::new(Relationship::AssertionMethod, &clock);
        let mut inkan = || {
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            di::verify(&doc, &check, &DidMethods(&KeyDidResolver)).unwrap();
        };
        let params = VerificationParameters::from_resolver(DIDKey.into_vm_resolver());
        let mut ssi = || {
            let vc = ssi::claims::data_integrity::from_json_str::<
                ssi::claims::vc::v2::JsonCredential,
                ssi::claims::data_integrity::AnySuite,
            >(&text)
            .unwrap();
            rt.block_on(vc.verify(&params)).unwrap().unwrap();
        };

        c.bench_function(&format!("inkan verify {name}"), |b| b.iter(&mut inkan));
        c.bench_function(&format!("ssi verify {name}"), |b| b.iter(&mut ssi));
        let budget = Duration::from_millis(500);
        let rounds: Vec<(f64, f64)> = (0..5).map(|_| (mean(&mut inkan, budget), mean(&mut ssi, budget))).collect();
        let mut ratios: Vec<f64> = rounds.iter().map(|(i, s)| s / i).collect();
        ratios.sort_by(f64::total_cmp);
        let (i, s) = rounds.iter().fold((0.0, 0.0), |acc, r| (acc.0 + r.0 / 5.0, acc.1 + r.1 / 5.0));
        println!(
            "COMPARE {name}: inkan {:.1} µs, ssi {:.1} µs, ssi/inkan = {:.2} (median round)",
            i * 1e6,
            s * 1e6,
            ratios[ratios.len() / 2]
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
