//! JOSE interop with jwcrypto (`interop/jose_oracle.py`), both directions: inkan signs and
//! jwcrypto verifies and vice versa; inkan encrypts and jwcrypto decrypts and vice versa; a
//! tampered token is rejected by both.

// Test helpers unwrap: a broken vector or oracle is a failed test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::crypto::{Algorithm, Jwk, Signer as _, SoftwareKey};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_core::jose::jwe::{self, ContentEncryption, DecryptOptions, EncryptParams, KeyManagement};
use inkan_core::jose::jws::{self, VerifyOptions};
use inkan_core::jose::{Header, jwt};
use inkan_test_vectors::run_oracle;

const ORACLE: &str = "jose_oracle.py";

/// A JWK written to a uniquely named temp file, removed on drop (tests run in parallel).
struct KeyFile(PathBuf);

impl KeyFile {
    fn new(jwk: &Jwk) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("inkan-jose-{}-{n}.jwk", std::process::id()));
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

/// Flips one bit in the decoded part `index` of a dotted token.
fn tamper(token: &str, index: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut bytes = b64url_decode(&parts[index]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    parts[index] = b64url_encode(bytes);
    parts.join(".")
}

fn signing_key(alg: Algorithm) -> SoftwareKey {
    SoftwareKey::generate(alg).unwrap()
}

const PAYLOAD: &str = r#"{"iss":"https://issuer.example","given_name":"Ayşe","n":1}"#;

#[test]
fn inkan_signs_jwcrypto_verifies() {
    for alg in Algorithm::ALL {
        let key = signing_key(alg);
        let public = KeyFile::new(&key.public_jwk());
        let token = jws::sign_compact(PAYLOAD.as_bytes(), &Header::for_signer(&key), &key).unwrap();
        let out = run_oracle(ORACLE, &["verify-jws", public.arg(), &token]);
        assert_eq!(out, format!("valid:{PAYLOAD}"), "{alg}");
        let bad = tamper(&token, 2);
        let out = run_oracle(ORACLE, &["verify-jws", public.arg(), &bad]);
        assert!(
            out.starts_with("invalid:"),
            "{alg}: jwcrypto accepted a tampered token: {out}"
        );
        let err = jws::verify_compact(&bad, key.public_key(), &VerifyOptions::default()).unwrap_err();
        assert_eq!(err.code(), "crypto.bad_signature", "{alg}");
    }
}

#[test]
fn jwcrypto_signs_inkan_verifies() {
    for alg in Algorithm::ALL {
        let key = signing_key(alg);
        let private = KeyFile::new(&key.to_jwk().unwrap());
        let token = run_oracle(ORACLE, &["sign-jws", private.arg(), alg.jose_name(), PAYLOAD]);
        let v = jws::verify_compact(&token, key.public_key(), &VerifyOptions::default()).unwrap();
        assert_eq!((v.payload.as_slice(), v.algorithm), (PAYLOAD.as_bytes(), alg));
        assert_eq!(v.header.kid.as_deref(), key.public_jwk().kid.as_deref());
        // The same token is a JWT to inkan.
        let claims = jwt::verify(
            &token,
            key.public_key(),
            &Default::default(),
            &inkan_core::clock::SystemClock,
        )
        .unwrap()
        .claims;
        assert_eq!(claims["given_name"], "Ayşe");
        let bad = tamper(&token, 1);
        let err = jws::verify_compact(&bad, key.public_key(), &VerifyOptions::default()).unwrap_err();
        assert_eq!(err.code(), "crypto.bad_signature", "{alg}");
        let public = KeyFile::new(&key.public_jwk());
        assert!(run_oracle(ORACLE, &["verify-jws", public.arg(), &bad]).starts_with("invalid:"));
    }
}

/// The JWE cases of the brief: (alg, enc, key algorithm used to generate the recipient key).
const JWE_CASES: [(KeyManagement, ContentEncryption, Algorithm); 4] = [
    (
        KeyManagement::EcdhEsA256Kw,
        ContentEncryption::A256Gcm,
        Algorithm::Es256,
    ),
    (
        KeyManagement::EcdhEs,
        ContentEncryption::A128Gcm,
        Algorithm::Es256,
    ),
    (
        KeyManagement::EcdhEs,
        ContentEncryption::A256Gcm,
        Algorithm::Es384,
    ),
    (
        KeyManagement::RsaOaep256,
        ContentEncryption::A256Gcm,
        Algorithm::Ps256,
    ),
];

/// A private encryption JWK (a fresh key; `alg` cleared, since the signing algorithm is not the
/// encryption algorithm).
fn encryption_key(kind: Algorithm) -> Jwk {
    let mut jwk = signing_key(kind).to_jwk().unwrap();
    jwk.alg = None;
    jwk
}

const PLAINTEXT: &str = "vp_token for the verifier: ✓";

#[test]
fn inkan_encrypts_jwcrypto_decrypts() {
    for (alg, enc, kind) in JWE_CASES {
        let key = encryption_key(kind);
        let private = KeyFile::new(&key);
        let token = jwe::encrypt_compact(
            PLAINTEXT.as_bytes(),
            &key.to_public(),
            &EncryptParams::new(alg, enc),
        )
        .unwrap();
        let out = run_oracle(ORACLE, &["decrypt", private.arg(), &token]);
        assert_eq!(out, format!("valid:{PLAINTEXT}"), "{alg}/{enc}");
        let bad = tamper(&token, 4);
        assert!(
            run_oracle(ORACLE, &["decrypt", private.arg(), &bad]).starts_with("invalid:"),
            "{alg}"
        );
        let err = jwe::decrypt_compact(&bad, &key, &DecryptOptions::default()).unwrap_err();
        assert_eq!(err.code(), "crypto.decryption_failed", "{alg}/{enc}");
    }
}

#[test]
fn jwcrypto_encrypts_inkan_decrypts() {
    for (alg, enc, kind) in JWE_CASES {
        let key = encryption_key(kind);
        let public = KeyFile::new(&key.to_public());
        let token = run_oracle(
            ORACLE,
            &[
                "encrypt",
                public.arg(),
                alg.jose_name(),
                enc.jose_name(),
                PLAINTEXT,
            ],
        );
        let out = jwe::decrypt_compact(&token, &key, &DecryptOptions::default()).unwrap();
        assert_eq!(
            (out.plaintext.as_slice(), out.alg, out.enc),
            (PLAINTEXT.as_bytes(), alg, enc)
        );
        let bad = tamper(&token, 3);
        let err = jwe::decrypt_compact(&bad, &key, &DecryptOptions::default()).unwrap_err();
        assert_eq!(err.code(), "crypto.decryption_failed", "{alg}/{enc}");
        let private = KeyFile::new(&key);
        assert!(run_oracle(ORACLE, &["decrypt", private.arg(), &bad]).starts_with("invalid:"));
    }
}

#[test]
fn apu_and_apv_agree_with_jwcrypto() {
    let key = encryption_key(Algorithm::Es256);
    let private = KeyFile::new(&key);
    let params = EncryptParams::new(KeyManagement::EcdhEs, ContentEncryption::A128Gcm)
        .with_apu(b"wallet nonce".to_vec())
        .with_apv(b"verifier nonce".to_vec());
    let token = jwe::encrypt_compact(PLAINTEXT.as_bytes(), &key.to_public(), &params).unwrap();
    assert_eq!(
        run_oracle(ORACLE, &["decrypt", private.arg(), &token]),
        format!("valid:{PLAINTEXT}")
    );

    let public = KeyFile::new(&key.to_public());
    let (apu, apv) = (b64url_encode("u-info"), b64url_encode("v-info"));
    let token = run_oracle(
        ORACLE,
        &[
            "encrypt",
            public.arg(),
            "ECDH-ES",
            "A256GCM",
            PLAINTEXT,
            &apu,
            &apv,
        ],
    );
    let out = jwe::decrypt_compact(&token, &key, &DecryptOptions::default()).unwrap();
    assert_eq!(
        (out.header["apu"].as_str(), out.plaintext.as_slice()),
        (Some(apu.as_str()), PLAINTEXT.as_bytes())
    );
}
