//! The verifier's `ldp_vc` format: W3C credentials and presentations with Data Integrity proofs
//! (the W3C JCS vectors, and credentials issued by inkan-issuer), every check and its negatives.

use std::sync::Arc;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::di::Cryptosuite;
use inkan_core::trust::{StaticTrustStore, TrustStore};
use inkan_issuer::data_integrity::{DiIssueOptions, PresentOptions, issue, present};
use inkan_issuer::jwt_vc::DidMethod;
use inkan_test_vectors::json;
use inkan_verifier::{Policy, Verification, Verifier, VerifyRequest};
use serde_json::{Value, json};

const NOW: i64 = 1_767_225_600; // 2026-01-01

fn verifier(trust: impl TrustStore + 'static, at: i64) -> Verifier {
    Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(at)),
    )
    .build()
}

fn outcome(report: &Verification, check: &str) -> String {
    let json = report.to_json();
    let c = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .unwrap_or_else(|| panic!("no {check} in {json:#}"));
    match c["outcome"].as_str().unwrap() {
        "failed" => c["code"].as_str().unwrap().to_owned(),
        other => other.to_owned(),
    }
}

struct Party {
    key: SoftwareKey,
    did: String,
    vm: String,
}

fn party(alg: Algorithm) -> Party {
    let key = SoftwareKey::generate(alg).unwrap();
    let (did, vm) = DidMethod::Key.identify(key.public_key());
    Party { key, did, vm }
}

fn claims() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["ExampleIdentityCredential"],
        "credentialSubject": {"given_name": "Max", "family_name": "Mustermann"},
    })
}

fn issued(issuer: &Party, suite: Cryptosuite, holder: &str) -> Value {
    let options = DiIssueOptions::new(&issuer.did, &issuer.vm, suite)
        .subject(holder)
        .valid_for_secs(86_400 * 365);
    issue(&claims(), &options, &issuer.key, &FixedClock::at_unix(NOW - 1000)).unwrap()
}

fn check(v: &Verifier, doc: &Value) -> Verification {
    v.verify(&VerifyRequest::text(doc.to_string())).unwrap()
}

#[test]
fn w3c_jcs_vectors_verify_when_the_issuer_key_is_trusted() {
    for (dir, suffix, key) in [
        (
            "w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022",
            "JCS",
            "w3c-vc-di-eddsa/TestVectors/keyPair.json",
        ),
        (
            "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256",
            "JCSECDSAP256",
            "w3c-vc-di-ecdsa/TestVectors/p256KeyPair.json",
        ),
        (
            "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384",
            "JCSECDSAP384",
            "w3c-vc-di-ecdsa/TestVectors/p384KeyPair.json",
        ),
    ] {
        let signed = json(&format!("{dir}/signed{suffix}.json"));
        let public = inkan_test_vectors::multikey_pair(key).public_key().clone();
        let trusted = StaticTrustStore::builder()
            .issuer_key("https://vc.example/issuers/5678", None, public)
            .build();
        let report = check(&verifier(trusted, NOW), &signed);
        assert_eq!(report.format(), "ldp_vc");
        assert!(report.is_valid(), "{dir}: {:#}", report.to_json());
        assert_eq!(report.issuer(), Some("https://vc.example/issuers/5678"));
        // Without the trust store's word, a did:key proof is not the URL issuer's.
        let report = check(&verifier(StaticTrustStore::builder().build(), NOW), &signed);
        assert_eq!(outcome(&report, "signature"), "di.key_not_authorized");
    }
}

#[test]
fn issued_credentials_verify_and_every_negative_is_typed() {
    let issuer = party(Algorithm::EdDsa);
    let trust = || StaticTrustStore::builder().trusted_did(&issuer.did).build();
    for suite in [Cryptosuite::EddsaJcs2022, Cryptosuite::EcdsaJcs2019] {
        let issuer = if suite == Cryptosuite::EddsaJcs2022 {
            party(Algorithm::EdDsa)
        } else {
            party(Algorithm::Es384)
        };
        let vc = issued(&issuer, suite, "did:example:holder");
        let v = verifier(StaticTrustStore::builder().trusted_did(&issuer.did).build(), NOW);
        let report = check(&v, &vc);
        assert!(report.is_valid(), "{:#}", report.to_json());
        assert_eq!(report.credential_type(), Some("ExampleIdentityCredential"));
        assert_eq!(report.claims()["credentialSubject"]["given_name"], "Max");
        assert!(report.claims().get("proof").is_none());
        assert_eq!(outcome(&report, "status"), "not_applicable");
    }
    let vc = issued(&issuer, Cryptosuite::EddsaJcs2022, "did:example:holder");
    let v = verifier(trust(), NOW);

    let mut changed = vc.clone();
    changed["credentialSubject"]["given_name"] = "Eve".into();
    assert_eq!(outcome(&check(&v, &changed), "signature"), "di.bad_signature");

    let mut purpose = vc.clone();
    purpose["proof"]["proofPurpose"] = "authentication".into();
    assert_eq!(
        outcome(&check(&v, &purpose), "signature"),
        "di.wrong_proof_purpose"
    );

    let mut suite = vc.clone();
    suite["proof"]["cryptosuite"] = "eddsa-2099".into();
    assert_eq!(outcome(&check(&v, &suite), "signature"), "di.unknown_cryptosuite");

    let mut value = vc.clone();
    value["proof"]["proofValue"] = "not multibase".into();
    assert_eq!(outcome(&check(&v, &value), "signature"), "di.bad_proof_value");

    let expired = check(&verifier(trust(), NOW + 86_400 * 400), &vc);
    assert_eq!(outcome(&expired, "validity"), "vcdm.expired");
    assert!(!expired.is_valid());

    let untrusted = check(&verifier(StaticTrustStore::builder().build(), NOW), &vc);
    assert_eq!(outcome(&untrusted, "trust"), "trust.untrusted");

    // Signed by another did:key than the issuer's.
    let other = party(Algorithm::EdDsa);
    let mut forged = vc.clone();
    forged.as_object_mut().unwrap().remove("proof");
    let opts = inkan_core::di::ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        &other.vm,
        inkan_core::did::Relationship::AssertionMethod,
    );
    let forged = inkan_core::di::add_proof(&forged, &opts, &other.key).unwrap();
    assert_eq!(outcome(&check(&v, &forged), "signature"), "di.key_not_authorized");

    // Not the data model: refused at decode.
    let mut bad = vc.clone();
    bad["issuer"] = "not a url".into();
    assert_eq!(outcome(&check(&v, &bad), "decode"), "vcdm.bad_issuer");

    // Status: no status list credential cached, so not checked (tests/ldp_vc_online.rs checks
    // entries against lists).
    let mut with_status = claims();
    with_status["credentialStatus"] = json!({"id": "https://example.com/status/1#5", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": "https://example.com/status/1"});
    let options = DiIssueOptions::new(&issuer.did, &issuer.vm, Cryptosuite::EddsaJcs2022);
    let vc = issue(&with_status, &options, &issuer.key, &FixedClock::at_unix(NOW)).unwrap();
    let report = check(&v, &vc);
    assert_eq!(outcome(&report, "status"), "not_applicable");
    let strict = Verifier::builder(
        Arc::new(trust()),
        Policy::default().require(inkan_verifier::CheckId::STATUS),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .build();
    let report = strict.verify(&VerifyRequest::text(vc.to_string())).unwrap();
    assert_eq!(outcome(&report, "status"), "bitstring.unavailable");
}

#[test]
fn presentations_check_challenge_domain_and_holder() {
    let issuer = party(Algorithm::Es256);
    let holder = party(Algorithm::EdDsa);
    let vc = issued(&issuer, Cryptosuite::EcdsaJcs2019, &holder.did);
    let options = PresentOptions::new(&holder.did, &holder.vm, Cryptosuite::EddsaJcs2022)
        .challenge("nonce-123")
        .domain("https://verifier.example");
    let vp = present(
        std::slice::from_ref(&vc),
        &options,
        &holder.key,
        &FixedClock::at_unix(NOW),
    )
    .unwrap();
    let v = verifier(StaticTrustStore::builder().trusted_did(&issuer.did).build(), NOW);
    let request = |nonce: Option<&str>, aud: Option<&str>| {
        let mut r = VerifyRequest::text(vp.to_string());
        if let Some(n) = nonce {
            r = r.nonce(n);
        }
        if let Some(a) = aud {
            r = r.audience(a);
        }
        v.verify(&r).unwrap()
    };
    let ok = request(Some("nonce-123"), Some("https://verifier.example"));
    assert!(ok.is_valid(), "{:#}", ok.to_json());
    assert_eq!(outcome(&ok, "holder_binding"), "passed");
    assert_eq!(ok.claims()["holder"], holder.did.as_str());
    assert_eq!(
        outcome(&request(Some("other"), None), "holder_binding"),
        "di.challenge_mismatch"
    );
    assert_eq!(
        outcome(&request(None, None), "holder_binding"),
        "di.challenge_mismatch"
    );
    assert_eq!(
        outcome(
            &request(Some("nonce-123"), Some("https://evil.example")),
            "holder_binding"
        ),
        "di.domain_mismatch"
    );
    // A tampered credential inside fails the signature check of the whole presentation.
    let mut tampered = vp.clone();
    tampered["verifiableCredential"][0]["credentialSubject"]["given_name"] = "Eve".into();
    let report = v
        .verify(&VerifyRequest::text(tampered.to_string()).nonce("nonce-123"))
        .unwrap();
    assert_eq!(outcome(&report, "signature"), "di.bad_signature");
    // A presentation signed by someone other than its holder.
    let stranger = party(Algorithm::EdDsa);
    let mut vp2 = present(
        &[vc],
        &PresentOptions::new(&holder.did, &stranger.vm, Cryptosuite::EddsaJcs2022).challenge("n"),
        &stranger.key,
        &FixedClock::at_unix(NOW),
    )
    .unwrap();
    let report = v
        .verify(&VerifyRequest::text(vp2.to_string()).nonce("n"))
        .unwrap();
    assert_eq!(outcome(&report, "holder_binding"), "di.key_not_authorized");
    // An assertionMethod proof is not a presentation proof.
    vp2["proof"]["proofPurpose"] = "assertionMethod".into();
    let report = v
        .verify(&VerifyRequest::text(vp2.to_string()).nonce("n"))
        .unwrap();
    assert_eq!(outcome(&report, "signature"), "di.wrong_proof_purpose");
}

#[test]
fn oversized_and_deep_documents_are_refused() {
    let v = verifier(StaticTrustStore::builder().build(), NOW);
    let mut deep = json!("x");
    for _ in 0..80 {
        deep = json!({"a": deep});
    }
    let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
        "proof": {}, "credentialSubject": deep});
    assert_eq!(outcome(&check(&v, &doc), "decode"), "vcdm.too_deep");
    let big = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {},
        "pad": "x".repeat(1024 * 1024)});
    let report = Verifier::builder(
        Arc::new(StaticTrustStore::builder().build()),
        Policy::default().max_input_bytes(4 * 1024 * 1024),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .build()
    .verify(&VerifyRequest::text(big.to_string()))
    .unwrap();
    assert_eq!(outcome(&report, "decode"), "input.too_large");
}
