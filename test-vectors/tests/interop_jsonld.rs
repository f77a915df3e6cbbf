//! JSON-LD interop with pyld (pinned in `interop/requirements.txt`, driven through
//! `interop/jsonld_oracle.py`, offline: it reads inkan's bundled contexts through a custom
//! document loader). Every test document is canonicalized by both and must agree byte for byte;
//! pyld + python `cryptography` also issue the legacy Ed25519Signature2020 / 2018 proofs the way
//! Inji Certify does, and inkan checks them.

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, PublicKey, Verifier as _};
use inkan_core::di::{self, DidMethods, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship};
use inkan_core::encoding::{b64url_decode, multibase_decode, multikey_decode};
use inkan_core::jsonld::{self, ContextLoader};
use inkan_core::sdjwt::HashAlg;
use inkan_test_vectors::json;
use jsonld_oracle::{inji_credential, oracle};
use serde_json::{Value, json};

mod jsonld_oracle;

fn without_proof(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("proof");
    doc
}

/// A typical 20-claim VCDM 2.0 credential (also what the benchmark verifies).
fn twenty_claims() -> Value {
    let mut subject = serde_json::Map::new();
    subject.insert("id".into(), json!("did:example:holder"));
    for i in 0..20 {
        subject.insert(format!("claim{i:02}"), json!(format!("value number {i}")));
    }
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:2f7b2c1e-0d5a-4c7e-9a51-1f1b4f0c9e11",
        "type": ["VerifiableCredential", "ExampleIdentityCredential"],
        "issuer": {"id": "did:example:issuer", "name": "Example Issuer"},
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2034-01-01T00:00:00Z",
        "credentialSubject": subject,
        "credentialStatus": {
            "id": "https://status.example/list/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://status.example/list/1"
        }
    })
}

/// Every document the JSON-LD tests use: the vectors' credentials and proof configurations and
/// the hand-made ones (VCDM 1.1, numbers and language maps, blank nodes needing n-degree
/// hashing, nested graphs).
fn documents() -> Vec<(String, Value)> {
    let mut docs = Vec::new();
    for (dir, suffix) in [
        ("w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022", "DataInt"),
        ("w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ", "DataInt"),
        ("w3c-vc-di-eddsa/TestVectors/Ed25519Signature2020", "EdSig"),
        ("w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256", "ECDSAP256"),
        (
            "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ",
            "ECDSAP256",
        ),
        ("w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384", "ECDSAP384"),
        (
            "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ",
            "ECDSAP384",
        ),
    ] {
        docs.push((
            format!("{dir} doc"),
            without_proof(json(&format!("{dir}/signed{suffix}.json"))),
        ));
        docs.push((
            format!("{dir} config"),
            json(&format!("{dir}/proofConfig{suffix}.json")),
        ));
    }
    // The vectors' signed documents, proof included: the proof is a named graph of blank nodes.
    docs.push((
        "eddsa signed".into(),
        json("w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json"),
    ));
    docs.push((
        "inji 1.1".into(),
        inji_credential("did:web:certify.mosip.example"),
    ));
    docs.push(("twenty claims".into(), twenty_claims()));
    docs.push((
        "examples v1 and numbers".into(),
        json!({
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"],
            "type": ["VerifiableCredential", "UniversityDegreeCredential"],
            "issuer": {"id": "did:example:76e12ec712ebc6f1c221ebfeb1f", "name": "Example University"},
            "issuanceDate": "2010-01-01T19:23:24Z",
            "credentialSubject": {
                "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
                "alumniOf": {"id": "did:example:c276e12ec21ebfeb1f712ebc6f1", "name": [{"@value": "Example University", "@language": "en"}]}
            }
        }),
    ));
    docs.push((
        "n-degree blank nodes".into(),
        json!({
            "@context": {"@vocab": "https://ex.example/", "score": {"@type": "http://www.w3.org/2001/XMLSchema#double"}},
            "@id": "urn:ex:root",
            "knows": [
                {"name": "same", "score": 1.5, "next": {"name": "inner"}},
                {"name": "same", "score": 1.5, "next": {"name": "inner"}},
                {"name": "other", "count": 7, "ok": true, "title": {"@value": "Dr", "@language": "en-GB"}}
            ]
        }),
    ));
    docs
}

#[test]
fn canonical_nquads_agree_with_pyld_on_every_test_document() {
    for (name, doc) in documents() {
        let ours =
            jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs = oracle("canon", &doc);
        assert_eq!(ours, theirs, "{name}");
        assert!(!ours.is_empty(), "{name}");
    }
}

/// The eddsa vectors' key: seed (multicodec ed25519-priv 0x1300 + 32 bytes) and public key.
fn vector_key() -> (String, PublicKey, String) {
    let pair = json("w3c-vc-di-eddsa/TestVectors/keyPair.json");
    let (_, private) = multibase_decode(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(&private[..2], &[0x80, 0x26]);
    let public_mb = pair["publicKeyMultibase"].as_str().unwrap().to_owned();
    let public = PublicKey::new(multikey_decode(&public_mb).unwrap()).unwrap();
    let vm = format!("did:key:{public_mb}#{public_mb}");
    (hex::encode(&private[2..]), public, vm)
}

/// proofHash || docHash of a legacy (2018/2020) proof, computed by inkan.
fn legacy_hash_data(signed: &Value) -> Vec<u8> {
    let mut config = signed["proof"].clone();
    let config_obj = config.as_object_mut().unwrap();
    config_obj.remove("proofValue");
    config_obj.remove("jws");
    config_obj.insert("@context".into(), signed["@context"].clone());
    let loader = ContextLoader::shared();
    let mut data = HashAlg::Sha256.digest(jsonld::canonicalize(&config, loader).unwrap().as_bytes());
    data.extend(
        HashAlg::Sha256.digest(
            jsonld::canonicalize(&without_proof(signed.clone()), loader)
                .unwrap()
                .as_bytes(),
        ),
    );
    data
}

fn sign_with_oracle(command: &str) -> (Value, PublicKey) {
    let (seed_hex, public, vm) = vector_key();
    let request = json!({
        "doc": inji_credential("did:web:certify.mosip.example"),
        "seed_hex": seed_hex,
        "verificationMethod": vm,
        "created": "2024-06-01T10:00:00Z"
    });
    (serde_json::from_str(&oracle(command, &request)).unwrap(), public)
}

#[test]
fn an_ed25519signature2020_credential_issued_by_pyld_verifies_with_inkans_canonical_form() {
    let (signed, public) = sign_with_oracle("sign2020");
    let (_, signature) = multibase_decode(signed["proof"]["proofValue"].as_str().unwrap()).unwrap();
    public
        .verify(Algorithm::EdDsa, &legacy_hash_data(&signed), &signature)
        .unwrap();

    let mut tampered = signed.clone();
    tampered["credentialSubject"]["UIN"] = json!("6127460851");
    assert!(
        public
            .verify(Algorithm::EdDsa, &legacy_hash_data(&tampered), &signature)
            .is_err()
    );

    // And through the Data Integrity framework, as the verifier runs it.
    let proofs = di_verify(&signed).unwrap();
    assert_eq!(proofs[0].proof().cryptosuite().name(), "Ed25519Signature2020");
    assert_eq!(di_verify(&tampered).unwrap_err().code(), "di.bad_signature");
}

fn di_verify(doc: &Value) -> inkan_core::Result<Vec<di::VerifiedProof>> {
    let clock = FixedClock::at_unix(1_735_689_600);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    di::verify(doc, &opts, &DidMethods(&KeyDidResolver))
}

#[test]
fn an_ed25519signature2018_credential_issued_by_pyld_verifies_with_inkans_canonical_form() {
    let (signed, public) = sign_with_oracle("sign2018");
    let jws = signed["proof"]["jws"].as_str().unwrap();
    let (header, signature) = jws.split_once("..").unwrap();
    let mut input = header.as_bytes().to_vec();
    input.push(b'.');
    input.extend(legacy_hash_data(&signed));
    public
        .verify(Algorithm::EdDsa, &input, &b64url_decode(signature).unwrap())
        .unwrap();

    let proofs = di_verify(&signed).unwrap();
    assert_eq!(proofs[0].proof().cryptosuite().name(), "Ed25519Signature2018");
    let mut tampered = signed.clone();
    tampered["issuanceDate"] = json!("2024-06-02T10:00:00.000Z");
    assert_eq!(di_verify(&tampered).unwrap_err().code(), "di.bad_signature");
    // A JWS header other than EdDSA with an unencoded payload is refused.
    let mut bad_header = signed.clone();
    bad_header["proof"]["jws"] = json!(format!("eyJhbGciOiJFZERTQSJ9..{signature}"));
    assert_eq!(di_verify(&bad_header).unwrap_err().code(), "di.bad_proof_value");
}
