//! The verifier's single entry point over the Claim 169 vectors (idpass/claim-169) and the MOSIP
//! specification's example: detection, key discovery through a trust store built from the
//! vector's key, every check, and the report.

use std::sync::Arc;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{KeyType, PublicKey, PublicKeyData};
use inkan_test_vectors::{named_json, vectors_dir};
use inkan_verifier::{DecryptionKey, JsonTrustStore, Policy, Verification, Verifier, VerifyRequest};
use serde_json::Value as Json;

const SET: &str = "claim169";

fn vectors(category: &str) -> Vec<(String, Json)> {
    named_json(&format!("{SET}/{category}"))
}

/// The vector's public key as a bare JWK trust file (trusted for any issuer), if it has one.
fn trust(v: &Json) -> JsonTrustStore {
    let key = &v["signing_key"];
    let Some(alg) = key["algorithm"].as_str() else {
        return JsonTrustStore::empty();
    };
    let kind = if alg == "EdDSA" {
        KeyType::Ed25519
    } else {
        KeyType::P256
    };
    let bytes = hex::decode(key["public_key_hex"].as_str().unwrap()).unwrap();
    let public = PublicKey::new(PublicKeyData::from_sec1(kind, &bytes).unwrap()).unwrap();
    JsonTrustStore::parse(&public.to_jwk().to_json()).unwrap()
}

fn request(v: &Json) -> VerifyRequest {
    let request = VerifyRequest::text(v["qr_data"].as_str().unwrap());
    match v["encryption_key"]["symmetric_key_hex"].as_str() {
        Some(key) => request.decryption_key(DecryptionKey::Symmetric(hex::decode(key).unwrap().into())),
        None => request,
    }
}

fn verify_at(v: &Json, at: i64) -> inkan_verifier::Result<Verification> {
    Verifier::builder(
        Arc::new(trust(v)),
        Policy::default(),
        Arc::new(FixedClock::at_unix(at)),
    )
    .build()
    .verify(&request(v))
}

/// The earliest instant the vector is valid at: its `nbf`, else its `iat`.
fn valid_at(v: &Json) -> i64 {
    let meta = &v["expected_cwt_meta"];
    meta["notBefore"].as_i64().or(meta["issuedAt"].as_i64()).unwrap()
}

fn outcome(report: &Verification, check: &str) -> (String, String) {
    let json = report.to_json();
    let c = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .unwrap_or_else(|| panic!("no {check} in {json}"))
        .clone();
    (
        c["outcome"].as_str().unwrap().to_owned(),
        c["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The text fields of `expected_claim169` (byte fields are left out or abridged in the vectors)
/// appear in the report's claims.
fn assert_text_fields(name: &str, v: &Json, report: &Verification) {
    for (key, value) in v["expected_claim169"].as_object().unwrap() {
        if value.is_string() && !["photo", "face"].contains(&key.as_str()) {
            assert_eq!(&report.claims()[key], value, "{name}.{key}");
        }
    }
}

#[test]
fn valid_vectors_through_the_verifier() {
    let mut signed = 0;
    for (name, v) in vectors("valid") {
        let report = verify_at(&v, valid_at(&v)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.format(), "claim169", "{name}");
        assert_eq!(
            report.issuer(),
            v["expected_cwt_meta"]["issuer"].as_str(),
            "{name}"
        );
        assert_text_fields(&name, &v, &report);
        assert_eq!(outcome(&report, "decode").0, "passed", "{name}");
        assert_eq!(outcome(&report, "validity").0, "passed", "{name}");
        if v["signing_key"].is_object() {
            signed += 1;
            assert!(report.is_valid(), "{name}: {}", report.to_json());
        } else if name == "encrypted-aes256" {
            // Encrypted but never signed.
            assert!(!report.is_valid(), "{name}");
            assert_eq!(
                outcome(&report, "signature"),
                ("failed".into(), "claim169.unsigned".into())
            );
        } else {
            // No key published: the verifier cannot trust it, and says why.
            assert!(!report.is_valid(), "{name}");
            assert_eq!(
                outcome(&report, "trust"),
                ("failed".into(), "trust.untrusted".into()),
                "{name}"
            );
        }
        // After expiry, the same credential is invalid on validity alone.
        if let Some(exp) = v["expected_cwt_meta"]["expiresAt"].as_i64() {
            let late = verify_at(&v, exp + 3600).unwrap();
            assert_eq!(outcome(&late, "validity").1, "jwt.expired", "{name}");
            assert!(!late.is_valid());
        }
    }
    assert_eq!(signed, 3, "ed25519-signed, ecdsa-p256-signed, encrypted-signed");
}

#[test]
fn edge_vectors_through_the_verifier() {
    let now = 1_767_225_600; // 2026-01-01T00:00:00Z
    let expected = [
        ("expired", "jwt.expired"),
        ("not-yet-valid", "jwt.not_yet_valid"),
        ("unknown-fields", ""),
    ];
    for (name, v) in vectors("edge") {
        let report = verify_at(&v, now).unwrap();
        assert_text_fields(&name, &v, &report);
        let code = expected.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(outcome(&report, "validity").1, code, "{name}");
    }
}

#[test]
fn invalid_vectors_through_the_verifier() {
    // Detection sees what the text is: not Base45 or not zlib is no format at all; a COSE
    // message without claim 169 is a broken Claim 169; zlib'd CBOR that is not COSE is what
    // PixelPass carries, so it is reported as (unsigned, hence invalid) PixelPass data.
    let expected = [
        ("bad-base45", Err("verifier.unknown_format")),
        ("bad-zlib", Err("verifier.unknown_format")),
        ("missing-169", Err("claim169.missing_169")),
        ("not-cose", Ok("pixelpass")),
    ];
    let vectors = vectors("invalid");
    assert_eq!(vectors.len(), expected.len());
    for (name, v) in vectors {
        let want = expected.iter().find(|(n, _)| *n == name).unwrap().1;
        match (verify_at(&v, 1_700_000_000), want) {
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{name}"),
            (Ok(report), Ok(format)) => {
                assert_eq!(report.format(), format, "{name}");
                assert!(!report.is_valid());
            }
            (got, _) => panic!("{name}: {got:?}"),
        }
    }
}

#[test]
fn the_spec_example_reports_its_warnings() {
    let text = std::fs::read_to_string(
        vectors_dir()
            .join(SET)
            .join("mosip-spec-example-cose-sign1.b45.txt"),
    )
    .unwrap();
    let verifier = Verifier::builder(
        Arc::new(JsonTrustStore::empty()),
        Policy::default(),
        Arc::new(FixedClock::at_unix(1_756_376_445)),
    )
    .build();
    let report = verifier.verify(&VerifyRequest::text(text.trim())).unwrap();
    let codes: Vec<_> = report.warnings().iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "claim169.bstr_wrapped_claim",
            "claim169.enum_as_text",
            "claim169.map_for_array"
        ]
    );
    assert_eq!(report.issuer(), Some("www.mosip.io"));
    assert_eq!(report.claims()["fullName"], "Janardhan BS");
    // Its key (kid "k-1101") is not published, so it cannot be trusted.
    assert_eq!(outcome(&report, "trust").1, "trust.untrusted");
    assert!(
        report.to_json()["checks"][2]["message"]
            .as_str()
            .unwrap()
            .contains("k-1101")
    );
}
