use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::clock::FixedClock;
use crate::crypto::{Algorithm, SoftwareKey};
use crate::did::{KeyDidResolver, did_jwk, did_key};
use crate::trust::StaticTrustStore;

fn credential() -> Value {
    json!({
        "@context": [CONTEXT_V1],
        "type": ["VerifiableCredential", "IDCredential"],
        "id": "urn:uuid:c1",
        "issuer": "https://issuer.example",
        "issuanceDate": "2025-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s", "given_name": "Max"},
    })
}

/// Signs arbitrary claims (to build tokens `sign_vc` would never produce).
fn raw(claims: Value, key: &SoftwareKey) -> String {
    crate::jose::jwt::sign(claims.as_object().unwrap(), &Header::for_signer(key), key).unwrap()
}

fn code<T>(r: Result<T>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

#[test]
fn claims_mirror_the_credential_and_decode_back() {
    let claims = credential_to_claims(&credential()).unwrap();
    assert_eq!(claims["iss"], "https://issuer.example");
    assert_eq!(claims["sub"], "did:example:s");
    assert_eq!(claims["jti"], "urn:uuid:c1");
    assert_eq!(claims["nbf"], 1_735_689_600);
    assert_eq!(claims["exp"], 1_893_456_000);
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let vc = parse_vc(&sign_vc(&credential(), &key).unwrap()).unwrap();
    assert_eq!(&Value::Object(vc.credential().clone()), &credential());
}

#[test]
fn claims_alone_fill_the_credential() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let token = raw(
        json!({"iss": "https://i", "sub": "did:example:s", "jti": "urn:x", "nbf": 0, "exp": 86_400,
               "vc": {"@context": CONTEXT_V1, "type": "VerifiableCredential", "credentialSubject": {"a": 1}}}),
        &key,
    );
    let vc = parse_vc(&token).unwrap();
    let c = vc.credential();
    assert_eq!(
        (&c["issuer"], &c["id"], &c["issuanceDate"], &c["expirationDate"]),
        (
            &json!("https://i"),
            &json!("urn:x"),
            &json!("1970-01-01T00:00:00Z"),
            &json!("1970-01-02T00:00:00Z")
        )
    );
    assert_eq!(c["credentialSubject"], json!({"a": 1, "id": "did:example:s"}));
}

#[test]
fn every_conflict_has_its_code() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let with = |name: &str, value: Value| {
        let mut claims = credential_to_claims(&credential()).unwrap();
        claims.insert(name.into(), value);
        code(parse_vc(&raw(Value::Object(claims), &key)))
    };
    assert_eq!(with("iss", json!("https://other")), "vcjwt.iss_mismatch");
    assert_eq!(with("sub", json!("did:example:other")), "vcjwt.sub_mismatch");
    assert_eq!(with("jti", json!("urn:other")), "vcjwt.jti_mismatch");
    assert_eq!(with("nbf", json!(1_735_689_601)), "vcjwt.date_mismatch");
    assert_eq!(with("exp", json!(1)), "vcjwt.date_mismatch");
    assert_eq!(with("exp", json!("soon")), "vcjwt.malformed");
    assert_eq!(with("iss", json!(7)), "vcjwt.malformed");
    assert_eq!(with("vc", json!("text")), "vcjwt.malformed");
    assert_eq!(with("nbf", json!(1_735_689_600)), "ok");
}

#[test]
fn shape_rules() {
    let mut c = credential();
    c["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
    assert_eq!(code(credential_to_claims(&c)), "vcjwt.malformed");
    let mut c = credential();
    c["type"] = json!(["IDCredential"]);
    assert_eq!(code(credential_to_claims(&c)), "vcjwt.malformed");
    let mut c = credential();
    c.as_object_mut().unwrap().remove("issuer");
    assert_eq!(code(credential_to_claims(&c)), "vcjwt.malformed");
    let mut c = credential();
    c["credentialSubject"] = json!([]);
    assert_eq!(code(credential_to_claims(&c)), "vcjwt.malformed");
    let mut c = credential();
    c["issuanceDate"] = json!("yesterday");
    assert_eq!(code(credential_to_claims(&c)), "vcjwt.malformed");
    // No issuance date anywhere: VCDM 1.1 requires one.
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let mut c = credential();
    c.as_object_mut().unwrap().remove("issuanceDate");
    assert_eq!(code(parse_vc(&sign_vc(&c, &key).unwrap())), "vcjwt.malformed");
}

#[test]
fn several_subjects_keep_their_ids() {
    let mut c = credential();
    c["credentialSubject"] = json!([{"id": "did:example:a"}, {"id": "did:example:b"}]);
    let claims = credential_to_claims(&c).unwrap();
    assert!(claims.get("sub").is_none());
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let vc = parse_vc(&sign_vc(&c, &key).unwrap()).unwrap();
    assert_eq!(vc.subject(), None);
}

#[test]
fn did_issuers_need_trust() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let did = did_jwk(key.public_key());
    let key = key.with_kid(format!("{did}#0"));
    let mut c = credential();
    c["issuer"] = json!(did);
    let token = sign_vc(&c, &key).unwrap();
    let now = FixedClock::at_unix(1_800_000_000);
    let untrusted = StaticTrustStore::builder().build();
    let sources = KeySources {
        trust: &untrusted,
        dids: &KeyDidResolver,
    };
    let rules = Default::default();
    assert_eq!(code(verify_vc(&token, &sources, &rules, &now)), "trust.untrusted");
    let by_did = StaticTrustStore::builder().trusted_did(&did).build();
    let sources = KeySources {
        trust: &by_did,
        dids: &KeyDidResolver,
    };
    assert_eq!(code(verify_vc(&token, &sources, &rules, &now)), "ok");
    let by_key = StaticTrustStore::builder()
        .issuer_key(&did, None, key.public_key().clone())
        .build();
    let sources = KeySources {
        trust: &by_key,
        dids: &KeyDidResolver,
    };
    assert_eq!(code(verify_vc(&token, &sources, &rules, &now)), "ok");
    // A kid of another DID than iss.
    let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let other_did = did_key(other.public_key());
    let other = other.with_kid(format!("{other_did}#{}", &other_did[8..]));
    assert_eq!(
        code(verify_vc(&sign_vc(&c, &other).unwrap(), &sources, &rules, &now)),
        "vcjwt.iss_mismatch"
    );
}

proptest! {
    #[test]
    fn arbitrary_tokens_never_panic(s in "[A-Za-z0-9._-]{0,200}") {
        let _ = parse_vc(&s);
        let _ = parse_vp(&s);
    }

    #[test]
    fn arbitrary_vc_members_never_panic(
        name in prop::sample::select(vec!["issuer", "credentialSubject", "issuanceDate", "id", "type", "@context", "expirationDate"]),
        value in prop_oneof![Just(json!(null)), Just(json!(1)), Just(json!("x")), Just(json!([])), Just(json!({})), Just(json!([{"id": 1}]))],
    ) {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let mut c = credential();
        c[name] = value;
        let _ = credential_to_claims(&c);
        let _ = parse_vc(&raw(json!({"vc": c, "sub": "s", "nbf": 0}), &key));
    }
}
