use serde_json::{Value, json};

use super::*;
use crate::clock::FixedClock;
use crate::crypto::{Algorithm, SoftwareKey};
use crate::did::{DidDocument, KeyDidResolver, did_key};

const NOW: i64 = 1_800_000_000;

fn vc(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "Max", "age": 42.5},
    })
}

struct Issuer {
    key: SoftwareKey,
    did: String,
    vm: String,
}

fn issuer(alg: Algorithm) -> Issuer {
    let key = SoftwareKey::generate(alg).unwrap();
    let did = did_key(key.public_key());
    let vm = format!("{did}#{}", &did["did:key:".len()..]);
    Issuer { key, did, vm }
}

fn sign(i: &Issuer, suite: Cryptosuite, purpose: Relationship) -> Value {
    add_proof(&vc(&i.did), &ProofOptions::new(suite, &i.vm, purpose), &i.key).unwrap()
}

fn check(doc: &Value, opts: &VerifyOptions<'_>) -> Result<Vec<VerifiedProof>> {
    verify(doc, opts, &DidMethods(&KeyDidResolver))
}

fn code(r: Result<Vec<VerifiedProof>>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn every_suite_and_curve_round_trips() {
    let clock = FixedClock::at_unix(NOW);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    for (alg, suite) in [
        (Algorithm::EdDsa, Cryptosuite::EddsaJcs2022),
        (Algorithm::Es256, Cryptosuite::EcdsaJcs2019),
        (Algorithm::Es384, Cryptosuite::EcdsaJcs2019),
    ] {
        let i = issuer(alg);
        let signed = sign(&i, suite, Relationship::AssertionMethod);
        let proofs = check(&signed, &opts).unwrap();
        assert_eq!(proofs[0].controller(), i.did);
        assert_eq!(proofs[0].proof().cryptosuite(), suite);
    }
}

#[test]
fn wrong_purpose_and_key_not_authorized() {
    let clock = FixedClock::at_unix(NOW);
    let i = issuer(Algorithm::EdDsa);
    let signed = sign(&i, Cryptosuite::EddsaJcs2022, Relationship::Authentication);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    assert_eq!(code(check(&signed, &opts)), "di.wrong_proof_purpose");

    // A controller document listing the key under authentication only.
    let doc = DidDocument::from_value(&json!({
        "id": "did:example:issuer",
        "verificationMethod": [{"id": "did:example:issuer#k", "type": "Multikey",
            "controller": "did:example:issuer",
            "publicKeyMultibase": &i.did["did:key:".len()..]}],
        "authentication": ["did:example:issuer#k"],
    }))
    .unwrap();
    let opts_vm = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        "did:example:issuer#k",
        Relationship::AssertionMethod,
    );
    let signed = add_proof(&vc("did:example:issuer"), &opts_vm, &i.key).unwrap();
    assert_eq!(
        verify(&signed, &opts, &doc).unwrap_err().code(),
        "di.key_not_authorized"
    );
    let unknown = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        "did:example:issuer#nope",
        Relationship::AssertionMethod,
    );
    let signed = add_proof(&vc("did:example:issuer"), &unknown, &i.key).unwrap();
    assert_eq!(
        verify(&signed, &opts, &doc).unwrap_err().code(),
        "di.unknown_verification_method"
    );
    // A key in authentication verifies a presentation-purpose proof.
    let auth = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        "did:example:issuer#k",
        Relationship::Authentication,
    );
    let signed = add_proof(&vc("did:example:issuer"), &auth, &i.key).unwrap();
    let opts = VerifyOptions::new(Relationship::Authentication, &clock);
    assert!(verify(&signed, &opts, &doc).is_ok());
}

#[test]
fn another_key_for_the_same_method_fails_the_signature() {
    let clock = FixedClock::at_unix(NOW);
    let i = issuer(Algorithm::EdDsa);
    let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let signed = add_proof(
        &vc(&i.did),
        &ProofOptions::new(Cryptosuite::EddsaJcs2022, &i.vm, Relationship::AssertionMethod),
        &other,
    )
    .unwrap();
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    assert_eq!(code(check(&signed, &opts)), "di.bad_signature");
}

#[test]
fn time_window_challenge_and_domain() {
    let i = issuer(Algorithm::Es256);
    let at = |s| time::OffsetDateTime::from_unix_timestamp(s).unwrap();
    let options = ProofOptions::new(Cryptosuite::EcdsaJcs2019, &i.vm, Relationship::Authentication)
        .created(at(NOW - 100))
        .expires(at(NOW + 100))
        .challenge("nonce-1")
        .domain("https://verifier.example");
    let signed = add_proof(&vc(&i.did), &options, &i.key).unwrap();
    let clock = FixedClock::at_unix(NOW);
    let base = VerifyOptions::new(Relationship::Authentication, &clock);
    assert!(
        check(
            &signed,
            &base.challenge("nonce-1").domain("https://verifier.example")
        )
        .is_ok()
    );
    assert_eq!(
        code(check(&signed, &base.challenge("nonce-2"))),
        "di.challenge_mismatch"
    );
    assert_eq!(
        code(check(&signed, &base.domain("https://other.example"))),
        "di.domain_mismatch"
    );
    let late = FixedClock::at_unix(NOW + 101);
    let early = FixedClock::at_unix(NOW - 101);
    let opts = VerifyOptions::new(Relationship::Authentication, &late);
    assert_eq!(code(check(&signed, &opts)), "di.proof_expired");
    assert!(check(&signed, &opts.leeway(5)).is_ok());
    let opts = VerifyOptions::new(Relationship::Authentication, &early);
    assert_eq!(code(check(&signed, &opts)), "di.proof_in_future");
    // A proof without a challenge does not meet a verifier that expects one.
    let plain = sign(&i, Cryptosuite::EcdsaJcs2019, Relationship::Authentication);
    assert_eq!(
        code(check(&plain, &base.challenge("nonce-1"))),
        "di.challenge_mismatch"
    );
}

#[test]
fn malformed_proofs_are_typed() {
    let clock = FixedClock::at_unix(NOW);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    let i = issuer(Algorithm::EdDsa);
    let signed = sign(&i, Cryptosuite::EddsaJcs2022, Relationship::AssertionMethod);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = signed.clone();
        f(&mut v);
        code(check(&v, &opts))
    };
    assert_eq!(
        with(&|v| v["proof"]["cryptosuite"] = "bbs-2023".into()),
        "di.unknown_cryptosuite"
    );
    // A legacy type is known with the `jsonld` feature, and then a `cryptosuite` beside it is
    // malformed.
    let legacy = if cfg!(feature = "jsonld") {
        "di.malformed_proof"
    } else {
        "di.unknown_cryptosuite"
    };
    assert_eq!(
        with(&|v| v["proof"]["type"] = "Ed25519Signature2020".into()),
        legacy
    );
    assert_eq!(
        with(&|v| v["proof"]["proofValue"] = "uAAAA".into()),
        "di.bad_proof_value"
    );
    assert_eq!(
        with(&|v| v["proof"]["proofValue"] = "z0OIl".into()),
        "di.bad_proof_value"
    );
    assert_eq!(
        with(&|v| v["proof"]["proofValue"] = "z2".into()),
        "di.bad_proof_value"
    );
    assert_eq!(
        with(&|v| v["proof"]["proofValue"] = Value::from("z".repeat(2000))),
        "di.bad_proof_value"
    );
    assert_eq!(
        with(&|v| v["proof"]["proofPurpose"] = "sayHello".into()),
        "di.malformed_proof"
    );
    assert_eq!(
        with(&|v| v["proof"]["created"] = "yesterday".into()),
        "di.malformed_proof"
    );
    assert_eq!(
        with(&|v| v["proof"]["verificationMethod"] = 7.into()),
        "di.malformed_proof"
    );
    assert_eq!(with(&|v| v["proof"] = json!("x")), "di.malformed_proof");
    assert_eq!(
        with(&|v| drop(v.as_object_mut().unwrap().remove("proof"))),
        "di.no_proof"
    );
    assert_eq!(
        with(&|v| v["proof"] = Value::Array(vec![v["proof"].clone(); MAX_PROOFS + 1])),
        "di.malformed_proof"
    );
    assert_eq!(
        with(&|v| v["@context"] = json!(["https://www.w3.org/ns/credentials/v2"])),
        "di.context_mismatch"
    );
    // A context appended after signing is allowed by the JCS suites (the proof's is used).
    let mut extended = signed.clone();
    extended["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://example.com/extra".into());
    assert!(check(&extended, &opts).is_ok());
    // An Ed25519 key cannot be named by an ECDSA proof.
    let mut v = signed.clone();
    v["proof"]["cryptosuite"] = "ecdsa-jcs-2019".into();
    assert_eq!(code(check(&v, &opts)), "di.key_mismatch");
}

#[test]
fn signer_must_fit_the_suite_and_depth_is_capped() {
    let i = issuer(Algorithm::Es256);
    let opts = ProofOptions::new(Cryptosuite::EddsaJcs2022, &i.vm, Relationship::AssertionMethod);
    assert_eq!(
        add_proof(&vc(&i.did), &opts, &i.key).unwrap_err().code(),
        "di.key_mismatch"
    );
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let mut doc = vc(&i.did);
    doc["credentialSubject"]["deep"] = deep;
    let opts = ProofOptions::new(Cryptosuite::EcdsaJcs2019, &i.vm, Relationship::AssertionMethod);
    assert_eq!(
        add_proof(&doc, &opts, &i.key).unwrap_err().code(),
        "vcdm.too_deep"
    );
    let clock = FixedClock::at_unix(NOW);
    let check_opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    assert_eq!(code(check(&doc, &check_opts)), "vcdm.too_deep");
}

#[test]
fn proof_sets_and_chains() {
    let clock = FixedClock::at_unix(NOW);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    let a = issuer(Algorithm::EdDsa);
    let b = issuer(Algorithm::Es256);
    let c = issuer(Algorithm::Es384);
    let first =
        ProofOptions::new(Cryptosuite::EddsaJcs2022, &a.vm, Relationship::AssertionMethod).id("urn:proof:a");
    let doc = add_proof(&vc(&a.did), &first, &a.key).unwrap();
    let second =
        ProofOptions::new(Cryptosuite::EcdsaJcs2019, &b.vm, Relationship::AssertionMethod).id("urn:proof:b");
    let set = add_proof(&doc, &second, &b.key).unwrap();
    assert_eq!(check(&set, &opts).unwrap().len(), 2);
    let third = ProofOptions::new(Cryptosuite::EcdsaJcs2019, &c.vm, Relationship::AssertionMethod)
        .previous_proofs(vec!["urn:proof:a".into(), "urn:proof:b".into()]);
    let chain = add_proof(&set, &third, &c.key).unwrap();
    let proofs = check(&chain, &opts).unwrap();
    assert_eq!(proofs.len(), 3);
    assert_eq!(
        proofs[2].proof().previous_proofs(),
        ["urn:proof:a", "urn:proof:b"]
    );

    // The chained proof signs the proofs before it: changing one breaks the chain link too.
    let mut changed = chain.clone();
    changed["proof"][1]["created"] = "2020-01-01T00:00:00Z".into();
    assert_eq!(code(check(&changed, &opts)), "di.bad_signature");
    // Removing a proof the chain names.
    let mut cut = chain.clone();
    cut["proof"].as_array_mut().unwrap().remove(0);
    assert_eq!(code(check(&cut, &opts)), "di.previous_proof");
    // Chaining to a proof that is not there is refused when signing.
    let dangling = ProofOptions::new(Cryptosuite::EddsaJcs2022, &a.vm, Relationship::AssertionMethod)
        .previous_proofs(vec!["urn:proof:zzz".into()]);
    assert_eq!(
        add_proof(&set, &dangling, &a.key).unwrap_err().code(),
        "di.previous_proof"
    );
    // A set is all or nothing: one broken proof fails the document.
    let mut broken = set.clone();
    broken["proof"][0]["proofValue"] = set["proof"][1]["proofValue"].clone();
    assert!(check(&broken, &opts).is_err());
}
