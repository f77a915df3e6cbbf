//! RFC 8032 Ed25519 vectors through inkan's keys and every provider.

use inkan_core::crypto::{Algorithm, Jwk, PrivateKeyData, PublicKey, Signer, SoftwareKey, Verifier};
use inkan_core::encoding::b64url_encode;
use inkan_test_vectors::json;

fn rfc8032() -> Vec<serde_json::Value> {
    let v = json("small-rfc-vectors/rfc8032-ed25519-and-rfc9285-base45.json");
    v["ed25519_rfc8032"].as_array().unwrap().clone()
}

fn hex_field(case: &serde_json::Value, name: &str) -> Vec<u8> {
    hex::decode(case[name].as_str().unwrap()).unwrap()
}

fn private_jwk(case: &serde_json::Value) -> Jwk {
    Jwk::from_json(
        &serde_json::json!({
            "kty": "OKP", "crv": "Ed25519",
            "x": b64url_encode(hex_field(case, "public_key")),
            "d": b64url_encode(hex_field(case, "secret_key")),
        })
        .to_string(),
    )
    .unwrap()
}

#[test]
fn rfc8032_signatures_are_reproduced_byte_for_byte() {
    let cases = rfc8032();
    assert_eq!(cases.len(), 3);
    for case in &cases {
        let key = SoftwareKey::from_jwk(&private_jwk(case)).unwrap();
        let sig = key.sign(&hex_field(case, "message")).unwrap();
        assert_eq!(sig, hex_field(case, "signature"), "{}", case["name"]);
    }
}

#[test]
fn rfc8032_signatures_verify_and_tampering_fails() {
    for case in rfc8032() {
        let public = PublicKey::from_jwk(&private_jwk(&case).to_public()).unwrap();
        let msg = hex_field(&case, "message");
        let sig = hex_field(&case, "signature");
        public.verify(Algorithm::EdDsa, &msg, &sig).unwrap();
        let mut forged = sig.clone();
        forged[63] ^= 0x80;
        assert_eq!(
            public.verify(Algorithm::EdDsa, &msg, &forged).unwrap_err().code(),
            "crypto.bad_signature"
        );
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(
            public.verify(Algorithm::EdDsa, &other, &sig).unwrap_err().code(),
            "crypto.bad_signature"
        );
    }
}

#[test]
fn rfc8032_key_derivation_matches() {
    for case in rfc8032() {
        let jwk = private_jwk(&case);
        let derived = PrivateKeyData::from_jwk(&jwk).unwrap().public().unwrap();
        assert_eq!(derived.to_sec1(false), hex_field(&case, "public_key"));
    }
}
