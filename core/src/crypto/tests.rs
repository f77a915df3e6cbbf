//! Unit tests for keys and providers.

use super::*;
use crate::encoding::b64url_decode;

/// Every provider compiled in, with the key types it supports.
fn providers() -> Vec<(&'static dyn CryptoProvider, &'static [Algorithm])> {
    #[allow(unused_mut)]
    let mut v: Vec<(&'static dyn CryptoProvider, &'static [Algorithm])> =
        vec![(&openssl_provider::OpenSslProvider, &Algorithm::ALL)];
    #[cfg(feature = "aws-lc")]
    v.push((&awslc_provider::AwsLcProvider, &Algorithm::ALL));
    #[cfg(feature = "rustcrypto")]
    v.push((
        &rustcrypto_provider::RustCryptoProvider,
        &[Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384],
    ));
    v
}

#[test]
fn every_provider_signs_and_verifies_every_algorithm() {
    for (provider, algs) in providers() {
        for &alg in algs {
            let data = PrivateKeyData::generate(alg.key_type()).unwrap();
            let key = SoftwareKey::with_provider(data, alg, provider).unwrap();
            let sig = key.sign(b"payload").unwrap();
            if let Some(len) = alg.key_type().signature_len() {
                assert_eq!(sig.len(), len, "{alg} via {}", provider.name());
            }
            key.public_key().verify(alg, b"payload", &sig).unwrap();
            assert_eq!(
                key.public_key().verify(alg, b"payloaD", &sig),
                Err(Error::BadSignature),
                "{alg} via {}",
                provider.name()
            );
            let mut bad = sig.clone();
            bad[0] ^= 1;
            assert_eq!(
                key.public_key().verify(alg, b"payload", &bad),
                Err(Error::BadSignature)
            );
            assert_eq!(
                key.public_key().verify(alg, b"payload", &sig[1..]),
                Err(Error::BadSignature)
            );
        }
    }
}

#[test]
fn providers_agree_with_each_other() {
    let all = providers();
    for (signer_provider, algs) in &all {
        for &alg in *algs {
            let data = PrivateKeyData::generate(alg.key_type()).unwrap();
            let key = SoftwareKey::with_provider(data, alg, *signer_provider).unwrap();
            let sig = key.sign(b"cross").unwrap();
            for (verifier_provider, supported) in &all {
                if supported.contains(&alg) {
                    let public = key.public_key().with_provider(*verifier_provider).unwrap();
                    public.verify(alg, b"cross", &sig).unwrap();
                    assert_eq!(public.verify(alg, b"crosS", &sig), Err(Error::BadSignature));
                }
            }
        }
    }
}

#[test]
fn small_order_ed25519_keys_are_refused() {
    // The identity point (y = 1): every provider would otherwise have its own opinion of it.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let err = PublicKeyData::from_sec1(KeyType::Ed25519, &identity).unwrap_err();
    assert_eq!(err.code(), "crypto.invalid_key");
}

#[test]
fn algorithm_and_key_type_must_match() {
    let ed = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let sig = ed.sign(b"m").unwrap();
    for alg in [
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Rs256,
        Algorithm::Ps256,
    ] {
        assert_eq!(
            ed.public_key().verify(alg, b"m", &sig).unwrap_err().code(),
            "crypto.alg_key_mismatch"
        );
    }
    let data = PrivateKeyData::generate(KeyType::P256).unwrap();
    assert!(matches!(
        SoftwareKey::from_data(data, Algorithm::Es384),
        Err(Error::AlgorithmKeyMismatch { .. })
    ));
    let rsa = SoftwareKey::generate(Algorithm::Ps256).unwrap();
    let pss = rsa.sign(b"m").unwrap();
    // The same RSA key under the other padding must not verify.
    assert_eq!(
        rsa.public_key().verify(Algorithm::Rs256, b"m", &pss),
        Err(Error::BadSignature)
    );
    let rs = rsa.with_algorithm(Algorithm::Rs256).unwrap();
    let sig = rs.sign(b"m").unwrap();
    rs.public_key().verify(Algorithm::Rs256, b"m", &sig).unwrap();
    assert_eq!(rs.sign(b"m").unwrap(), sig, "RS256 is deterministic");
}

#[test]
fn algorithm_names_round_trip_and_none_is_refused() {
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::from_jose(alg.jose_name()).unwrap(), alg);
        assert_eq!(Algorithm::from_cose_id(alg.cose_id()).unwrap(), alg);
    }
    for name in ["none", "None", "HS256", "ES512", "es256", ""] {
        assert_eq!(
            Algorithm::from_jose(name).unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
    }
    assert!(Algorithm::from_cose_id(-36).is_err()); // ES512
}

#[test]
fn jwk_and_pem_round_trip_for_every_key_type() {
    for alg in Algorithm::ALL {
        let key = SoftwareKey::generate(alg).unwrap();
        let jwk = key.to_jwk().unwrap();
        assert!(jwk.is_private());
        let again = SoftwareKey::from_jwk(&Jwk::from_json(&jwk.to_json()).unwrap()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(again.algorithm(), alg);
        assert_eq!(again.key_id(), key.key_id());

        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let from_pem = SoftwareKey::from_pem(&pem).unwrap();
        assert_eq!(from_pem.public_key(), key.public_key());

        let public_pem = key.public_key().to_pem().unwrap();
        assert_eq!(&PublicKey::from_pem(&public_pem).unwrap(), key.public_key());
        let public_jwk = key.public_jwk();
        assert!(!public_jwk.is_private());
        assert_eq!(&PublicKey::from_jwk(&public_jwk).unwrap(), key.public_key());
    }
}

#[test]
fn legacy_pem_forms_are_read() {
    let ec = openssl::ec::EcKey::generate(
        &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::SECP384R1).unwrap(),
    )
    .unwrap();
    let sec1 = String::from_utf8(ec.private_key_to_pem().unwrap()).unwrap();
    assert!(sec1.contains("EC PRIVATE KEY"));
    assert_eq!(
        SoftwareKey::from_pem(&sec1).unwrap().algorithm(),
        Algorithm::Es384
    );
    let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
    let pkcs1 = String::from_utf8(rsa.private_key_to_pem().unwrap()).unwrap();
    assert!(pkcs1.contains("RSA PRIVATE KEY"));
    assert_eq!(
        SoftwareKey::from_pem(&pkcs1).unwrap().algorithm(),
        Algorithm::Ps256
    );
}

#[test]
fn bad_keys_are_typed_errors() {
    let cases = [
        r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#,
        r#"{"kty":"EC","crv":"P-256"}"#,
        r#"{"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        r#"{"kty":"oct","k":"AAAA"}"#,
        r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#,
    ];
    for case in cases {
        let err = PublicKey::from_jwk(&Jwk::from_json(case).unwrap()).unwrap_err();
        assert!(
            matches!(err.code(), "crypto.invalid_key" | "crypto.unsupported_algorithm"),
            "{case}: {err:?}"
        );
    }
    // A point not on the curve: a valid-length x/y pair that fails the curve equation.
    let off_curve = r#"{"kty":"EC","crv":"P-256","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;
    assert_eq!(
        PublicKey::from_jwk(&Jwk::from_json(off_curve).unwrap())
            .unwrap_err()
            .code(),
        "crypto.invalid_key"
    );
    assert_eq!(Jwk::from_json("[1]").unwrap_err().code(), "crypto.invalid_key");
    let huge = format!("{{\"kty\":\"{}\"}}", "A".repeat(Jwk::MAX_JSON));
    assert_eq!(Jwk::from_json(&huge).unwrap_err().code(), "input.too_large");
    assert!(SoftwareKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
}

#[test]
fn private_jwk_with_foreign_public_part_is_refused() {
    let a = SoftwareKey::generate(Algorithm::Es256).unwrap().to_jwk().unwrap();
    let b = SoftwareKey::generate(Algorithm::Es256).unwrap().to_jwk().unwrap();
    let mixed = Jwk {
        d: b.d.clone(),
        ..a.clone()
    };
    assert_eq!(
        SoftwareKey::from_jwk(&mixed).unwrap_err().code(),
        "crypto.invalid_key"
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    for alg in Algorithm::ALL {
        let key = SoftwareKey::generate(alg).unwrap();
        let jwk = key.to_jwk().unwrap();
        let d = jwk.d.clone().unwrap();
        for shown in [
            format!("{key:?}"),
            format!("{jwk:?}"),
            format!("{:?}", PrivateKeyData::from_jwk(&jwk).unwrap()),
        ] {
            assert!(!shown.contains(d.expose()), "{alg}: {shown}");
        }
    }
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 §3.1: the RSA key and its thumbprint.
    let jwk = Jwk::from_json(
        r#"{"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#,
    )
    .unwrap();
    let key = PublicKey::from_jwk(&jwk).unwrap();
    assert_eq!(key.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    assert_eq!(b64url_decode(&key.thumbprint()).unwrap().len(), 32);
}

#[test]
fn rsa_modulus_policy() {
    let small = openssl::rsa::Rsa::generate(1024).unwrap();
    let jwk = Jwk {
        kty: "RSA".into(),
        n: Some(crate::encoding::b64url_encode(small.n().to_vec())),
        e: Some(crate::encoding::b64url_encode(small.e().to_vec())),
        ..Jwk::default()
    };
    assert_eq!(
        PublicKey::from_jwk(&jwk).unwrap_err().code(),
        "crypto.invalid_key"
    );
}
