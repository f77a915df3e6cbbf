//! W3C Bitstring Status List lookups (decompress once, then O(1) per entry) in a 131,072- and a
//! 1,000,000-entry list, and vc+jwt verification (parse, DID key resolution, signature, trust,
//! time) against the raw ES256 verify of the same token.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use inkan_core::bitstring::{self, Bitstring, StatusEntry, StatusListCredential, StatusPurpose, StatusSize};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::did::{KeyDidResolver, did_key};
use inkan_core::trust::StaticTrustStore;
use inkan_core::vcjose::{self, Secured};
use inkan_core::vcjwt::KeySources;

const URL: &str = "https://issuer.example/status/1";

/// A list with every 97th entry revoked (a realistic, compressible but not empty list).
fn list(entries: u64) -> Bitstring {
    let mut list = Bitstring::new(entries, StatusSize::ONE).unwrap();
    for i in (0..entries).step_by(97) {
        list.set(i, StatusSize::ONE, 1).unwrap();
    }
    list
}

fn lookups(c: &mut Criterion) {
    let clock = FixedClock::at_unix(1_800_000_000);
    for entries in [131_072u64, 1_000_000] {
        let credential =
            bitstring::list_credential(URL, "did:example:i", StatusPurpose::Revocation, &list(entries));
        let encoded = credential["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap()
            .to_owned();
        c.bench_with_input(BenchmarkId::new("bitstring/decode", entries), &encoded, |b, e| {
            b.iter(|| Bitstring::decode(std::hint::black_box(e)).unwrap())
        });
        let parsed = StatusListCredential::from_credential(&credential).unwrap();
        let entry = StatusEntry::new(StatusPurpose::Revocation, entries - 2, URL);
        c.bench_with_input(BenchmarkId::new("bitstring/check", entries), &parsed, |b, p| {
            b.iter(|| bitstring::check_status(std::hint::black_box(&entry), p, &clock, 0).unwrap())
        });
    }
}

fn vc_jwt(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let did = did_key(key.public_key());
    let key = key.with_kid(format!("{did}#{}", &did["did:key:".len()..]));
    let subject: serde_json::Map<String, serde_json::Value> = (0..20)
        .map(|i| {
            (
                format!("claim_{i}"),
                format!("value number {i} of the credential").into(),
            )
        })
        .collect();
    let credential = serde_json::json!({
        "@context": [vcjose::CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "IDCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": subject,
    });
    let token = vcjose::sign_jwt(&credential, &key).unwrap();
    let trust = StaticTrustStore::builder().trusted_did(&did).build();
    let sources = KeySources {
        trust: &trust,
        dids: &KeyDidResolver,
    };
    let now = FixedClock::at_unix(1_767_225_600);
    let verify = || {
        let parsed = Secured::parse(std::hint::black_box(token.as_bytes())).unwrap();
        let keys = parsed.resolve_keys(&sources).unwrap();
        let (used, _) = keys.verify_with(|k| parsed.verify_signature(k)).unwrap();
        keys.check_trust(parsed.issuer().unwrap(), &used, &trust).unwrap();
        parsed.check_time(&now, 60).unwrap();
    };
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = inkan_core::encoding::b64url_decode(sig).unwrap();
    let public = key.public_key().clone();
    let floor = || public.verify(Algorithm::Es256, input.as_bytes(), &sig).unwrap();
    c.bench_function("vc+jwt/verify/ES256", |b| b.iter(verify));
    common::report_ratio(
        "vc+jwt verify ES256 (parse, did:key, signature, trust, time)",
        floor,
        verify,
    );
}

criterion_group!(benches, lookups, vc_jwt);
criterion_main!(benches);
