//! `ldp_vc` and `jwt_vc_json` against the network the verifier is allowed to use (a loopback
//! HTTPS server with a test CA, verifier/tests/support): an Ed25519Signature2020 credential issued
//! the way Inji Certify does (signed by pyld, the oracle of `interop/jsonld_oracle.py`) by a
//! `did:web` issuer whose DID document is fetched through `WebDidResolver`; and the W3C Bitstring
//! Status List (and StatusList2021) entries of Data Integrity and VC-JWT credentials, checked
//! online (fetched through the `HttpClient`) and offline (pre-loaded), with lists built by
//! `inkan_issuer::bitstring`.

mod jsonld_oracle;
#[path = "../../verifier/tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use inkan_core::bitstring::{StatusEntry, StatusPurpose};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::di::{self, Cryptosuite, ProofOptions};
use inkan_core::did::{DidResolver, Relationship};
use inkan_core::encoding::{b64url_decode, multikey_encode};
use inkan_issuer::bitstring::{IssuerBitstringList, ListValidity};
use inkan_issuer::data_integrity::{DiIssueOptions, issue};
use inkan_issuer::jwt_vc::{self, DidMethod, IssueOptions};
use inkan_verifier::{
    CheckId, JsonTrustStore, Outcome, Policy, Verification, Verifier, VerifyRequest, WebDidResolver,
};
use jsonld_oracle::{inji_credential, oracle};
use serde_json::{Value, json};
use support::{Pki, Response, Route, serve, trusting};

const NOW: i64 = 1_780_000_000; // 2026-05-28

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The outcome of `check`: "passed", "not_applicable" or the failure's code.
fn outcome(report: &Verification, check: CheckId) -> String {
    match report.check(&check).map(|c| &c.outcome) {
        Some(Outcome::Passed) => "passed".into(),
        Some(Outcome::Failed { code, .. }) => code.clone(),
        Some(Outcome::NotApplicable { .. }) => "not_applicable".into(),
        None => "missing".into(),
    }
}

/// The code and message of a failed `check`.
fn failure(report: &Verification, check: CheckId) -> (String, String) {
    match report.check(&check).map(|c| &c.outcome) {
        Some(Outcome::Failed { code, message }) => (code.clone(), message.clone()),
        other => panic!("{check} did not fail: {other:?}"),
    }
}

/// The signature check failed because the issuer's key could not be found, for `why`.
fn key_unavailable(report: &Verification, why: &str) {
    let (code, message) = failure(report, CheckId::SIGNATURE);
    assert_eq!(code, "di.unknown_verification_method", "{message}");
    assert!(message.contains(why), "{message} should say {why:?}");
}

fn ok(body: Vec<u8>) -> Response {
    ("200 OK".into(), vec![], body)
}

fn not_found() -> Response {
    ("404 Not Found".into(), vec![], b"no".to_vec())
}

/// A verifier trusting `did` (as a DID and as an issuer), online through `pki`'s client.
fn online_verifier(pki: &Pki, did: &str, policy: Policy) -> (Verifier, Arc<WebDidResolver>) {
    let http = Arc::new(trusting(pki));
    let clock = Arc::new(FixedClock::at_unix(NOW));
    let resolver = Arc::new(WebDidResolver::new(http.clone(), clock.clone()));
    let trust = json!({"issuers": [{"issuer": did, "dids": [did]}]});
    let verifier = Verifier::builder(
        Arc::new(JsonTrustStore::parse(&trust.to_string()).unwrap()),
        policy,
        clock,
    )
    .http(http)
    .did_resolver(resolver.clone())
    .build();
    (verifier, resolver)
}

// ---------------------------------------------------------------------------------------------
// Inji Certify: Ed25519Signature2020 over VCDM 1.1, did:web issuer

/// An Ed25519 key as the oracle takes it (the 32-byte seed, hex) and its public Multikey.
struct EdKey {
    seed_hex: String,
    public_multibase: String,
}

fn ed_key() -> EdKey {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let jwk: Value = serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap();
    EdKey {
        seed_hex: hex::encode(b64url_decode(jwk["d"].as_str().unwrap()).unwrap()),
        public_multibase: multikey_encode(key.public_key().data()),
    }
}

/// pyld signs `doc` with an Ed25519Signature2020 proof by `key` under `vm`.
fn sign2020(doc: &Value, key: &EdKey, vm: &str) -> String {
    let request = json!({
        "doc": doc, "seed_hex": key.seed_hex, "verificationMethod": vm,
        "created": "2026-01-01T10:00:00Z"
    });
    oracle("sign2020", &request)
}

fn did_for(addr: SocketAddr) -> String {
    format!("did:web:localhost%3A{}", addr.port())
}

/// The issuer's DID document as Inji Certify publishes it: `#key-1` asserts; `#key-2` only
/// authenticates.
fn inji_document(id: &str, assert_key: &EdKey, auth_key: &EdKey) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
        "id": id,
        "verificationMethod": [
            {"id": format!("{id}#key-1"), "type": "Ed25519VerificationKey2020", "controller": id,
             "publicKeyMultibase": assert_key.public_multibase},
            {"id": format!("{id}#key-2"), "type": "Ed25519VerificationKey2020", "controller": id,
             "publicKeyMultibase": auth_key.public_multibase}
        ],
        "assertionMethod": [format!("{id}#key-1")],
        "authentication": [format!("{id}#key-2")]
    })
}

struct InjiKeys {
    assert_key: EdKey,
    auth_key: EdKey,
}

fn inji_routes(keys: Arc<InjiKeys>) -> Route {
    Arc::new(move |path: &str, addr: SocketAddr| {
        let did = did_for(addr);
        match path {
            "/.well-known/did.json" => ok(inji_document(&did, &keys.assert_key, &keys.auth_key)
                .to_string()
                .into_bytes()),
            // Served for did:web:…:issuer:other, but with the id of the host's DID.
            "/issuer/other/did.json" => ok(inji_document(&did, &keys.assert_key, &keys.auth_key)
                .to_string()
                .into_bytes()),
            _ => not_found(),
        }
    })
}

#[tokio::test(flavor = "current_thread")]
async fn an_inji_certify_credential_over_did_web_verifies_end_to_end() {
    let pki = Pki::new();
    let keys = Arc::new(InjiKeys {
        assert_key: ed_key(),
        auth_key: ed_key(),
    });
    let (addr, server) = serve(&pki, 16, inji_routes(keys.clone())).await;
    let did = did_for(addr);
    let signed = sign2020(&inji_credential(&did), &keys.assert_key, &format!("{did}#key-1"));
    let (verifier, resolver) = online_verifier(&pki, &did, Policy::default());

    // Offline with nothing cached: the key is unknown.
    let report = verifier.verify(&VerifyRequest::text(signed.clone())).unwrap();
    key_unavailable(&report, "not cached");

    let report = verifier
        .verify_online(&VerifyRequest::text(signed.clone()))
        .await
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert_eq!(report.format(), "ldp_vc");
    assert_eq!(report.to_json()["issuer"], json!(did));
    for check in [CheckId::SIGNATURE, CheckId::TRUST, CheckId::VALIDITY] {
        assert_eq!(outcome(&report, check), "passed");
    }

    // A changed claim fails, from the cache.
    let mut changed: Value = serde_json::from_str(&signed).unwrap();
    changed["credentialSubject"]["UIN"] = json!("6127460851");
    let report = verifier
        .verify(&VerifyRequest::text(changed.to_string()))
        .unwrap();
    assert_eq!(outcome(&report, CheckId::SIGNATURE), "di.bad_signature");

    // A proof by a key the document lists, but not under assertionMethod.
    let by_auth_key = sign2020(&inji_credential(&did), &keys.auth_key, &format!("{did}#key-2"));
    let report = verifier.verify(&VerifyRequest::text(by_auth_key)).unwrap();
    assert_eq!(outcome(&report, CheckId::SIGNATURE), "di.key_not_authorized");
    // A proof by a key not in the document at all, claiming #key-1.
    let stranger = sign2020(&inji_credential(&did), &ed_key(), &format!("{did}#key-1"));
    let report = verifier.verify(&VerifyRequest::text(stranger)).unwrap();
    assert_eq!(outcome(&report, CheckId::SIGNATURE), "di.bad_signature");

    // A DID document served with another DID's id is refused, and said so offline too.
    let other = format!("{did}:issuer:other");
    let mismatched = sign2020(
        &inji_credential(&other),
        &keys.assert_key,
        &format!("{other}#key-1"),
    );
    let report = verifier
        .verify_online(&VerifyRequest::text(mismatched.clone()))
        .await
        .unwrap();
    assert!(!report.is_valid());
    key_unavailable(&report, &format!("document id {did:?} is not"));
    let report = verifier.verify(&VerifyRequest::text(mismatched)).unwrap();
    key_unavailable(&report, &format!("document id {did:?} is not"));

    // The server goes down: the cached document still serves offline verification …
    server.abort();
    let _ = server.await;
    let report = verifier.verify(&VerifyRequest::text(signed.clone())).unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert!(resolver.resolve_offline(&did).is_ok());
    // … but a verifier that never fetched it fails, with the fetch's own error.
    let (fresh, _) = online_verifier(&pki, &did, Policy::default());
    let report = fresh
        .verify_online(&VerifyRequest::text(signed.clone()))
        .await
        .unwrap();
    assert!(!report.is_valid());
    key_unavailable(&report, "HTTP request failed");
}

// ---------------------------------------------------------------------------------------------
// Bitstring Status List (and StatusList2021) in ldp_vc and jwt_vc_json

/// An issuer with a did:key Ed25519 key.
struct Issuer {
    key: SoftwareKey,
    did: String,
    vm: String,
}

fn issuer() -> Issuer {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let (did, vm) = DidMethod::Key.identify(key.public_key());
    Issuer { key, did, vm }
}

/// An eddsa-jcs-2022 (Data Integrity) secured credential.
fn di_sign(issuer: &Issuer, document: &Value) -> Vec<u8> {
    let options = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        &issuer.vm,
        Relationship::AssertionMethod,
    )
    .created(di::now(&FixedClock::at_unix(NOW - 60)));
    di::add_proof(document, &options, &issuer.key)
        .unwrap()
        .to_string()
        .into_bytes()
}

/// A status list credential for `list`, issued an hour ago and `lifetime_secs` long.
fn list_credential(issuer: &Issuer, list: &IssuerBitstringList, lifetime_secs: u64) -> Vec<u8> {
    let validity = ListValidity {
        lifetime_secs: Some(lifetime_secs),
        ttl_secs: Some(600),
    };
    let vc = list
        .credential(&issuer.did, &FixedClock::at_unix(NOW - 3_600), validity)
        .unwrap();
    di_sign(issuer, &vc)
}

/// The same list as a StatusList2021Credential (VCDM 1.1, unprefixed `encodedList`).
fn list_credential_2021(issuer: &Issuer, list: &IssuerBitstringList) -> Vec<u8> {
    let encoded = list.list().encode();
    let vc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": list.url(),
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": issuer.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{}#list", list.url()),
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded.strip_prefix('u').unwrap()
        }
    });
    di_sign(issuer, &vc)
}

fn entry_2021(url: &str, index: u64) -> Value {
    json!({
        "id": format!("{url}#{index}"), "type": "StatusList2021Entry", "statusPurpose": "revocation",
        "statusListIndex": index.to_string(), "statusListCredential": url
    })
}

fn template(status: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["ExampleIdentityCredential"],
        "credentialSubject": {"given_name": "Max", "family_name": "Mustermann"},
        "credentialStatus": status
    })
}

/// A Data Integrity (`ldp_vc`) credential with `status`.
fn ldp_vc(issuer: &Issuer, status: Value) -> VerifyRequest {
    let options = DiIssueOptions::new(&issuer.did, &issuer.vm, Cryptosuite::EddsaJcs2022)
        .subject("did:example:holder")
        .valid_for_secs(86_400 * 365);
    let vc = issue(
        &template(status),
        &options,
        &issuer.key,
        &FixedClock::at_unix(NOW - 60),
    )
    .unwrap();
    VerifyRequest::text(vc.to_string())
}

/// A VCDM 1.1 VC-JWT (`jwt_vc_json`) with `status` as its `credentialStatus`.
fn jwt_vc(issuer: &Issuer, status: Value) -> VerifyRequest {
    let mut claims = template(status);
    claims.as_object_mut().unwrap().remove("@context");
    let key = SoftwareKey::from_jwk(&issuer.key.to_jwk().unwrap())
        .unwrap()
        .with_kid(issuer.vm.clone());
    let options = IssueOptions::new(issuer.did.clone()).valid_for_secs(86_400 * 365);
    let token = jwt_vc::issue(&claims, &options, &key, &FixedClock::at_unix(NOW - 60)).unwrap();
    VerifyRequest::text(token)
}

fn status_verifier(issuer: &Issuer) -> Verifier {
    let trust = json!({"issuers": [{"issuer": issuer.did, "dids": [issuer.did]}]});
    Verifier::builder(
        Arc::new(JsonTrustStore::parse(&trust.to_string()).unwrap()),
        Policy::default().require(CheckId::STATUS),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .build()
}

#[test]
fn bitstring_and_status_list_2021_entries_are_checked_offline_in_ldp_vc_and_jwt_vc() {
    let issuer = issuer();
    let mut revocation =
        IssuerBitstringList::new("https://status.example/r/1", StatusPurpose::Revocation).unwrap();
    let mut suspension =
        IssuerBitstringList::new("https://status.example/s/1", StatusPurpose::Suspension).unwrap();
    let mut list_2021 =
        IssuerBitstringList::new("https://status.example/2021/1", StatusPurpose::Revocation).unwrap();
    let good = revocation.allocate().unwrap();
    let revoked = revocation.allocate().unwrap();
    revocation.set(revoked.index, 1).unwrap();
    let suspended = suspension.allocate().unwrap();
    suspension.set(suspended.index, 1).unwrap();
    let active = suspension.allocate().unwrap();
    list_2021.set(9, 1).unwrap();

    let verifier = status_verifier(&issuer);
    // Nothing loaded: a required STATUS fails, never passes unperformed.
    let report = verifier.verify(&ldp_vc(&issuer, good.to_json())).unwrap();
    assert_eq!(outcome(&report, CheckId::STATUS), "bitstring.unavailable");
    assert!(!report.is_valid());

    for list in [&revocation, &suspension] {
        verifier
            .load_status_list_credential(list.url(), &list_credential(&issuer, list, 86_400))
            .unwrap();
    }
    verifier
        .load_status_list_credential(list_2021.url(), &list_credential_2021(&issuer, &list_2021))
        .unwrap();

    for (name, make) in [
        ("ldp_vc", ldp_vc as fn(&Issuer, Value) -> VerifyRequest),
        ("jwt_vc_json", jwt_vc),
    ] {
        let check = |status: Value| {
            let report = verifier.verify(&make(&issuer, status)).unwrap();
            assert_eq!(report.format(), name);
            outcome(&report, CheckId::STATUS)
        };
        let both = json!([good.to_json(), active.to_json()]);
        let report = verifier.verify(&make(&issuer, both)).unwrap();
        assert!(report.is_valid(), "{name}: {}", report.to_json());
        assert_eq!(check(revoked.to_json()), "bitstring.revoked", "{name}");
        assert_eq!(check(suspended.to_json()), "bitstring.suspended", "{name}");
        assert_eq!(
            check(json!([good.to_json(), suspended.to_json()])),
            "bitstring.suspended"
        );
        assert_eq!(check(entry_2021(list_2021.url(), 8)), "passed", "{name}");
        assert_eq!(
            check(entry_2021(list_2021.url(), 9)),
            "bitstring.revoked",
            "{name}"
        );
        // An entry pointing at a list nobody loaded.
        let elsewhere = StatusEntry::new(StatusPurpose::Revocation, 5, "https://status.example/none");
        assert_eq!(check(elsewhere.to_json()), "bitstring.unavailable", "{name}");
    }
}

#[test]
fn a_status_list_credential_with_a_bad_proof_or_past_its_validity_is_refused() {
    let issuer = issuer();
    let mut list = IssuerBitstringList::new("https://status.example/r/2", StatusPurpose::Revocation).unwrap();
    let entry = list.allocate().unwrap();
    let verifier = status_verifier(&issuer);

    // The proof no longer covers the list: refused at loading, nothing cached.
    let mut tampered: Value = serde_json::from_slice(&list_credential(&issuer, &list, 86_400)).unwrap();
    list.set(entry.index, 1).unwrap();
    tampered["credentialSubject"]["encodedList"] = json!(list.list().encode());
    let err = verifier
        .load_status_list_credential(list.url(), tampered.to_string().as_bytes())
        .unwrap_err();
    assert!(err.to_string().contains("di.bad_signature"), "{err}");
    assert!(verifier.bitstring_cache().get(list.url()).is_none());
    // A list by an issuer the trust store does not know is refused too.
    let stranger = list_credential(&self::issuer(), &list, 86_400);
    let err = verifier
        .load_status_list_credential(list.url(), &stranger)
        .unwrap_err();
    assert!(err.to_string().contains("trust failed"), "{err}");

    // Issued an hour ago for a minute: its validUntil has passed.
    verifier
        .load_status_list_credential(list.url(), &list_credential(&issuer, &list, 60))
        .unwrap();
    for request in [ldp_vc(&issuer, entry.to_json()), jwt_vc(&issuer, entry.to_json())] {
        let report = verifier.verify(&request).unwrap();
        assert_eq!(outcome(&report, CheckId::STATUS), "bitstring.list_expired");
        assert!(!report.is_valid());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn status_lists_are_fetched_online_then_used_offline() {
    let pki = Pki::new();
    let issuer = Arc::new(issuer());
    let list_issuer = issuer.clone();
    let route: Route = Arc::new(move |path: &str, addr: SocketAddr| {
        let url = format!("https://localhost:{}{path}", addr.port());
        let mut list = IssuerBitstringList::new(url, StatusPurpose::Revocation).unwrap();
        list.set(3, 1).unwrap();
        match path {
            "/status/1" => ok(list_credential(&list_issuer, &list, 86_400)),
            "/status/forged" => {
                let mut vc: Value =
                    serde_json::from_slice(&list_credential(&list_issuer, &list, 86_400)).unwrap();
                list.set(3, 0).unwrap();
                vc["credentialSubject"]["encodedList"] = json!(list.list().encode());
                ok(vc.to_string().into_bytes())
            }
            _ => not_found(),
        }
    });
    let (addr, server) = serve(&pki, 16, route).await;
    let (verifier, _) = online_verifier(&pki, &issuer.did, Policy::default().require(CheckId::STATUS));
    let url = |path: &str| format!("https://localhost:{}{path}", addr.port());
    let entry =
        |path: &str, index: u64| StatusEntry::new(StatusPurpose::Revocation, index, url(path)).to_json();
    let cases = [
        ("/status/1", 3, "bitstring.revoked"),
        ("/status/1", 4, "passed"),
        ("/status/forged", 4, "bitstring.unavailable"),
        ("/status/missing", 4, "http.failed"),
    ];
    for make in [ldp_vc as fn(&Issuer, Value) -> VerifyRequest, jwt_vc] {
        for (path, index, expected) in cases {
            let report = verifier
                .verify_online(&make(&issuer, entry(path, index)))
                .await
                .unwrap();
            assert_eq!(outcome(&report, CheckId::STATUS), expected, "{path} {index}");
        }
    }
    server.abort();
    let _ = server.await;
    // Offline: the verified list from the cache; the failures as cached.
    for make in [ldp_vc as fn(&Issuer, Value) -> VerifyRequest, jwt_vc] {
        for (path, index, expected) in cases {
            let report = verifier.verify(&make(&issuer, entry(path, index))).unwrap();
            assert_eq!(
                outcome(&report, CheckId::STATUS),
                expected,
                "{path} {index} offline"
            );
        }
    }
}
