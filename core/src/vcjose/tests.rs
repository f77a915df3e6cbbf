use serde_json::json;

use super::*;
use crate::clock::FixedClock;
use crate::crypto::SoftwareKey;
use crate::did::{KeyDidResolver, did_key};
use crate::encoding::b64url_encode;
use crate::trust::StaticTrustStore;

fn issuer() -> (SoftwareKey, String) {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let did = did_key(key.public_key());
    let kid = format!("{did}#{}", &did[8..]);
    (key.with_kid(kid), did)
}

fn credential(issuer: &str) -> Value {
    json!({
        "@context": [CONTEXT_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": {"id": issuer, "name": "Example"},
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "Ada"}
    })
}

fn verify(bytes: &[u8]) -> Result<Secured> {
    let parsed = Secured::parse(bytes)?;
    let trust = StaticTrustStore::builder().build();
    let keys = parsed.resolve_keys(&KeySources {
        trust: &trust,
        dids: &KeyDidResolver,
    })?;
    keys.verify_with(|k| parsed.verify_signature(k))?;
    Ok(parsed)
}

/// A compact JWS with the given header and payload, signed by `key`.
fn jws_with(header: Value, payload: &Value, key: &SoftwareKey) -> String {
    let header: Header = serde_json::from_value(header).unwrap();
    jws::sign_compact(&serde_json::to_vec(payload).unwrap(), &header, key).unwrap()
}

#[test]
fn both_envelopes_round_trip_with_their_headers() {
    let (key, did) = issuer();
    let token = sign_jwt(&credential(&did), &key).unwrap();
    let header = jws::peek_header(&token).unwrap();
    assert_eq!(
        (header.typ.as_deref(), header.alg.as_deref()),
        (Some("vc+jwt"), Some("EdDSA"))
    );
    let parsed = verify(token.as_bytes()).unwrap();
    assert_eq!(
        (parsed.kind(), parsed.envelope()),
        (Kind::Credential, Envelope::Jose)
    );
    assert_eq!(parsed.document()["credentialSubject"]["name"], "Ada");
    let cose = sign_cose(&credential(&did), &key).unwrap();
    let parsed = verify(&cose).unwrap();
    assert_eq!(parsed.envelope(), Envelope::Cose);
    assert_eq!(parsed.kid(), key.key_id());
    for (now, code) in [
        (1_760_000_000, "vcdm.not_yet_valid"),
        (1_900_000_000, "vcdm.expired"),
    ] {
        let err = parsed.check_time(&FixedClock::at_unix(now), 60).unwrap_err();
        assert_eq!(err.code(), code);
    }
    parsed.check_time(&FixedClock::at_unix(1_780_000_000), 0).unwrap();
}

#[test]
fn envelope_negatives() {
    let (key, did) = issuer();
    let vc = credential(&did);
    let kid = key.key_id().unwrap().to_owned();
    let cases = [
        (json!({"typ": "JWT", "kid": kid}), "vcjose.wrong_typ"),
        (json!({"kid": kid}), "vcjose.wrong_typ"),
        (json!({"typ": "vp+jwt", "kid": kid}), "vcjose.wrong_typ"),
        (
            json!({"typ": "vc+jwt", "cty": "json", "kid": kid}),
            "vcjose.wrong_cty",
        ),
        (
            json!({"typ": "vc+jwt", "kid": kid, "iss": "did:example:other"}),
            "vcjose.issuer_mismatch",
        ),
        (
            json!({"typ": "vc+jwt", "kid": "did:example:other#k"}),
            "vcjose.issuer_mismatch",
        ),
        (
            json!({"typ": "vc+jwt", "kid": format!("{did}#nope")}),
            "vcjose.unknown_kid",
        ),
    ];
    for (header, code) in cases {
        let token = jws_with(header.clone(), &vc, &key);
        assert_eq!(verify(token.as_bytes()).unwrap_err().code(), code, "{header}");
    }
    // cty "vc" and application/ typ forms are accepted.
    let token = jws_with(
        json!({"typ": "application/vc+jwt", "cty": "vc", "kid": kid}),
        &vc,
        &key,
    );
    verify(token.as_bytes()).unwrap();
    // alg none: an unsigned token with the right typ.
    let none = format!(
        "{}.{}.",
        b64url_encode(br#"{"alg":"none","typ":"vc+jwt"}"#),
        b64url_encode(serde_json::to_vec(&vc).unwrap())
    );
    assert_eq!(verify(none.as_bytes()).unwrap_err().code(), "vcjose.algorithm");
    // A VCDM 1.1 payload, or a VC-JWT `vc` claim, is not a vc+jwt.
    let mut v1 = vc.clone();
    v1["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
    let token = jws_with(json!({"typ": "vc+jwt", "kid": kid}), &v1, &key);
    assert_eq!(verify(token.as_bytes()).unwrap_err().code(), "vcjose.malformed");
    let token = jws_with(json!({"typ": "vc+jwt", "kid": kid}), &json!({"vc": vc}), &key);
    assert_eq!(verify(token.as_bytes()).unwrap_err().code(), "vcjose.malformed");
}

#[test]
fn tampering_is_caught() {
    let (key, did) = issuer();
    let token = sign_jwt(&credential(&did), &key).unwrap();
    let mut parts: Vec<&str> = token.split('.').collect();
    let mut changed = credential(&did);
    changed["credentialSubject"]["name"] = "Eve".into();
    let payload = b64url_encode(serde_json::to_vec(&changed).unwrap());
    parts[1] = &payload;
    let err = verify(parts.join(".").as_bytes()).unwrap_err();
    assert_eq!(err.code(), "crypto.bad_signature");
    let mut cose = sign_cose(&credential(&did), &key).unwrap();
    let at = cose.windows(3).position(|w| w == b"Ada").unwrap();
    cose[at] = b'E';
    assert_eq!(verify(&cose).unwrap_err().code(), "crypto.bad_signature");
}

#[test]
fn cose_negatives() {
    let (key, did) = issuer();
    let payload = serde_json::to_vec(&credential(&did)).unwrap();
    let sign = |protected: HeaderBuilder| {
        Sign1Builder::new(payload.clone())
            .protected(
                protected
                    .key_id(key.key_id().unwrap().as_bytes().to_vec())
                    .build(),
            )
            .sign(&key)
            .unwrap()
            .encode(true)
            .unwrap()
    };
    let typ = |t: &str| HeaderBuilder::new().value(COSE_TYP, Cbor::Text(t.into()));
    assert_eq!(
        verify(&sign(HeaderBuilder::new())).unwrap_err().code(),
        "vcjose.wrong_typ"
    );
    assert_eq!(
        verify(&sign(typ("application/vp+cose"))).unwrap_err().code(),
        "vcjose.wrong_typ"
    );
    assert_eq!(
        verify(&sign(typ(TYP_VC_COSE).content_type("application/json".into())))
            .unwrap_err()
            .code(),
        "vcjose.wrong_cty"
    );
    verify(&sign(typ(TYP_VC_COSE))).unwrap();
    assert!(Secured::parse(b"\xd2\x84garbage").is_err());
}

#[test]
fn presentations_envelop_credentials() {
    let (key, did) = issuer();
    let (holder, holder_did) = issuer();
    let vc = sign_jwt(&credential(&did), &key).unwrap();
    let vp = json!({
        "@context": [CONTEXT_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [envelop_jwt(&vc)]
    });
    for secured in [
        sign_jwt(&vp, &holder).unwrap().into_bytes(),
        sign_cose(&vp, &holder).unwrap(),
    ] {
        let parsed = verify(&secured).unwrap();
        assert_eq!(parsed.kind(), Kind::Presentation);
        assert_eq!(parsed.issuer(), Some(holder_did.as_str()));
        let inner = parsed.enveloped_credentials().unwrap();
        assert_eq!(inner, vec![vc.clone().into_bytes()]);
        verify(&inner[0]).unwrap();
    }
    let mut plain = vp.clone();
    plain["verifiableCredential"] = json!([credential(&did)]);
    let parsed = verify(sign_jwt(&plain, &holder).unwrap().as_bytes()).unwrap();
    assert_eq!(
        parsed.enveloped_credentials().unwrap_err().code(),
        "vcjose.malformed"
    );
}
