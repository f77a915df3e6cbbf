//! The RDFC Data Integrity suites (`eddsa-rdfc-2022`, `ecdsa-rdfc-2019` P-256/P-384) and the
//! legacy `Ed25519Signature2020` through the `di` framework, against the W3C vectors: EdDSA
//! proofs re-created byte for byte (deterministic signatures), every signed vector verified
//! (ECDSA is randomized: verify only), ECDSA sign → verify, and the negatives.

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, SoftwareKey};
use inkan_core::di::{self, Cryptosuite, DidMethods, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship, did_key};
use inkan_core::encoding::{b64url_encode, multibase_decode, multikey_decode};
use inkan_test_vectors::json;
use serde_json::{Value, json};

const EDDSA: &str = "w3c-vc-di-eddsa/TestVectors";
const ECDSA: &str = "w3c-vc-di-ecdsa/TestVectors";

/// The clock every vector verifies at (after their `created`, 2023-02-24).
fn clock() -> FixedClock {
    FixedClock::at_unix(1_735_689_600)
}

/// The eddsa vectors' key as an inkan signer, and its verification method.
fn eddsa_vector_key() -> (SoftwareKey, String) {
    let pair = json(&format!("{EDDSA}/keyPair.json"));
    let public_mb = pair["publicKeyMultibase"].as_str().unwrap();
    let public = PublicKey::new(multikey_decode(public_mb).unwrap()).unwrap();
    let (_, private) = multibase_decode(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let mut jwk: Value = serde_json::from_str(&public.to_jwk().to_json()).unwrap();
    jwk["d"] = b64url_encode(&private[2..]).into();
    let key = SoftwareKey::from_jwk(&Jwk::from_json(&jwk.to_string()).unwrap()).unwrap();
    (key, format!("did:key:{public_mb}#{public_mb}"))
}

fn verify(doc: &Value) -> inkan_core::Result<Vec<di::VerifiedProof>> {
    let clock = clock();
    di::verify(
        doc,
        &VerifyOptions::new(Relationship::AssertionMethod, &clock),
        &DidMethods(&KeyDidResolver),
    )
}

fn created() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(1_677_281_798).unwrap() // 2023-02-24T23:36:38Z
}

#[test]
fn eddsa_rdfc_2022_proofs_are_recreated_byte_for_byte() {
    let (key, vm) = eddsa_vector_key();
    for dir in [
        format!("{EDDSA}/eddsa-rdfc-2022"),
        format!("{EDDSA}/eddsa-rdfc-2022/employ"),
    ] {
        let expected = json(&format!("{dir}/signedDataInt.json"));
        let mut unsigned = expected.clone();
        unsigned.as_object_mut().unwrap().remove("proof");
        let opts = ProofOptions::new(
            Cryptosuite::EddsaRdfc2022,
            vm.clone(),
            Relationship::AssertionMethod,
        )
        .created(created());
        let signed = di::add_proof(&unsigned, &opts, &key).unwrap();
        assert_eq!(
            signed["proof"]["proofValue"], expected["proof"]["proofValue"],
            "{dir}"
        );
        assert_eq!(signed, expected, "{dir}");
    }
}

#[test]
fn every_signed_rdfc_vector_verifies() {
    for file in [
        format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"),
        format!("{EDDSA}/eddsa-rdfc-2022/employ/signedDataInt.json"),
        format!("{EDDSA}/Ed25519Signature2020/signedEdSig.json"),
        format!("{ECDSA}/ecdsa-rdfc-2019-p256/signedECDSAP256.json"),
        format!("{ECDSA}/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json"),
        format!("{ECDSA}/ecdsa-rdfc-2019-p384/signedECDSAP384.json"),
        format!("{ECDSA}/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json"),
    ] {
        let proofs = verify(&json(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(proofs.len(), 1, "{file}");
    }
}

#[test]
fn ecdsa_rdfc_2019_signs_and_verifies_on_both_curves() {
    for alg in [Algorithm::Es256, Algorithm::Es384] {
        let key = SoftwareKey::generate(alg).unwrap();
        let did = did_key(key.public_key());
        let vm = format!("{did}#{}", &did["did:key:".len()..]);
        let mut doc = json(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json"
        ));
        doc.as_object_mut().unwrap().remove("proof");
        doc["issuer"] = did.clone().into();
        let opts = ProofOptions::new(Cryptosuite::EcdsaRdfc2019, vm, Relationship::AssertionMethod)
            .created(created());
        let signed = di::add_proof(&doc, &opts, &key).unwrap();
        assert!(
            signed["proof"].get("@context").is_none(),
            "rdfc proofs carry no @context"
        );
        assert_eq!(verify(&signed).unwrap()[0].controller(), did);
    }
}

#[test]
fn a_changed_claim_fails_the_signature() {
    for file in [
        format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"),
        format!("{EDDSA}/Ed25519Signature2020/signedEdSig.json"),
        format!("{ECDSA}/ecdsa-rdfc-2019-p384/signedECDSAP384.json"),
    ] {
        let mut doc = json(&file);
        doc["credentialSubject"]["alumniOf"] = json!("The School of Forgery");
        assert_eq!(verify(&doc).unwrap_err().code(), "di.bad_signature", "{file}");
    }
}

#[test]
fn a_changed_proof_option_fails_the_signature() {
    let mut doc = json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    doc["proof"]["created"] = json!("2023-02-25T00:00:00Z");
    assert_eq!(verify(&doc).unwrap_err().code(), "di.bad_signature");
}

#[test]
fn the_wrong_proof_purpose_is_refused() {
    let doc = json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    let clock = clock();
    let opts = VerifyOptions::new(Relationship::Authentication, &clock);
    let err = di::verify(&doc, &opts, &DidMethods(&KeyDidResolver)).unwrap_err();
    assert_eq!(err.code(), "di.wrong_proof_purpose");
}

#[test]
fn an_unknown_context_is_refused_before_any_signature_check() {
    let mut doc = json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    doc["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://contexts.example/unknown/v1"));
    assert_eq!(verify(&doc).unwrap_err().code(), "jsonld.unknown_context");
}

#[test]
fn legacy_suites_are_verified_not_issued() {
    let (key, vm) = eddsa_vector_key();
    let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]});
    let opts = ProofOptions::new(
        Cryptosuite::Ed25519Signature2020,
        vm,
        Relationship::AssertionMethod,
    );
    assert_eq!(
        di::add_proof(&doc, &opts, &key).unwrap_err().code(),
        "di.unknown_cryptosuite"
    );
}

/// The verifier's `ldp_vc` format runs the rdfc suites too: the W3C rdfc vectors (key trusted
/// for the URL issuer) and credentials inkan-issuer issues with them.
#[test]
fn the_verifier_checks_rdfc_credentials() {
    use std::sync::Arc;

    use inkan_core::trust::StaticTrustStore;
    use inkan_issuer::data_integrity::{DiIssueOptions, issue};
    use inkan_issuer::jwt_vc::DidMethod;
    use inkan_verifier::{Policy, Verifier, VerifyRequest};

    let verifier = |trust: StaticTrustStore| {
        Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(clock())).build()
    };
    for (file, key) in [
        (
            format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"),
            format!("{EDDSA}/keyPair.json"),
        ),
        (
            format!("{ECDSA}/ecdsa-rdfc-2019-p256/signedECDSAP256.json"),
            format!("{ECDSA}/p256KeyPair.json"),
        ),
        (
            format!("{ECDSA}/ecdsa-rdfc-2019-p384/signedECDSAP384.json"),
            format!("{ECDSA}/p384KeyPair.json"),
        ),
    ] {
        let public = inkan_test_vectors::multikey_pair(&key).public_key().clone();
        let trust = StaticTrustStore::builder()
            .issuer_key("https://vc.example/issuers/5678", None, public)
            .build();
        let report = verifier(trust)
            .verify(&VerifyRequest::text(json(&file).to_string()))
            .unwrap();
        assert_eq!(report.format(), "ldp_vc");
        assert!(report.is_valid(), "{file}: {:#}", report.to_json());
    }
    for (suite, alg) in [
        (Cryptosuite::EddsaRdfc2022, Algorithm::EdDsa),
        (Cryptosuite::EcdsaRdfc2019, Algorithm::Es256),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let (did, vm) = DidMethod::Key.identify(key.public_key());
        let claims = json!({
            "@context": ["https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["ExampleIdentityCredential"],
            "credentialSubject": {"given_name": "Max", "family_name": "Mustermann"},
        });
        let options = DiIssueOptions::new(&did, &vm, suite).valid_for_secs(86_400);
        let vc = issue(&claims, &options, &key, &FixedClock::at_unix(1_735_689_000)).unwrap();
        let v = verifier(StaticTrustStore::builder().trusted_did(&did).build());
        let report = v.verify(&VerifyRequest::text(vc.to_string())).unwrap();
        assert!(report.is_valid(), "{}: {:#}", suite.name(), report.to_json());
        let mut changed = vc.clone();
        changed["credentialSubject"]["given_name"] = "Eve".into();
        assert!(
            !v.verify(&VerifyRequest::text(changed.to_string()))
                .unwrap()
                .is_valid()
        );
    }
}
