// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use inkan_core::claim169::{
    self, BiometricFormat, BodyPart, EncodeOptions, Gender, MaritalStatus, ParseOptions,
};
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use serde_json::{Value, json};

use super::*;

fn full_record() -> Value {
    json!({
        "fullName": [{"language": "eng", "value": "Samir Khan"}, {"language": "ara", "value": "سمير خان"}],
        "firstName": [{"language": "eng", "value": "Samir"}, {"language": "ara", "value": "سمير"}],
        "lastName": [{"language": "ara", "value": "خان"}, {"language": "eng", "value": "Khan"}],
        "dateOfBirth": "1988-02-29",
        "gender": "male",
        "maritalStatus": "married",
        "email": "samir@example.org",
        "phone": "+254700123456",
        "addressLine1": [{"language": "eng", "value": "12 Harbour Road"}],
        "addressLine2": [{"language": "eng", "value": "Flat 3"}],
        "city": [{"language": "eng", "value": "Mombasa"}],
        "postalCode": "80100",
        "nationality": "KEN",
        "countryOfIssuance": "KEN",
        "guardian": "none",
        "locationCode": "849VCWC8+R9",
        "legalStatus": "citizen",
        "preferredLanguage": "eng",
        "documents": [{"category": "POI", "type": "passport", "reference": "doc-7f3a", "format": "pdf"}],
        "biometrics": [
            {"modality": "face", "bodyPart": "face", "format": "image", "subFormat": "jpeg", "quality": 80, "data": "/9j/4AAQ"},
            {"modality": "finger", "bodyPart": "rightThumb", "format": "template", "subFormat": "iso19794-2", "quality": 65, "data": "Rk1SACAyMAA="}
        ]
    })
}

#[test]
fn default_schema_accepts_a_full_record() {
    let schema = IdSchema::default_schema().unwrap();
    let body = serde_json::to_vec(&full_record()).unwrap();
    assert_eq!(schema.parse(&body).unwrap(), full_record());
    assert_eq!(
        schema.source()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn violations_carry_json_pointers_and_no_values() {
    let schema = IdSchema::default_schema().unwrap();
    let mut r = full_record();
    r["phone"] = json!("0700 SECRET");
    r["fullName"][1]["language"] = json!("arabic");
    r["biometrics"][0]["quality"] = json!(101);
    r["biometrics"][1]["bodyPart"] = json!("tail");
    r["documents"][0].as_object_mut().unwrap().remove("reference");
    r["nickname"] = json!("x");
    let err = schema.validate(&r).unwrap_err();
    assert_eq!(err.code(), "idp.schema_violation");
    let got: Vec<(&str, &str)> = err
        .violations()
        .iter()
        .map(|v| (v.pointer.as_str(), v.keyword.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("", "additionalProperties"),
            ("/biometrics/0/quality", "maximum"),
            ("/biometrics/1/bodyPart", "enum"),
            ("/documents/0", "required"),
            ("/fullName/1/language", "pattern"),
            ("/phone", "pattern"),
        ]
    );
    for v in err.violations() {
        assert!(
            !v.message.contains("SECRET") && !v.message.contains("arabic"),
            "{}",
            v.message
        );
    }
    assert!(err.to_string().contains("6 violation"));
}

#[test]
fn required_fields_and_types() {
    let schema = IdSchema::default_schema().unwrap();
    let err = schema.validate(&json!({})).unwrap_err();
    assert_eq!(err.violations().len(), 3);
    assert!(
        err.violations()
            .iter()
            .all(|v| v.pointer.is_empty() && v.keyword == "required")
    );
    assert_eq!(
        schema.validate(&json!([1])).unwrap_err().violations()[0].keyword,
        "type"
    );
    let mut r = full_record();
    r["fullName"] = json!("Samir Khan"); // not multi-language
    r["dateOfBirth"] = json!("29/02/1988");
    let err = schema.validate(&r).unwrap_err();
    let pointers: Vec<&str> = err.violations().iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, ["/dateOfBirth", "/fullName"]);
}

#[test]
fn caps_on_size_and_depth() {
    let schema = IdSchema::default_schema().unwrap().with_limits(Limits {
        max_bytes: 2048,
        max_depth: 4,
    });
    let body = serde_json::to_vec(&full_record()).unwrap();
    assert!(body.len() < 2048);
    schema.parse(&body).unwrap();
    let big = vec![b' '; 2049];
    assert_eq!(
        schema.parse(&big).unwrap_err(),
        SchemaError::TooLarge { limit: 2048 }
    );
    let deep = json!({"fullName": [{"language": "eng", "value": "x", "more": [[[1]]]}]});
    assert_eq!(
        schema.validate(&deep).unwrap_err(),
        SchemaError::TooDeep { limit: 4 }
    );
    // Beyond serde_json's own recursion limit: a typed error, no stack overflow.
    let hostile = "[".repeat(100_000);
    let err = IdSchema::default_schema()
        .unwrap()
        .parse(hostile.as_bytes())
        .unwrap_err();
    assert_eq!(err.code(), "idp.malformed_json");
    assert_eq!(depth(&json!(1)), 0);
    assert_eq!(depth(&json!({"a": {"b": [1]}})), 3);
}

#[test]
fn malformed_bodies_are_refused() {
    let schema = IdSchema::default_schema().unwrap();
    for body in [&b""[..], b"{", b"\xff\xfe", b"{\"a\":1,}", b"nul"] {
        assert_eq!(schema.parse(body).unwrap_err().code(), "idp.malformed_json");
    }
}

#[test]
fn programme_schemas_are_compiled_and_checked() {
    let custom = IdSchema::new(&json!({
        "type": "object",
        "required": ["nationalNumber"],
        "properties": {"nationalNumber": {"type": "string", "pattern": "^[0-9]{8}$"}}
    }))
    .unwrap();
    custom.validate(&json!({"nationalNumber": "12345678"})).unwrap();
    let err = custom.validate(&json!({"nationalNumber": "1234"})).unwrap_err();
    assert_eq!(err.violations()[0].pointer, "/nationalNumber");
    assert_eq!(
        IdSchema::new(&json!({"minLength": -1})).unwrap_err().code(),
        "idp.bad_schema"
    );
    assert_eq!(
        IdSchema::new(&json!({"$ref": "file:///etc/passwd"}))
            .unwrap_err()
            .code(),
        "idp.bad_schema"
    );
}

#[test]
fn full_record_maps_to_claim169() {
    let data = to_claim169(&full_record()).unwrap();
    assert_eq!(data.full_name.as_deref(), Some("Samir Khan"));
    assert_eq!(data.first_name.as_deref(), Some("Samir"));
    assert_eq!(data.last_name.as_deref(), Some("Khan")); // the primary language, not the first entry
    assert_eq!(data.middle_name, None);
    assert_eq!(data.language.as_deref(), Some("eng"));
    assert_eq!(data.secondary_full_name.as_deref(), Some("سمير خان"));
    assert_eq!(data.secondary_language.as_deref(), Some("ara"));
    assert_eq!(data.date_of_birth.as_deref(), Some("19880229"));
    assert_eq!(data.gender, Some(Gender::Male));
    assert_eq!(data.marital_status, Some(MaritalStatus::Married));
    assert_eq!(
        data.address.as_deref(),
        Some("12 Harbour Road\nFlat 3\nMombasa\n80100")
    );
    assert_eq!(data.email.as_deref(), Some("samir@example.org"));
    assert_eq!(data.phone.as_deref(), Some("+254700123456"));
    assert_eq!(data.nationality.as_deref(), Some("KEN"));
    assert_eq!(data.country_of_issuance.as_deref(), Some("KEN"));
    assert_eq!(data.guardian.as_deref(), Some("none"));
    assert_eq!(data.location_code.as_deref(), Some("849VCWC8+R9"));
    assert_eq!(data.legal_status.as_deref(), Some("citizen"));
    let face = &data.biometrics[&BodyPart::Face][0];
    assert_eq!(
        (face.format, face.data.as_slice()),
        (
            Some(BiometricFormat::Image),
            &[0xff, 0xd8, 0xff, 0xe0, 0, 0x10][..]
        )
    );
    assert_eq!(
        data.biometrics[&BodyPart::RightThumb][0].format,
        Some(BiometricFormat::Template)
    );
    assert_eq!(data.id, None);
}

/// The point of the mapping: a registry record becomes a signed Claim 169 QR that inkan-core
/// decodes back to the same identity data.
#[test]
fn mapped_record_issues_as_a_claim169_qr() {
    let mut data = to_claim169(&full_record()).unwrap();
    data.id = Some("6936894708".into());
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let meta = CwtClaims {
        iss: Some("https://registry.example".into()),
        ..CwtClaims::default()
    };
    let qr = claim169::encode(&data, &meta, &key, &EncodeOptions::default()).unwrap();
    let parsed = claim169::parse(&qr, &ParseOptions::default()).unwrap();
    parsed.verify_signature(key.public_key()).unwrap();
    assert_eq!(parsed.claims(), &data);
    assert!(parsed.warnings().is_empty());
}

#[test]
fn mapping_refuses_what_it_cannot_express() {
    let mut r = full_record();
    r["biometrics"][0]["subFormat"] = json!("wav"); // a sound sub-format on an image
    let err = to_claim169(&r).unwrap_err();
    assert_eq!(
        err,
        SchemaError::Mapping {
            pointer: "/biometrics/0/subFormat".into(),
            reason: "does not belong to the format".into()
        }
    );
    assert_eq!(err.code(), "idp.claim169_mapping");
    assert_eq!(
        to_claim169(&json!("x")).unwrap_err().code(),
        "idp.claim169_mapping"
    );
    assert_eq!(
        to_claim169(&json!({"gender": "unknown"})).unwrap_err().code(),
        "idp.claim169_mapping"
    );
    assert_eq!(
        to_claim169(&json!({"fullName": [{"value": "x"}]}))
            .unwrap_err()
            .code(),
        "idp.claim169_mapping"
    );
    // A minimal record maps to a minimal credential; no preferredLanguage: the first name's.
    let minimal = json!({"fullName": [{"language": "hin", "value": "समीर खान"}], "dateOfBirth": "2001-12-01", "gender": "other"});
    let data = to_claim169(&minimal).unwrap();
    assert_eq!(
        (data.language.as_deref(), data.secondary_language),
        (Some("hin"), None)
    );
    assert_eq!(data.address, None);
    assert!(data.biometrics.is_empty());
}
