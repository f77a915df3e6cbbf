//! Claim 169 interop with the reference implementation, PyPI claim169 0.3.0, both directions
//! (oracle: `interop/claim169_oracle.py`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::claim169::{self, EncodeOptions, Encryption, IdentityData, ParseOptions};
use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::cose::EncAlgorithm;
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::encoding::b64url_decode;
use inkan_test_vectors::run_oracle;
use serde_json::{Value as Json, json};

const ORACLE: &str = "claim169_oracle.py";

/// A uniquely named temp file, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "inkan-claim169-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A person with demographics, a ~2 KB photo and biometrics (as the JSON view).
fn person_json(with_fingers: bool) -> Json {
    let photo: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut person = json!({
        "id": "3918592438", "version": "1.0", "language": "eng", "fullName": "Janardhan BS",
        "firstName": "Janardhan", "lastName": "BS", "dateOfBirth": "19840418", "gender": 1,
        "address": "New House, Near Metro Line\nBengaluru, KA", "email": "janardhan@example.com",
        "phone": "+919876543210", "nationality": "IN", "maritalStatus": 2, "guardian": "G-1",
        "photo": inkan_core::encoding::b64_encode(&photo), "photoFormat": 4,
        "secondaryFullName": "جاناردان بنغالور سرينيفاس", "secondaryLanguage": "ara",
        "locationCode": "849VCWC8+R9", "legalStatus": "Refugee", "countryOfIssuance": "IN",
        "rightThumb": [{"data": "RklSAA==", "format": 1, "subFormat": 1, "issuer": "VendorA"}],
        "leftIris": [{"data": "SVJJUwE=", "format": 0, "subFormat": 6}],
        "face": [{"data": "/9j/4AAQ", "format": 0, "subFormat": 1}, {"data": "AAEC", "format": 3}],
        "voice": [{"data": "UklGRg==", "format": 2, "subFormat": 0}],
    });
    if with_fingers {
        person["bestQualityFingers"] = json!([1, 6, 10]);
    }
    person
}

fn meta() -> CwtClaims {
    CwtClaims {
        iss: Some("https://id.example.org".into()),
        sub: Some("3918592438".into()),
        exp: Some(1_900_000_000),
        nbf: Some(1_700_000_000),
        iat: Some(1_700_000_000),
        ..CwtClaims::default()
    }
}

fn meta_json() -> Json {
    json!({"issuer": "https://id.example.org", "subject": "3918592438", "expiresAt": 1_900_000_000i64,
           "notBefore": 1_700_000_000i64, "issuedAt": 1_700_000_000i64})
}

fn public_hex(key: &SoftwareKey) -> String {
    hex::encode(key.public_key().data().to_sec1(false))
}

fn private_hex(key: &SoftwareKey) -> String {
    let jwk = key.to_jwk().unwrap();
    hex::encode(b64url_decode(jwk.d.unwrap().expose()).unwrap())
}

/// The signing/encryption combinations tried in each direction.
fn cases() -> Vec<(Algorithm, Option<EncAlgorithm>)> {
    vec![
        (Algorithm::EdDsa, None),
        (Algorithm::Es256, None),
        (Algorithm::EdDsa, Some(EncAlgorithm::A256Gcm)),
        (Algorithm::EdDsa, Some(EncAlgorithm::A128Gcm)),
    ]
}

#[test]
fn the_reference_decodes_what_inkan_encodes() {
    let person = IdentityData::from_json(&person_json(true)).unwrap();
    let mut checked = 0;
    for (alg, enc) in cases()
        .into_iter()
        .chain([(Algorithm::Es256, Some(EncAlgorithm::A256Gcm))])
    {
        let key = SoftwareKey::generate(alg).unwrap();
        let secret = enc.map(|e| vec![0x5a; e.key_len()]);
        let options = EncodeOptions {
            kid: Some(b"issuer-key-1".to_vec()),
            encryption: enc.zip(secret.clone()).map(|(e, k)| Encryption::new(e, k)),
            ..EncodeOptions::default()
        };
        let qr = TempFile::new(&claim169::encode(&person, &meta(), &key, &options).unwrap());
        let mut args = vec![
            "decode".to_owned(),
            qr.arg().to_owned(),
            alg.jose_name().to_owned(),
            public_hex(&key),
        ];
        args.extend(secret.map(hex::encode));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out: Json = serde_json::from_str(&run_oracle(ORACLE, &args)).unwrap();
        let case = format!("{alg:?} {enc:?}");
        assert_eq!(out["status"], "verified", "{case}");
        assert_eq!(out["algorithm"], alg.jose_name(), "{case}");
        assert_eq!(out["claim169"], person.to_json(), "{case}");
        assert_eq!(out["cwtMeta"], meta_json(), "{case}");
        if enc.is_none() {
            assert_eq!(out["kid"], hex::encode(b"issuer-key-1"), "{case}");
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn inkan_decodes_what_the_reference_encodes() {
    // claim169 0.3.0's encoder has no bestQualityFingers input.
    let input = person_json(false);
    let identity = TempFile::new(&input.to_string());
    let meta_file = TempFile::new(&meta_json().to_string());
    for (alg, enc) in cases() {
        let key = SoftwareKey::generate(alg).unwrap();
        let secret = enc.map(|e| vec![0xa5; e.key_len()]);
        let mut args = vec![
            "encode".to_owned(),
            identity.arg().to_owned(),
            meta_file.arg().to_owned(),
            alg.jose_name().to_owned(),
            private_hex(&key),
        ];
        args.extend(secret.clone().map(hex::encode));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let qr = run_oracle(ORACLE, &args);
        let options = ParseOptions {
            decryption_key: secret.map(Into::into),
            ..ParseOptions::default()
        };
        let clock = FixedClock::at_unix(1_800_000_000);
        let ok = claim169::decode(
            qr.trim(),
            &options,
            key.public_key(),
            &TimeRules::default(),
            &clock,
        )
        .unwrap_or_else(|e| panic!("{alg:?} {enc:?}: {e}"));
        let case = format!("{alg:?} {enc:?}");
        assert_eq!(ok.claims().to_json(), input, "{case}");
        assert!(ok.claims().unknown.is_empty(), "{case}");
        assert_eq!(ok.cwt(), &meta(), "{case}");
        assert!(ok.warnings().is_empty(), "{case}: {:?}", ok.warnings());
        assert_eq!(ok.parsed().encryption(), enc, "{case}");
        assert_eq!(ok.parsed().algorithm().unwrap(), alg, "{case}");
    }
}
