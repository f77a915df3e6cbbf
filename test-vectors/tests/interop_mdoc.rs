//! mdoc interop with pymdoccbor 1.4.0 (issuerAuth, x5chain to the IACA, value digests; issuance)
//! and pycose 1.1.0 + cbor2 5.9.0 (deviceSignature over DeviceAuthentication, which pymdoccbor
//! does not check), both directions (oracle: `interop/mdoc_oracle.py`).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ciborium::Value;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::mdoc::*;
use inkan_core::trust::{StaticTrustStore, purpose};
use inkan_core::x509::{Certificate, TrustAnchor};
use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
use inkan_test_vectors::run_oracle;
use inkan_verifier::{CheckId, Outcome, Policy, Verifier, VerifyRequest};
use serde_json::{Value as Json, json};

const ORACLE: &str = "mdoc_oracle.py";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn transcript() -> SessionTranscript {
    SessionTranscript::openid4vp(
        "x509_san_dns:rp.example",
        "nonce-42",
        None,
        "https://rp.example/post",
    )
    .unwrap()
}

fn oracle(command: &str, request: Json) -> Json {
    serde_json::from_str(&run_oracle(ORACLE, &[command, &request.to_string()])).unwrap()
}

/// An mdoc issued by inkan-issuer under a test IACA and presented by inkan-wallet.
fn inkan_response() -> (Certificate, DeviceResponse) {
    let clock = FixedClock::at_unix(now() - 60);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let ds_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let claims = json!({
        NAMESPACE_MDL: {"family_name": "Doe", "given_name": "Ada", "age_over_18": true,
                        "birth_date": {"$full-date": "1990-01-31"}, "portrait": {"$bytes": "AAEC"}},
        "org.inkan.extra": {"level": 3}
    });
    let content = MdocContent::from_json(DOCTYPE_MDL, &claims, device.public_key()).unwrap();
    let held = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
        .issue(&content, &clock)
        .unwrap();
    let request = DeviceRequest::new(vec![
        ItemsRequest::new(DOCTYPE_MDL)
            .element(NAMESPACE_MDL, "family_name", false)
            .element(NAMESPACE_MDL, "birth_date", false)
            .element(NAMESPACE_MDL, "age_over_18", false)
            .element("org.inkan.extra", "level", true),
    ])
    .unwrap();
    let response = inkan_wallet::mdoc::present(&[held], &request, &transcript(), &device).unwrap();
    (iaca, response)
}

fn verify_request(iaca: &Certificate, response: &DeviceResponse) -> Json {
    json!({
        "response_hex": hex::encode(response.encode().unwrap()),
        "iaca_der_hex": hex::encode(iaca.der()),
        "transcript_hex": hex::encode(transcript().bytes()),
    })
}

#[test]
fn inkan_issued_and_presented_verifies_in_pymdoccbor() {
    let (iaca, response) = inkan_response();
    let out = oracle("verify", verify_request(&iaca, &response));
    assert_eq!(out["pymdoccbor_valid"], true, "{out}");
    assert_eq!(out["hashes_total"], 4);
    assert_eq!(out["hashes_verified"], 4);
    assert_eq!(out["device_signature_valid"], true);
    assert_eq!(out["disclosed"][NAMESPACE_MDL]["family_name"], "Doe");
    assert_eq!(out["disclosed"][NAMESPACE_MDL]["birth_date"], "1990-01-31");
    assert_eq!(out["disclosed"]["org.inkan.extra"]["level"], 3);
    assert!(out["disclosed"][NAMESPACE_MDL].get("given_name").is_none());
}

#[test]
fn pymdoccbor_refuses_what_inkan_refuses() {
    let (iaca, response) = inkan_response();
    // A tampered element value: the digest no longer matches.
    let mut tampered = response.clone();
    let slot = &mut tampered.documents[0].issuer_signed.name_spaces[0].1[0];
    let mut item = slot.value().clone();
    item.element_value = Value::Text("Roe".into());
    *slot = item.to_tagged().unwrap();
    assert_eq!(
        oracle("verify", verify_request(&iaca, &tampered))["pymdoccbor_valid"],
        false
    );
    // Another IACA: the DS certificate does not chain to it.
    let (stranger, _) = inkan_response();
    assert_eq!(
        oracle("verify", verify_request(&stranger, &response))["pymdoccbor_valid"],
        false
    );
    // The device signature is bound to the transcript.
    let mut other = verify_request(&iaca, &response);
    let moved = SessionTranscript::openid4vp(
        "x509_san_dns:rp.example",
        "nonce-43",
        None,
        "https://rp.example/post",
    );
    other["transcript_hex"] = hex::encode(moved.unwrap().bytes()).into();
    assert_eq!(oracle("verify", other)["device_signature_valid"], false);
}

#[test]
fn pymdoccbor_issued_verifies_in_inkan() {
    let claims = json!({ NAMESPACE_MDL: {"family_name": "Doe", "given_name": "Ada", "age_over_18": true, "document_number": "X-1"} });
    let out = oracle(
        "issue",
        json!({"doc_type": DOCTYPE_MDL, "claims": claims, "transcript_hex": hex::encode(transcript().bytes())}),
    );
    let bytes = hex::decode(out["response_hex"].as_str().unwrap()).unwrap();
    let iaca = Certificate::from_der(&hex::decode(out["iaca_der_hex"].as_str().unwrap()).unwrap()).unwrap();
    let trust = StaticTrustStore::builder()
        .x509_anchor(purpose::MDOC_IACA, TrustAnchor::from_certificate(iaca).unwrap())
        .build();
    let clock = FixedClock::at_unix(now());
    let verifier = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(clock)).build();
    let request = VerifyRequest::bytes(bytes.clone()).session_transcript(transcript().bytes().to_vec());
    let report = verifier.verify(&request).unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert_eq!(
        report.claims()["nameSpaces"][NAMESPACE_MDL]["document_number"],
        "X-1"
    );
    assert_eq!(
        report.check(&CheckId::HOLDER_BINDING).unwrap().outcome,
        Outcome::Passed
    );
    // Its structures parse in core, and every digest checks there too.
    let response = DeviceResponse::decode(&bytes).unwrap();
    assert_eq!(verify_digests(&response.documents[0].issuer_signed).unwrap(), 4);
    // Bound to the transcript it was made for.
    let other = SessionTranscript::openid4vp(
        "x509_san_dns:rp.example",
        "nonce-43",
        None,
        "https://rp.example/post",
    );
    let request = VerifyRequest::bytes(bytes).session_transcript(other.unwrap().bytes().to_vec());
    let report = verifier.verify(&request).unwrap();
    assert!(
        matches!(report.check(&CheckId::HOLDER_BINDING).unwrap().outcome, Outcome::Failed { ref code, .. } if code == "mdoc.bad_device_signature")
    );
}
