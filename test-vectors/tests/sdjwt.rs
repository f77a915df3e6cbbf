//! SD-JWT (RFC 9901) and SD-JWT VC against the spec examples, the sd-jwt-js test cases (issued,
//! presented and verified by inkan), the OpenID4VP 1.0 `dc+sd-jwt` example, and the negative
//! cases: each tampering fails with its own typed error.

use inkan_core::Error;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, Signer, SoftwareKey};
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::jose::{Header, jwt};
use inkan_core::sdjwt::{
    self, ClaimPath, Disclosure, DisclosureFrame, HashAlg, KbExpectation, Limits, Processed, SaltSource,
    SdJwt, Serialization, vc,
};
use inkan_test_vectors::{json, named_json, vectors_dir};
use serde_json::{Map, Value, json};

/// Deterministic salts: tests must be reproducible.
struct CountingSalts(u32);

impl SaltSource for CountingSalts {
    fn salt(&mut self) -> inkan_core::Result<String> {
        self.0 += 1;
        Ok(b64url_encode(format!("salt-{:08}", self.0)))
    }
}

fn jwk(v: &Value) -> PublicKey {
    PublicKey::from_jwk(&serde_json::from_value::<Jwk>(v.clone()).unwrap()).unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// Parses, verifies the issuer signature with `key` and processes.
fn open(text: &str, key: &PublicKey) -> inkan_core::Result<(SdJwt, Processed)> {
    let sd = SdJwt::parse(text, &Limits::default())?;
    let signed = sd.verify_signature(&VerifyOptions::default(), |_, _| Ok(key))?;
    let processed = sd.process(&signed.claims)?;
    Ok((sd, processed))
}

#[test]
fn rfc9901_examples_verify_and_reconstruct() {
    let v = json("sd-jwt/rfc9901/examples.json");
    let keys = &v["issuer_keys"];
    let holder = jwk(&v["holder_key"]);
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let sd = SdJwt::parse(case["token"].as_str().unwrap(), &Limits::default()).unwrap();
        let want_json = case["serialization"] == "json";
        assert_eq!(sd.serialization() == Serialization::Json, want_json, "{name}");
        let signed = sd
            .verify_signature(&VerifyOptions::default(), |h, claims| {
                assert_eq!(claims["iss"], "https://issuer.example.com");
                let kid = h.kid.as_deref().unwrap_or("issuer-key-1");
                Ok(jwk(&keys[kid]))
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let processed = sd
            .process(&signed.claims)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            Value::Object(processed.claims.clone()),
            case["processed"],
            "{name}"
        );
        if case["kb"].is_object() {
            let kb = &case["kb"];
            let expect = KbExpectation::new(kb["aud"].as_str().unwrap(), kb["nonce"].as_str().unwrap());
            let clock = FixedClock::at_unix(kb["iat"].as_i64().unwrap() + 30);
            let claims = sd
                .verify_key_binding(
                    &holder,
                    processed.hash_alg,
                    &expect,
                    &VerifyOptions::default(),
                    &clock,
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            if let Some(h) = kb["sd_hash"].as_str() {
                assert_eq!(claims["sd_hash"], h, "{name}");
            }
            // The same presentation is refused for another nonce.
            let other = KbExpectation::new(kb["aud"].as_str().unwrap(), "other");
            let err = sd.verify_key_binding(
                &holder,
                processed.hash_alg,
                &other,
                &VerifyOptions::default(),
                &clock,
            );
            assert_eq!(err.unwrap_err().code(), "sdjwt.kb_nonce_mismatch", "{name}");
        }
        // Serializing again gives back an equivalent token.
        let again = SdJwt::parse(&sd.serialize(), &Limits::default()).unwrap();
        assert_eq!(again.sd_hash_input(), sd.sd_hash_input(), "{name}");
    }
}

#[test]
fn oid4vp_dc_sd_jwt_example_with_key_binding() {
    let dir = vectors_dir().join("sd-jwt/oid4vp-sd_jwt_vcld/01");
    let text = std::fs::read_to_string(dir.join("sd_jwt_presentation.txt")).unwrap();
    let text: String = text.split_whitespace().collect();
    // Keys from settings.yml.
    let issuer = jwk(&json!({"kty": "EC", "crv": "P-256",
        "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ", "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8"}));
    let holder = jwk(&json!({"kty": "EC", "crv": "P-256",
        "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc", "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}));
    let sd = SdJwt::parse(&text, &Limits::default()).unwrap();
    let signed = sd
        .verify_signature(&VerifyOptions::default(), |_, _| Ok(&issuer))
        .unwrap();
    vc::check_typ(signed.header.typ.as_deref()).unwrap();
    let processed = sd.process(&signed.claims).unwrap();
    let verified: Value = json("sd-jwt/oid4vp-sd_jwt_vcld/01/verified_contents.json");
    assert_eq!(Value::Object(processed.claims.clone()), verified);
    let info = vc::check_claims(&processed.claims, &processed.disclosed).unwrap();
    assert_eq!(info.vct, "https://credentials.example.com/example_credential");
    let key = sdjwt::holder_key(processed.claims.get("cnf"), |_| None).unwrap();
    assert_eq!(key, holder);
    let kb: Value = json("sd-jwt/oid4vp-sd_jwt_vcld/01/kb_jwt_payload.json");
    let expect = KbExpectation::new("https://verifier.example.org", "1234567890");
    let clock = FixedClock::at_unix(kb["iat"].as_i64().unwrap() + 5);
    let claims = sd
        .verify_key_binding(
            &key,
            processed.hash_alg,
            &expect,
            &VerifyOptions::default(),
            &clock,
        )
        .unwrap();
    assert_eq!(Value::Object(claims), kb);
}

/// The paths a presentation frame marks `true`.
fn frame_paths(frame: &Value, prefix: &str, out: &mut Vec<ClaimPath>) {
    if let Value::Object(map) = frame {
        for (k, v) in map {
            let here = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Value::Bool(true) => out.push(here.parse().unwrap()),
                Value::Object(_) => frame_paths(v, &here, out),
                _ => {}
            }
        }
    }
}

#[test]
fn sd_jwt_js_cases_issue_present_verify() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let cases = named_json("sd-jwt/sd-jwt-js");
    assert_eq!(cases.len(), 17);
    for (name, case) in cases {
        let claims = obj(case["claims"].clone());
        let frame =
            DisclosureFrame::from_json(&case["disclosureFrame"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let header = Header::default().with_typ("example+sd-jwt");
        let mut salts = CountingSalts(0);
        let issued = if name == "json_serialization" {
            sdjwt::issue_json(&claims, &frame, &header, &issuer, &mut salts, HashAlg::Sha256)
        } else {
            sdjwt::issue(&claims, &frame, &header, &issuer, &mut salts, HashAlg::Sha256)
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // With every Disclosure, the claims come back whole.
        let (_, full) = open(&issued.serialize(), issuer.public_key()).unwrap();
        assert_eq!(Value::Object(full.claims), case["claims"], "{name}: full");
        // The presentation the frame asks for, with key binding.
        let mut paths = Vec::new();
        frame_paths(&case["presentationFrames"], "", &mut paths);
        let shown = issued
            .present(&paths)
            .unwrap()
            .bind(&holder, "https://verifier.example", "n-1", 1_000)
            .unwrap();
        let (received, processed) = open(&shown.serialize(), issuer.public_key()).unwrap();
        let want = match name.as_str() {
            // sd-jwt-js drops the object its undisclosed members leave empty; RFC 9901 §7.1
            // step 3.5 keeps it as `{}`, and so does inkan.
            "array_none_disclosed" => json!({"is_over": {}}),
            _ => case["presentedClaims"].clone(),
        };
        assert_eq!(Value::Object(processed.claims.clone()), want, "{name}");
        received
            .verify_key_binding(
                holder.public_key(),
                processed.hash_alg,
                &KbExpectation::new("https://verifier.example", "n-1"),
                &VerifyOptions::default(),
                &FixedClock::at_unix(1_001),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn every_hash_algorithm_round_trips() {
    let key = SoftwareKey::generate(Algorithm::Es384).unwrap();
    for alg in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
        let claims = obj(json!({"a": 1, "b": [1, 2]}));
        let frame = DisclosureFrame::from_paths(&["a".parse().unwrap(), "b.1".parse().unwrap()])
            .with_decoys(&ClaimPath::default(), 3);
        let sd = sdjwt::issue(
            &claims,
            &frame,
            &Header::default(),
            &key,
            &mut sdjwt::OsSalts,
            alg,
        )
        .unwrap();
        let (_, p) = open(&sd.serialize(), key.public_key()).unwrap();
        assert_eq!(
            (Value::Object(p.claims), p.hash_alg),
            (json!({"a": 1, "b": [1, 2]}), alg)
        );
        assert_eq!(
            sd.unverified_claims().unwrap()["_sd"].as_array().unwrap().len(),
            4
        );
    }
}

// ---- negative cases ----

struct Fixture {
    issuer: SoftwareKey,
    holder: SoftwareKey,
    sd: SdJwt,
}

fn fixture() -> Fixture {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let claims = obj(
        json!({"iss": "https://issuer.example", "given_name": "Ada", "family_name": "Lovelace",
        "nationalities": ["GB", "IT"], "cnf": {"jwk": holder.public_jwk()}}),
    );
    let frame = DisclosureFrame::from_paths(&[
        "given_name".parse().unwrap(),
        "family_name".parse().unwrap(),
        "nationalities.0".parse().unwrap(),
    ]);
    let sd = sdjwt::issue(
        &claims,
        &frame,
        &Header::default(),
        &issuer,
        &mut CountingSalts(0),
        HashAlg::Sha256,
    )
    .unwrap();
    Fixture { issuer, holder, sd }
}

/// Signs `payload` (digests placed by hand) and appends `disclosures`.
fn hand_made(issuer: &SoftwareKey, payload: Value, disclosures: &[&Disclosure]) -> String {
    let jwt = jwt::sign(payload.as_object().unwrap(), &Header::default(), issuer).unwrap();
    let mut out = format!("{jwt}~");
    for d in disclosures {
        out.push_str(d.encoded());
        out.push('~');
    }
    out
}

fn code(r: inkan_core::Result<impl Sized>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn altered_disclosure_is_refused() {
    let f = fixture();
    let text = f.sd.serialize();
    let original = f.sd.disclosures()[0].clone();
    let forged = Disclosure::property(original.salt(), original.name().unwrap(), "Mallory".into());
    let tampered = text.replace(original.encoded(), forged.encoded());
    assert_eq!(
        code(open(&tampered, f.issuer.public_key())),
        "sdjwt.digest_mismatch"
    );
    // A Disclosure from another credential is not referenced either.
    let other = Disclosure::property("b3RoZXIgc2FsdA", "given_name", "Ada".into());
    let foreign = format!("{text}{}~", other.encoded());
    assert_eq!(
        code(open(&foreign, f.issuer.public_key())),
        "sdjwt.digest_mismatch"
    );
}

#[test]
fn duplicate_digests_and_disclosures_are_refused() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let d = Disclosure::property("c2FsdA", "a", 1.into());
    let digest = d.digest(HashAlg::Sha256);
    let twice = hand_made(&issuer, json!({"_sd": [digest.clone(), digest.clone()]}), &[&d]);
    assert_eq!(code(open(&twice, issuer.public_key())), "sdjwt.duplicate_digest");
    let e = Disclosure::element("c2FsdA", 1.into());
    let de = e.digest(HashAlg::Sha256);
    let nested = hand_made(
        &issuer,
        json!({"x": [{"...": de.clone()}], "y": {"z": [{"...": de}]}}),
        &[&e],
    );
    assert_eq!(code(open(&nested, issuer.public_key())), "sdjwt.duplicate_digest");
    let once = hand_made(&issuer, json!({"_sd": [d.digest(HashAlg::Sha256)]}), &[&d, &d]);
    assert_eq!(code(open(&once, issuer.public_key())), "sdjwt.duplicate_digest");
}

#[test]
fn reserved_names_conflicts_and_misplaced_disclosures_are_refused() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    for name in ["_sd", "..."] {
        let d = Disclosure::property("c2FsdA", name, json!([]));
        let t = hand_made(&issuer, json!({"_sd": [d.digest(HashAlg::Sha256)]}), &[&d]);
        assert_eq!(
            code(open(&t, issuer.public_key())),
            "sdjwt.reserved_name",
            "{name}"
        );
    }
    let d = Disclosure::property("c2FsdA", "a", 2.into());
    let t = hand_made(
        &issuer,
        json!({"a": 1, "_sd": [d.digest(HashAlg::Sha256)]}),
        &[&d],
    );
    assert_eq!(code(open(&t, issuer.public_key())), "sdjwt.claim_conflict");
    let t = hand_made(&issuer, json!({"x": [{"...": d.digest(HashAlg::Sha256)}]}), &[&d]);
    assert_eq!(code(open(&t, issuer.public_key())), "sdjwt.bad_disclosure");
    let e = Disclosure::element("c2FsdA", 2.into());
    let t = hand_made(&issuer, json!({"_sd": [e.digest(HashAlg::Sha256)]}), &[&e]);
    assert_eq!(code(open(&t, issuer.public_key())), "sdjwt.bad_disclosure");
    // Issuers refuse claims that use the reserved names, and frames naming missing claims.
    let claims = obj(json!({"a": {"_sd": 1}}));
    let r = sdjwt::issue(
        &claims,
        &DisclosureFrame::default(),
        &Header::default(),
        &issuer,
        &mut sdjwt::OsSalts,
        HashAlg::Sha256,
    );
    assert_eq!(code(r), "sdjwt.reserved_name");
    let frame = DisclosureFrame::from_paths(&["missing".parse().unwrap()]);
    let r = sdjwt::issue(
        &obj(json!({})),
        &frame,
        &Header::default(),
        &issuer,
        &mut sdjwt::OsSalts,
        HashAlg::Sha256,
    );
    assert_eq!(code(r), "sdjwt.bad_frame");
}

#[test]
fn unknown_sd_alg_is_refused() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    for alg in [json!("md5"), json!("sha-256-32"), json!(1)] {
        let t = hand_made(&issuer, json!({"_sd_alg": alg}), &[]);
        assert_eq!(code(open(&t, issuer.public_key())), "sdjwt.unknown_hash_alg");
    }
}

#[test]
fn alg_none_and_wrong_issuer_key_are_refused() {
    let f = fixture();
    let text = f.sd.serialize();
    let (jwt, rest) = text.split_once('~').unwrap();
    let mut parts = jwt.split('.');
    let (_, payload) = (parts.next(), parts.next().unwrap());
    let none = format!("{}.{payload}.~{rest}", b64url_encode(r#"{"alg":"none"}"#));
    assert_eq!(
        code(open(&none, f.issuer.public_key())),
        "crypto.unsupported_algorithm"
    );
    assert_eq!(code(open(&text, f.holder.public_key())), "crypto.bad_signature");
}

#[test]
fn key_binding_failures_have_their_own_codes() {
    let f = fixture();
    let shown = f.sd.present(&["given_name".parse().unwrap()]).unwrap();
    let bound = shown.bind(&f.holder, "https://rp", "n-1", 1_000).unwrap();
    let check = |sd: &SdJwt, expect: &KbExpectation, now: i64| {
        code(sd.verify_key_binding(
            f.holder.public_key(),
            HashAlg::Sha256,
            expect,
            &VerifyOptions::default(),
            &FixedClock::at_unix(now),
        ))
    };
    let good = KbExpectation::new("https://rp", "n-1");
    assert_eq!(check(&bound, &good, 1_010), "ok");
    assert_eq!(check(&shown, &good, 1_010), "sdjwt.kb_missing");
    assert_eq!(
        check(&bound, &KbExpectation::new("https://other", "n-1"), 1_010),
        "sdjwt.kb_aud_mismatch"
    );
    assert_eq!(
        check(&bound, &KbExpectation::new("https://rp", "n-2"), 1_010),
        "sdjwt.kb_nonce_mismatch"
    );
    assert_eq!(check(&bound, &good, 1_000 + 300 + 61), "sdjwt.kb_too_old");
    assert_eq!(
        check(&bound, &good.clone().max_age_secs(3_600), 1_000 + 300 + 61),
        "ok"
    );
    assert_eq!(check(&bound, &good, 800), "jwt.issued_in_future");
    // The KB-JWT moved onto a presentation with other Disclosures: sd_hash no longer matches.
    let more =
        f.sd.present(&["given_name".parse().unwrap(), "family_name".parse().unwrap()])
            .unwrap();
    let moved = format!("{}{}", more.serialize(), bound.kb_jwt().unwrap());
    let moved = SdJwt::parse(&moved, &Limits::default()).unwrap();
    assert_eq!(check(&moved, &good, 1_010), "sdjwt.sd_hash_mismatch");
    // Signed by someone else than cnf names.
    let thief = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let stolen = shown.bind(&thief, "https://rp", "n-1", 1_000).unwrap();
    assert_eq!(check(&stolen, &good, 1_010), "crypto.bad_signature");
    // A KB-JWT with another typ.
    let claims = obj(json!({"iat": 1_000, "aud": "https://rp", "nonce": "n-1",
        "sd_hash": HashAlg::Sha256.digest_b64(shown.sd_hash_input().as_bytes())}));
    let kb = jwt::sign(&claims, &Header::default().with_typ("JWT"), &f.holder).unwrap();
    let typed = SdJwt::parse(&format!("{}{kb}", shown.serialize()), &Limits::default()).unwrap();
    assert_eq!(check(&typed, &good, 1_010), "sdjwt.kb_invalid");
}

#[test]
fn caps_and_malformed_inputs() {
    let f = fixture();
    let text = f.sd.serialize();
    let tight = Limits {
        max_disclosures: 2,
        ..Limits::default()
    };
    assert_eq!(code(SdJwt::parse(&text, &tight)), "sdjwt.too_many_disclosures");
    let small = Limits {
        max_len: 100,
        ..Limits::default()
    };
    assert_eq!(code(SdJwt::parse(&text, &small)), "input.too_large");
    for bad in [
        "",
        "abc",
        "a.b~",
        "a.b.c~~",
        "a.b.c~!!~",
        "{",
        "{}",
        r#"{"payload":"e30"}"#,
        r#"{"payload":"e30","protected":"e30","signature":"","header":{"disclosures":"x"}}"#,
    ] {
        let c = code(SdJwt::parse(bad, &Limits::default()));
        assert!(c.starts_with("sdjwt."), "{bad:?}: {c}");
    }
}

#[test]
fn sd_jwt_vc_rules() {
    let ok = obj(json!({"vct": "urn:x", "iss": "https://i", "iat": 1, "cnf": {"jwk": {}}}));
    assert!(vc::check_claims(&ok, &[]).is_ok());
    let both = obj(json!({"vct": "urn:x", "@context": []}));
    assert_eq!(code(vc::check_claims(&both, &[])), "sdjwt.vc_invalid");
    let neither = obj(json!({"iss": "https://i"}));
    assert_eq!(code(vc::check_claims(&neither, &[])), "sdjwt.vc_invalid");
    let hidden_exp = ["exp".parse::<ClaimPath>().unwrap()];
    assert_eq!(code(vc::check_claims(&ok, &hidden_exp)), "sdjwt.vc_invalid");
    let bad_status = obj(json!({"vct": "urn:x", "status": "revoked"}));
    assert_eq!(code(vc::check_claims(&bad_status, &[])), "sdjwt.vc_invalid");
    assert!(matches!(
        vc::check_typ(Some("example+sd-jwt")),
        Err(Error::SdJwtVcInvalid(_))
    ));
}
