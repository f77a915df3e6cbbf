//! The facade's Rust API, tested directly (the generated Kotlin/Python run the same code through
//! FFI in `bindings/test.sh`).

use std::sync::Arc;

use p256::ecdsa::signature::Signer as _;

use crate::*;

const VECTOR: &str = include_str!("../../test-vectors/vectors/claim169/valid/ed25519-signed.json");
const PNG: &[u8] = include_bytes!("../tests/fixtures/claim169-ed25519-signed.png");
/// Between the vector's iat (1700000000) and exp (1800000000).
const NOW: i64 = 1_767_225_600;

fn vector_field(path: &[&str]) -> String {
    let json: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
    let value = path.iter().fold(&json, |v, k| &v[*k]);
    value.as_str().unwrap().to_owned()
}

fn vector_verifier(now: i64) -> Arc<Verifier> {
    let public = hex::decode(vector_field(&["signing_key", "public_key_hex"])).unwrap();
    let x = inkan_core::encoding::b64url_encode(&public);
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#);
    Verifier::new(
        jwk,
        VerifierOptions {
            now_unix: Some(now),
            ..VerifierOptions::default()
        },
    )
    .unwrap()
}

/// A keystore stand-in: a P-256 key held by the RustCrypto crate (not inkan's provider),
/// answering in DER or raw form, or misbehaving on purpose.
struct TestSigner {
    key: p256::ecdsa::SigningKey,
    mode: Mode,
}

#[derive(Clone, Copy)]
enum Mode {
    Der,
    Raw,
    Refuse,
    Garbage,
    WrongKey,
}

impl TestSigner {
    fn key(mode: Mode, encoding: SignatureEncoding) -> Arc<SigningKey> {
        let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let point = key.verifying_key().to_encoded_point(false);
        let b64 = |b: &[u8]| inkan_core::encoding::b64url_encode(b);
        let jwk = format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
            b64(point.x().unwrap()),
            b64(point.y().unwrap())
        );
        let signer = Arc::new(TestSigner { key, mode });
        SigningKey::foreign(
            SignatureAlgorithm::Es256,
            jwk,
            Some("test-1".into()),
            encoding,
            signer,
        )
        .unwrap()
    }
}

impl ForeignSigner for TestSigner {
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>> {
        let signature: p256::ecdsa::Signature = self.key.sign(&message);
        match self.mode {
            Mode::Der => Ok(signature.to_der().as_bytes().to_vec()),
            Mode::Raw => Ok(signature.to_bytes().to_vec()),
            Mode::Refuse => Err(InkanError::new(
                Domain::Signer,
                "keystore.locked",
                "device locked",
            )),
            Mode::Garbage => Ok(vec![0x30, 0x02, 0x01]),
            Mode::WrongKey => {
                let other = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
                let signature: p256::ecdsa::Signature = other.sign(&message);
                Ok(signature.to_der().as_bytes().to_vec())
            }
        }
    }
}

fn encode_with(key: Arc<SigningKey>) -> Result<String> {
    let meta = CwtMeta {
        iss: Some("https://issuer.example".into()),
        iat: Some(NOW - 60),
        ..CwtMeta::default()
    };
    claim169_encode(
        r#"{"id":"3918592438","fullName":"Janardhan BS"}"#.into(),
        meta,
        key,
        Claim169EncodeOptions::default(),
    )
}

fn verifier_for(key: &SigningKey) -> Arc<Verifier> {
    let options = VerifierOptions {
        now_unix: Some(NOW),
        ..VerifierOptions::default()
    };
    Verifier::new(key.public_jwk(), options).unwrap()
}

#[test]
fn every_domain_maps_to_its_own_variant() {
    for domain in Domain::ALL {
        let err = InkanError::new(domain, "a.b", "why");
        assert_eq!((err.domain(), err.code(), err.detail()), (domain, "a.b", "why"));
        assert_eq!(err.to_string(), "a.b: why");
    }
}

#[test]
fn facade_codes_are_unique_and_namespaced() {
    let mut seen = std::collections::BTreeSet::new();
    for code in codes::ALL {
        assert!(
            code.starts_with("bindings.") && code[9..].chars().all(|c| c.is_ascii_lowercase() || c == '_')
        );
        assert!(seen.insert(code), "{code} twice");
    }
}

#[test]
fn code_bad_argument() {
    let unknown_check = VerifierOptions {
        extra_required_checks: vec!["freshness".into()],
        ..VerifierOptions::default()
    };
    let negative = VerifierOptions {
        leeway_secs: Some(-1),
        ..VerifierOptions::default()
    };
    let zero_px = QrStyle {
        module_px: 0,
        ..QrStyle::default()
    };
    let half_encryption = Claim169EncodeOptions {
        encryption: Some(Claim169Encryption::A256Gcm),
        ..Claim169EncodeOptions::default()
    };
    let key = SigningKey::generate(SignatureAlgorithm::EdDsa).unwrap();
    let errors = [
        Verifier::new("{}".into(), unknown_check).unwrap_err(),
        Verifier::new("{}".into(), negative).unwrap_err(),
        qr_render_png(b"x".to_vec(), zero_px).unwrap_err(),
        claim169_encode("{}".into(), CwtMeta::default(), key, half_encryption).unwrap_err(),
        TestSigner::key(Mode::Der, SignatureEncoding::Der)
            .private_jwk()
            .unwrap_err(),
    ];
    let domains: Vec<_> = errors.iter().map(InkanError::domain).collect();
    assert_eq!(
        domains,
        [
            Domain::TrustStore,
            Domain::TrustStore,
            Domain::Qr,
            Domain::Claim169,
            Domain::Key
        ]
    );
    assert!(
        errors.iter().all(|e| e.code() == codes::BAD_ARGUMENT),
        "{errors:?}"
    );
}

#[test]
fn code_foreign_callback() {
    let err = InkanError::from(uniffi::UnexpectedUniFFICallbackError::new(
        "IllegalStateException: boom",
    ));
    assert_eq!(
        (err.domain(), err.code()),
        (Domain::Signer, codes::FOREIGN_CALLBACK)
    );
    assert!(err.detail().contains("boom"));
}

#[test]
fn code_foreign_signature() {
    for mode in [Mode::Garbage, Mode::WrongKey] {
        let err = encode_with(TestSigner::key(mode, SignatureEncoding::Der)).unwrap_err();
        assert_eq!(
            (err.domain(), err.code()),
            (Domain::Signer, codes::FOREIGN_SIGNATURE),
            "{err}"
        );
    }
    // DER bytes declared as raw: wrong length.
    let err = TestSigner::key(Mode::Der, SignatureEncoding::Raw)
        .sign(b"m".to_vec())
        .unwrap_err();
    assert_eq!(err.code(), codes::FOREIGN_SIGNATURE);
}

#[test]
fn a_foreign_signers_own_error_comes_back_unchanged() {
    let err = encode_with(TestSigner::key(Mode::Refuse, SignatureEncoding::Der)).unwrap_err();
    assert_eq!(
        err,
        InkanError::new(Domain::Signer, "keystore.locked", "device locked")
    );
}

#[test]
fn foreign_der_and_raw_signers_sign_verifiable_claim169() {
    for (mode, encoding) in [
        (Mode::Der, SignatureEncoding::Der),
        (Mode::Raw, SignatureEncoding::Raw),
    ] {
        let key = TestSigner::key(mode, encoding);
        assert_eq!(key.sign(b"m".to_vec()).unwrap().len(), 64);
        let qr = encode_with(key.clone()).unwrap();
        let report = verifier_for(&key).verify_text(qr.clone()).unwrap();
        assert_eq!(report.verdict, ReportVerdict::Valid, "{}", report.report_json);
        let decoded = claim169_decode(qr, None).unwrap();
        assert_eq!(
            (decoded.kid.as_deref(), decoded.algorithm),
            (Some("test-1"), Some(SignatureAlgorithm::Es256))
        );
    }
}

#[test]
fn foreign_keys_refuse_private_or_mismatched_jwks() {
    let software = SigningKey::generate(SignatureAlgorithm::Es256).unwrap();
    let signer = Arc::new(TestSigner {
        key: p256::ecdsa::SigningKey::random(&mut rand_core::OsRng),
        mode: Mode::Der,
    });
    let private = software.private_jwk().unwrap();
    let err = SigningKey::foreign(
        SignatureAlgorithm::Es256,
        private,
        None,
        SignatureEncoding::Der,
        signer.clone(),
    )
    .unwrap_err();
    assert_eq!((err.domain(), err.code()), (Domain::Key, codes::BAD_ARGUMENT));
    let err = SigningKey::foreign(
        SignatureAlgorithm::EdDsa,
        software.public_jwk(),
        None,
        SignatureEncoding::Der,
        signer,
    )
    .unwrap_err();
    assert_eq!(err.code(), "crypto.alg_key_mismatch");
}

#[test]
fn verifies_the_spec_vector_from_a_png_with_the_full_report() {
    let report = vector_verifier(NOW).verify(PNG.to_vec()).unwrap();
    assert_eq!(report.verdict, ReportVerdict::Valid);
    assert_eq!(report.format, "claim169");
    assert_eq!(
        report.source,
        ReportSource::QrImage {
            code_index: 0,
            codes_found: 1
        }
    );
    assert_eq!(report.issuer.as_deref(), Some("https://mosip.example.org"));
    let claims: serde_json::Value = serde_json::from_str(&report.claims_json).unwrap();
    assert_eq!(claims["fullName"], "Signed Test Person");
    let signature = report.checks.iter().find(|c| c.check == "signature").unwrap();
    assert!(signature.required && signature.outcome == CheckOutcome::Passed);
    let whole: serde_json::Value = serde_json::from_str(&report.report_json).unwrap();
    assert_eq!(whole["verdict"], "valid");
}

#[test]
fn a_failed_check_keeps_its_code_in_the_report() {
    let report = vector_verifier(1_900_000_000)
        .verify_text(vector_field(&["qr_data"]))
        .unwrap();
    assert_eq!(report.verdict, ReportVerdict::Invalid);
    let validity = report.checks.iter().find(|c| c.check == "validity").unwrap();
    assert!(matches!(&validity.outcome, CheckOutcome::Failed { code, .. } if code == "jwt.expired"));
}

#[test]
fn domains_of_core_and_verifier_errors() {
    let verifier = vector_verifier(NOW);
    let cases: Vec<(InkanError, Domain, &str)> = vec![
        (
            Verifier::new("{".into(), VerifierOptions::default()).unwrap_err(),
            Domain::TrustStore,
            "json.malformed",
        ),
        (
            verifier.verify_text("hello".into()).unwrap_err(),
            Domain::Verify,
            "verifier.unknown_format",
        ),
        (
            claim169_decode("not base45!".into(), None).unwrap_err(),
            Domain::Claim169,
            "encoding.bad_base45",
        ),
        (
            pixelpass_decode("NCFKVPV0QSIP600GP5L0".into(), "hdr://".into()).unwrap_err(),
            Domain::PixelPass,
            "pixelpass.missing_header",
        ),
        (
            qr_scan_image(b"\x89PNG\r\n\x1a\nbroken".to_vec()).unwrap_err(),
            Domain::Qr,
            "image.malformed",
        ),
        (
            qr_render_png(vec![0; 3000], QrStyle::default()).unwrap_err(),
            Domain::Qr,
            "qr.too_large",
        ),
        (
            SigningKey::from_pem("nope".into()).unwrap_err(),
            Domain::Key,
            "crypto.invalid_key",
        ),
    ];
    for (err, domain, code) in cases {
        assert_eq!((err.domain(), err.code()), (domain, code), "{err}");
    }
}

#[test]
fn policy_options_reach_the_verifier() {
    let public = hex::decode(vector_field(&["signing_key", "public_key_hex"])).unwrap();
    let jwk = format!(
        r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
        inkan_core::encoding::b64url_encode(&public)
    );
    let only_pixelpass = VerifierOptions {
        accepted_formats: Some(vec!["pixelpass".into()]),
        now_unix: Some(NOW),
        ..VerifierOptions::default()
    };
    let err = Verifier::new(jwk.clone(), only_pixelpass)
        .unwrap()
        .verify_text(vector_field(&["qr_data"]))
        .unwrap_err();
    assert_eq!(
        (err.domain(), err.code()),
        (Domain::Verify, "verifier.format_not_accepted")
    );

    let only_es256 = VerifierOptions {
        accepted_algorithms: Some(vec![SignatureAlgorithm::Es256]),
        extra_required_checks: vec!["issuance_policy".into()],
        now_unix: Some(NOW),
        ..VerifierOptions::default()
    };
    let verifier = Verifier::new(jwk, only_es256).unwrap();
    assert!(verifier.formats().contains(&"claim169".to_owned()));
    let report = verifier.verify_text(vector_field(&["qr_data"])).unwrap();
    assert_eq!(report.verdict, ReportVerdict::Invalid, "{}", report.report_json);
}

#[test]
fn encrypted_claim169_round_trip() {
    let key = SigningKey::generate(SignatureAlgorithm::EdDsa).unwrap();
    let options = Claim169EncodeOptions {
        encryption: Some(Claim169Encryption::A128Gcm),
        encryption_key: Some(vec![9; 16]),
        ..Claim169EncodeOptions::default()
    };
    let qr = claim169_encode(r#"{"id":"1"}"#.into(), CwtMeta::default(), key.clone(), options).unwrap();
    let err = claim169_decode(qr.clone(), None).unwrap_err();
    assert_eq!(err.code(), "claim169.needs_decryption_key");
    assert!(claim169_decode(qr.clone(), Some(vec![9; 16])).unwrap().encrypted);
    let request = VerifyOptions {
        symmetric_keys: vec![vec![9; 16]],
        ..VerifyOptions::default()
    };
    let report = verifier_for(&key).verify_with(qr.into_bytes(), request).unwrap();
    assert_eq!(report.verdict, ReportVerdict::Valid, "{}", report.report_json);
}

#[test]
fn qr_render_and_scan_png_svg_and_frames() {
    let style = QrStyle {
        ec_level: QrEcLevel::Q,
        module_px: 3,
        quiet_zone: 4,
    };
    let png = qr_render_png(b"HELLO".to_vec(), style).unwrap();
    let found = qr_scan_image(png.clone()).unwrap();
    assert_eq!(
        (found[0].text.as_deref(), found[0].corners.len()),
        (Some("HELLO"), 8)
    );
    assert!(qr_render_svg(b"HELLO".to_vec(), style).unwrap().contains("<svg"));

    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let (width, height) = image.dimensions();
    let stride = width + 7;
    let mut plane = vec![0x80; (stride * height) as usize];
    for (y, row) in image.rows().enumerate() {
        let start = y * stride as usize;
        plane[start..start + width as usize].copy_from_slice(&row.map(|p| p.0[0]).collect::<Vec<_>>());
    }
    let frame = LumaImage {
        data: plane,
        width,
        height,
        stride,
    };
    assert_eq!(qr_scan_frame(frame).unwrap()[0].bytes, b"HELLO");
}

#[test]
fn pixelpass_round_trip() {
    let text = pixelpass_encode(r#"{"a":[1,2]}"#.into(), "PP:".into()).unwrap();
    assert_eq!(pixelpass_decode(text, "PP:".into()).unwrap(), r#"{"a":[1,2]}"#);
}

#[test]
fn software_keys_round_trip_through_jwk() {
    for alg in [
        SignatureAlgorithm::EdDsa,
        SignatureAlgorithm::Es256,
        SignatureAlgorithm::Es384,
    ] {
        let key = SigningKey::generate(alg).unwrap();
        let again = SigningKey::from_jwk(key.private_jwk().unwrap()).unwrap();
        assert_eq!(
            (again.algorithm(), again.public_jwk(), again.key_id()),
            (alg, key.public_jwk(), key.key_id())
        );
    }
}

#[test]
fn objects_are_thread_safe_and_verify_concurrently() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Verifier>();
    send_sync::<SigningKey>();
    let verifier = vector_verifier(NOW);
    let verdicts: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| verifier.verify(PNG.to_vec()).unwrap().verdict))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(verdicts, [ReportVerdict::Valid; 8]);
}

/// An SD-JWT VC issued by inkan-core to a holder whose key is a foreign (keystore) signer.
fn sd_jwt_for(holder: &SigningKey) -> (String, inkan_core::crypto::SoftwareKey) {
    use inkan_core::crypto::{Algorithm, Jwk, SoftwareKey};
    use inkan_core::sdjwt::{self, ClaimPath, DisclosureFrame, HashAlg, OsSalts};
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let holder_jwk: Jwk = serde_json::from_str(&holder.public_jwk()).unwrap();
    let claims = serde_json::json!({
        "iss": "https://issuer.example", "vct": "urn:example:pid:1", "iat": NOW - 60,
        "cnf": {"jwk": holder_jwk}, "given_name": "Ada", "family_name": "Lovelace",
    });
    let paths: Vec<ClaimPath> = ["given_name", "family_name"]
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    let header = inkan_core::jose::Header::for_signer(&issuer).with_typ(sdjwt::vc::TYP);
    let sd = sdjwt::issue(
        claims.as_object().unwrap(),
        &DisclosureFrame::from_paths(&paths),
        &header,
        &issuer,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    (sd.serialize(), issuer)
}

#[test]
fn sd_jwt_presented_with_a_foreign_key_binding_verifies() {
    let holder = TestSigner::key(Mode::Der, SignatureEncoding::Der);
    let (issued, issuer) = sd_jwt_for(&holder);
    let contents = sd_jwt_contents(issued.clone()).unwrap();
    assert_eq!(contents.disclosable_paths, ["given_name", "family_name"]);
    assert!(contents.claims_json.contains("Lovelace"));

    let presented = sd_jwt_present_bound(
        issued.clone(),
        vec!["given_name".into()],
        holder.clone(),
        "https://verifier.example".into(),
        "n-0S6".into(),
        NOW,
    )
    .unwrap();
    let verifier = Verifier::new(
        issuer.public_key().to_jwk().to_json(),
        VerifierOptions {
            now_unix: Some(NOW + 5),
            ..VerifierOptions::default()
        },
    )
    .unwrap();
    let expect = |nonce: &str| VerifyOptions {
        audience: Some("https://verifier.example".into()),
        nonce: Some(nonce.into()),
        symmetric_keys: vec![],
    };
    let report = verifier
        .verify_with(presented.clone().into_bytes(), expect("n-0S6"))
        .unwrap();
    assert_eq!(report.verdict, ReportVerdict::Valid, "{}", report.report_json);
    assert_eq!(report.format, "sd-jwt");
    assert!(report.claims_json.contains("Ada") && !report.claims_json.contains("Lovelace"));
    let replayed = verifier
        .verify_with(presented.into_bytes(), expect("other"))
        .unwrap();
    assert_eq!(replayed.verdict, ReportVerdict::Invalid);

    // Without a KB-JWT, a verifier that expects one says so.
    let unbound = sd_jwt_present(issued.clone(), vec!["family_name".into()]).unwrap();
    let report = verifier
        .verify_with(unbound.into_bytes(), expect("n-0S6"))
        .unwrap();
    let binding = report
        .checks
        .iter()
        .find(|c| c.check == "holder_binding")
        .unwrap();
    assert!(matches!(&binding.outcome, CheckOutcome::Failed { code, .. } if code == "sdjwt.kb_missing"));

    // A keystore that refuses keeps its own error; bad paths are SdJwt errors.
    let locked = TestSigner::key(Mode::Refuse, SignatureEncoding::Der);
    let err = sd_jwt_present_bound(issued.clone(), vec![], locked, "a".into(), "n".into(), NOW).unwrap_err();
    assert_eq!((err.domain(), err.code()), (Domain::Signer, "keystore.locked"));
    let err = sd_jwt_present(issued, vec!["a..b".into()]).unwrap_err();
    assert_eq!((err.domain(), err.code()), (Domain::SdJwt, "sdjwt.bad_frame"));
}
