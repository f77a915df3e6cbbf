//! The verifier's entry point on an mdoc DeviceResponse with 10 elements (detection, decoding,
//! the IACA chain with the 18013-5 profile, issuerAuth, 10 digests, validity, deviceSignature
//! over the session transcript, the report) against the raw ES256 verifies it needs: the DS
//! certificate under the IACA key, issuerAuth, and deviceSignature.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

#[path = "../../core/benches/common/mod.rs"]
mod common;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier as _};
use inkan_core::mdoc::*;
use inkan_core::trust::{StaticTrustStore, purpose};
use inkan_core::x509::TrustAnchor;
use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
use inkan_verifier::{Policy, Verifier, VerifyRequest};

fn bench(c: &mut Criterion) {
    let clock = FixedClock::at_unix(1_800_000_000);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let ds_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
    let elements: serde_json::Map<String, serde_json::Value> = (0..10)
        .map(|i| (format!("element_{i}"), format!("value number {i}").into()))
        .collect();
    let claims = serde_json::json!({ NAMESPACE_MDL: elements });
    let content = MdocContent::from_json(DOCTYPE_MDL, &claims, device.public_key()).unwrap();
    let held = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
        .issue(&content, &clock)
        .unwrap();
    let request = DeviceRequest::new(vec![(0..10).fold(ItemsRequest::new(DOCTYPE_MDL), |r, i| {
        r.element(NAMESPACE_MDL, &format!("element_{i}"), false)
    })])
    .unwrap();
    let transcript =
        SessionTranscript::openid4vp("x509_san_dns:rp.example", "n", None, "https://rp.example/p").unwrap();
    let response = inkan_wallet::mdoc::present(&[held], &request, &transcript, &device).unwrap();
    let bytes = response.encode().unwrap();

    // The three raw verifies, over exactly the bytes the verifier checks.
    let doc = &response.documents[0];
    let issuer_tbs = doc.issuer_signed.issuer_auth.to_be_signed(b"", None).unwrap();
    let issuer_sig = doc.issuer_signed.issuer_auth.as_coset().signature.clone();
    let DeviceAuth::Signature(device_sig) = &doc.device_signed.device_auth else {
        unreachable!()
    };
    let payload =
        device_authentication_bytes(&transcript, DOCTYPE_MDL, &doc.device_signed.name_spaces).unwrap();
    let device_tbs = device_sig.to_be_signed(b"", Some(&payload)).unwrap();
    let device_raw_sig = device_sig.as_coset().signature.clone();
    let cert_sig = ds.signature_raw().unwrap();
    let (iaca_pub, ds_pub, device_pub) = (
        iaca.public_key().unwrap(),
        ds.public_key().unwrap(),
        device.public_key().clone(),
    );
    let raw = || {
        iaca_pub
            .verify(Algorithm::Es256, ds.tbs_der(), &cert_sig)
            .unwrap();
        ds_pub.verify(Algorithm::Es256, &issuer_tbs, &issuer_sig).unwrap();
        device_pub
            .verify(Algorithm::Es256, &device_tbs, &device_raw_sig)
            .unwrap();
    };

    let trust = StaticTrustStore::builder()
        .x509_anchor(
            purpose::MDOC_IACA,
            TrustAnchor::from_certificate(iaca.clone()).unwrap(),
        )
        .build();
    let verifier = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(clock)).build();
    let verify_request = VerifyRequest::bytes(bytes).session_transcript(transcript.bytes().to_vec());
    assert!(verifier.verify(&verify_request).unwrap().is_valid());
    let verify = || {
        assert!(
            verifier
                .verify(std::hint::black_box(&verify_request))
                .unwrap()
                .is_valid()
        )
    };
    if common::count_only(raw, verify) {
        return;
    }

    let mut group = c.benchmark_group("mdoc_device_response");
    group.bench_function("raw_es256_x3", |b| b.iter(raw));
    group.bench_function("verify_10_elements", |b| b.iter(verify));
    group.finish();
    common::report_ratio(
        "mdoc DeviceResponse verify (10 elements) vs 3 raw ES256",
        raw,
        verify,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
