//! COSE and CWT interop with pycose 1.1.0 and cwt 3.3.0, both directions
//! (oracle: `interop/cose_oracle.py`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use inkan_core::Error;
use inkan_core::clock::FixedClock;
use inkan_core::cose::cwt::{self, CwtClaims, SignOptions, VerifyOptions};
use inkan_core::cose::{
    DecodeOptions, EncAlgorithm, Encrypt0, Encrypt0Builder, Mac0, Mac0Builder, MacAlgorithm, Sign1,
    Sign1Builder,
};
use inkan_core::crypto::{Algorithm, Jwk, Signer, SoftwareKey};
use inkan_test_vectors::run_oracle;

const ORACLE: &str = "cose_oracle.py";
const SIGNING: [Algorithm; 3] = [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384];

/// A JWK written to a uniquely named temp file, removed on drop.
struct KeyFile(PathBuf);

impl KeyFile {
    fn new(jwk: &Jwk) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "inkan-cose-{}-{}-{}.jwk",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            now()
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, jwk.to_json()).unwrap();
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn oracle(args: &[&str]) -> String {
    run_oracle(ORACLE, args).trim().to_owned()
}

fn assert_invalid(answer: &str) {
    assert!(
        answer.starts_with("invalid:"),
        "oracle accepted tampered input: {answer}"
    );
}

/// Flips one bit in the last byte (inside the signature, tag or ciphertext).
fn tamper(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    *out.last_mut().unwrap() ^= 1;
    out
}

// ---------------------------------------------------------------- COSE_Sign1

#[test]
fn sign1_inkan_signs_pycose_verifies() {
    for alg in SIGNING {
        let key = SoftwareKey::generate(alg).unwrap();
        let file = KeyFile::new(&key.public_jwk());
        let payload = format!("inkan {alg}").into_bytes();
        let msg = Sign1Builder::new(payload.clone())
            .kid(key.key_id().unwrap().as_bytes().to_vec())
            .external_aad(b"aad".to_vec())
            .sign(&key)
            .unwrap()
            .encode(true)
            .unwrap();
        let aad = hex::encode(b"aad");
        let answer = oracle(&["verify-sign1", file.arg(), &hex::encode(&msg), &aad]);
        assert_eq!(answer, format!("valid {}", hex::encode(&payload)), "{alg}");
        assert_invalid(&oracle(&[
            "verify-sign1",
            file.arg(),
            &hex::encode(tamper(&msg)),
            &aad,
        ]));
        assert_invalid(&oracle(&["verify-sign1", file.arg(), &hex::encode(&msg), "00"]));
    }
}

#[test]
fn sign1_pycose_signs_inkan_verifies() {
    for alg in SIGNING {
        let key = SoftwareKey::generate(alg).unwrap();
        let file = KeyFile::new(&key.to_jwk().unwrap());
        let payload = format!("pycose {alg}").into_bytes();
        let out = oracle(&[
            "sign-sign1",
            file.arg(),
            &hex::encode(&payload),
            &hex::encode(b"ctx"),
        ]);
        let bytes = hex::decode(out).unwrap();
        let msg = Sign1::decode(&bytes, &DecodeOptions::default()).unwrap();
        assert_eq!(msg.algorithm().unwrap(), alg);
        assert_eq!(msg.kid(), Some(key.key_id().unwrap().as_bytes()));
        msg.verify(key.public_key(), b"ctx").unwrap();
        assert_eq!(msg.payload(), Some(payload.as_slice()));
        assert_eq!(msg.verify(key.public_key(), b"other"), Err(Error::BadSignature));
        let tampered = Sign1::decode(&tamper(&bytes), &DecodeOptions::default()).unwrap();
        assert_eq!(
            tampered.verify(key.public_key(), b"ctx"),
            Err(Error::BadSignature)
        );
    }
}

// ---------------------------------------------------------------- CWT

#[test]
fn cwt_inkan_signs_cwt_library_verifies() {
    let t = now();
    for (alg, cwt_tag) in [
        (Algorithm::Es256, false),
        (Algorithm::EdDsa, true),
        (Algorithm::Es384, true),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let file = KeyFile::new(&key.public_jwk());
        let claims = CwtClaims {
            iss: Some("https://issuer.example".into()),
            sub: Some("subject-1".into()),
            aud: Some("https://rp.example".into()),
            exp: Some(t + 3600),
            nbf: Some(t - 10),
            iat: Some(t),
            cti: Some(vec![0x0b, 0x71]),
            ..CwtClaims::default()
        };
        let options = SignOptions {
            kid: Some(key.key_id().unwrap().as_bytes().to_vec()),
            cwt_tag,
            ..SignOptions::default()
        };
        let token = cwt::sign(&claims, &key, &options).unwrap();
        let answer = oracle(&["verify-cwt", file.arg(), &hex::encode(&token)]);
        let decoded: serde_json::Value = serde_json::from_str(&answer).unwrap_or_else(|_| panic!("{answer}"));
        assert_eq!(
            decoded,
            serde_json::json!({
                "1": "https://issuer.example", "2": "subject-1", "3": "https://rp.example",
                "4": t + 3600, "5": t - 10, "6": t, "7": "0b71",
            }),
            "{alg}"
        );
        assert_invalid(&oracle(&["verify-cwt", file.arg(), &hex::encode(tamper(&token))]));
    }
}

#[test]
fn cwt_library_signs_inkan_verifies() {
    let t = now();
    for (alg, tagged) in [
        (Algorithm::Es256, "true"),
        (Algorithm::EdDsa, "false"),
        (Algorithm::Es384, "true"),
    ] {
        let key = SoftwareKey::generate(alg).unwrap();
        let file = KeyFile::new(&key.to_jwk().unwrap());
        let claims = serde_json::json!({
            "1": "coap://as.example.com", "2": "erikw", "4": t + 600, "5": t, "6": t, "7": "0b71",
        });
        let out = oracle(&["sign-cwt", file.arg(), &claims.to_string(), tagged]);
        let token = hex::decode(out).unwrap();
        assert_eq!(token.starts_with(&[0xd8, 0x3d]), tagged == "true", "{alg}");
        let clock = FixedClock::at_unix(t);
        let verified = cwt::verify(&token, key.public_key(), &VerifyOptions::default(), &clock).unwrap();
        let want = CwtClaims {
            iss: Some("coap://as.example.com".into()),
            sub: Some("erikw".into()),
            exp: Some(t + 600),
            nbf: Some(t),
            iat: Some(t),
            cti: Some(vec![0x0b, 0x71]),
            ..CwtClaims::default()
        };
        assert_eq!(verified.claims, want, "{alg}");
        assert_eq!(verified.message.algorithm().unwrap(), alg);
        let err = cwt::verify(
            &tamper(&token),
            key.public_key(),
            &VerifyOptions::default(),
            &clock,
        );
        assert_eq!(err.unwrap_err(), Error::BadSignature);
        let late = FixedClock::at_unix(t + 7200);
        let err = cwt::verify(&token, key.public_key(), &VerifyOptions::default(), &late);
        assert_eq!(err.unwrap_err(), Error::Expired);
    }
}

// ---------------------------------------------------------------- COSE_Mac0

#[test]
fn mac0_both_directions() {
    let key = [0x5a_u8; 32];
    let key_hex = hex::encode(key);
    for alg in [MacAlgorithm::Hmac256, MacAlgorithm::Hmac256_64] {
        // inkan → pycose
        let msg = Mac0Builder::new(b"mac me".to_vec())
            .create(alg, &key)
            .unwrap()
            .encode(true)
            .unwrap();
        let answer = oracle(&["verify-mac0", &key_hex, &hex::encode(&msg)]);
        assert_eq!(answer, format!("valid {}", hex::encode(b"mac me")), "{alg:?}");
        assert_invalid(&oracle(&["verify-mac0", &key_hex, &hex::encode(tamper(&msg))]));
        // pycose → inkan
        let id = alg.cose_id().to_string();
        let out = oracle(&["mac-mac0", &key_hex, &hex::encode(b"from pycose"), &id]);
        let bytes = hex::decode(out).unwrap();
        let msg = Mac0::decode(&bytes, &DecodeOptions::default()).unwrap();
        assert_eq!(msg.algorithm().unwrap(), alg);
        msg.verify(&key, b"").unwrap();
        assert_eq!(msg.payload(), Some(&b"from pycose"[..]));
        let tampered = Mac0::decode(&tamper(&bytes), &DecodeOptions::default()).unwrap();
        assert_eq!(tampered.verify(&key, b""), Err(Error::MacMismatch));
    }
}

// ---------------------------------------------------------------- COSE_Encrypt0

#[test]
fn encrypt0_a256gcm_both_directions() {
    let key = [0x33_u8; 32];
    let key_hex = hex::encode(key);
    // inkan → pycose
    let msg = Encrypt0Builder::new(EncAlgorithm::A256Gcm)
        .encrypt(&key, b"secret claims")
        .unwrap()
        .encode(true)
        .unwrap();
    let answer = oracle(&["decrypt-encrypt0", &key_hex, &hex::encode(&msg)]);
    assert_eq!(answer, format!("valid {}", hex::encode(b"secret claims")));
    assert_invalid(&oracle(&[
        "decrypt-encrypt0",
        &key_hex,
        &hex::encode(tamper(&msg)),
    ]));
    // pycose → inkan
    let out = oracle(&["encrypt-encrypt0", &key_hex, &hex::encode(b"from pycose")]);
    let bytes = hex::decode(out).unwrap();
    let msg = Encrypt0::decode(&bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(msg.algorithm().unwrap(), EncAlgorithm::A256Gcm);
    assert_eq!(msg.decrypt(&key, b"").unwrap(), b"from pycose");
    let tampered = Encrypt0::decode(&tamper(&bytes), &DecodeOptions::default()).unwrap();
    assert_eq!(tampered.decrypt(&key, b""), Err(Error::DecryptionFailed));
    assert_eq!(msg.decrypt(&[0x34; 32], b""), Err(Error::DecryptionFailed));
}
