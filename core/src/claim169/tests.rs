use std::collections::BTreeMap;

use super::*;
use crate::clock::FixedClock;
use crate::cose::Sign1Builder;
use crate::crypto::SoftwareKey;
use proptest::prelude::*;

fn person() -> IdentityData {
    let face = Biometric {
        data: vec![0xff, 0xd8, 0xff],
        format: Some(BiometricFormat::Image),
        sub_format: Some(SubFormat::Image(ImageSubFormat::Jpeg)),
        issuer: Some("vendor".into()),
    };
    IdentityData {
        id: Some("3918592438".into()),
        full_name: Some("Janardhan BS".into()),
        gender: Some(Gender::Male),
        marital_status: Some(MaritalStatus::Married),
        photo: Some(vec![1, 2, 3]),
        photo_format: Some(PhotoFormat::Webp),
        best_quality_fingers: Some(vec![1, 6]),
        biometrics: [(BodyPart::Face, vec![face])].into(),
        unknown: [(30, Value::Text("reserved".into()))].into(),
        ..IdentityData::default()
    }
}

fn meta() -> CwtClaims {
    CwtClaims {
        iss: Some("www.mosip.io".into()),
        sub: Some("3918592438".into()),
        exp: Some(2_000),
        nbf: Some(1_000),
        iat: Some(1_000),
        ..CwtClaims::default()
    }
}

fn at(secs: i64) -> FixedClock {
    FixedClock::at_unix(secs)
}

/// QR text around a hand-built COSE value (for shapes `encode` never produces).
fn qr_of(value: &Value) -> String {
    base45_encode(&zlib_compress(&cbor::encode(value).unwrap(), 9))
}

#[test]
fn round_trip_both_algorithms_plain_and_encrypted() {
    for alg in [Algorithm::EdDsa, Algorithm::Es256] {
        let key = SoftwareKey::generate(alg).unwrap();
        for enc in [None, Some(EncAlgorithm::A128Gcm), Some(EncAlgorithm::A256Gcm)] {
            let secret = enc.map(|a| vec![9; a.key_len()]);
            let options = EncodeOptions {
                kid: Some(b"k-1".to_vec()),
                x5chain: vec![vec![0x30, 0x00]],
                encryption: enc.zip(secret.clone()).map(|(a, k)| Encryption::new(a, k)),
                cwt_tag: false,
            };
            let qr = encode(&person(), &meta(), &key, &options).unwrap();
            let parse_options = ParseOptions {
                decryption_key: secret.map(Zeroizing::new),
                ..ParseOptions::default()
            };
            let ok = decode(
                &qr,
                &parse_options,
                key.public_key(),
                &TimeRules::default(),
                &at(1_500),
            )
            .unwrap();
            assert_eq!(ok.claims(), &person());
            assert_eq!(ok.cwt(), &meta());
            assert!(ok.warnings().is_empty());
            let parsed = ok.parsed();
            assert_eq!(parsed.encryption(), enc);
            assert_eq!(parsed.kid(), Some(&b"k-1"[..]));
            assert_eq!(parsed.x5chain().unwrap(), vec![&[0x30, 0x00][..]]);
            assert_eq!(parsed.algorithm().unwrap(), alg);
        }
    }
}

#[test]
fn checks_fail_with_distinct_codes() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let qr = encode(&person(), &meta(), &key, &EncodeOptions::default()).unwrap();
    let parsed = parse(&qr, &ParseOptions::default()).unwrap();
    let rules = TimeRules::default();
    assert_eq!(parsed.check_time(&rules, &at(9_000)), Err(Error::Expired));
    assert_eq!(parsed.check_time(&rules, &at(0)), Err(Error::NotYetValid));
    let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    assert_eq!(
        parsed.verify_signature(other.public_key()),
        Err(Error::BadSignature)
    );
    let es = SoftwareKey::generate(Algorithm::Es256).unwrap();
    assert_eq!(
        parsed.verify_signature(es.public_key()).unwrap_err().code(),
        "crypto.alg_key_mismatch"
    );
    let with_169 = CwtClaims {
        other: vec![(Label::Int(CLAIM_169), Value::Null)],
        ..meta()
    };
    let err = encode(&person(), &with_169, &key, &EncodeOptions::default()).unwrap_err();
    assert_eq!(err.code(), "jwt.invalid_claim");
    let es384 = SoftwareKey::generate(Algorithm::Es384).unwrap();
    let err = encode(&person(), &meta(), &es384, &EncodeOptions::default()).unwrap_err();
    assert_eq!(err.code(), "crypto.unsupported_algorithm");
}

#[test]
fn encryption_errors() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let options = EncodeOptions {
        encryption: Some(Encryption::new(EncAlgorithm::A256Gcm, vec![1; 32])),
        ..EncodeOptions::default()
    };
    let qr = encode(&person(), &meta(), &key, &options).unwrap();
    assert_eq!(
        parse(&qr, &ParseOptions::default()),
        Err(Error::Claim169Encrypted)
    );
    let wrong = ParseOptions {
        decryption_key: Some(Zeroizing::new(vec![2; 32])),
        ..ParseOptions::default()
    };
    assert_eq!(parse(&qr, &wrong), Err(Error::DecryptionFailed));
    let a192 = EncodeOptions {
        encryption: Some(Encryption::new(EncAlgorithm::A192Gcm, vec![1; 24])),
        ..EncodeOptions::default()
    };
    let err = encode(&person(), &meta(), &key, &a192).unwrap_err();
    assert_eq!(err.code(), "crypto.unsupported_algorithm");
}

#[test]
fn an_empty_signature_is_unsigned_not_bad() {
    let claims = CwtClaims {
        other: vec![(Label::Int(CLAIM_169), person().to_cbor())],
        ..meta()
    };
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let signed = Sign1Builder::new(claims.encode().unwrap()).sign(&key).unwrap();
    let mut value = signed.to_value().unwrap();
    if let Value::Array(items) = &mut value {
        items[3] = Value::Bytes(Vec::new());
    }
    let parsed = parse(&qr_of(&Value::Tag(18, Box::new(value))), &ParseOptions::default()).unwrap();
    assert_eq!(
        parsed.verify_signature(key.public_key()),
        Err(Error::Claim169Unsigned)
    );
}

#[test]
fn spec_example_quirks_are_decoded_with_warnings() {
    let claim = Value::Map(vec![
        (1.into(), "3918592438".into()),
        (9.into(), "1".into()),
        (
            62.into(),
            Value::Map(vec![
                (0.into(), Value::Bytes(vec![1])),
                (1.into(), 0.into()),
                (2.into(), 4.into()),
            ]),
        ),
    ]);
    let claims = CwtClaims {
        other: vec![(Label::Int(CLAIM_169), Value::Bytes(cbor::encode(&claim).unwrap()))],
        ..meta()
    };
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let options = SignOptions {
        cwt_tag: true,
        ..SignOptions::default()
    };
    let token = cwt::sign(&claims, &key, &options).unwrap();
    let qr = base45_encode(&zlib_compress(&token, 9));
    let parsed = parse(&qr, &ParseOptions::default()).unwrap();
    let codes: Vec<_> = parsed.warnings().iter().map(Warning::code).collect();
    assert_eq!(
        codes,
        [
            "claim169.cwt_tag",
            "claim169.bstr_wrapped_claim",
            "claim169.enum_as_text",
            "claim169.map_for_array"
        ]
    );
    assert_eq!(parsed.claims().gender, Some(Gender::Male));
    assert_eq!(
        parsed.claims().biometrics[&BodyPart::Face][0].sub_format,
        Some(SubFormat::Image(ImageSubFormat::Webp))
    );
    parsed.verify_signature(key.public_key()).unwrap();
}

#[test]
fn untagged_and_odd_envelopes() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let claims = CwtClaims {
        other: vec![(Label::Int(CLAIM_169), Value::Map(vec![]))],
        ..CwtClaims::default()
    };
    let untagged = Sign1Builder::new(claims.encode().unwrap())
        .sign(&key)
        .unwrap()
        .to_value()
        .unwrap();
    let parsed = parse(&qr_of(&untagged), &ParseOptions::default()).unwrap();
    assert_eq!(parsed.warnings(), [Warning::UntaggedCose]);
    parsed.verify_signature(key.public_key()).unwrap();

    let missing = Sign1Builder::new(CwtClaims::default().encode().unwrap())
        .sign(&key)
        .unwrap();
    let qr = qr_of(&Value::Tag(18, Box::new(missing.to_value().unwrap())));
    assert_eq!(parse(&qr, &ParseOptions::default()), Err(Error::Claim169Missing));

    let not_cose = qr_of(&Value::Array(vec!["hello".into(), 42.into()]));
    assert_eq!(
        parse(&not_cose, &ParseOptions::default()).unwrap_err().code(),
        "cose.malformed"
    );
    let mac = qr_of(&Value::Tag(17, Box::new(Value::Array(vec![]))));
    assert_eq!(
        parse(&mac, &ParseOptions::default()).unwrap_err().code(),
        "cose.wrong_tag"
    );
    let text_169 = Value::Tag(
        18,
        Box::new(
            Sign1Builder::new(
                CwtClaims {
                    other: vec![(Label::Int(CLAIM_169), "x".into())],
                    ..CwtClaims::default()
                }
                .encode()
                .unwrap(),
            )
            .sign(&key)
            .unwrap()
            .to_value()
            .unwrap(),
        ),
    );
    assert_eq!(
        parse(&qr_of(&text_169), &ParseOptions::default())
            .unwrap_err()
            .code(),
        "claim169.bad_field"
    );
}

#[test]
fn caps_hold() {
    let bomb = base45_encode(&zlib_compress(&vec![0u8; 1 << 20], 9));
    assert_eq!(
        parse(&bomb, &ParseOptions::default()),
        Err(Error::InflateLimit { limit: 64 * 1024 })
    );
    let mut deep = Value::Map(vec![]);
    for _ in 0..40 {
        deep = Value::Array(vec![deep]);
    }
    assert_eq!(
        parse(&qr_of(&deep), &ParseOptions::default()).unwrap_err().code(),
        "cbor.too_deep"
    );
}

fn text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("\\PC{0,12}")
}

fn biometric() -> impl Strategy<Value = Biometric> {
    (
        proptest::collection::vec(any::<u8>(), 0..16),
        proptest::option::of(0i64..5),
        proptest::option::of(0i64..8),
        text(),
    )
        .prop_map(|(data, format, sub, issuer)| {
            let format = format.map(BiometricFormat::from_code);
            Biometric {
                data,
                format,
                sub_format: sub.map(|s| SubFormat::from_code(format, s)),
                issuer,
            }
        })
}

prop_compose! {
    fn identity()(
        id in text(), full_name in text(), date_of_birth in text(), legal_status in text(),
        gender in proptest::option::of(0i64..5),
        marital in proptest::option::of(0i64..5),
        photo in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        photo_format in proptest::option::of(0i64..6),
        fingers in proptest::option::of(proptest::collection::vec(0u8..=10, 0..4)),
        bio in proptest::collection::btree_map(0usize..16, proptest::collection::vec(biometric(), 1..3), 0..3),
        unknown in proptest::collection::btree_map(prop_oneof![24i64..50, 66i64..200], any::<i64>(), 0..3),
    ) -> IdentityData {
        IdentityData {
            id, full_name, date_of_birth, legal_status,
            gender: gender.map(Gender::from_code),
            marital_status: marital.map(MaritalStatus::from_code),
            photo,
            photo_format: photo_format.map(PhotoFormat::from_code),
            best_quality_fingers: fingers,
            biometrics: bio.into_iter().map(|(i, v)| (BodyPart::ALL[i], v)).collect(),
            unknown: unknown.into_iter().map(|(k, v)| (k, Value::from(v))).collect(),
            ..IdentityData::default()
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text, &ParseOptions::default());
    }

    #[test]
    fn arbitrary_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let options = ParseOptions { decryption_key: Some(Zeroizing::new(vec![0; 16])), ..ParseOptions::default() };
        let _ = parse(&base45_encode(&zlib_compress(&bytes, 1)), &options);
        if let Ok(value) = cbor::decode(&bytes, &CborLimits::default()) {
            let _ = IdentityData::from_cbor(value);
        }
    }

    #[test]
    fn encode_parse_round_trip(data in identity()) {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let qr = encode(&data, &meta(), &key, &EncodeOptions::default()).unwrap();
        let parsed = parse(&qr, &ParseOptions::default()).unwrap();
        parsed.verify_signature(key.public_key()).unwrap();
        prop_assert_eq!(parsed.claims(), &data);
        // The JSON view round-trips everything but the unknown keys.
        let without_unknown = IdentityData { unknown: BTreeMap::new(), ..data };
        prop_assert_eq!(IdentityData::from_json(&without_unknown.to_json()).unwrap(), without_unknown);
    }
}

#[test]
fn encrypted_but_unsigned_parses_and_never_verifies() {
    let claims = CwtClaims {
        other: vec![(Label::Int(CLAIM_169), person().to_cbor())],
        ..meta()
    };
    let message = Encrypt0Builder::new(EncAlgorithm::A256Gcm)
        .encrypt(&[3; 32], &claims.encode().unwrap())
        .unwrap();
    let qr = base45_encode(&zlib_compress(&message.encode(true).unwrap(), 9));
    let options = ParseOptions {
        decryption_key: Some(Zeroizing::new(vec![3; 32])),
        ..ParseOptions::default()
    };
    let parsed = parse(&qr, &options).unwrap();
    assert_eq!(parsed.claims(), &person());
    assert!(parsed.sign1().is_none() && parsed.kid().is_none());
    assert_eq!(parsed.algorithm(), Err(Error::Claim169Unsigned));
    assert!(parsed.x5chain().unwrap().is_empty());
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let err = decode(&qr, &options, key.public_key(), &TimeRules::default(), &at(1_500));
    assert_eq!(err, Err(Error::Claim169Unsigned));
}
