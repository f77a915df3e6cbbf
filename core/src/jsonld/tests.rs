use super::*;
use serde_json::json;

fn credential() -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example",
        "credentialSubject": {"id": "did:example:alice"}
    })
}

#[test]
fn the_processed_context_is_cached_per_loader() {
    let loader = ContextLoader::new();
    let key = credential()["@context"].to_string();
    assert!(loader.cached(&key).is_none());
    let first = canonicalize(&credential(), &loader).unwrap();
    let cached = loader.cached(&key).unwrap();
    let second = canonicalize(&credential(), &loader).unwrap();
    assert_eq!(first, second);
    // The second run took the same processed context, not a new one.
    assert!(Arc::ptr_eq(&cached, &loader.cached(&key).unwrap()));
}

#[test]
fn canonical_nquads_are_sorted_lines_without_blank_labels_from_input() {
    let doc = json!({
        "@context": {"@vocab": "https://ex.example/"},
        "@id": "_:whatever",
        "name": "x"
    });
    let canon = canonicalize(&doc, ContextLoader::shared()).unwrap();
    assert_eq!(canon, "_:c14n0 <https://ex.example/name> \"x\" .\n");
}

#[test]
fn a_document_must_be_an_object() {
    let err = canonicalize(&json!([1, 2]), ContextLoader::shared()).unwrap_err();
    assert_eq!(err.code(), "jsonld.invalid");
}

#[test]
fn an_invalid_context_is_a_typed_error() {
    let doc = json!({"@context": {"@version": 2.0}, "a": 1});
    let err = canonicalize(&doc, &ContextLoader::new()).unwrap_err();
    assert_eq!(err.code(), "jsonld.invalid");
}

#[test]
fn a_pending_future_is_refused_not_waited_on() {
    let err = run(std::future::pending::<()>()).unwrap_err();
    assert_eq!(err.code(), "jsonld.invalid");
}
