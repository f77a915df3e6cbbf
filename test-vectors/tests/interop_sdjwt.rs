//! SD-JWT interop with sd-jwt-python (the reference implementation, pinned in
//! `interop/requirements.txt`, driven through `interop/sdjwt_oracle.py`), both ways:
//! inkan issues and presents with a KB-JWT, the oracle verifies; the oracle issues and presents,
//! inkan verifies. Tampering is refused by both. The JWS JSON serialization (RFC 9901 §8) is
//! checked the same way against sd-jwt-js (`interop/node/sdjwt_oracle.js`).

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::jose::Header;
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::sdjwt::{self, DisclosureFrame, HashAlg, KbExpectation, Limits, OsSalts, SdJwt};
use inkan_test_vectors::run_oracle;
use serde_json::{Value, json};

const AUD: &str = "https://verifier.example.org";
const NONCE: &str = "n-0S6_WzA2Mj";

fn claims() -> Value {
    json!({
        "iss": "https://issuer.example.com",
        "iat": 1_683_000_000,
        "vct": "urn:example:pid",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "address": {"street_address": "12 St James's Square", "locality": "London", "country": "GB"},
        "nationalities": ["GB", "IT"],
        "birthdate": "1815-12-10"
    })
}

/// The selectively disclosable claims, as oracle paths and as inkan claim paths.
const SD: [&[&str]; 6] = [
    &["given_name"],
    &["family_name"],
    &["address"],
    &["address", "locality"],
    &["nationalities", "1"],
    &["birthdate"],
];

fn oracle(command: &str, request: Value) -> String {
    run_oracle("sdjwt_oracle.py", &[command, &request.to_string()])
}

fn private_jwk(key: &SoftwareKey) -> Value {
    serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap()
}

fn public_jwk(key: &SoftwareKey) -> Value {
    use inkan_core::crypto::Signer as _;
    serde_json::from_str(&key.public_jwk().to_json()).unwrap()
}

#[test]
fn inkan_issues_and_presents_the_oracle_verifies() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let mut claims = claims();
    claims["cnf"] = json!({"jwk": public_jwk(&holder)});
    let paths: Vec<_> = SD.iter().map(|p| p.join(".").parse().unwrap()).collect();
    let frame = DisclosureFrame::from_paths(&paths).with_decoys(&Default::default(), 2);
    let header = Header::default().with_typ("dc+sd-jwt");
    let issued = sdjwt::issue(
        claims.as_object().unwrap(),
        &frame,
        &header,
        &issuer,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();

    // The whole credential, no key binding.
    let answer: Value = serde_json::from_str(&oracle(
        "verify",
        json!({"presentation": issued.serialize(), "issuer_jwk": public_jwk(&issuer)}),
    ))
    .unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["claims"], claims);

    // A presentation of the locality and the second nationality, bound to the verifier.
    let now = time_now();
    let shown = issued
        .present(&[
            "address.locality".parse().unwrap(),
            "nationalities.1".parse().unwrap(),
        ])
        .unwrap()
        .bind(&holder, AUD, NONCE, now)
        .unwrap();
    let request = json!({"presentation": shown.serialize(), "issuer_jwk": public_jwk(&issuer), "aud": AUD, "nonce": NONCE});
    let answer: Value = serde_json::from_str(&oracle("verify", request.clone())).unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    let mut want = claims.clone();
    for hidden in ["given_name", "family_name", "birthdate"] {
        want.as_object_mut().unwrap().remove(hidden);
    }
    want["nationalities"] = json!(["GB", "IT"]);
    assert_eq!(answer["claims"], want);

    // The oracle refuses the same presentation for another nonce, or with a Disclosure dropped.
    let mut wrong_nonce = request.clone();
    wrong_nonce["nonce"] = "other".into();
    let answer: Value = serde_json::from_str(&oracle("verify", wrong_nonce)).unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
    let text = shown.serialize();
    let dropped = text.replacen(&format!("~{}~", shown.disclosures()[0].encoded()), "~", 1);
    let mut tampered = request;
    tampered["presentation"] = dropped.into();
    let answer: Value = serde_json::from_str(&oracle("verify", tampered)).unwrap();
    assert_eq!(answer["ok"], false, "{answer}");
}

#[test]
fn the_oracle_issues_and_presents_inkan_verifies() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let sd: Vec<Vec<&str>> = SD.iter().map(|p| p.to_vec()).collect();
    let issued = oracle(
        "issue",
        json!({"claims": claims(), "sd": sd, "issuer_jwk": private_jwk(&issuer),
               "holder_jwk": public_jwk(&holder), "typ": "dc+sd-jwt"}),
    );
    let verify = |text: &str| {
        let sd = SdJwt::parse(text, &Limits::default())?;
        let signed = sd.verify_signature(&VerifyOptions::default(), |_, _| Ok(issuer.public_key()))?;
        let processed = sd.process(&signed.claims)?;
        Ok::<_, inkan_core::Error>((sd, signed, processed))
    };
    let (_, signed, full) = verify(&issued).unwrap();
    assert_eq!(signed.header.typ.as_deref(), Some("dc+sd-jwt"));
    let mut want = claims();
    want["cnf"] = json!({"jwk": public_jwk(&holder)});
    assert_eq!(Value::Object(full.claims.clone()), want);

    let presented = oracle(
        "present",
        json!({"sd_jwt": issued, "holder_jwk": private_jwk(&holder), "aud": AUD, "nonce": NONCE,
               "disclose": {"given_name": true, "address": {"locality": false}, "nationalities": [false, true]}}),
    );
    let (sd, _, processed) = verify(&presented).unwrap();
    assert_eq!(processed.claims["given_name"], "Ada");
    assert!(processed.claims.get("family_name").is_none());
    // The address without its selectively disclosable locality.
    assert_eq!(
        processed.claims["address"],
        json!({"street_address": "12 St James's Square", "country": "GB"})
    );
    assert_eq!(processed.claims["nationalities"], json!(["GB", "IT"]));
    let key = sdjwt::holder_key(processed.claims.get("cnf"), |_| None).unwrap();
    let clock = FixedClock::at_unix(time_now());
    let expect = KbExpectation::new(AUD, NONCE);
    sd.verify_key_binding(
        &key,
        processed.hash_alg,
        &expect,
        &VerifyOptions::default(),
        &clock,
    )
    .unwrap();
    let err = sd
        .verify_key_binding(
            &key,
            processed.hash_alg,
            &KbExpectation::new(AUD, "x"),
            &VerifyOptions::default(),
            &clock,
        )
        .unwrap_err();
    assert_eq!(err.code(), "sdjwt.kb_nonce_mismatch");
}

/// The KB-JWT's `iat` is the oracle's wall clock, so inkan checks at the same clock.
fn time_now() -> i64 {
    use inkan_core::clock::{Clock, SystemClock};
    SystemClock.now_unix()
}

// ---- JWS JSON serialization (RFC 9901 §8) against sd-jwt-js (@sd-jwt/core, pinned by
// interop/node/package-lock.json) ----

fn node(command: &str, request: Value) -> Value {
    let out = inkan_test_vectors::run_node_oracle("sdjwt_oracle.js", &[command], &request.to_string());
    serde_json::from_str(&out).unwrap()
}

#[test]
fn inkan_json_serialization_verified_by_sd_jwt_js() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let mut claims = claims();
    claims["cnf"] = json!({"jwk": public_jwk(&holder)});
    let paths: Vec<_> = SD.iter().map(|p| p.join(".").parse().unwrap()).collect();
    let frame = DisclosureFrame::from_paths(&paths);
    let header = Header::default().with_typ("dc+sd-jwt");
    let issued = sdjwt::issue_json(
        claims.as_object().unwrap(),
        &frame,
        &header,
        &issuer,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let shown = issued
        .present(&["given_name".parse().unwrap(), "address".parse().unwrap()])
        .unwrap()
        .bind(&holder, AUD, NONCE, time_now())
        .unwrap();
    let json: Value = serde_json::from_str(&shown.serialize()).unwrap();
    assert!(json["header"]["kb_jwt"].is_string());
    let answer = node(
        "verify-json",
        json!({"json": json, "issuer_jwk": public_jwk(&issuer), "nonce": NONCE}),
    );
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["claims"]["given_name"], "Ada");
    assert_eq!(answer["claims"]["address"], claims["address"]);
    assert!(answer["claims"].get("family_name").is_none());
    assert_eq!(answer["kb"]["aud"], AUD);
    // A wrong nonce is refused by sd-jwt-js too.
    let answer = node(
        "verify-json",
        json!({"json": json, "issuer_jwk": public_jwk(&issuer), "nonce": "other"}),
    );
    assert_eq!(answer["ok"], false, "{answer}");
}

#[test]
fn sd_jwt_js_json_serializations_verified_by_inkan() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let answer = node(
        "issue-json",
        json!({"claims": claims(), "issuer_jwk": private_jwk(&issuer), "holder_jwk": private_jwk(&holder),
               "frame": {"_sd": ["given_name", "family_name", "birthdate", "address"], "address": {"_sd": ["locality"]},
                         "nationalities": {"_sd": [1]}},
               "presentation_frame": {"given_name": true, "address": {"locality": true}},
               "aud": AUD, "nonce": NONCE}),
    );
    for form in ["flattened", "general"] {
        let text = answer[form].to_string();
        let sd = SdJwt::parse(&text, &Limits::default()).unwrap();
        assert_eq!(sd.serialization(), sdjwt::Serialization::Json, "{form}");
        let signed = sd
            .verify_signature(&VerifyOptions::default(), |_, _| Ok(issuer.public_key()))
            .unwrap();
        let processed = sd
            .process(&signed.claims)
            .unwrap_or_else(|e| panic!("{form}: {e}"));
        assert_eq!(processed.claims["given_name"], "Ada", "{form}");
        assert_eq!(processed.claims["address"], claims()["address"], "{form}");
        assert_eq!(processed.claims["nationalities"], json!(["GB"]), "{form}");
        assert!(processed.claims.get("birthdate").is_none(), "{form}");
        let key = sdjwt::holder_key(processed.claims.get("cnf"), |_| None).unwrap();
        let clock = FixedClock::at_unix(time_now());
        sd.verify_key_binding(
            &key,
            processed.hash_alg,
            &KbExpectation::new(AUD, NONCE),
            &VerifyOptions::default(),
            &clock,
        )
        .unwrap_or_else(|e| panic!("{form}: {e}"));
    }
    // sd-jwt-js repeats a kid in the protected and the unprotected header; RFC 7515 §7.2.1 says
    // the two must be disjoint, and inkan refuses it.
    let sd = SdJwt::parse(&answer["general_with_kid"].to_string(), &Limits::default()).unwrap();
    let err = sd
        .verify_signature(&VerifyOptions::default(), |_, _| Ok(issuer.public_key()))
        .unwrap_err();
    assert_eq!(err.code(), "jose.malformed");
}
