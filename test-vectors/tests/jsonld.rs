//! JSON-LD expansion + RDFC-1.0 (`inkan_core::jsonld`, feature `jsonld`) against the W3C Data
//! Integrity vectors (vc-di-eddsa, vc-di-ecdsa: every rdfc case and the legacy
//! Ed25519Signature2020 case): canonical N-Quads and their hashes byte for byte, for the
//! document and for the proof configuration; plus the offline and cap refusals.

use inkan_core::jsonld::{self, ContextLoader, RdfcHash};
use inkan_core::sdjwt::HashAlg;
use inkan_test_vectors::{json, vectors_dir};
use serde_json::{Value, json};

/// One rdfc vector folder: where it is, its file-name suffix, and the hash its suite uses.
struct Case {
    dir: &'static str,
    suffix: &'static str,
    hash: HashAlg,
}

const CASES: &[Case] = &[
    Case {
        dir: "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022",
        suffix: "DataInt",
        hash: HashAlg::Sha256,
    },
    Case {
        dir: "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ",
        suffix: "DataInt",
        hash: HashAlg::Sha256,
    },
    Case {
        dir: "w3c-vc-di-eddsa/TestVectors/Ed25519Signature2020",
        suffix: "EdSig",
        hash: HashAlg::Sha256,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256",
        suffix: "ECDSAP256",
        hash: HashAlg::Sha256,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ",
        suffix: "ECDSAP256",
        hash: HashAlg::Sha256,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384",
        suffix: "ECDSAP384",
        hash: HashAlg::Sha384,
    },
    Case {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ",
        suffix: "ECDSAP384",
        hash: HashAlg::Sha384,
    },
];

/// P-384 suites label blank nodes with SHA-384 too.
fn rdfc_hash(case: &Case) -> RdfcHash {
    match case.hash {
        HashAlg::Sha384 => RdfcHash::Sha384,
        _ => RdfcHash::Sha256,
    }
}

#[test]
fn the_p384_employ_vector_needs_sha384_blank_node_labels() {
    let case = &CASES[6];
    let expected = text(&format!("{}/canonDoc{}.txt", case.dir, case.suffix));
    let sha256 = jsonld::canonicalize(&unsigned(case), ContextLoader::shared()).unwrap();
    assert_ne!(sha256, expected, "the vector would not tell the hashes apart");
}

fn text(rel: &str) -> String {
    let path = vectors_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The signed credential of a case without its proof: the document the suite canonicalized.
fn unsigned(case: &Case) -> Value {
    let mut doc = json(&format!("{}/signed{}.json", case.dir, case.suffix));
    doc.as_object_mut()
        .unwrap()
        .remove("proof")
        .expect("signed vector has a proof");
    doc
}

#[test]
fn rdfc_documents_and_hashes_match_the_vectors_byte_for_byte() {
    for case in CASES {
        let canon = jsonld::canonicalize_with_hash(&unsigned(case), ContextLoader::shared(), rdfc_hash(case))
            .unwrap();
        assert_eq!(
            canon,
            text(&format!("{}/canonDoc{}.txt", case.dir, case.suffix)),
            "{}",
            case.dir
        );
        let hash = text(&format!("{}/docHash{}.txt", case.dir, case.suffix));
        assert_eq!(
            hex::encode(case.hash.digest(canon.as_bytes())),
            hash.trim(),
            "{}",
            case.dir
        );
    }
}

#[test]
fn rdfc_proof_configurations_and_hashes_match_the_vectors_byte_for_byte() {
    for case in CASES {
        let config = json(&format!("{}/proofConfig{}.json", case.dir, case.suffix));
        let canon =
            jsonld::canonicalize_with_hash(&config, ContextLoader::shared(), rdfc_hash(case)).unwrap();
        assert_eq!(
            canon,
            text(&format!("{}/proofCanon{}.txt", case.dir, case.suffix)),
            "{}",
            case.dir
        );
        let hash = text(&format!("{}/proofHash{}.txt", case.dir, case.suffix));
        assert_eq!(
            hex::encode(case.hash.digest(canon.as_bytes())),
            hash.trim(),
            "{}",
            case.dir
        );
    }
}

#[test]
fn a_fresh_loader_and_the_cached_one_agree() {
    // The second pass over the shared loader is served from the processed-context cache.
    for case in CASES {
        let doc = unsigned(case);
        let fresh = jsonld::canonicalize(&doc, &ContextLoader::new()).unwrap();
        let cached = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap();
        assert_eq!(fresh, cached, "{}", case.dir);
    }
}

#[test]
fn a_changed_claim_changes_the_canonical_form() {
    let case = &CASES[0];
    let mut doc = unsigned(case);
    doc["credentialSubject"]["alumniOf"] = json!("Another School");
    let canon = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap();
    assert_ne!(canon, text(&format!("{}/canonDoc{}.txt", case.dir, case.suffix)));
    assert!(canon.contains("\"Another School\""));
}

#[test]
fn an_unknown_remote_context_is_refused_without_fetching() {
    let mut doc = unsigned(&CASES[0]);
    doc["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://contexts.example/never-fetched/v1"));
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.unknown_context");
    assert!(
        err.to_string()
            .contains("https://contexts.example/never-fetched/v1"),
        "{err}"
    );
}

#[test]
fn a_pinned_context_is_used_and_only_by_its_loader() {
    let url = "https://contexts.example/pinned/v1";
    let pinned = json!({"@context": {"favouriteColour": "https://contexts.example/vocab#favouriteColour"}});
    let doc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", url],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "favouriteColour": "green"}
    });
    let loader = ContextLoader::new().with_pinned(url, &pinned).unwrap();
    let canon = jsonld::canonicalize(&doc, &loader).unwrap();
    assert!(
        canon.contains("<did:example:alice> <https://contexts.example/vocab#favouriteColour> \"green\" .")
    );
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.unknown_context");
}

#[test]
fn an_undefined_term_is_refused_not_dropped() {
    let doc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "notInAnyContext": "dropped elsewhere"}
    });
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.undefined_term");
    assert!(err.to_string().contains("notInAnyContext"), "{err}");
}

#[test]
fn caps_on_size_depth_values_are_enforced() {
    let base = || unsigned(&CASES[0]);

    let mut big = base();
    big["description"] = json!("x".repeat(jsonld::MAX_DOCUMENT_BYTES));
    let err = jsonld::canonicalize(&big, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.too_large");
    assert!(err.to_string().contains("bytes"), "{err}");

    let mut deep = json!("leaf");
    for _ in 0..jsonld::MAX_DEPTH {
        deep = json!({ "alumniOf": deep });
    }
    let mut doc = base();
    doc["credentialSubject"] = deep;
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.too_large");
    assert!(err.to_string().contains("nesting"), "{err}");

    let mut many = base();
    many["credentialSubject"]["alumniOf"] = json!(vec![1; jsonld::MAX_VALUES]);
    let err = jsonld::canonicalize(&many, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.too_large");
    assert!(err.to_string().contains("values"), "{err}");
}

#[test]
fn the_quad_cap_is_enforced() {
    // Under the value cap, over the quad cap: each item of an RDF list is one JSON value and two
    // quads (rdf:first, rdf:rest).
    let n = jsonld::MAX_QUADS / 2 + 1;
    let doc = json!({
        "@context": {"@vocab": "https://ex.example/", "items": {"@container": "@list"}},
        "items": vec![1; n]
    });
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.too_large");
    assert!(err.to_string().contains("quads"), "{err}");
}

/// A poison graph (dataset-poisoning, RDFC-1.0 §4.4 "A Note on Computational Complexity"):
/// many mutually linked blank nodes that all look alike, so every n-degree hash recurses over
/// permutations of the others. It must stop at the work limit with a typed error.
#[test]
fn a_poison_graph_stops_at_the_work_limit() {
    let n = 24;
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            let links: Vec<Value> = (0..n)
                .filter(|j| *j != i)
                .map(|j| json!({"@id": format!("_:n{j}")}))
                .collect();
            json!({"@id": format!("_:n{i}"), "https://ex.example/p": links})
        })
        .collect();
    let doc = json!({"@context": {}, "@graph": nodes});
    let err = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.canonicalization_limit");
}

#[test]
fn blank_nodes_that_need_ndegree_hashing_still_canonicalize() {
    // Two blank nodes with identical first-degree quads: RDFC-1.0 needs Hash N-Degree Quads
    // to tell them apart, well under the limit.
    let doc = json!({
        "@context": {"@vocab": "https://ex.example/"},
        "@id": "urn:ex:root",
        "knows": [{"name": "same", "next": {"@id": "urn:ex:a"}}, {"name": "same", "next": {"@id": "urn:ex:b"}}]
    });
    let canon = jsonld::canonicalize(&doc, ContextLoader::shared()).unwrap();
    assert_eq!(
        canon.matches("_:c14n0").count() + canon.matches("_:c14n1").count(),
        6,
        "{canon}"
    );
}
