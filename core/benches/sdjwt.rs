//! SD-JWT VC verification (10 Disclosures + KB-JWT): parse, issuer signature, Disclosure
//! digests and processing, SD-JWT VC rules, holder key from `cnf`, KB-JWT — against the two raw
//! ES256 verifies it needs (issuer JWT and KB-JWT) on the same inputs.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Signer, SoftwareKey, Verifier};
use inkan_core::encoding::b64url_decode;
use inkan_core::jose::Header;
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::sdjwt::{
    self, ClaimPath, DisclosureFrame, HashAlg, KbExpectation, Limits, OsSalts, SdJwt, vc,
};

const NOW: i64 = 1_767_225_600;

/// A PID-like SD-JWT VC with 10 selectively disclosable claims, all presented, with a KB-JWT.
fn presentation(issuer: &SoftwareKey, holder: &SoftwareKey) -> String {
    let mut claims = serde_json::json!({
        "iss": "https://issuer.example", "vct": "urn:eudi:pid:1", "iat": NOW - 60, "exp": NOW + 86_400,
        "cnf": {"jwk": holder.public_jwk()},
        "status": {"status_list": {"idx": 412, "uri": "https://issuer.example/status/1"}},
    });
    let names = [
        "given_name",
        "family_name",
        "birthdate",
        "birth_place",
        "nationality",
        "resident_address",
        "resident_city",
        "resident_country",
        "document_number",
        "issuing_authority",
    ];
    for (i, name) in names.iter().enumerate() {
        claims[*name] = format!("value {i} of the credential").into();
    }
    let paths: Vec<ClaimPath> = names.iter().map(|n| n.parse().unwrap()).collect();
    let frame = DisclosureFrame::from_paths(&paths);
    let header = Header::for_signer(issuer).with_typ(vc::TYP);
    let sd = sdjwt::issue(
        claims.as_object().unwrap(),
        &frame,
        &header,
        issuer,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    sd.bind(holder, "https://verifier.example", "n-0S6_WzA2Mj", NOW)
        .unwrap()
        .serialize()
}

fn verify(text: &str, issuer: &inkan_core::crypto::PublicKey) {
    let opts = VerifyOptions::default();
    let sd = SdJwt::parse(text, &Limits::default()).unwrap();
    let signed = sd.verify_signature(&opts, |_, _| Ok(issuer)).unwrap();
    vc::check_typ(signed.header.typ.as_deref()).unwrap();
    let processed = sd.process_owned(signed.claims).unwrap();
    vc::check_claims(&processed.claims, &processed.disclosed).unwrap();
    let holder = sdjwt::holder_key(processed.claims.get("cnf"), |_| None).unwrap();
    let expect = KbExpectation::new("https://verifier.example", "n-0S6_WzA2Mj");
    sd.verify_key_binding(
        &holder,
        processed.hash_alg,
        &expect,
        &opts,
        &FixedClock::at_unix(NOW + 1),
    )
    .unwrap();
    assert_eq!(processed.disclosed.len(), 10);
}

/// Signing input and signature of a compact JWS.
fn split(jws: &str) -> (String, Vec<u8>) {
    let (input, sig) = jws.rsplit_once('.').unwrap();
    (input.to_owned(), b64url_decode(sig).unwrap())
}

fn bench(c: &mut Criterion) {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let text = presentation(&issuer, &holder);
    let parsed = SdJwt::parse(&text, &Limits::default()).unwrap();
    let (jwt_input, jwt_sig) = split(parsed.issuer_jwt());
    let (kb_input, kb_sig) = split(parsed.kb_jwt().unwrap());
    let (ik, hk) = (issuer.public_key().clone(), holder.public_key().clone());
    let raw = || {
        ik.verify(Algorithm::Es256, jwt_input.as_bytes(), &jwt_sig)
            .unwrap();
        hk.verify(Algorithm::Es256, kb_input.as_bytes(), &kb_sig).unwrap();
    };
    let full = || verify(std::hint::black_box(&text), &ik);
    if common::count_only(raw, full) {
        return;
    }

    let mut group = c.benchmark_group("sdjwt/ES256");
    group.bench_function("raw_verify_x2", |b| b.iter(raw));
    group.bench_function("verify_vc_10_disclosures_kb", |b| b.iter(full));
    // Where the time beyond the two verifies goes.
    let signed = parsed
        .verify_signature(&VerifyOptions::default(), |_, _| Ok(&ik))
        .unwrap();
    let processed = parsed.process(&signed.claims).unwrap();
    group.bench_function("parse", |b| {
        b.iter(|| SdJwt::parse(std::hint::black_box(&text), &Limits::default()).unwrap())
    });
    group.bench_function("process", |b| {
        b.iter(|| parsed.process(std::hint::black_box(&signed.claims)).unwrap())
    });
    group.bench_function("holder_key_from_cnf", |b| {
        b.iter(|| sdjwt::holder_key(std::hint::black_box(processed.claims.get("cnf")), |_| None).unwrap())
    });
    group.bench_function("sd_hash", |b| {
        b.iter(|| HashAlg::Sha256.digest_b64(std::hint::black_box(parsed.sd_hash_input().as_bytes())))
    });
    let payload = b64url_decode(parsed.issuer_jwt().split('.').nth(1).unwrap()).unwrap();
    group.bench_function("issuer_payload_json", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(std::hint::black_box(
                &payload,
            ))
            .unwrap()
        })
    });
    group.finish();
    common::report_ratio("sd-jwt vc verify (10 disclosures + KB) ES256", raw, full);
}

criterion_group!(benches, bench);
criterion_main!(benches);
