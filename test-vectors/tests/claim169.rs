//! Claim 169 against the idpass/claim-169 test vectors (valid, invalid, edge) and the MOSIP
//! specification's own example, plus the bad-input cases of issue 3.

use std::path::Path;

use inkan_core::Error;
use inkan_core::claim169::{
    self, BodyPart, EncodeOptions, Gender, IdentityData, ImageSubFormat, ParseOptions, ParsedClaim169,
    SubFormat, Warning,
};
use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, Jwk, KeyType, PublicKey, PublicKeyData, SoftwareKey};
use inkan_core::encoding::{
    InflateLimit, b64url_encode, base45_decode, base45_encode, zlib_compress, zlib_decompress,
};
use inkan_test_vectors::{json, named_json, vectors_dir};
use serde_json::Value as Json;

const SET: &str = "claim169";

fn vectors(category: &str) -> Vec<(String, Json)> {
    named_json(&format!("{SET}/{category}"))
}

fn options_for(v: &Json) -> ParseOptions {
    let key = v["encryption_key"]["symmetric_key_hex"].as_str();
    ParseOptions {
        decryption_key: key.map(|k| hex::decode(k).unwrap().into()),
        ..ParseOptions::default()
    }
}

fn public_key(v: &Json) -> Option<PublicKey> {
    let key = &v["signing_key"];
    let kind = match key["algorithm"].as_str()? {
        "EdDSA" => KeyType::Ed25519,
        "ES256" => KeyType::P256,
        other => panic!("unexpected algorithm {other}"),
    };
    let bytes = hex::decode(key["public_key_hex"].as_str().unwrap()).unwrap();
    Some(PublicKey::new(PublicKeyData::from_sec1(kind, &bytes).unwrap()).unwrap())
}

fn qr(v: &Json) -> &str {
    v["qr_data"].as_str().unwrap()
}

/// The earliest instant the vector is valid at: its `nbf`, else its `iat`.
fn valid_at(v: &Json) -> FixedClock {
    let meta = &v["expected_cwt_meta"];
    FixedClock::at_unix(meta["notBefore"].as_i64().or(meta["issuedAt"].as_i64()).unwrap())
}

/// Every member of `expected` is in `actual` with the same value (arrays element by element):
/// the vectors leave out large byte fields (photo, face data) from `expected_claim169`.
fn assert_subset(expected: &Json, actual: &Json, path: &str) {
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) => {
            for (key, value) in e {
                let found = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} missing in {actual}"));
                assert_subset(value, found, &format!("{path}.{key}"));
            }
        }
        (Json::Array(e), Json::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}");
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                assert_subset(e, a, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(expected, actual, "{path}"),
    }
}

fn assert_meta(expected: &Json, cwt: &CwtClaims, name: &str) {
    let text = |k: &str| expected[k].as_str().map(str::to_owned);
    let int = |k: &str| expected[k].as_i64();
    assert_eq!(cwt.iss, text("issuer"), "{name}");
    assert_eq!(cwt.sub, text("subject"), "{name}");
    assert_eq!(cwt.exp, int("expiresAt"), "{name}");
    assert_eq!(cwt.nbf, int("notBefore"), "{name}");
    assert_eq!(cwt.iat, int("issuedAt"), "{name}");
}

/// The expected fields, with the one known erratum of the vector set corrected: `with-face`
/// lists the face data as `//3+4AAQ` (ff fd fe e0 00 10), but its QR data carries ff d8 ff e0
/// 00 10 (a JPEG start, `/9j/4AAQ`), which the reference implementation (claim169 0.3.0) also
/// decodes.
fn expected_fields(name: &str, v: &Json) -> Json {
    let mut expected = v["expected_claim169"].clone();
    if name == "with-face" {
        let data = &mut expected["face"][0]["data"];
        assert_eq!(data, "//3+4AAQ", "the erratum is gone: drop this correction");
        *data = "/9j/4AAQ".into();
    }
    expected
}

/// Checks fields, CWT meta, time and signature of one valid or edge vector.
fn check_vector(name: &str, v: &Json) -> ParsedClaim169 {
    let parsed = claim169::parse(qr(v), &options_for(v)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_subset(&expected_fields(name, v), &parsed.claims().to_json(), name);
    assert_meta(&v["expected_cwt_meta"], parsed.cwt(), name);
    let exact = TimeRules {
        leeway_secs: 0,
        ..TimeRules::default()
    };
    parsed.check_time(&exact, &valid_at(v)).unwrap();
    if let Some(exp) = parsed.cwt().exp {
        let late = FixedClock::at_unix(exp + 1);
        assert_eq!(parsed.check_time(&exact, &late), Err(Error::Expired), "{name}");
    }
    parsed
}

#[test]
fn every_valid_vector_decodes_with_the_expected_fields() {
    let valid = vectors("valid");
    assert_eq!(valid.len(), 11);
    let mut verified = 0;
    for (name, v) in &valid {
        let parsed = check_vector(name, v);
        assert!(parsed.warnings().is_empty(), "{name}: {:?}", parsed.warnings());
        assert_eq!(
            parsed.encryption().is_some(),
            v.get("encryption_key").is_some(),
            "{name}"
        );
        match public_key(v) {
            Some(key) => {
                let ok = claim169::decode(qr(v), &options_for(v), &key, &TimeRules::default(), &valid_at(v))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(ok.claims(), parsed.claims());
                verified += 1;
            }
            // The other vectors were produced unsigned (empty signature): a typed refusal.
            None => {
                let any = SoftwareKey::generate(parsed.algorithm().unwrap_or(Algorithm::EdDsa)).unwrap();
                assert_eq!(
                    parsed.verify_signature(any.public_key()),
                    Err(Error::Claim169Unsigned),
                    "{name}"
                );
            }
        }
    }
    assert_eq!(verified, 3, "ed25519-signed, ecdsa-p256-signed, encrypted-signed");
}

#[test]
fn biometric_and_demographic_vectors_in_detail() {
    let v = json("claim169/valid/with-all-biometrics.json");
    let parsed = claim169::parse(qr(&v), &ParseOptions::default()).unwrap();
    let bio = &parsed.claims().biometrics;
    assert_eq!(bio.len(), 13);
    assert_eq!(bio[&BodyPart::RightThumb][0].data, b"FIR\x00");
    assert_eq!(bio[&BodyPart::LeftLittleFinger][0].data, b"FIR\x09");
    assert_eq!(
        bio[&BodyPart::Face][0].sub_format,
        Some(SubFormat::Image(ImageSubFormat::Jpeg))
    );
    let v = json("claim169/valid/refugee-identity.json");
    let person = claim169::parse(qr(&v), &ParseOptions::default())
        .unwrap()
        .into_claims();
    let photo = person.photo.unwrap();
    assert_eq!(&photo[..4], b"RIFF");
    assert_eq!(&photo[8..12], b"WEBP");
}

#[test]
fn edge_vectors_time_and_unknown_fields() {
    let edge = vectors("edge");
    assert_eq!(edge.len(), 3);
    let rules = TimeRules::default();
    let now = FixedClock::from_rfc3339("2026-11-25T00:00:00Z").unwrap();
    for (name, v) in &edge {
        let parsed = check_vector(name, v);
        let at_now = parsed.check_time(&rules, &now);
        match name.as_str() {
            "expired" => assert_eq!(at_now, Err(Error::Expired)),
            "not-yet-valid" => {
                assert_eq!(at_now, Err(Error::NotYetValid));
                let before = FixedClock::at_unix(v["expected_cwt_meta"]["notBefore"].as_i64().unwrap() - 61);
                assert_eq!(parsed.check_time(&rules, &before), Err(Error::NotYetValid));
            }
            "unknown-fields" => {
                at_now.unwrap();
                let unknown = &parsed.claims().unknown;
                assert_eq!(unknown.keys().copied().collect::<Vec<_>>(), [30, 45, 70, 99]);
                assert_eq!(unknown[&45], 12345.into());
                assert_eq!(unknown[&99], true.into());
                // Unknown keys survive re-encoding.
                let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
                let again =
                    claim169::encode(parsed.claims(), parsed.cwt(), &key, &EncodeOptions::default()).unwrap();
                let back = claim169::parse(&again, &ParseOptions::default()).unwrap();
                assert_eq!(back.claims(), parsed.claims());
            }
            other => panic!("unexpected edge vector {other}"),
        }
    }
}

#[test]
fn invalid_vectors_fail_with_the_matching_code() {
    let invalid = vectors("invalid");
    assert_eq!(invalid.len(), 4);
    for (name, v) in &invalid {
        let code = match v["expected_error"].as_str().unwrap() {
            "Base45Decode" => "encoding.bad_base45",
            "Decompress" => "encoding.bad_zlib",
            "Claim169NotFound" => "claim169.missing_169",
            "CoseParse" => "cose.malformed",
            other => panic!("{name}: unmapped expected_error {other}"),
        };
        let err = claim169::parse(qr(v), &ParseOptions::default()).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
    }
}

#[test]
fn inkan_reproduces_the_signed_vectors_byte_for_byte() {
    // Ed25519 is deterministic and the vectors encode deterministically, so signing the same
    // fields with the vector's private key must give the vector's COSE bytes exactly.
    for name in ["ed25519-signed", "encrypted-signed"] {
        let v = json(&format!("claim169/valid/{name}.json"));
        let key = &v["signing_key"];
        let jwk = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519",
            "x": b64url_encode(hex::decode(key["public_key_hex"].as_str().unwrap()).unwrap()),
            "d": b64url_encode(hex::decode(key["private_key_hex"].as_str().unwrap()).unwrap()),
        });
        let signer = SoftwareKey::from_jwk(&Jwk::from_json(&jwk.to_string()).unwrap()).unwrap();
        let parsed = claim169::parse(qr(&v), &options_for(&v)).unwrap();
        let ours =
            claim169::encode(parsed.claims(), parsed.cwt(), &signer, &EncodeOptions::default()).unwrap();
        let ours = zlib_decompress(&base45_decode(&ours).unwrap(), InflateLimit::default()).unwrap();
        let signed = parsed.sign1().unwrap().encode(true).unwrap();
        assert_eq!(ours, signed, "{name}");
    }
}

fn spec_example_text() -> String {
    let path = vectors_dir()
        .join(SET)
        .join("mosip-spec-example-cose-sign1.b45.txt");
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

#[test]
fn the_spec_example_decodes_with_its_warnings() {
    let parsed = claim169::parse(&spec_example_text(), &ParseOptions::default()).unwrap();
    assert_eq!(
        parsed.warnings(),
        [
            Warning::WrappedClaim,
            Warning::EnumAsText {
                field: "gender".into()
            },
            Warning::MapForArray { field: "face".into() },
        ]
    );
    assert_eq!(parsed.kid(), Some(&b"k-1101"[..]));
    assert_eq!(parsed.algorithm().unwrap(), Algorithm::EdDsa);
    assert_eq!(parsed.issuer(), Some("www.mosip.io"));
    let person = parsed.claims();
    assert_eq!(person.id.as_deref(), Some("3918592438"));
    assert_eq!(person.full_name.as_deref(), Some("Janardhan BS"));
    assert_eq!(person.date_of_birth.as_deref(), Some("19840418"));
    assert_eq!(person.gender, Some(Gender::Male));
    let face = &person.biometrics[&BodyPart::Face];
    assert_eq!(face.len(), 1);
    assert_eq!(face[0].sub_format, Some(SubFormat::Image(ImageSubFormat::Webp)));
    assert_eq!(&face[0].data[..4], b"RIFF");
    // No key is published for it: its signature cannot verify with any key we hold.
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    assert_eq!(
        parsed.verify_signature(key.public_key()),
        Err(Error::BadSignature)
    );

    // The same example wrapped in the CWT tag 61, as the specification text shows it.
    let inner = zlib_decompress(
        &base45_decode(&spec_example_text()).unwrap(),
        InflateLimit::default(),
    )
    .unwrap();
    let mut tagged = vec![0xd8, 0x3d];
    tagged.extend_from_slice(&inner);
    let wrapped = claim169::parse(
        &base45_encode(&zlib_compress(&tagged, 9)),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(wrapped.warnings()[0], Warning::CwtTag);
    assert_eq!(wrapped.warnings()[1..], *parsed.warnings());
    assert_eq!(wrapped.claims(), parsed.claims());
}

/// Re-packs the inflated COSE bytes of a vector after `edit`.
fn repack(v: &Json, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = zlib_decompress(&base45_decode(qr(v)).unwrap(), InflateLimit::default()).unwrap();
    edit(&mut bytes);
    base45_encode(&zlib_compress(&bytes, 9))
}

#[test]
fn bad_input_gives_distinct_typed_errors() {
    let signed = json("claim169/valid/ed25519-signed.json");
    let key = public_key(&signed).unwrap();
    let encrypted = json("claim169/valid/encrypted-signed.json");
    let enc_key = public_key(&encrypted).unwrap();
    let rules = TimeRules::default();
    let clock = valid_at(&signed);
    let decode = |text: &str, options: &ParseOptions, key: &PublicKey| {
        claim169::decode(text, options, key, &rules, &clock)
            .unwrap_err()
            .code()
    };
    let plain = ParseOptions::default();

    let text = qr(&signed);
    let cut = &text[..text.len() - 1 - (text.len() + 1) % 3]; // length ≡ 1 (mod 3): not Base45
    let truncated_b45 = decode(cut, &plain, &key);
    let packed = base45_decode(text).unwrap();
    let truncated_zlib = decode(&base45_encode(&packed[..packed.len() - 4]), &plain, &key);
    let bomb = decode(
        &base45_encode(&zlib_compress(&vec![b'A'; 1 << 20], 9)),
        &plain,
        &key,
    );
    let mut deep = vec![0x81; 300];
    deep.push(0x00);
    let deep = decode(&base45_encode(&zlib_compress(&deep, 9)), &plain, &key);
    let wrong_key = decode(text, &plain, &enc_key);
    let tampered = decode(&repack(&signed, |b| *b.last_mut().unwrap() ^= 1), &plain, &key);
    let wrong_decryption = decode(
        qr(&encrypted),
        &ParseOptions {
            decryption_key: Some(vec![0; 32].into()),
            ..ParseOptions::default()
        },
        &enc_key,
    );
    let no_decryption_key = decode(qr(&encrypted), &plain, &enc_key);
    let expired = json("claim169/edge/expired.json");
    let expired = claim169::parse(qr(&expired), &plain)
        .unwrap()
        .check_time(&rules, &FixedClock::from_rfc3339("2026-11-25T00:00:00Z").unwrap())
        .unwrap_err()
        .code();
    let unsigned = claim169::parse(qr(&json("claim169/valid/minimal.json")), &plain)
        .unwrap()
        .verify_signature(&key)
        .unwrap_err()
        .code();

    let codes = [
        truncated_b45,
        truncated_zlib,
        bomb,
        deep,
        wrong_key,
        wrong_decryption,
        no_decryption_key,
        expired,
        unsigned,
    ];
    assert_eq!(
        codes,
        [
            "encoding.bad_base45",
            "encoding.bad_zlib",
            "encoding.inflate_limit",
            "cbor.too_deep",
            "crypto.bad_signature",
            "crypto.decryption_failed",
            "claim169.needs_decryption_key",
            "jwt.expired",
            "claim169.unsigned",
        ]
    );
    assert_eq!(tampered, "crypto.bad_signature");
    // A tampered payload (one byte of the full name) fails the signature too.
    let renamed = repack(&signed, |b| {
        let at = b.windows(6).position(|w| w == b"Signed").unwrap();
        b[at] = b'Z';
    });
    assert_eq!(decode(&renamed, &plain, &key), "crypto.bad_signature");
    assert!(Path::new(&vectors_dir().join(SET).join("LICENSE")).is_file());
}

#[test]
fn json_view_matches_the_reference_field_names() {
    let v = json("claim169/valid/demographics-full.json");
    let person = claim169::parse(qr(&v), &ParseOptions::default())
        .unwrap()
        .into_claims();
    let mut expected = v["expected_claim169"].clone();
    assert_eq!(person.to_json(), expected);
    expected["gender"] = 9.into();
    let back = IdentityData::from_json(&expected).unwrap();
    assert_eq!(back.gender.map(Gender::code), Some(9));
}
