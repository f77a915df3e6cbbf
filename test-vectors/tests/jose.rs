//! RFC 7520 (JOSE Cookbook) and RFC 8037 vectors through `inkan_core::jose`.
//!
//! Supported algorithms are signed and byte-compared where the algorithm is deterministic
//! (RS256, EdDSA) and verified otherwise; every case with an unsupported algorithm asserts the
//! typed error.

// Test helpers unwrap: a broken vector or oracle is a failed test.

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, SoftwareKey};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_core::jose::jwe::{self, DecryptOptions};
use inkan_core::jose::jws::{self, JwsJson, SignatureSpec, VerifyOptions};
use inkan_core::jose::{Header, jwt};
use inkan_core::{Error, Result};
use inkan_test_vectors::json;
use serde_json::{Value, json};

fn cookbook(rel: &str) -> Value {
    json(&format!("jose-cookbook-rfc7520/{rel}"))
}

fn jwk(v: &Value) -> Jwk {
    Jwk::from_json(&v.to_string()).unwrap()
}

fn signer(case: &Value, alg: Algorithm) -> SoftwareKey {
    SoftwareKey::from_jwk(&jwk(&case["input"]["key"]))
        .unwrap()
        .with_algorithm(alg)
        .unwrap()
}

fn public(case: &Value) -> PublicKey {
    PublicKey::from_jwk(&jwk(&case["input"]["key"])).unwrap()
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, p| &v[p]).as_str().unwrap()
}

fn code<T>(r: Result<T>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

fn opts() -> VerifyOptions {
    VerifyOptions::default()
}

/// A resolver for cases whose key inkan cannot even load (P-521, oct): must never be reached.
fn unreachable_key(_: &Header) -> Result<PublicKey> {
    Err(Error::Untrusted("the algorithm check must come first".into()))
}

const UNSUPPORTED: &str = "crypto.unsupported_algorithm";

#[test]
fn rfc7520_4_1_rs256_is_reproduced_in_every_serialization() {
    let case = cookbook("jws/4_1.rsa_v15_signature.json");
    let key = signer(&case, Algorithm::Rs256);
    let payload = s(&case, &["input", "payload"]).as_bytes();
    let header = Header::for_signer(&key);
    assert_eq!(header.kid.as_deref(), Some("bilbo.baggins@hobbiton.example"));

    let compact = jws::sign_compact(payload, &header, &key).unwrap();
    assert_eq!(compact, s(&case, &["output", "compact"]));
    let v = jws::verify_compact(&compact, &public(&case), &opts()).unwrap();
    assert_eq!((v.payload.as_slice(), v.algorithm), (payload, Algorithm::Rs256));

    let spec = SignatureSpec {
        protected: Header {
            kid: header.kid.clone(),
            ..Header::default()
        },
        ..SignatureSpec::new(&key)
    };
    let general = jws::sign_json_general(payload, std::slice::from_ref(&spec)).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&general).unwrap(),
        case["output"]["json"]
    );
    let flat = jws::sign_json_flattened(payload, &spec).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&flat).unwrap(),
        case["output"]["json_flat"]
    );

    for form in ["json", "json_flat"] {
        let parsed = JwsJson::parse(&case["output"][form].to_string(), &opts()).unwrap();
        let v = parsed.verify_signature(0, &public(&case), &opts()).unwrap();
        assert_eq!(v.header.kid.as_deref(), Some("bilbo.baggins@hobbiton.example"));
    }
}

#[test]
fn rfc7520_4_1_tampering_is_detected() {
    let case = cookbook("jws/4_1.rsa_v15_signature.json");
    let token = s(&case, &["output", "compact"]);
    let parts: Vec<&str> = token.split('.').collect();
    let key = public(&case);
    let flip = |i: usize| {
        let mut bytes = b64url_decode(parts[i]).unwrap();
        bytes[9] ^= 0x01;
        let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        p[i] = b64url_encode(bytes);
        p.join(".")
    };
    // Header: still valid JSON (the kid changes by one letter), so only the signature fails.
    let header = String::from_utf8(b64url_decode(parts[0]).unwrap()).unwrap();
    let h = format!(
        "{}.{}",
        b64url_encode(header.replace("bilbo", "bilbp")),
        parts[1..].join(".")
    );
    assert_eq!(
        jws::peek_header(&h).unwrap().kid.as_deref(),
        Some("bilbp.baggins@hobbiton.example")
    );
    for (i, tampered) in [h, flip(1), flip(2)].iter().enumerate() {
        assert_eq!(
            code(jws::verify_compact(tampered, &key, &opts())),
            "crypto.bad_signature",
            "part {i}"
        );
    }
    // Text-level damage that breaks the encoding is malformed, not a bad signature.
    let broken = format!("{}!", token);
    assert_eq!(
        code(jws::verify_compact(&broken, &key, &opts())),
        "jose.malformed"
    );
}

#[test]
fn rfc7520_4_2_ps384_is_unsupported_and_ps256_round_trips() {
    let case = cookbook("jws/4_2.rsa-pss_signature.json");
    assert_eq!(s(&case, &["input", "alg"]), "PS384");
    let key = public(&case);
    assert_eq!(
        code(jws::verify_compact(
            s(&case, &["output", "compact"]),
            &key,
            &opts()
        )),
        UNSUPPORTED
    );
    for form in ["json", "json_flat"] {
        let parsed = JwsJson::parse(&case["output"][form].to_string(), &opts()).unwrap();
        assert_eq!(code(parsed.verify_signature(0, &key, &opts())), UNSUPPORTED);
    }
    // The same RSA key signs and verifies PS256 (randomised, so a round trip, not a byte compare).
    let ps256 = signer(&case, Algorithm::Ps256);
    let payload = s(&case, &["input", "payload"]).as_bytes();
    let token = jws::sign_compact(payload, &Header::for_signer(&ps256), &ps256).unwrap();
    assert_eq!(
        jws::verify_compact(&token, &key, &opts()).unwrap().payload,
        payload
    );
    let rs_only = VerifyOptions {
        algorithms: vec![Algorithm::Rs256],
        ..opts()
    };
    assert_eq!(code(jws::verify_compact(&token, &key, &rs_only)), UNSUPPORTED);
}

#[test]
fn rfc7520_4_3_es512_and_4_4_hs256_are_unsupported() {
    for file in [
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
    ] {
        let case = cookbook(file);
        let compact = s(&case, &["output", "compact"]);
        assert_eq!(
            code(jws::verify_compact_with(compact, &opts(), unreachable_key)),
            UNSUPPORTED,
            "{file}"
        );
        for form in ["json", "json_flat"] {
            let parsed = JwsJson::parse(&case["output"][form].to_string(), &opts()).unwrap();
            assert_eq!(
                code(parsed.verify_any(&opts(), unreachable_key)),
                UNSUPPORTED,
                "{file} {form}"
            );
        }
    }
    // Neither key can be loaded as a signature key either (P-521 and a symmetric key).
    for file in [
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
    ] {
        let k = jwk(&cookbook(file)["input"]["key"]);
        assert_eq!(code(PublicKey::from_jwk(&k)), UNSUPPORTED, "{file}");
    }
}

#[test]
fn rfc7520_4_5_detached_content() {
    let case = cookbook("jws/4_5.signature_with_detached_content.json");
    let payload = s(&case, &["input", "payload"]).as_bytes();
    let compact = s(&case, &["output", "compact"]);
    assert!(compact.contains(".."));
    let err = jws::verify_compact_detached(
        compact,
        payload,
        &public(&cookbook("jws/4_1.rsa_v15_signature.json")),
        &opts(),
    );
    assert_eq!(code(err), UNSUPPORTED);
    for form in ["json", "json_flat"] {
        let parsed = JwsJson::parse_detached(&case["output"][form].to_string(), payload, &opts()).unwrap();
        assert_eq!(parsed.payload(), payload);
        assert_eq!(code(parsed.verify_any(&opts(), unreachable_key)), UNSUPPORTED);
        // Without the detached payload the object is incomplete.
        assert_eq!(
            code(JwsJson::parse(&case["output"][form].to_string(), &opts())),
            "jose.malformed"
        );
    }
    // The same payload detached under RS256 (4.1's key and header) gives 4.1's signature.
    let rs = cookbook("jws/4_1.rsa_v15_signature.json");
    let key = signer(&rs, Algorithm::Rs256);
    let detached = jws::sign_compact_detached(payload, &Header::for_signer(&key), &key).unwrap();
    let full: Vec<&str> = s(&rs, &["output", "compact"]).split('.').collect();
    assert_eq!(detached, format!("{}..{}", full[0], full[2]));
    assert!(jws::verify_compact_detached(&detached, payload, &public(&rs), &opts()).is_ok());
    let err = jws::verify_compact_detached(&detached, b"another payload", &public(&rs), &opts());
    assert_eq!(code(err), "crypto.bad_signature");
}

#[test]
fn rfc7520_4_6_and_4_7_header_splits() {
    // The cookbook's splits use HS256: parsed, merged, and refused.
    let split = cookbook("jws/4_6.protecting_specific_header_fields.json");
    let parsed = JwsJson::parse(&split["output"]["json_flat"].to_string(), &opts()).unwrap();
    let header = parsed.header(0).unwrap();
    assert_eq!(
        (header.alg.as_deref(), header.kid.as_deref()),
        (Some("HS256"), Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037"))
    );
    assert_eq!(code(parsed.verify_any(&opts(), unreachable_key)), UNSUPPORTED);
    let unprotected = cookbook("jws/4_7.protecting_content_only.json");
    let parsed = JwsJson::parse(&unprotected["output"]["json"].to_string(), &opts()).unwrap();
    assert_eq!(code(parsed.verify_any(&opts(), unreachable_key)), UNSUPPORTED);

    // The same splits under RS256. Protected alg + unprotected kid is 4.8's first signature.
    let rs = cookbook("jws/4_1.rsa_v15_signature.json");
    let key = signer(&rs, Algorithm::Rs256);
    let payload = s(&rs, &["input", "payload"]).as_bytes();
    let mut spec = SignatureSpec::new(&key);
    spec.unprotected
        .insert("kid".into(), "bilbo.baggins@hobbiton.example".into());
    let flat: Value = serde_json::from_str(&jws::sign_json_flattened(payload, &spec).unwrap()).unwrap();
    let multi = cookbook("jws/4_8.multiple_signatures.json");
    assert_eq!(
        flat["protected"],
        multi["output"]["json"]["signatures"][0]["protected"]
    );
    assert_eq!(flat["header"], multi["output"]["json"]["signatures"][0]["header"]);
    assert_eq!(
        flat["signature"],
        multi["output"]["json"]["signatures"][0]["signature"]
    );

    // Everything unprotected (4.7's shape): the signing input is "." + payload.
    let payload_b64 = b64url_encode(payload);
    let sig = inkan_core::crypto::Signer::sign(&key, format!(".{payload_b64}").as_bytes()).unwrap();
    let all_unprotected = json!({
        "payload": payload_b64,
        "header": {"alg": "RS256", "kid": "bilbo.baggins@hobbiton.example"},
        "signature": b64url_encode(sig),
    });
    let parsed = JwsJson::parse(&all_unprotected.to_string(), &opts()).unwrap();
    assert_eq!(
        parsed
            .verify_signature(0, &public(&rs), &opts())
            .unwrap()
            .algorithm,
        Algorithm::Rs256
    );
}

#[test]
fn rfc7520_4_8_multiple_signatures() {
    let case = cookbook("jws/4_8.multiple_signatures.json");
    let rsa = public(&cookbook("jws/4_1.rsa_v15_signature.json"));
    let parsed = JwsJson::parse(&case["output"]["json"].to_string(), &opts()).unwrap();
    assert_eq!(parsed.len(), 3);
    let v = parsed.verify_signature(0, &rsa, &opts()).unwrap();
    assert_eq!(v.header.kid.as_deref(), Some("bilbo.baggins@hobbiton.example"));
    assert_eq!(v.payload, s(&case, &["input", "payload"]).as_bytes());
    assert_eq!(code(parsed.verify_signature(1, &rsa, &opts())), UNSUPPORTED); // ES512
    assert_eq!(code(parsed.verify_signature(2, &rsa, &opts())), UNSUPPORTED); // HS256
    let any = parsed.verify_any(&opts(), |h| match h.alg.as_deref() {
        Some("RS256") => Ok(&rsa),
        _ => Err(Error::Untrusted("no key".into())),
    });
    assert_eq!(any.unwrap().algorithm, Algorithm::Rs256);
    // With RS256 not allowed, nothing verifies and the first signature's error is reported.
    let es_only = VerifyOptions {
        algorithms: vec![Algorithm::Es256],
        ..opts()
    };
    assert_eq!(code(parsed.verify_any(&es_only, |_| Ok(&rsa))), UNSUPPORTED);
}

#[test]
fn rfc8037_ed25519_is_reproduced() {
    let case = json("jose-cookbook-rfc7520/curve25519/jws.json");
    let key = signer(&case, Algorithm::EdDsa);
    let payload = s(&case, &["input", "payload"]).as_bytes();
    let compact = jws::sign_compact(payload, &Header::default(), &key).unwrap();
    assert_eq!(compact, s(&case, &["output", "compact"]));
    let spec = SignatureSpec::new(&key);
    let general = jws::sign_json_general(payload, std::slice::from_ref(&spec)).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&general).unwrap(),
        case["output"]["json"]
    );
    let flat = jws::sign_json_flattened(payload, &spec).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&flat).unwrap(),
        case["output"]["json_flat"]
    );
    let v = jws::verify_compact(&compact, &public(&case), &opts()).unwrap();
    assert_eq!(v.algorithm, Algorithm::EdDsa);
    let (input, sig) = compact.rsplit_once('.').unwrap();
    let mut sig = b64url_decode(sig).unwrap();
    sig[63] ^= 0x01;
    let sig = format!("{input}.{}", b64url_encode(sig));
    assert_eq!(
        code(jws::verify_compact(&sig, &public(&case), &opts())),
        "crypto.bad_signature"
    );
}

#[test]
fn rfc7520_6_nested_ps256_jwt_verifies() {
    let case = cookbook("6.nesting_signatures_and_encryption.json");
    let sign = &case["sign"];
    let token = s(sign, &["output", "compact"]);
    let rules = jwt::JwtValidation::default()
        .with_issuer("hobbiton.example")
        .with_typ("JWT");
    let before = FixedClock::at_unix(1_300_819_000);
    let v = jwt::verify(token, &public(sign), &rules, &before).unwrap();
    assert_eq!(v.algorithm, Algorithm::Ps256);
    assert_eq!(v.claims["http://example.com/is_root"], true);
    let after = FixedClock::at_unix(1_300_819_380 + 3_600);
    assert_eq!(
        code(jwt::verify(token, &public(sign), &rules, &after)),
        "jwt.expired"
    );
    let wrong_iss = rules.clone().with_issuer("mordor.example");
    assert_eq!(
        code(jwt::verify(token, &public(sign), &wrong_iss, &before)),
        "jwt.iss_mismatch"
    );
    // The outer JWE uses RSA-OAEP (SHA-1), which is not supported.
    let enc = &case["encrypt"];
    let err = jwe::decrypt_compact(
        s(enc, &["output", "compact"]),
        &jwk(&enc["input"]["key"]),
        &DecryptOptions::default(),
    );
    assert_eq!(code(err), UNSUPPORTED);
}

#[test]
fn rfc7520_5_4_ecdh_es_a128kw_p384_decrypts() {
    let case =
        cookbook("jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json");
    let key = jwk(&case["input"]["key"]);
    let token = s(&case, &["output", "compact"]);
    let out = jwe::decrypt_compact(token, &key, &DecryptOptions::default()).unwrap();
    assert_eq!(out.plaintext, s(&case, &["input", "plaintext"]).as_bytes());
    assert_eq!(out.header["kid"], "peregrin.took@tuckborough.example");
    assert_eq!(
        (out.alg.jose_name(), out.enc.jose_name()),
        ("ECDH-ES+A128KW", "A128GCM")
    );

    // Tampering: every binary part, and a re-encoded header that is still valid JSON.
    let parts: Vec<&str> = token.split('.').collect();
    for i in 1..5 {
        let mut bytes = b64url_decode(parts[i]).unwrap();
        bytes[0] ^= 0x80;
        let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        p[i] = b64url_encode(bytes);
        let err = jwe::decrypt_compact(&p.join("."), &key, &DecryptOptions::default());
        assert_eq!(code(err), "crypto.decryption_failed", "part {i}");
    }
    let mut header: Value = serde_json::from_slice(&b64url_decode(parts[0]).unwrap()).unwrap();
    header["kid"] = "samwise.gamgee@hobbiton.example".into();
    let forged = format!("{}.{}", b64url_encode(header.to_string()), parts[1..].join("."));
    let err = jwe::decrypt_compact(&forged, &key, &DecryptOptions::default());
    assert_eq!(code(err), "crypto.decryption_failed");

    // Another P-384 key cannot decrypt; a P-521 key (3.2) is not supported for ECDH-ES at all.
    let mut other = SoftwareKey::generate(Algorithm::Es384).unwrap().to_jwk().unwrap();
    other.alg = None;
    assert_eq!(
        code(jwe::decrypt_compact(token, &other, &DecryptOptions::default())),
        "crypto.decryption_failed"
    );
    let p521 = jwk(&cookbook("jwk/3_2.ec_private_key.json"));
    assert_eq!(p521.crv.as_deref(), Some("P-521"));
    assert_eq!(
        code(jwe::decrypt_compact(token, &p521, &DecryptOptions::default())),
        "crypto.alg_key_mismatch"
    );
}

#[test]
fn rfc8037_x25519_ecdh_es_decrypts() {
    let case = json("jose-cookbook-rfc7520/curve25519/ecdh-es.json");
    let key = jwk(&case["input"]["key"]);
    let out =
        jwe::decrypt_compact(s(&case, &["output", "compact"]), &key, &DecryptOptions::default()).unwrap();
    assert_eq!(out.plaintext, s(&case, &["input", "plaintext"]).as_bytes());
    assert_eq!(out.header["epk"]["crv"], "X25519");
}

#[test]
fn rfc7520_unsupported_jwe_cases_are_refused() {
    // Every compact JWE in the cookbook except 5.4 uses an algorithm inkan does not support.
    let cases = [
        "5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json",
        "5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json",
        "5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json",
        "5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json",
        "5_6.direct_encryption_using_aes-gcm.json",
        "5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json",
        "5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
        "5_9.compressed_content.json",
    ];
    // 5.3 (PBES2) has no key; any private key stands in, the algorithm check comes first.
    let stand_in = jwk(&cookbook(
        "jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json",
    )["input"]["key"]);
    for file in cases {
        let case = cookbook(&format!("jwe/{file}"));
        let key = case["input"]
            .get("key")
            .map(jwk)
            .unwrap_or_else(|| stand_in.clone());
        let err = jwe::decrypt_compact(s(&case, &["output", "compact"]), &key, &DecryptOptions::default());
        assert_eq!(code(err), UNSUPPORTED, "{file}");
    }
}
