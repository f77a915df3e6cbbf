//! The pyld oracle (`interop/jsonld_oracle.py`) as the JSON-LD tests drive it, and the Inji
//! Certify-style credential they sign with it. Shared by `interop_jsonld.rs` and
//! `ldp_vc_online.rs` (`mod jsonld_oracle;`).

use std::path::PathBuf;
use std::sync::OnceLock;

use inkan_core::jsonld;
use inkan_test_vectors::run_oracle;
use serde_json::{Value, json};

/// A file with `{url: document text}` for every bundled context, written once per run.
pub fn contexts_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let map: serde_json::Map<String, Value> = jsonld::bundled_contexts()
            .map(|(url, text)| (url.to_owned(), Value::from(text)))
            .collect();
        let path = std::env::temp_dir().join(format!("inkan-jsonld-contexts-{}.json", std::process::id()));
        std::fs::write(&path, Value::Object(map).to_string()).unwrap();
        path
    })
}

pub fn oracle(command: &str, request: &Value) -> String {
    let path = std::env::temp_dir().join(format!(
        "inkan-jsonld-request-{}-{:?}.json",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, request.to_string()).unwrap();
    let out = run_oracle(
        "jsonld_oracle.py",
        &[command, contexts_file().to_str().unwrap(), path.to_str().unwrap()],
    );
    std::fs::remove_file(&path).ok();
    out
}

/// A VCDM 1.1 credential as Inji Certify issues them (MOSIP ID fields) by `issuer`, unsigned.
pub fn inji_credential(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1",
            {"@vocab": "https://mosip.example/vocab#"}
        ],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "MOSIPVerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2024-06-01T10:00:00.000Z",
        "expirationDate": "2034-06-01T10:00:00.000Z",
        "credentialSubject": {
            "id": "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6IjExcVlBWUt4Q3JmVlNfN1R5V1FIT2c3aGN2UGFwaU1scndJYWFQY0hVUm8ifQ",
            "fullName": [{"language": "eng", "value": "Aarav Sharma"}, {"language": "hin", "value": "आरव शर्मा"}],
            "dateOfBirth": "1990/01/15",
            "gender": [{"language": "eng", "value": "Male"}],
            "UIN": "6936894708",
            "email": "aarav@example.org",
            "phone": "+911234567890",
            "addressLine1": [{"language": "eng", "value": "12 Lake Road"}],
            "city": [{"language": "eng", "value": "Pune"}],
            "postalCode": "411001",
            "face": "data:image/jpeg;base64,/9j/4AAQSkZJRg=="
        }
    })
}
