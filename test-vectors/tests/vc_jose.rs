//! VC-JOSE-COSE (`vc+jwt`, `vc+cose`) and the W3C Bitstring Status List: interop both ways with
//! jwcrypto (JWS) and pycose (COSE_Sign1) through `interop/vc_jose_oracle.py`, and the
//! verifier's `vc_jose_cose` format end to end (issuer keys by DID or trust store, status from
//! a vc+jwt status list credential, negatives).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::bitstring::{Bitstring, MIN_ENTRIES, StatusPurpose, StatusSize};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, Signer, SoftwareKey};
use inkan_core::did::did_key;
use inkan_core::encoding::b64url_encode;
use inkan_core::vcjose::{self, Secured};
use inkan_issuer::bitstring::{IssuerBitstringList, ListValidity};
use inkan_issuer::jwt_vc::{DidMethod, IssueOptions};
use inkan_issuer::vc_jose::{self as issue_vc, Securing};
use inkan_test_vectors::run_oracle;
use inkan_verifier::{CheckId, JsonTrustStore, Outcome, Policy, Verification, Verifier, VerifyRequest};
use serde_json::{Value, json};

const ORACLE: &str = "vc_jose_oracle.py";
const NOW: i64 = 1_780_000_000;

/// A JWK written to a uniquely named temp file, removed on drop (tests run in parallel).
struct KeyFile(PathBuf);

impl KeyFile {
    fn new(jwk: &Jwk) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("inkan-vcjose-{}-{n}.jwk", std::process::id()));
        std::fs::write(&path, jwk.to_json()).unwrap();
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn credential(issuer: &str) -> Value {
    json!({
        "@context": [vcjose::CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "alumniOf": {"name": "Example University"}}
    })
}

fn did_key_signer(alg: Algorithm) -> (SoftwareKey, String) {
    let key = SoftwareKey::generate(alg).unwrap();
    let (did, kid) = DidMethod::Key.identify(key.public_key());
    (key.with_kid(kid), did)
}

const ALGS: [(Algorithm, &str); 3] = [
    (Algorithm::EdDsa, "EdDSA"),
    (Algorithm::Es256, "ES256"),
    (Algorithm::Es384, "ES384"),
];

#[test]
fn bitstrings_agree_with_cpython_gzip_both_ways() {
    for size in [1u64, 2, 3, 8] {
        let status_size = StatusSize::new(size).unwrap();
        let max = (1u16 << size) - 1;
        let marks = [(0u64, 1u16), (5, max), (131_071, max.min(2)), (77_777, 1)];
        // inkan encodes, CPython decodes.
        let mut list = Bitstring::new(MIN_ENTRIES, status_size).unwrap();
        for (i, v) in marks {
            list.set(i, status_size, v as u8).unwrap();
        }
        let indices: Vec<String> = marks
            .iter()
            .map(|(i, _)| i.to_string())
            .chain(["6".into()])
            .collect();
        let mut args = vec!["bitstring-decode".to_owned(), size.to_string(), list.encode()];
        args.extend(indices.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out: Value = serde_json::from_str(run_oracle(ORACLE, &args).trim()).unwrap();
        let expected: Vec<u16> = marks.iter().map(|(_, v)| *v).chain([0]).collect();
        assert_eq!(out["entries"], MIN_ENTRIES, "size {size}");
        assert_eq!(out["values"], json!(expected), "size {size}");
        // CPython encodes, inkan decodes.
        let mut args = vec![
            "bitstring-encode".to_owned(),
            size.to_string(),
            MIN_ENTRIES.to_string(),
        ];
        args.extend(marks.iter().map(|(i, v)| format!("{i}={v}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let encoded = run_oracle(ORACLE, &args);
        let decoded = Bitstring::decode(encoded.trim()).unwrap();
        assert_eq!(decoded, list, "size {size}");
    }
}

#[test]
fn inkan_secures_jwcrypto_and_pycose_verify() {
    for (alg, _) in ALGS {
        let (key, did) = did_key_signer(alg);
        let vc = credential(&did);
        let public = KeyFile::new(&key.public_key().to_jwk());
        let jwt = vcjose::sign_jwt(&vc, &key).unwrap();
        let out = run_oracle(ORACLE, &["verify-jwt", public.arg(), &jwt]);
        assert_eq!(accepted(&out), vc, "{alg:?} jwt");
        let cose = vcjose::sign_cose(&vc, &key).unwrap();
        let out = run_oracle(ORACLE, &["verify-cose", public.arg(), &hex::encode(&cose)]);
        assert_eq!(accepted(&out), vc, "{alg:?} cose");
        // Tampered payloads: refused by both sides.
        let mut changed = vc.clone();
        changed["credentialSubject"]["alumniOf"]["name"] = "Other University".into();
        let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        parts[1] = b64url_encode(serde_json::to_vec(&changed).unwrap());
        let tampered = parts.join(".");
        let out = run_oracle(ORACLE, &["verify-jwt", public.arg(), &tampered]);
        assert!(out.starts_with("invalid:"), "{alg:?}: {out}");
        let parsed = Secured::parse(tampered.as_bytes()).unwrap();
        assert_eq!(
            parsed.verify_signature(key.public_key()).unwrap_err().code(),
            "crypto.bad_signature"
        );
    }
}

#[test]
fn jwcrypto_and_pycose_secure_inkan_verifies() {
    for (alg, name) in ALGS {
        let (key, did) = did_key_signer(alg);
        let kid = key.key_id().unwrap().to_owned();
        let vc = credential(&did);
        let private = KeyFile::new(&key.to_jwk().unwrap());
        let jwt = run_oracle(
            ORACLE,
            &["sign-jwt", private.arg(), name, &kid, "vc+jwt", &vc.to_string()],
        );
        let report = verifier(&[]).verify(&VerifyRequest::text(jwt.trim())).unwrap();
        assert_valid(&report, &format!("{alg:?} jwcrypto vc+jwt"));
        assert_eq!(report.claims(), &vc);
        let cose = run_oracle(
            ORACLE,
            &[
                "sign-cose",
                private.arg(),
                &kid,
                "application/vc+cose",
                &vc.to_string(),
            ],
        );
        let cose = hex::decode(cose.trim()).unwrap();
        let report = verifier(&[]).verify(&VerifyRequest::bytes(cose)).unwrap();
        assert_valid(&report, &format!("{alg:?} pycose vc+cose"));
        // A typ the spec does not define is refused, whoever signed.
        let wrong = run_oracle(
            ORACLE,
            &["sign-jwt", private.arg(), name, &kid, "JWT", &vc.to_string()],
        );
        let err = Secured::parse(wrong.trim().as_bytes()).unwrap_err();
        assert_eq!(err.code(), "vcjose.wrong_typ");
    }
}

/// A verifier trusting `trusted_dids`, at NOW.
fn verifier(trusted_dids: &[&str]) -> Verifier {
    verifier_with(trusted_dids, Policy::default())
}

fn verifier_with(trusted_dids: &[&str], policy: Policy) -> Verifier {
    let issuers: Vec<Value> = trusted_dids
        .iter()
        .map(|d| json!({"issuer": d, "dids": [d]}))
        .collect();
    let trust = JsonTrustStore::parse(&json!({ "issuers": issuers }).to_string()).unwrap();
    Verifier::builder(Arc::new(trust), policy, Arc::new(FixedClock::at_unix(NOW))).build()
}

/// The document of an oracle's "valid <json>" answer (panics with the answer otherwise).
fn accepted(out: &str) -> Value {
    let json = out
        .trim()
        .strip_prefix("valid ")
        .unwrap_or_else(|| panic!("the oracle refused: {out}"));
    serde_json::from_str(json).unwrap()
}

fn outcome(report: &Verification, id: &CheckId) -> String {
    match report.check(id).map(|c| &c.outcome) {
        Some(Outcome::Passed) => "passed".into(),
        Some(Outcome::Failed { code, .. }) => code.clone(),
        Some(Outcome::NotApplicable { .. }) | None => "not_applicable".into(),
    }
}

/// Valid except for trust (these issuers are did:keys nobody was told to trust).
fn assert_valid(report: &Verification, what: &str) {
    assert_eq!(report.format(), "vc_jose_cose", "{what}");
    for id in [CheckId::DECODE, CheckId::SIGNATURE, CheckId::VALIDITY] {
        assert_eq!(
            outcome(report, &id),
            "passed",
            "{what}: {id:?} {}",
            report.to_json()
        );
    }
    assert_eq!(outcome(report, &CheckId::TRUST), "trust.untrusted", "{what}");
}

#[test]
fn the_verifier_detects_by_typ_and_reports_each_check() {
    let (key, did) = did_key_signer(Algorithm::Es256);
    let v = verifier(&[&did]);
    let jwt = vcjose::sign_jwt(&credential(&did), &key).unwrap();
    let report = v.verify(&VerifyRequest::text(jwt.clone())).unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert_eq!(report.issuer(), Some(did.as_str()));
    assert_eq!(report.credential_type(), Some("ExampleAlumniCredential"));
    let cose = vcjose::sign_cose(&credential(&did), &key).unwrap();
    assert!(v.verify(&VerifyRequest::bytes(cose)).unwrap().is_valid());
    // The VCDM 1.1 VC-JWT keeps its format.
    let mut v1 = credential(&did);
    v1["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
    v1["issuanceDate"] = v1["validFrom"].take();
    v1.as_object_mut().unwrap().remove("validFrom");
    let old = inkan_core::vcjwt::sign_vc(&v1, &key).unwrap();
    assert_eq!(
        v.verify(&VerifyRequest::text(old)).unwrap().format(),
        "jwt_vc_json"
    );
    // Expired, and signed by another key under the same kid.
    let mut expired = credential(&did);
    expired["validUntil"] = "2026-02-01T00:00:00Z".into();
    let report = v
        .verify(&VerifyRequest::text(vcjose::sign_jwt(&expired, &key).unwrap()))
        .unwrap();
    assert_eq!(outcome(&report, &CheckId::VALIDITY), "vcdm.expired");
    let other = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid(key.key_id().unwrap());
    let report = v
        .verify(&VerifyRequest::text(
            vcjose::sign_jwt(&credential(&did), &other).unwrap(),
        ))
        .unwrap();
    assert_eq!(outcome(&report, &CheckId::SIGNATURE), "crypto.bad_signature");
    assert!(!report.is_valid());
    // A vc+jwt whose payload is not a VCDM 2.0 credential is detected and fails decode.
    let header = b64url_encode(br#"{"alg":"ES256","typ":"vc+jwt"}"#);
    let bad = format!("{header}.{}.AAAA", b64url_encode(b"{}"));
    let report = v.verify(&VerifyRequest::text(bad)).unwrap();
    assert_eq!(outcome(&report, &CheckId::DECODE), "vcjose.malformed");
    let none = format!(
        "{}.{}.",
        b64url_encode(br#"{"alg":"none","typ":"vc+jwt"}"#),
        b64url_encode(credential(&did).to_string())
    );
    let report = v.verify(&VerifyRequest::text(none)).unwrap();
    assert_eq!(outcome(&report, &CheckId::DECODE), "vcjose.algorithm");
}

#[test]
fn a_url_issuer_with_a_trust_store_key() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap().with_kid("key-1");
    let issuer = "https://issuer.example";
    let jwk: Value = serde_json::from_str(&key.public_key().to_jwk().to_json()).unwrap();
    let trust = json!({"issuers": [{"issuer": issuer, "kid": "key-1", "keys": [jwk]}]});
    let trust = JsonTrustStore::parse(&trust.to_string()).unwrap();
    let v = Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .build();
    let template = json!({"@context": ["https://www.w3.org/ns/credentials/examples/v2"], "type": ["ExampleCredential"], "credentialSubject": {"name": "Ada"}});
    let options = IssueOptions::new(issuer).valid_for_secs(3_600);
    for securing in [Securing::Jose, Securing::Cose] {
        let secured =
            issue_vc::issue(&template, &options, securing, &key, &FixedClock::at_unix(NOW)).unwrap();
        let report = v.verify(&VerifyRequest::bytes(secured)).unwrap();
        assert!(report.is_valid(), "{securing:?}: {}", report.to_json());
    }
}

#[test]
fn bitstring_status_from_a_vc_jwt_status_list_credential() {
    let (key, did) = did_key_signer(Algorithm::EdDsa);
    let url = "https://issuer.example/status/1";
    let mut list = IssuerBitstringList::new(url, StatusPurpose::Revocation).unwrap();
    let good = list.allocate().unwrap();
    let revoked = list.allocate().unwrap();
    list.set(revoked.index, 1).unwrap();
    let clock = FixedClock::at_unix(NOW - 10);
    let validity = ListValidity {
        lifetime_secs: Some(86_400),
        ttl_secs: Some(600),
    };
    let list_vc = list.sign(&did, Securing::Jose, &key, &clock, validity).unwrap();
    let issue = |entry: &inkan_core::bitstring::StatusEntry| {
        let mut vc = credential(&did);
        vc["credentialStatus"] = entry.to_json();
        vcjose::sign_jwt(&vc, &key).unwrap()
    };
    let policy = Policy::default().require(CheckId::STATUS);
    let v = verifier_with(&[&did], policy);
    // Offline, nothing cached: a required status check fails, it never passes unperformed.
    let report = v.verify(&VerifyRequest::text(issue(&good))).unwrap();
    assert_eq!(outcome(&report, &CheckId::STATUS), "bitstring.unavailable");
    v.load_status_list_credential(url, &list_vc).unwrap();
    let report = v.verify(&VerifyRequest::text(issue(&good))).unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    let report = v.verify(&VerifyRequest::text(issue(&revoked))).unwrap();
    assert_eq!(outcome(&report, &CheckId::STATUS), "bitstring.revoked");
    // Purpose mismatch and an index past the list.
    let mut suspension = good.clone();
    suspension.purpose = StatusPurpose::Suspension;
    let report = v.verify(&VerifyRequest::text(issue(&suspension))).unwrap();
    assert_eq!(outcome(&report, &CheckId::STATUS), "bitstring.purpose_mismatch");
    let mut far = good.clone();
    far.index = list.len();
    let report = v.verify(&VerifyRequest::text(issue(&far))).unwrap();
    assert_eq!(outcome(&report, &CheckId::STATUS), "bitstring.index_out_of_range");
    // A list credential loaded under another URL, and one signed by an untrusted key.
    assert_eq!(
        v.load_status_list_credential("https://issuer.example/status/2", &list_vc)
            .unwrap_err()
            .code(),
        "bitstring.wrong_credential"
    );
    let (stranger, stranger_did) = did_key_signer(Algorithm::EdDsa);
    let forged = list
        .sign(&stranger_did, Securing::Jose, &stranger, &clock, validity)
        .unwrap();
    assert_eq!(
        v.load_status_list_credential(url, &forged).unwrap_err().code(),
        "bitstring.unavailable"
    );
    // Past the list's ttl (600 s): stale offline.
    let later = Verifier::builder(
        Arc::new(
            JsonTrustStore::parse(&json!({"issuers": [{"issuer": did, "dids": [did]}]}).to_string()).unwrap(),
        ),
        Policy::default().require(CheckId::STATUS),
        Arc::new(FixedClock::at_unix(NOW + 601)),
    )
    .bitstring_cache(Arc::new(inkan_verifier::BitstringCache::default()))
    .build();
    later.load_status_list_credential(url, &list_vc).unwrap();
    // Loaded "now" at NOW+601, so fresh: the ttl counts from the fetch, not from issuance.
    let report = later.verify(&VerifyRequest::text(issue(&good))).unwrap();
    assert_eq!(outcome(&report, &CheckId::STATUS), "passed");
}

#[test]
fn presentations_of_enveloped_credentials() {
    let (issuer_key, issuer) = did_key_signer(Algorithm::Es256);
    let (holder_key, holder) = did_key_signer(Algorithm::EdDsa);
    let mut vc = credential(&issuer);
    vc["credentialSubject"]["id"] = holder.clone().into();
    let vc_jwt = vcjose::sign_jwt(&vc, &issuer_key).unwrap();
    let vp = json!({
        "@context": [vcjose::CONTEXT_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [vcjose::envelop_jwt(&vc_jwt)]
    });
    let v = verifier(&[&issuer]);
    let report = v
        .verify(&VerifyRequest::text(vcjose::sign_jwt(&vp, &holder_key).unwrap()))
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert_eq!(outcome(&report, &CheckId::HOLDER_BINDING), "passed");
    // Someone else presents it: holder binding fails.
    let (thief_key, thief) = did_key_signer(Algorithm::EdDsa);
    let mut stolen = vp.clone();
    stolen["holder"] = thief.into();
    let report = v
        .verify(&VerifyRequest::text(
            vcjose::sign_jwt(&stolen, &thief_key).unwrap(),
        ))
        .unwrap();
    assert_eq!(
        outcome(&report, &CheckId::HOLDER_BINDING),
        "vcjose.issuer_mismatch"
    );
    // An untrusted issuer's credential makes the presentation's trust fail.
    let report = verifier(&[])
        .verify(&VerifyRequest::text(vcjose::sign_jwt(&vp, &holder_key).unwrap()))
        .unwrap();
    assert_eq!(outcome(&report, &CheckId::TRUST), "trust.untrusted");
    let _ = did_key(holder_key.public_key());
}
