//! W3C VC Data Model 2.0 test-suite inputs and the Data Integrity JCS cryptosuite vectors.
//!
//! - `vectors/w3c-vcdm2`: every `*-ok` input is accepted and every `*-fail` input is refused with
//!   the `vcdm.*` code its rule calls for (credential inputs are completed with an issuer first,
//!   as the suite's issuer endpoint does; `PAST DATE`/`FUTURE DATE` are filled in as the suite
//!   does).
//! - `vectors/w3c-vc-di-eddsa`, `vectors/w3c-vc-di-ecdsa` (jcs suites): canonical forms and hashes
//!   byte for byte, Ed25519 signatures byte for byte, ECDSA signatures verified.

use inkan_core::clock::FixedClock;
use inkan_core::di::{self, Cryptosuite, DidMethods, Env, HashAlg, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship};
use inkan_core::encoding::{jcs_canonicalize, multibase_decode};
use inkan_core::vcdm::{Credential, Presentation, fill_issuer};
use inkan_test_vectors::{json, multikey_pair as key_pair, vectors_dir};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// VCDM 2.0 test-suite inputs

/// The code each `-fail` input is refused with.
const FAIL_CODES: &[(&str, &str)] = &[
    ("credential-context-combo3-fail", "vcdm.bad_context"),
    ("credential-context-combo4-fail", "vcdm.bad_context"),
    ("credential-evidence-missing-type-fail", "vcdm.bad_property"),
    ("credential-id-multi-fail", "vcdm.bad_id"),
    ("credential-id-nonidentifier-fail", "vcdm.bad_id"),
    ("credential-id-not-url-fail", "vcdm.bad_id"),
    ("credential-id-subject-multi-fail", "vcdm.bad_subject"),
    ("credential-issuer-no-url-fail", "vcdm.bad_issuer"),
    ("credential-issuer-null-fail", "vcdm.bad_issuer"),
    ("credential-issuer-object-id-no-url-fail", "vcdm.bad_issuer"),
    ("credential-issuer-object-id-null-fail", "vcdm.bad_issuer"),
    (
        "credential-missing-base-context-fail-or-inject",
        "vcdm.bad_context",
    ),
    ("credential-missing-required-type-fail", "vcdm.bad_type"),
    ("credential-no-context-fail-or-inject", "vcdm.bad_context"),
    ("credential-no-issuer-fail", "vcdm.bad_subject"),
    ("credential-no-subject-fail", "vcdm.bad_subject"),
    ("credential-no-type-fail", "vcdm.bad_type"),
    ("credential-proof-missing-type-fail", "vcdm.bad_property"),
    ("credential-redef-type-fail", "vcdm.bad_context"),
    ("credential-redef-type2-fail", "vcdm.bad_context"),
    ("credential-refresh-no-type-fail", "vcdm.bad_property"),
    ("credential-schema-no-id-fail", "vcdm.bad_schema"),
    ("credential-schema-no-type-fail", "vcdm.bad_schema"),
    ("credential-schema-non-url-id-fail", "vcdm.bad_schema"),
    ("credential-status-missing-type-fail", "vcdm.bad_status"),
    ("credential-status-multiple-id-fail", "vcdm.bad_status"),
    ("credential-status-nonurl-id-fail", "vcdm.bad_status"),
    ("credential-status-type-nonurl-fail", "vcdm.bad_status"),
    ("credential-subject-multiple-empty-fail", "vcdm.bad_subject"),
    ("credential-subject-no-claims-fail", "vcdm.bad_subject"),
    ("credential-termsofuse-missing-type-fail", "vcdm.bad_property"),
    ("credential-termsofuse-no-type-fail", "vcdm.bad_property"),
    ("credential-type-mapped-nonurl-fail", "vcdm.bad_context"),
    ("credential-type-unmapped-fail", "vcdm.bad_type"),
    (
        "credential-validUntil-validFrom-fail",
        "vcdm.valid_until_before_valid_from",
    ),
    ("credential-validfrom-invalid-fail", "vcdm.bad_date"),
    ("credential-validuntil-invalid-fail", "vcdm.bad_date"),
    ("credential-description-extra-prop-en-fail", "vcdm.bad_property"),
    ("credential-name-extra-prop-en-fail", "vcdm.bad_property"),
    ("issuer-description-extra-prop-en-fail", "vcdm.bad_property"),
    ("issuer-name-extra-prop-en-fail", "vcdm.bad_property"),
    ("presentation-context-order-fail", "vcdm.bad_context"),
    (
        "presentation-enveloped-vc-missing-type-fail",
        "vcdm.bad_enveloped",
    ),
    ("presentation-holder-fail", "vcdm.bad_holder"),
    ("presentation-holder-name-fail", "vcdm.bad_holder"),
    ("presentation-holder-object-fail", "vcdm.bad_holder"),
    ("presentation-missing-base-context-fail", "vcdm.bad_context"),
    ("presentation-missing-required-type-fail", "vcdm.bad_type"),
    ("presentation-no-context-fail-or-inject", "vcdm.bad_context"),
    ("presentation-no-type-fail", "vcdm.bad_type"),
    ("presentation-vc-as-string-fail", "vcdm.malformed"),
    ("presentation-vc-missing-required-type-fail", "vcdm.bad_type"),
];

/// Inputs named neither `-ok` nor `-fail`: the suite uses them for holder/issuer checks of
/// signed presentations, which the data model alone does not decide. They are well formed.
const NEUTRAL: &[&str] = &[
    "presentation-self-asserted-vc-holder-mismatch",
    "presentation-self-asserted-vc-issuer-mismatch",
    "presentation-self-asserted-vc-no-holder",
];

fn suite_inputs() -> Vec<(String, Value)> {
    let mut all = inkan_test_vectors::named_json("w3c-vcdm2/tests/input");
    all.extend(inkan_test_vectors::named_json(
        "w3c-vcdm2/tests/input/names-and-descriptions",
    ));
    all
}

/// Checks one input as the suite would: presentations as they are, credentials after the
/// issuer endpoint fills in the issuer.
fn check_input(name: &str, value: &Value) -> Result<(), inkan_core::Error> {
    let text = value
        .to_string()
        .replace("\"PAST DATE\"", "\"2020-01-01T00:00:00Z\"")
        .replace("\"FUTURE DATE\"", "\"2099-01-01T00:00:00Z\"");
    let mut value: Value = serde_json::from_str(&text).unwrap();
    if name.starts_with("presentation") {
        Presentation::from_value(value).map(|_| ())
    } else {
        fill_issuer(&mut value, "did:example:issuer");
        Credential::from_value(value).map(|_| ())
    }
}

#[test]
fn vcdm2_suite_ok_inputs_are_accepted() {
    let mut count = 0;
    for (name, value) in suite_inputs().iter().filter(|(n, _)| n.ends_with("-ok")) {
        if let Err(e) = check_input(name, value) {
            panic!("{name} refused: {} ({e})", e.code());
        }
        count += 1;
    }
    assert_eq!(count, 65);
}

#[test]
fn vcdm2_suite_fail_inputs_are_refused_with_their_code() {
    let inputs = suite_inputs();
    let fails: Vec<_> = inputs.iter().filter(|(n, _)| n.contains("-fail")).collect();
    assert_eq!(
        fails.len(),
        FAIL_CODES.len(),
        "every -fail input has an expected code"
    );
    for (name, value) in fails {
        let expected = FAIL_CODES
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no expected code for {name}"))
            .1;
        match check_input(name, value) {
            Ok(()) => panic!("{name} accepted"),
            Err(e) => assert_eq!(e.code(), expected, "{name}: {e}"),
        }
    }
}

#[test]
fn vcdm2_suite_has_no_other_inputs() {
    for (name, value) in suite_inputs() {
        if !name.ends_with("-ok") && !name.contains("-fail") {
            assert!(NEUTRAL.contains(&name.as_str()), "unclassified input {name}");
            check_input(&name, &value).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Data Integrity JCS suites

fn text(rel: &str) -> String {
    std::fs::read_to_string(vectors_dir().join(rel)).unwrap()
}

struct JcsCase {
    dir: &'static str,
    suffix: &'static str,
    key: &'static str,
    unsigned: &'static str,
    hash: HashAlg,
}

const CASES: &[JcsCase] = &[
    JcsCase {
        dir: "w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022",
        suffix: "JCS",
        key: "w3c-vc-di-eddsa/TestVectors/keyPair.json",
        unsigned: "w3c-vc-di-eddsa/TestVectors/unsigned.json",
        hash: HashAlg::Sha256,
    },
    JcsCase {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256",
        suffix: "JCSECDSAP256",
        key: "w3c-vc-di-ecdsa/TestVectors/p256KeyPair.json",
        unsigned: "w3c-vc-di-ecdsa/TestVectors/unsigned.json",
        hash: HashAlg::Sha256,
    },
    JcsCase {
        dir: "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384",
        suffix: "JCSECDSAP384",
        key: "w3c-vc-di-ecdsa/TestVectors/p384KeyPair.json",
        unsigned: "w3c-vc-di-ecdsa/TestVectors/unsigned.json",
        hash: HashAlg::Sha384,
    },
];

fn file(case: &JcsCase, stem: &str, ext: &str) -> String {
    format!("{}/{stem}{}.{ext}", case.dir, case.suffix)
}

/// The vectors' clock: after every `created`.
fn clock() -> FixedClock {
    FixedClock::from_rfc3339("2025-01-01T00:00:00Z").unwrap()
}

#[test]
fn jcs_canonical_forms_and_hashes_match_byte_for_byte() {
    for case in CASES {
        let unsigned = json(case.unsigned);
        let config = json(&file(case, "proofConfig", "json"));
        let canon_doc = jcs_canonicalize(&unsigned).unwrap();
        assert_eq!(
            String::from_utf8(canon_doc.clone()).unwrap(),
            text(&file(case, "canonDoc", "txt")),
            "{}",
            case.dir
        );
        let canon_proof = jcs_canonicalize(&config).unwrap();
        assert_eq!(
            String::from_utf8(canon_proof.clone()).unwrap(),
            text(&file(case, "proofCanon", "txt"))
        );
        assert_eq!(
            hex::encode(case.hash.digest(&canon_doc)),
            text(&file(case, "docHash", "txt"))
        );
        assert_eq!(
            hex::encode(case.hash.digest(&canon_proof)),
            text(&file(case, "proofHash", "txt"))
        );
        let key = key_pair(case.key);
        let suite = Cryptosuite::from_name(config["cryptosuite"].as_str().unwrap()).unwrap();
        let data = suite
            .hash_data(key.public_key().key_type(), &config, &unsigned, &Env::default())
            .unwrap();
        assert_eq!(hex::encode(&data), text(&file(case, "combinedHash", "txt")));
    }
}

#[test]
fn eddsa_jcs_2022_signature_and_signed_document_byte_for_byte() {
    let case = &CASES[0];
    let key = key_pair(case.key);
    let config = json(&file(case, "proofConfig", "json"));
    let created = time::OffsetDateTime::parse(
        config["created"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let options = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        config["verificationMethod"].as_str().unwrap(),
        Relationship::AssertionMethod,
    )
    .created(created);
    let signed = di::add_proof(&json(case.unsigned), &options, &key).unwrap();
    let expected = json(&file(case, "signed", "json"));
    assert_eq!(signed, expected);
    // Member order too: the proof is written in the order the spec's example shows.
    assert_eq!(
        serde_json::to_string(&signed).unwrap(),
        serde_json::to_string(&expected).unwrap()
    );
    let proof_value = signed["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(proof_value, text(&file(case, "sigBTC58", "txt")));
    let (_, sig) = multibase_decode(proof_value).unwrap();
    assert_eq!(hex::encode(sig), text(&file(case, "sigHex", "txt")));
}

#[test]
fn every_jcs_vector_verifies_and_a_changed_claim_does_not() {
    let resolver = DidMethods(&KeyDidResolver);
    let clock = clock();
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    for case in CASES {
        let signed = json(&file(case, "signed", "json"));
        Credential::from_value(signed.clone()).unwrap();
        let proofs = di::verify(&signed, &opts, &resolver).unwrap_or_else(|e| panic!("{}: {e}", case.dir));
        assert_eq!(proofs.len(), 1);
        assert_eq!(proofs[0].key(), key_pair(case.key).public_key());
        let mut changed = signed.clone();
        changed["credentialSubject"]["alumniOf"] = "Another School".into();
        assert_eq!(
            di::verify(&changed, &opts, &resolver).unwrap_err().code(),
            "di.bad_signature"
        );
        let mut changed = signed.clone();
        changed["proof"]["created"] = "2023-02-24T23:36:39Z".into();
        assert_eq!(
            di::verify(&changed, &opts, &resolver).unwrap_err().code(),
            "di.bad_signature"
        );
    }
}

#[test]
fn ecdsa_jcs_2019_signs_what_it_verifies_on_both_curves() {
    let resolver = DidMethods(&KeyDidResolver);
    let clock = clock();
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    for case in &CASES[1..] {
        let key = key_pair(case.key);
        let config = json(&file(case, "proofConfig", "json"));
        let options = ProofOptions::new(
            Cryptosuite::EcdsaJcs2019,
            config["verificationMethod"].as_str().unwrap(),
            Relationship::AssertionMethod,
        );
        let signed = di::add_proof(&json(case.unsigned), &options, &key).unwrap();
        di::verify(&signed, &opts, &resolver).unwrap();
        let sig_len = multibase_decode(signed["proof"]["proofValue"].as_str().unwrap())
            .unwrap()
            .1
            .len();
        assert_eq!(sig_len, if case.hash == HashAlg::Sha384 { 96 } else { 64 });
    }
}
