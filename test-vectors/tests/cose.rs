//! COSE WG examples (cose-wg/Examples) and the RFC 8392 CWT appendix through inkan's COSE layer.
//!
//! Every single-layer case (Sign1, Mac0, Encrypt0) is run: pass cases must verify (and, where the
//! output is deterministic, be reproduced byte for byte), `fail: true` cases must fail with the
//! typed error their `failures` entry implies. Multi-recipient messages (COSE_Sign, COSE_Mac,
//! COSE_Encrypt) in the same folders must be refused with `cose.wrong_tag`.

use std::path::Path;

use inkan_core::Error;
use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::cose::cbor::CborLimits;
use inkan_core::cose::coset::{HeaderBuilder, iana};
use inkan_core::cose::cwt::{self, CwtClaims, VerifyOptions};
use inkan_core::cose::{
    DecodeOptions, EncAlgorithm, Encrypt0, Encrypt0Builder, Mac0, Mac0Builder, MacAlgorithm, Sign1,
    Sign1Builder, TagPolicy,
};
use inkan_core::crypto::{Jwk, PublicKey, Signer, SoftwareKey};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_test_vectors::json_files;
use serde_json::Value as Json;

const DIR: &str = "cose-wg-examples";

fn load(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn load_rel(rel: &str) -> Json {
    inkan_test_vectors::json(&format!("{DIR}/{rel}"))
}

fn files(sub: &str) -> Vec<(String, Json)> {
    json_files(&format!("{DIR}/{sub}"))
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), load(&p)))
        .collect()
}

fn hex_of(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn output(case: &Json) -> Vec<u8> {
    hex_of(&case["output"]["cbor"])
}

fn plaintext(case: &Json) -> Vec<u8> {
    match case["input"]["plaintext"].as_str() {
        Some(text) => text.as_bytes().to_vec(),
        None => hex_of(&case["input"]["plaintext_hex"]),
    }
}

fn external_aad(layer: &Json) -> Vec<u8> {
    layer["external"]
        .as_str()
        .map(|h| hex::decode(h).unwrap())
        .unwrap_or_default()
}

fn is_fail(case: &Json) -> bool {
    case["fail"].as_bool() == Some(true)
}

/// The vectors' JWK-like keys, with `*_hex` members turned into base64url.
fn jwk(key: &Json) -> Jwk {
    let mut out = serde_json::Map::new();
    for (name, value) in key.as_object().unwrap() {
        match name.strip_suffix("_hex") {
            Some(base) => out.insert(base.into(), b64url_encode(hex_of(value)).into()),
            None => out.insert(name.clone(), value.clone()),
        };
    }
    Jwk::from_json(&Json::Object(out).to_string()).unwrap()
}

fn symmetric_key(layer: &Json) -> Vec<u8> {
    let key = &layer["recipients"][0]["key"];
    match key["k"].as_str() {
        Some(k) => b64url_decode(k).unwrap(),
        None => hex_of(&key["k_hex"]),
    }
}

/// Vectors that put `alg` only in the unprotected header pass only when that is allowed.
fn options_for(layer: &Json) -> DecodeOptions {
    DecodeOptions {
        allow_unprotected_alg: !layer["unprotected"]["alg"].is_null(),
        ..DecodeOptions::default()
    }
}

/// The error a `fail: true` case must produce; `crypto_code` is what a broken
/// signature/tag/ciphertext gives for this message type.
fn expected_failure(case: &Json, crypto_code: &'static str) -> &'static str {
    let failures = case["input"]["failures"].as_object().unwrap();
    assert_eq!(failures.len(), 1, "{}", case["title"]);
    match failures.keys().next().unwrap().as_str() {
        "ChangeCBORTag" => "cose.wrong_tag",
        "ChangeAttr" => "crypto.unsupported_algorithm",
        "ChangeTag" | "AddProtected" | "RemoveProtected" => crypto_code,
        other => panic!("unknown failure kind {other}"),
    }
}

/// Asserts an outcome: `Ok` for pass cases, the typed error for the others.
fn check(name: &str, got: Result<(), Error>, want: Result<(), &str>) {
    match (got, want) {
        (Ok(()), Ok(())) => {}
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{name}: {e}"),
        (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
    }
}

#[derive(Default, Debug, PartialEq)]
struct Tally {
    pass: usize,
    fail: usize,
    other_structure: usize,
}

// ---------------------------------------------------------------- COSE_Sign1

fn sign1_outcome(case: &Json) -> Result<(), &'static str> {
    let layer = &case["input"]["sign0"];
    if is_fail(case) {
        Err(expected_failure(case, "crypto.bad_signature"))
    } else if layer["alg"] == "ES512" || layer["key"]["crv"] == "Ed448" {
        Err("crypto.unsupported_algorithm")
    } else {
        Ok(())
    }
}

fn run_sign1(case: &Json) -> Result<(), Error> {
    let layer = &case["input"]["sign0"];
    let aad = external_aad(layer);
    let msg = Sign1::decode(&output(case), &options_for(layer))?;
    if !is_fail(case) {
        let tbs = hex_of(&case["intermediates"]["ToBeSign_hex"]);
        assert_eq!(msg.to_be_signed(&aad, None)?, tbs, "{}", case["title"]);
        assert_eq!(msg.payload(), Some(plaintext(case).as_slice()));
        assert_eq!(msg.kid(), layer["key"]["kid"].as_str().map(str::as_bytes));
    }
    let key = PublicKey::from_jwk(&jwk(&layer["key"]))?;
    msg.verify(&key, &aad)
}

fn sign1_dir(sub: &str) -> Tally {
    let mut tally = Tally::default();
    for (name, case) in files(sub) {
        if case["input"]["sign0"].is_null() {
            // COSE_Sign (tag 98) is not a COSE_Sign1.
            let err = Sign1::decode(&output(&case), &DecodeOptions::default()).unwrap_err();
            assert_eq!(
                err,
                Error::CoseWrongTag {
                    expected: 18,
                    found: 98
                },
                "{name}"
            );
            tally.other_structure += 1;
            continue;
        }
        let want = sign1_outcome(&case);
        check(&name, run_sign1(&case), want);
        if want.is_ok() {
            tally.pass += 1
        } else {
            tally.fail += 1
        }
    }
    tally
}

#[test]
fn sign1_tests() {
    let tally = sign1_dir("sign1-tests");
    assert_eq!(
        tally,
        Tally {
            pass: 3,
            fail: 6,
            other_structure: 0
        }
    );
}

#[test]
fn sign1_alg_in_unprotected_header_is_refused_by_default() {
    let case = load_rel("sign1-tests/sign-pass-01.json");
    let err = Sign1::decode(&output(&case), &DecodeOptions::default())
        .unwrap()
        .verify(
            &PublicKey::from_jwk(&jwk(&case["input"]["sign0"]["key"])).unwrap(),
            b"",
        )
        .unwrap_err();
    assert_eq!(err.code(), "cose.malformed");
}

#[test]
fn sign1_tag_required_refuses_the_untagged_pass_case() {
    let case = load_rel("sign1-tests/sign-pass-03.json");
    let strict = DecodeOptions {
        tag: TagPolicy::Required,
        ..DecodeOptions::default()
    };
    assert_eq!(
        Sign1::decode(&output(&case), &strict).unwrap_err().code(),
        "cose.malformed"
    );
}

#[test]
fn ecdsa_examples() {
    // ES256 and ES384 verify; the two ES512 cases are refused as unsupported.
    let tally = sign1_dir("ecdsa-examples");
    assert_eq!(
        tally,
        Tally {
            pass: 2,
            fail: 2,
            other_structure: 4
        }
    );
}

#[test]
fn eddsa_examples() {
    // Ed25519 verifies; Ed448 is refused as unsupported.
    let tally = sign1_dir("eddsa-examples");
    assert_eq!(
        tally,
        Tally {
            pass: 1,
            fail: 1,
            other_structure: 2
        }
    );
}

#[test]
fn ed25519_sign1_is_reproduced_byte_for_byte() {
    let case = load_rel("eddsa-examples/eddsa-sig-01.json");
    let layer = &case["input"]["sign0"];
    let key = SoftwareKey::from_jwk(&jwk(&layer["key"])).unwrap();
    let tbs = hex_of(&case["intermediates"]["ToBeSign_hex"]);
    let msg = Sign1::decode(&output(&case), &DecodeOptions::default()).unwrap();
    assert_eq!(key.sign(&tbs).unwrap(), msg.as_coset().signature);
    // The whole message, rebuilt from its inputs: {1: -8, 3: 0} protected, {4: "11"} unprotected.
    let fresh = Sign1Builder::new(plaintext(&case))
        .protected(
            HeaderBuilder::new()
                .content_format(iana::CoapContentFormat::TextPlainUtf8)
                .build(),
        )
        .kid(b"11".to_vec())
        .sign(&key)
        .unwrap();
    assert_eq!(fresh.encode(true).unwrap(), output(&case));
}

// ---------------------------------------------------------------- COSE_Mac0

fn mac_alg(name: &str) -> MacAlgorithm {
    match name {
        "HS256" => MacAlgorithm::Hmac256,
        "HS256/64" => MacAlgorithm::Hmac256_64,
        "HS384" => MacAlgorithm::Hmac384,
        "HS512" => MacAlgorithm::Hmac512,
        other => panic!("unexpected MAC algorithm {other}"),
    }
}

fn run_mac0(case: &Json) -> Result<(), Error> {
    let layer = &case["input"]["mac0"];
    let aad = external_aad(layer);
    let key = symmetric_key(layer);
    let msg = Mac0::decode(&output(case), &options_for(layer))?;
    if !is_fail(case) {
        let to_mac = hex_of(&case["intermediates"]["ToMac_hex"]);
        assert_eq!(msg.to_be_maced(&aad, None)?, to_mac, "{}", case["title"]);
        if layer["unprotected"]["alg"].is_null() {
            // HMAC is deterministic: rebuilding from the inputs gives the same bytes.
            let alg = mac_alg(layer["alg"].as_str().unwrap());
            let fresh = Mac0Builder::new(plaintext(case))
                .external_aad(aad.clone())
                .create(alg, &key)?;
            assert_eq!(fresh.encode(true)?, output(case), "{}", case["title"]);
        }
    }
    msg.verify(&key, &aad)
}

fn mac0_dir(sub: &str) -> Tally {
    let mut tally = Tally::default();
    for (name, case) in files(sub) {
        if case["input"]["mac0"].is_null() {
            // COSE_Mac (tag 97) is not a COSE_Mac0.
            let err = Mac0::decode(&output(&case), &DecodeOptions::default()).unwrap_err();
            assert_eq!(
                err,
                Error::CoseWrongTag {
                    expected: 17,
                    found: 97
                },
                "{name}"
            );
            tally.other_structure += 1;
            continue;
        }
        let want = if is_fail(&case) {
            Err(expected_failure(&case, "cose.mac_mismatch"))
        } else {
            Ok(())
        };
        check(&name, run_mac0(&case), want);
        if want.is_ok() {
            tally.pass += 1
        } else {
            tally.fail += 1
        }
    }
    tally
}

#[test]
fn mac0_tests() {
    assert_eq!(
        mac0_dir("mac0-tests"),
        Tally {
            pass: 4,
            fail: 6,
            other_structure: 0
        }
    );
}

#[test]
fn hmac_examples() {
    // HMAC 256/256, 384, 512 and 256/64 reproduced byte for byte; one corrupted tag.
    assert_eq!(
        mac0_dir("hmac-examples"),
        Tally {
            pass: 4,
            fail: 1,
            other_structure: 5
        }
    );
}

// ---------------------------------------------------------------- COSE_Encrypt0

fn enc_alg(name: &str) -> EncAlgorithm {
    match name {
        "A128GCM" => EncAlgorithm::A128Gcm,
        "A192GCM" => EncAlgorithm::A192Gcm,
        "A256GCM" => EncAlgorithm::A256Gcm,
        other => panic!("unexpected content algorithm {other}"),
    }
}

fn run_encrypt0(case: &Json) -> Result<(), Error> {
    let layer = &case["input"]["encrypted"];
    let aad = external_aad(layer);
    let key = symmetric_key(layer);
    let msg = Encrypt0::decode(&output(case), &options_for(layer))?;
    if !is_fail(case) {
        assert_eq!(
            msg.aad(&aad),
            hex_of(&case["intermediates"]["AAD_hex"]),
            "{}",
            case["title"]
        );
        let protected_alg = layer["protected"]["alg"].as_str();
        if let Some(alg) = protected_alg {
            // AES-GCM under the vector's IV is deterministic.
            let iv: [u8; 12] = hex_of(&case["input"]["rng_stream"][0]).try_into().unwrap();
            let fresh = Encrypt0Builder::new(enc_alg(alg))
                .iv(iv)
                .external_aad(aad.clone())
                .encrypt(&key, &plaintext(case))?;
            assert_eq!(fresh.encode(true)?, output(case), "{}", case["title"]);
        }
    }
    assert_eq!(msg.decrypt(&key, &aad)?, plaintext(case), "{}", case["title"]);
    Ok(())
}

fn encrypt0_dir(sub: &str) -> Tally {
    let mut tally = Tally::default();
    for (name, case) in files(sub) {
        if case["input"]["encrypted"].is_null() {
            // COSE_Encrypt (tag 96) is not a COSE_Encrypt0.
            let err = Encrypt0::decode(&output(&case), &DecodeOptions::default()).unwrap_err();
            assert_eq!(
                err,
                Error::CoseWrongTag {
                    expected: 16,
                    found: 96
                },
                "{name}"
            );
            tally.other_structure += 1;
            continue;
        }
        let want = if is_fail(&case) {
            Err(expected_failure(&case, "crypto.decryption_failed"))
        } else {
            Ok(())
        };
        check(&name, run_encrypt0(&case), want);
        if want.is_ok() {
            tally.pass += 1
        } else {
            tally.fail += 1
        }
    }
    tally
}

#[test]
fn encrypted_tests() {
    assert_eq!(
        encrypt0_dir("encrypted-tests"),
        Tally {
            pass: 4,
            fail: 6,
            other_structure: 0
        }
    );
}

#[test]
fn aes_gcm_examples() {
    // A128GCM, A192GCM and A256GCM reproduced byte for byte; one corrupted tag.
    assert_eq!(
        encrypt0_dir("aes-gcm-examples"),
        Tally {
            pass: 3,
            fail: 1,
            other_structure: 5
        }
    );
}

// ---------------------------------------------------------------- CWT (RFC 8392 Appendix A)

/// RFC 8392 A.1's claims set.
fn a1_claims() -> CwtClaims {
    CwtClaims {
        iss: Some("coap://as.example.com".into()),
        sub: Some("erikw".into()),
        aud: Some("coap://light.example.com".into()),
        exp: Some(1_444_064_944),
        nbf: Some(1_443_944_944),
        iat: Some(1_443_944_944),
        cti: Some(vec![0x0b, 0x71]),
        ..CwtClaims::default()
    }
}

fn at_issue() -> FixedClock {
    FixedClock::at_unix(1_443_944_944)
}

#[test]
fn cwt_a3_signed_es256() {
    let case = load_rel("CWT/A_3.json");
    let key = PublicKey::from_jwk(&jwk(&case["input"]["sign0"]["key"])).unwrap();
    let token = output(&case);
    let verified = cwt::verify(&token, &key, &VerifyOptions::default(), &at_issue()).unwrap();
    assert_eq!(verified.claims, a1_claims());
    // Our deterministic encoding of the claims is the RFC's payload byte for byte.
    assert_eq!(a1_claims().encode().unwrap(), plaintext(&case));
    let tbs = hex_of(&case["intermediates"]["ToBeSign_hex"]);
    assert_eq!(verified.message.to_be_signed(b"", None).unwrap(), tbs);
    // After exp (+ leeway) the same token is expired.
    let late = FixedClock::at_unix(1_444_064_944 + 3600);
    let err = cwt::verify(&token, &key, &VerifyOptions::default(), &late).unwrap_err();
    assert_eq!(err.code(), "jwt.expired");
    // Wrapped in the CWT tag 61 it still verifies.
    let mut tagged = vec![0xd8, 0x3d];
    tagged.extend_from_slice(&token);
    assert!(cwt::verify(&tagged, &key, &VerifyOptions::default(), &at_issue()).is_ok());
}

#[test]
fn cwt_a4_maced_hmac_256_64() {
    let case = load_rel("CWT/A_4.json");
    let layer = &case["input"]["mac0"];
    let key = symmetric_key(layer);
    let claims = cwt::verify_mac(&output(&case), &key, &VerifyOptions::default(), &at_issue()).unwrap();
    assert_eq!(claims, a1_claims());
    let msg = Mac0::decode(&output(&case), &DecodeOptions::default()).unwrap();
    assert_eq!(
        msg.to_be_maced(b"", None).unwrap(),
        hex_of(&case["intermediates"]["ToMac_hex"])
    );
    let fresh = Mac0Builder::new(a1_claims().encode().unwrap())
        .create(MacAlgorithm::Hmac256_64, &key)
        .unwrap();
    assert_eq!(fresh.encode(true).unwrap(), output(&case));
    let mut wrong = key.clone();
    wrong[31] ^= 1;
    let err = cwt::verify_mac(&output(&case), &wrong, &VerifyOptions::default(), &at_issue());
    assert_eq!(err.unwrap_err(), Error::MacMismatch);
}

#[test]
fn cwt_a5_aes_ccm_is_unsupported() {
    let case = load_rel("CWT/A_5.json");
    let key = hex_of(&case["input"]["encrypted"]["recipients"][0]["key"]["k_hex"]);
    let msg = Encrypt0::decode(&output(&case), &DecodeOptions::default()).unwrap();
    assert_eq!(msg.aad(b""), hex_of(&case["intermediates"]["AAD_hex"]));
    assert_eq!(
        msg.decrypt(&key, b"").unwrap_err().code(),
        "crypto.unsupported_algorithm"
    );
}

#[test]
fn cwt_a6_nested_outer_ccm_unsupported_inner_sign1_verifies() {
    let case = load_rel("CWT/A_6.json");
    let key = hex_of(&case["input"]["encrypted"]["recipients"][0]["key"]["k_hex"]);
    let outer = Encrypt0::decode(&output(&case), &DecodeOptions::default()).unwrap();
    assert_eq!(
        outer.decrypt(&key, b"").unwrap_err().code(),
        "crypto.unsupported_algorithm"
    );
    // The inner layer (given as the plaintext) is A.3's signed CWT.
    let a3 = load_rel("CWT/A_3.json");
    let signer = PublicKey::from_jwk(&jwk(&a3["input"]["sign0"]["key"])).unwrap();
    let inner = cwt::verify(&plaintext(&case), &signer, &VerifyOptions::default(), &at_issue()).unwrap();
    assert_eq!(inner.claims, a1_claims());
}

#[test]
fn cwt_a7_float_iat() {
    let case = load_rel("CWT/A_7.json");
    let key = symmetric_key(&case["input"]["mac0"]);
    let claims = cwt::verify_mac(&output(&case), &key, &VerifyOptions::default(), &at_issue()).unwrap();
    // 1443944944.5 truncated toward −∞.
    assert_eq!(claims.iat, Some(1_443_944_944));
    let fresh = Mac0Builder::new(plaintext(&case))
        .create(MacAlgorithm::Hmac256_64, &key)
        .unwrap();
    assert_eq!(fresh.encode(true).unwrap(), output(&case));
    let rules = TimeRules {
        leeway_secs: 0,
        ..TimeRules::default()
    };
    let before = FixedClock::at_unix(1_443_944_943);
    assert_eq!(
        claims.check_time(&rules, &before).unwrap_err(),
        Error::IssuedInFuture
    );
}

// ---------------------------------------------------------------- malformed input

fn a3_token() -> Vec<u8> {
    output(&load_rel("CWT/A_3.json"))
}

#[test]
fn every_truncation_is_malformed_cbor() {
    let token = a3_token();
    for len in 0..token.len() {
        let err = Sign1::decode(&token[..len], &DecodeOptions::default()).unwrap_err();
        assert_eq!(err.code(), "cbor.malformed", "prefix of {len} bytes");
    }
    let mut trailing = token.clone();
    trailing.push(0x00);
    assert_eq!(
        Sign1::decode(&trailing, &DecodeOptions::default())
            .unwrap_err()
            .code(),
        "cbor.malformed"
    );
}

#[test]
fn wrong_tags_are_typed() {
    let token = a3_token();
    let mut mac_tag = token.clone();
    mac_tag[0] = 0xd1;
    assert_eq!(
        Sign1::decode(&mac_tag, &DecodeOptions::default()),
        Err(Error::CoseWrongTag {
            expected: 18,
            found: 17
        })
    );
    assert_eq!(
        Mac0::decode(&token, &DecodeOptions::default()),
        Err(Error::CoseWrongTag {
            expected: 17,
            found: 18
        })
    );
    assert_eq!(
        Encrypt0::decode(&token, &DecodeOptions::default()),
        Err(Error::CoseWrongTag {
            expected: 16,
            found: 18
        })
    );
    // Tag 61 around something that is not a CWT COSE message.
    let mut cwt_of_mac = vec![0xd8, 0x3d];
    cwt_of_mac.extend_from_slice(&mac_tag);
    assert_eq!(
        cwt::decode_sign1(&cwt_of_mac, &DecodeOptions::default()),
        Err(Error::CoseWrongTag {
            expected: 18,
            found: 17
        })
    );
}

fn nested_arrays(levels: usize) -> Vec<u8> {
    let mut bytes = vec![0x81; levels];
    bytes.push(0x00);
    bytes
}

#[test]
fn ten_thousand_nested_arrays_are_too_deep_everywhere() {
    let deep = nested_arrays(10_000);
    let opts = DecodeOptions::default();
    let too_deep = Error::CborTooDeep(CborLimits::DEFAULT_MAX_DEPTH);
    assert_eq!(Sign1::decode(&deep, &opts).unwrap_err(), too_deep);
    assert_eq!(Mac0::decode(&deep, &opts).unwrap_err(), too_deep);
    assert_eq!(Encrypt0::decode(&deep, &opts).unwrap_err(), too_deep);
    assert_eq!(cwt::decode_sign1(&deep, &opts).unwrap_err(), too_deep);
    assert_eq!(CwtClaims::decode(&deep, &opts.limits).unwrap_err(), too_deep);
}

#[test]
fn deep_nesting_inside_the_protected_header_is_too_deep() {
    // [bstr(10 000 nested arrays), {}, h'', h'']: the outer message is shallow.
    let inner = nested_arrays(10_000);
    let mut msg = vec![0x84, 0x59];
    msg.extend_from_slice(&u16::try_from(inner.len()).unwrap().to_be_bytes());
    msg.extend_from_slice(&inner);
    msg.extend_from_slice(&[0xa0, 0x40, 0x40]);
    let err = Sign1::decode(&msg, &DecodeOptions::default()).unwrap_err();
    assert_eq!(err.code(), "cbor.too_deep");
}

#[test]
fn deep_nesting_inside_a_signed_cwt_payload_is_too_deep() {
    let key = SoftwareKey::generate(inkan_core::crypto::Algorithm::EdDsa).unwrap();
    let token = Sign1Builder::new(nested_arrays(10_000))
        .sign(&key)
        .unwrap()
        .encode(true)
        .unwrap();
    let err = cwt::verify(&token, key.public_key(), &VerifyOptions::default(), &at_issue()).unwrap_err();
    assert_eq!(err.code(), "cbor.too_deep");
}

#[test]
fn oversized_inputs_are_refused_before_parsing() {
    let token = a3_token();
    let small = DecodeOptions {
        limits: CborLimits {
            max_size: token.len() - 1,
            ..CborLimits::default()
        },
        ..DecodeOptions::default()
    };
    assert_eq!(
        Sign1::decode(&token, &small),
        Err(Error::TooLarge {
            size: token.len(),
            limit: token.len() - 1
        })
    );
    // A default-capped decoder refuses a 3 MiB bstr even though it is well formed.
    let mut big = vec![0x5a];
    big.extend_from_slice(&(3u32 << 20).to_be_bytes());
    big.resize(big.len() + (3 << 20), 0);
    assert_eq!(
        Sign1::decode(&big, &DecodeOptions::default()).unwrap_err().code(),
        "input.too_large"
    );
}

#[test]
fn length_heads_far_beyond_the_input_do_not_allocate() {
    // Array and bstr heads claiming 2^64-1 items/bytes, backed by nothing.
    for head in [0x9b_u8, 0x5b, 0xbb] {
        let mut bytes = vec![head];
        bytes.extend_from_slice(&[0xff; 8]);
        assert_eq!(
            Sign1::decode(&bytes, &DecodeOptions::default())
                .unwrap_err()
                .code(),
            "cbor.malformed"
        );
    }
}
