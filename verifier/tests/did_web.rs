//! did:web end to end over a loopback HTTPS server (the test CA injected through the client):
//! `vc+jwt` credentials whose issuer is `did:web:localhost%3A<port>` verify online (the
//! document fetched into the resolver's cache) and then offline from that cache, with
//! `Multikey`, `JsonWebKey2020` and `Ed25519VerificationKey2020` methods; refused documents
//! (id mismatch, oversize, 404, malformed, redirect to http://) are typed errors.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use inkan_core::bitstring::{self, Bitstring, MIN_ENTRIES, StatusEntry, StatusPurpose, StatusSize};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::did::{DidResolver, MAX_DOCUMENT_JSON};
use inkan_core::encoding::multikey_encode;
use inkan_core::vcjose;
use inkan_verifier::{CheckId, JsonTrustStore, Outcome, Policy, Verifier, VerifyRequest, WebDidResolver};
use serde_json::{Value, json};
use support::{Pki, Response, serve, trusting};

const NOW: i64 = 1_780_000_000;

struct Keys {
    p256: SoftwareKey,
    ed_jwk: SoftwareKey,
    ed_2020: SoftwareKey,
}

/// A copy of `key` signing under `kid` (keys are not `Clone`: private material is not copied by accident).
fn as_kid(key: &SoftwareKey, kid: String) -> SoftwareKey {
    SoftwareKey::from_jwk(&key.to_jwk().unwrap())
        .unwrap()
        .with_kid(kid)
}

fn did_for(addr: SocketAddr) -> String {
    format!("did:web:localhost%3A{}", addr.port())
}

/// The issuer's document: three methods, one per key format, all for assertions.
fn document(did: &str, keys: &Keys) -> Value {
    let jwk: Value = serde_json::from_str(&keys.ed_jwk.public_key().to_jwk().to_json()).unwrap();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": format!("{did}#key-1"), "type": "Multikey", "controller": did,
             "publicKeyMultibase": multikey_encode(keys.p256.public_key().data())},
            {"id": "#key-2", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk},
            {"id": "#key-3", "type": "Ed25519VerificationKey2020", "controller": did,
             "publicKeyMultibase": multikey_encode(keys.ed_2020.public_key().data())}
        ],
        "assertionMethod": ["#key-1", "#key-2", "#key-3"]
    })
}

fn ok(body: Vec<u8>) -> Response {
    ("200 OK".into(), vec![], body)
}

fn routes(keys: Arc<Keys>) -> support::Route {
    Arc::new(move |path: &str, addr: SocketAddr| {
        let did = did_for(addr);
        match path {
            "/.well-known/did.json" => ok(document(&did, &keys).to_string().into_bytes()),
            "/user/mismatch/did.json" => ok(document(&did, &keys).to_string().into_bytes()),
            "/user/big/did.json" => ok(vec![b' '; MAX_DOCUMENT_JSON + 1]),
            "/user/bad/did.json" => ok(b"{\"id\": ".to_vec()),
            "/status/1" => ok(status_list(&did, addr, &keys)),
            "/user/plain/did.json" => (
                "302 Found".into(),
                vec![(
                    "Location".into(),
                    format!("http://localhost:{}/.well-known/did.json", addr.port()),
                )],
                vec![],
            ),
            _ => ("404 Not Found".into(), vec![], b"no".to_vec()),
        }
    })
}

/// A revocation list with entry 3 set, as a vc+jwt signed by the issuer's `#key-1`.
fn status_list(did: &str, addr: SocketAddr, keys: &Keys) -> Vec<u8> {
    let mut list = Bitstring::new(MIN_ENTRIES, StatusSize::ONE).unwrap();
    list.set(3, StatusSize::ONE, 1).unwrap();
    let mut vc = bitstring::list_credential(&list_url(addr), did, StatusPurpose::Revocation, &list);
    vc["credentialSubject"]["ttl"] = json!(600_000);
    let key = as_kid(&keys.p256, format!("{did}#key-1"));
    vcjose::sign_jwt(&vc, &key).unwrap().into_bytes()
}

fn list_url(addr: SocketAddr) -> String {
    format!("https://localhost:{}/status/1", addr.port())
}

fn keys() -> Arc<Keys> {
    Arc::new(Keys {
        p256: SoftwareKey::generate(Algorithm::Es256).unwrap(),
        ed_jwk: SoftwareKey::generate(Algorithm::EdDsa).unwrap(),
        ed_2020: SoftwareKey::generate(Algorithm::EdDsa).unwrap(),
    })
}

fn credential(did: &str) -> Value {
    json!({
        "@context": [vcjose::CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "Ada"}
    })
}

#[tokio::test(flavor = "current_thread")]
async fn credentials_verify_online_then_offline_from_the_cache() {
    let pki = Pki::new();
    let keys = keys();
    let (addr, server) = serve(&pki, 8, routes(keys.clone())).await;
    let did = did_for(addr);
    let http = Arc::new(trusting(&pki));
    let clock = Arc::new(FixedClock::at_unix(NOW));
    let resolver = Arc::new(WebDidResolver::new(http.clone(), clock.clone()));
    let trust = json!({"issuers": [{"issuer": did, "dids": [did]}]});
    let verifier = Verifier::builder(
        Arc::new(JsonTrustStore::parse(&trust.to_string()).unwrap()),
        Policy::default(),
        clock,
    )
    .http(http)
    .did_resolver(resolver.clone())
    .build();
    let tokens: Vec<String> = [
        (&keys.p256, "key-1"),
        (&keys.ed_jwk, "key-2"),
        (&keys.ed_2020, "key-3"),
    ]
    .into_iter()
    .map(|(key, frag)| {
        let key = as_kid(key, format!("{did}#{frag}"));
        vcjose::sign_jwt(&credential(&did), &key).unwrap()
    })
    .collect();
    // Offline first: nothing cached, so the signature cannot be checked.
    let report = verifier.verify(&VerifyRequest::text(tokens[0].clone())).unwrap();
    assert!(!report.is_valid());
    assert!(report.to_json().to_string().contains("didweb.not_cached"));
    for token in &tokens {
        let report = verifier
            .verify_online(&VerifyRequest::text(token.clone()))
            .await
            .unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
    }
    server.abort();
    // The server is gone: offline verification answers from the cache.
    for token in &tokens {
        let report = verifier.verify(&VerifyRequest::text(token.clone())).unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
    }
    // A kid of the document that is not an assertion method, and a key not in it.
    let stranger = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid(format!("{did}#key-1"));
    let forged = vcjose::sign_jwt(&credential(&did), &stranger).unwrap();
    let report = verifier.verify(&VerifyRequest::text(forged)).unwrap();
    assert!(report.to_json().to_string().contains("crypto.bad_signature"));
    let unknown = as_kid(&keys.p256, format!("{did}#key-9"));
    let report = verifier
        .verify(&VerifyRequest::text(
            vcjose::sign_jwt(&credential(&did), &unknown).unwrap(),
        ))
        .unwrap();
    assert!(report.to_json().to_string().contains("vcjose.unknown_kid"));
}

#[tokio::test(flavor = "current_thread")]
async fn refused_documents_are_typed_errors() {
    let pki = Pki::new();
    let (addr, server) = serve(&pki, 8, routes(keys())).await;
    let did = did_for(addr);
    let resolver = WebDidResolver::new(Arc::new(trusting(&pki)), Arc::new(FixedClock::at_unix(NOW)));
    for (path, code) in [
        ("mismatch", "didweb.id_mismatch"),
        ("big", "input.too_large"),
        ("missing", "didweb.http_status"),
        ("bad", "json.malformed"),
        ("plain", "http.failed"),
    ] {
        let err = resolver.resolve(&format!("{did}:user:{path}")).await.unwrap_err();
        assert_eq!(err.code(), code, "{path}: {err}");
    }
    assert!(resolver.resolve(&did).await.is_ok());
    // An untrusting client (platform roots only) cannot fetch from the test server.
    let untrusting = WebDidResolver::new(
        Arc::new(inkan_verifier::http::ReqwestHttpClient::new().unwrap()),
        Arc::new(FixedClock::at_unix(NOW)),
    );
    assert_eq!(untrusting.resolve(&did).await.unwrap_err().code(), "http.failed");
    server.abort();
}

#[tokio::test(flavor = "current_thread")]
async fn bitstring_status_lists_are_fetched_online_and_used_offline() {
    let pki = Pki::new();
    let keys = keys();
    let (addr, server) = serve(&pki, 8, routes(keys.clone())).await;
    let did = did_for(addr);
    let http = Arc::new(trusting(&pki));
    let clock = Arc::new(FixedClock::at_unix(NOW));
    let trust = json!({"issuers": [{"issuer": did, "dids": [did]}]});
    let verifier = Verifier::builder(
        Arc::new(JsonTrustStore::parse(&trust.to_string()).unwrap()),
        Policy::default().require(CheckId::STATUS),
        clock.clone(),
    )
    .http(http.clone())
    .did_resolver(Arc::new(WebDidResolver::new(http, clock)))
    .build();
    let key = as_kid(&keys.ed_jwk, format!("{did}#key-2"));
    let issue = |index: u64| {
        let mut vc = credential(&did);
        vc["credentialStatus"] = StatusEntry::new(StatusPurpose::Revocation, index, list_url(addr)).to_json();
        VerifyRequest::text(vcjose::sign_jwt(&vc, &key).unwrap())
    };
    let status =
        |report: &inkan_verifier::Verification| match &report.check(&CheckId::STATUS).unwrap().outcome {
            Outcome::Passed => "passed".to_owned(),
            Outcome::Failed { code, .. } => code.clone(),
            Outcome::NotApplicable { .. } => "not_applicable".to_owned(),
        };
    let report = verifier.verify_online(&issue(4)).await.unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    let report = verifier.verify_online(&issue(3)).await.unwrap();
    assert_eq!(status(&report), "bitstring.revoked");
    let cached = verifier.bitstring_cache().get(&list_url(addr)).unwrap();
    assert_eq!(cached.list.ttl_ms, Some(600_000));
    server.abort();
    // Offline, from the caches (DID document and status list credential).
    assert_eq!(status(&verifier.verify(&issue(4)).unwrap()), "passed");
    assert_eq!(status(&verifier.verify(&issue(3)).unwrap()), "bitstring.revoked");
}
