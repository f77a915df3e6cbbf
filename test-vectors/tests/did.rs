//! did:key vectors (W3C CCG did-method-key test-vectors) and did:jwk spec examples: decode to
//! the published keys, re-encode to the same DID, resolve to Multikey / JsonWebKey2020 documents,
//! and read the published (2018–2021 era) documents back through `DidDocument::from_value`.

// Test helpers outside `#[test]` functions unwrap too: a failure there is a failed test.

use std::collections::BTreeSet;

use inkan_core::crypto::{Jwk, KeyType, PublicKey, PublicKeyData};
use inkan_core::did::{
    Did, DidDocument, DidResolver, DidUrl, KeyDidResolver, Relationship, did_jwk, did_key, resolve_key,
};
use inkan_core::encoding::{multibase_decode, multikey_decode};
use inkan_test_vectors::json;
use proptest::prelude::*;
use serde_json::{Value, json};

const DID_KEY: &str = "did-key/test-vectors";

fn entries(file: &str) -> Vec<(String, Value)> {
    let all = json(&format!("{DID_KEY}/{file}"));
    all.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Raw bytes of a `publicKeyBase58` value.
fn base58(text: &str) -> Vec<u8> {
    multibase_decode(&format!("z{text}")).unwrap().1
}

fn jwk(value: &Value) -> Jwk {
    serde_json::from_value(value.clone()).unwrap()
}

/// Checks the document we resolve for a did:key: one Multikey method, fragment = the
/// multibase value, the four signing relationships, no keyAgreement.
fn check_multikey_document(did: &str, key: &PublicKey) {
    let doc = KeyDidResolver.resolve_offline(did).unwrap();
    let mb = did.strip_prefix("did:key:").unwrap();
    let vm = format!("{did}#{mb}");
    assert_eq!(
        doc.to_json(),
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}],
            "authentication": [vm], "assertionMethod": [vm],
            "capabilityInvocation": [vm], "capabilityDelegation": [vm],
        })
    );
    assert_eq!(doc.key_for(&vm, Relationship::AssertionMethod).unwrap(), key);
    assert_eq!(doc.key_for(did, Relationship::Authentication).unwrap(), key);
    assert_eq!(
        doc.key_for(&vm, Relationship::KeyAgreement).unwrap_err().code(),
        "did.not_found"
    );
}

/// The published document, read back: every method it lists that we support resolves to the
/// expected key; the others give the typed unsupported error.
fn check_published_document(doc: &Value, did: &str, expected: &PublicKey) -> usize {
    let parsed = DidDocument::from_value(doc).unwrap();
    assert_eq!(parsed.id().as_str(), did);
    let mut supported = 0;
    for vm in doc["verificationMethod"].as_array().unwrap() {
        let id = vm["id"].as_str().unwrap();
        match parsed.resolve_key(id) {
            Ok(key) => {
                assert_eq!(key, expected, "{id}");
                supported += 1;
            }
            Err(e) => assert_eq!(e.code(), "crypto.unsupported_algorithm", "{id}: {e}"),
        }
    }
    supported
}

#[test]
fn ed25519_vectors() {
    let entries = entries("ed25519-x25519.json");
    assert_eq!(entries.len(), 5);
    for (did, v) in entries {
        let key = resolve_key(&did).unwrap();
        assert_eq!(key.key_type(), KeyType::Ed25519);
        // Four entries publish base58 (Ed25519VerificationKey2018), one a JWK (JsonWebKey2020).
        let pair = &v["verificationKeyPair"];
        match pair.get("publicKeyBase58") {
            Some(b58) => assert_eq!(key.data().to_sec1(true), base58(b58.as_str().unwrap()), "{did}"),
            None => assert_eq!(
                key,
                PublicKey::from_jwk(&jwk(&pair["publicKeyJwk"])).unwrap(),
                "{did}"
            ),
        }
        assert_eq!(did_key(&key), did);
        check_multikey_document(&did, &key);

        // Published document: Ed25519VerificationKey2018 (base58) resolves, X25519 is refused.
        assert_eq!(check_published_document(&v["didDocument"], &did, &key), 1);
        let x25519 = v["keyAgreementKeyPair"]["id"]
            .as_str()
            .unwrap()
            .rsplit('#')
            .next()
            .unwrap();
        assert_eq!(
            multikey_decode(x25519).unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
        let x25519_did = format!("did:key:{x25519}");
        assert_eq!(
            resolve_key(&x25519_did).unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
        // Our did:key documents derive no X25519 key (enableEncryptionKeyDerivation is off).
        let err = resolve_key(&format!("{did}#{x25519}")).unwrap_err();
        assert_eq!(err.code(), "did.not_found");
    }
}

#[test]
fn nist_curve_vectors() {
    let entries = entries("nist-curves.json");
    assert_eq!(entries.len(), 7);
    let mut seen = BTreeSet::new();
    for (did, v) in entries {
        let vm = &v["verificationMethod"];
        let crv = vm["publicKeyJwk"]["crv"].as_str();
        if crv == Some("P-521") {
            assert!(did.starts_with("did:key:z2J9"));
            let err = resolve_key(&did).unwrap_err();
            assert_eq!(err.code(), "crypto.unsupported_algorithm", "{did}");
            assert!(err.to_string().contains("p521-pub"), "{err}");
            let err = KeyDidResolver.resolve_offline(&did).unwrap_err();
            assert_eq!(err.code(), "crypto.unsupported_algorithm");
            // The published JsonWebKey2020 document parses; its P-521 method is kept, unusable.
            let doc = DidDocument::from_value(&v["didDocument"]).unwrap();
            let id = v["didDocument"]["verificationMethod"][0]["id"].as_str().unwrap();
            assert_eq!(
                doc.resolve_key(id).unwrap_err().code(),
                "crypto.unsupported_algorithm"
            );
            seen.insert("P-521");
            continue;
        }
        let key = resolve_key(&did).unwrap();
        let expected = match vm.get("publicKeyJwk") {
            Some(j) => PublicKey::from_jwk(&jwk(j)).unwrap(),
            // P256Key2021: a base58 compressed point.
            None => {
                assert_eq!(vm["type"], "P256Key2021");
                let bytes = base58(vm["publicKeyBase58"].as_str().unwrap());
                PublicKey::new(PublicKeyData::from_sec1(KeyType::P256, &bytes).unwrap()).unwrap()
            }
        };
        assert_eq!(key, expected, "{did}");
        assert_eq!(did_key(&key), did);
        check_multikey_document(&did, &key);
        assert_eq!(check_published_document(&v["didDocument"], &did, &key), 1);
        seen.insert(if key.key_type() == KeyType::P256 {
            "P-256"
        } else {
            "P-384"
        });
    }
    assert_eq!(seen, BTreeSet::from(["P-256", "P-384", "P-521"]));
}

#[test]
fn rsa_vectors() {
    let entries = entries("rsa.json");
    assert_eq!(entries.len(), 2);
    for (did, v) in entries {
        let key = resolve_key(&did).unwrap();
        assert_eq!(
            key,
            PublicKey::from_jwk(&jwk(&v["publicKeyJwk"])).unwrap(),
            "{did}"
        );
        assert_eq!(did_key(&key), did);
        check_multikey_document(&did, &key);
        assert_eq!(check_published_document(&v["didDocument"], &did, &key), 1);
    }
}

#[test]
fn unsupported_curve_vectors_give_the_typed_error() {
    let x25519 = json(&format!("{DID_KEY}/x25519.json"));
    let mut dids: Vec<String> = x25519["didDocument"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(dids.len(), 4);
    for file in ["secp256k1.json", "bls12381.json"] {
        let more = entries(file);
        assert_eq!(more.len(), 6, "{file}");
        dids.extend(more.into_iter().map(|(did, _)| did));
    }
    for did in dids {
        let err = resolve_key(&did).unwrap_err();
        assert_eq!(err.code(), "crypto.unsupported_algorithm", "{did}: {err}");
    }
    // Their published documents still parse: every method is kept, each unusable.
    for (did, doc) in x25519["didDocument"].as_object().unwrap() {
        let parsed = DidDocument::from_value(doc).unwrap();
        assert_eq!(parsed.id().as_str(), did);
        let id = doc["verificationMethod"][0]["id"].as_str().unwrap();
        assert_eq!(
            parsed.resolve_key(id).unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
    }
}

#[test]
fn did_jwk_p256_spec_example() {
    let vectors = json("did-jwk/did-jwk-spec-examples.json");
    let v = &vectors["vectors"]["p256"];
    let did = v["did"].as_str().unwrap();
    let did_url = v["did_url"].as_str().unwrap();
    let expected = PublicKey::from_jwk(&jwk(&v["decoded_jwk"])).unwrap();

    assert_eq!(resolve_key(did_url).unwrap(), expected);
    assert_eq!(did_jwk(&expected), did, "re-encoding gives the spec's DID");

    let doc = KeyDidResolver.resolve_offline(did).unwrap();
    let json = doc.to_json();
    let method = &json["verificationMethod"][0];
    assert_eq!(method["id"], did_url);
    assert_eq!(method["type"], v["verification_method_type"]);
    assert_eq!(method["controller"], did);
    assert_eq!(method["publicKeyJwk"], v["decoded_jwk"]);
    assert_eq!(
        json["@context"][1],
        "https://w3id.org/security/suites/jws-2020/v1"
    );
    let expected_rels: BTreeSet<&str> = v["expected_relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let ours: BTreeSet<&str> = Relationship::ALL
        .into_iter()
        .filter(|r| !doc.relationship(*r).is_empty())
        .map(Relationship::name)
        .collect();
    assert_eq!(ours, expected_rels);
    for rel in Relationship::ALL {
        assert_eq!(doc.key_for(did_url, rel).unwrap(), &expected, "{rel}");
    }
    // The document survives a JSON round trip with its keys.
    let again = DidDocument::from_value(&json).unwrap();
    assert_eq!(again.resolve_key(did_url).unwrap(), &expected);
    assert_eq!(again.to_json(), json);
}

#[test]
fn did_jwk_x25519_spec_example_is_unsupported() {
    let vectors = json("did-jwk/did-jwk-spec-examples.json");
    let v = &vectors["vectors"]["x25519"];
    assert_eq!(v["expected_relationships"], json!(["keyAgreement"]));
    for text in [v["did"].as_str().unwrap(), v["did_url"].as_str().unwrap()] {
        let err = resolve_key(text).unwrap_err();
        assert_eq!(err.code(), "crypto.unsupported_algorithm", "{text}: {err}");
        let err = KeyDidResolver.resolve_offline(text).unwrap_err();
        assert_eq!(err.code(), "crypto.unsupported_algorithm");
    }
}

#[test]
fn vector_dids_parse_as_did_urls() {
    let vectors = json("did-jwk/did-jwk-spec-examples.json");
    let url = DidUrl::parse(vectors["vectors"]["p256"]["did_url"].as_str().unwrap()).unwrap();
    assert_eq!(url.did().method(), "jwk");
    assert_eq!(url.fragment(), Some("0"));
    for (did, _) in entries("nist-curves.json") {
        let parsed = Did::parse(&did).unwrap();
        assert_eq!(parsed.method(), "key");
        assert!(parsed.method_specific_id().starts_with('z'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn did_parsing_never_panics(text in "(did:(key|jwk|web):)?\\PC{0,120}") {
        let _ = Did::parse(&text);
        let _ = DidUrl::parse(&text);
        if let Err(e) = resolve_key(&text) {
            prop_assert!(!e.code().is_empty());
        }
    }

    #[test]
    fn did_documents_from_arbitrary_json_never_panic(
        id in "did:[a-z]{1,5}:[a-z0-9]{1,8}",
        vm_id in "#?[a-z0-9]{0,6}",
        kind in "(Multikey|JsonWebKey2020|Ed25519VerificationKey2018|P256Key2021|X)",
        member in "(publicKeyMultibase|publicKeyBase58|publicKeyJwk|other)",
        value in "\\PC{0,60}",
    ) {
        let doc = json!({
            "id": id,
            "verificationMethod": [{"id": vm_id, "type": kind, "controller": id, member: value}],
            "assertionMethod": [vm_id],
        });
        if let Ok(parsed) = DidDocument::from_value(&doc) {
            let _ = parsed.key_for(&format!("{id}{vm_id}"), Relationship::AssertionMethod);
            let _ = parsed.to_json();
        }
        let _ = DidDocument::from_json(&value);
    }
}
