//! Data Integrity JCS suites against an independent implementation (`interop/di_jcs_oracle.py`:
//! Trail of Bits' `rfc8785`, `cryptography`, `base58`, pinned in `interop/requirements.txt`), in
//! both directions: what inkan signs the oracle verifies; what the oracle signs inkan verifies;
//! tampering is refused by both. JCS itself is cross-checked on every vector document and on
//! number and string edge cases.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::di::{self, Cryptosuite, DidMethods, ProofOptions, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship, did_key};
use inkan_core::encoding::jcs_canonicalize;
use inkan_test_vectors::{json, run_oracle};
use serde_json::{Value, json};

const ORACLE: &str = "di_jcs_oracle.py";

/// A temporary file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(content: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("inkan-di-{}-{n}.json", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleIdentityCredential"],
        "issuer": {"id": issuer, "name": "Registry — Ünïcödé"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:holder", "given_name": "Ayşe", "height_m": 1.68, "score": 1e21,
            "tiny": 0.000001, "list": [3, 2, 1], "\u{20ac}": "euro", "nested": {"b": true, "a": null}
        },
    })
}

fn suites() -> [(Algorithm, Cryptosuite); 3] {
    [
        (Algorithm::EdDsa, Cryptosuite::EddsaJcs2022),
        (Algorithm::Es256, Cryptosuite::EcdsaJcs2019),
        (Algorithm::Es384, Cryptosuite::EcdsaJcs2019),
    ]
}

fn vm_of(key: &SoftwareKey) -> (String, String) {
    let did = did_key(key.public_key());
    let vm = format!("{did}#{}", &did["did:key:".len()..]);
    (did, vm)
}

#[test]
fn jcs_matches_rfc8785_on_vectors_and_edge_cases() {
    let mut docs = vec![
        json("w3c-vc-di-eddsa/TestVectors/unsigned.json"),
        json("w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json"),
        json("w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json"),
        credential("did:example:issuer"),
        serde_json::from_str(
            r#"{"n": [0, -0.0, 1e-7, 1e-6, 123456789012345680000, 5e-324, 1.7976931348623157e308,
                 333333333.33333329, 4.50, 2e-3, 100, 1E30, -1.5e-10, 9007199254740991],
                "s": ["\u0000\u001f\"\\/", "\ud83d\ude00", "\u2028"], "\r": 1, "\ufb33": 2, "1": 3, "\u0080": 4}"#,
        )
        .unwrap(),
    ];
    docs.extend(
        inkan_test_vectors::named_json("w3c-vcdm2/tests/input")
            .into_iter()
            .map(|(_, v)| v),
    );
    let file = TempFile::new(&Value::Array(docs.clone()).to_string());
    let theirs: Vec<String> = serde_json::from_str(&run_oracle(ORACLE, &["canon", file.arg()])).unwrap();
    assert_eq!(theirs.len(), docs.len());
    for (doc, theirs) in docs.iter().zip(theirs) {
        let ours = String::from_utf8(jcs_canonicalize(doc).unwrap()).unwrap();
        assert_eq!(ours, theirs, "{doc}");
    }
}

#[test]
fn inkan_signs_the_oracle_verifies() {
    for (alg, suite) in suites() {
        let key = SoftwareKey::generate(alg).unwrap();
        let (did, vm) = vm_of(&key);
        let options = ProofOptions::new(suite, vm, Relationship::AssertionMethod)
            .created(time::OffsetDateTime::from_unix_timestamp(1_760_000_000).unwrap());
        let signed = di::add_proof(&credential(&did), &options, &key).unwrap();
        let public = TempFile::new(&key.public_key().to_jwk().to_json());
        let doc = TempFile::new(&signed.to_string());
        assert_eq!(
            run_oracle(ORACLE, &["verify", public.arg(), doc.arg()]).trim(),
            "ok",
            "{suite:?} {alg}"
        );
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["score"] = json!(1e22);
        let doc = TempFile::new(&tampered.to_string());
        assert_eq!(
            run_oracle(ORACLE, &["verify", public.arg(), doc.arg()]).trim(),
            "invalid:bad signature"
        );
    }
}

#[test]
fn the_oracle_signs_inkan_verifies() {
    let clock = FixedClock::at_unix(1_800_000_000);
    let opts = VerifyOptions::new(Relationship::AssertionMethod, &clock);
    for (alg, suite) in suites() {
        let key = SoftwareKey::generate(alg).unwrap();
        let (did, vm) = vm_of(&key);
        let private = TempFile::new(&key.to_jwk().unwrap().to_json());
        let doc = TempFile::new(&credential(&did).to_string());
        let out = run_oracle(
            ORACLE,
            &[
                "sign",
                private.arg(),
                suite.name(),
                &vm,
                "2025-10-09T08:53:20Z",
                doc.arg(),
            ],
        );
        let signed: Value = serde_json::from_str(out.trim()).unwrap();
        let proofs = di::verify(&signed, &opts, &DidMethods(&KeyDidResolver))
            .unwrap_or_else(|e| panic!("{suite:?} {alg}: {e}"));
        assert_eq!(proofs[0].controller(), did);
        inkan_core::vcdm::Credential::from_value(signed.clone()).unwrap();
        let mut tampered = signed.clone();
        tampered["issuer"]["name"] = "Someone else".into();
        let err = di::verify(&tampered, &opts, &DidMethods(&KeyDidResolver)).unwrap_err();
        assert_eq!(err.code(), "di.bad_signature");
    }
}
