//! The built-in formats through the whole verifier: detection, key discovery, every check.

use std::sync::Arc;

use inkan_core::claim169::{self, EncodeOptions, Encryption, IdentityData};
use inkan_core::clock::FixedClock;
use inkan_core::cose::EncAlgorithm;
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::encoding::{InflateLimit, base45_decode, base45_encode, zlib_compress, zlib_decompress};
use inkan_core::qr::{EcLevel, QrCode, Style};
use inkan_core::trust::TrustStore;
use serde_json::json;

use crate::*;

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const ISS: &str = "https://id.example.gov";

fn person() -> IdentityData {
    IdentityData::from_json(&json!({"id": "3918592438", "fullName": "Janardhan BS", "gender": 1})).unwrap()
}

fn meta() -> CwtClaims {
    CwtClaims {
        iss: Some(ISS.into()),
        exp: Some(NOW + 3600),
        iat: Some(NOW - 60),
        ..CwtClaims::default()
    }
}

fn kid_options() -> EncodeOptions {
    EncodeOptions {
        kid: Some(b"k1".to_vec()),
        ..EncodeOptions::default()
    }
}

fn signed(key: &SoftwareKey, options: &EncodeOptions) -> String {
    claim169::encode(&person(), &meta(), key, options).unwrap()
}

fn trust_for(key: &SoftwareKey) -> JsonTrustStore {
    let doc = json!({"issuers": [{"issuer": ISS, "kid": "k1", "keys": [key.public_key().to_jwk()]}]});
    JsonTrustStore::parse(&doc.to_string()).unwrap()
}

fn verifier(trust: impl TrustStore + 'static, policy: Policy) -> Verifier {
    Verifier::builder(Arc::new(trust), policy, Arc::new(FixedClock::at_unix(NOW))).build()
}

fn outcome<'a>(report: &'a Verification, id: &CheckId) -> &'a Outcome {
    &report
        .check(id)
        .unwrap_or_else(|| panic!("no {id} check"))
        .outcome
}

fn failed_code(report: &Verification, id: &CheckId) -> String {
    match outcome(report, id) {
        Outcome::Failed { code, .. } => code.clone(),
        other => panic!("{id}: {other:?} in {}", report.to_json()),
    }
}

fn png(text: &str) -> Vec<u8> {
    QrCode::encode(text, EcLevel::M)
        .unwrap()
        .to_png(Style::default())
        .unwrap()
}

#[test]
fn builtin_registry_order() {
    let v = verifier(JsonTrustStore::empty(), Policy::default());
    assert_eq!(
        v.formats().collect::<Vec<_>>(),
        [
            "qr-image",
            "claim169",
            "pixelpass",
            "sd-jwt",
            "jwt_vc_json",
            "vc_jose_cose",
            "ldp_vc",
            "mdoc"
        ]
    );
}

#[test]
fn claim169_valid_by_kid_for_both_algorithms() {
    for alg in [Algorithm::EdDsa, Algorithm::Es256] {
        let key = SoftwareKey::generate(alg).unwrap();
        let report = verifier(trust_for(&key), Policy::default())
            .verify(&VerifyRequest::text(signed(&key, &kid_options())))
            .unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
        assert_eq!(report.format(), "claim169");
        assert_eq!(report.issuer(), Some(ISS));
        assert_eq!(report.credential_type(), Some("claim169"));
        assert_eq!(report.claims()["fullName"], "Janardhan BS");
        assert_eq!(report.claims()["cwt"]["exp"], NOW + 3600);
        assert!(report.warnings().is_empty());
        for id in [
            CheckId::SIGNATURE,
            CheckId::TRUST,
            CheckId::VALIDITY,
            CheckId::ISSUANCE_POLICY,
        ] {
            assert_eq!(outcome(&report, &id), &Outcome::Passed, "{id}");
        }
        assert!(matches!(
            outcome(&report, &CheckId::STATUS),
            Outcome::NotApplicable { .. }
        ));
    }
}

#[test]
fn claim169_untrusted_forged_expired_refused() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(trust_for(&key), Policy::default());
    let check = |text: String| v.verify(&VerifyRequest::text(text)).unwrap();

    // Signed by a key the store does not have under that kid: trust fails, signature unchecked.
    let unknown_kid = EncodeOptions {
        kid: Some(b"k2".to_vec()),
        ..EncodeOptions::default()
    };
    let report = check(signed(&key, &unknown_kid));
    assert_eq!(failed_code(&report, &CheckId::TRUST), "trust.untrusted");
    assert!(matches!(
        outcome(&report, &CheckId::SIGNATURE),
        Outcome::NotApplicable { .. }
    ));
    assert!(!report.is_valid());

    // Forged: right kid, wrong key.
    let report = check(signed(&other, &kid_options()));
    assert_eq!(failed_code(&report, &CheckId::SIGNATURE), "crypto.bad_signature");
    assert!(!report.is_valid());

    // Tampered: one byte of the signed payload changed after signing.
    let report = check(tamper(&signed(&key, &kid_options())));
    assert_eq!(report.claims()["fullName"], "Janardhan BZ");
    assert_eq!(failed_code(&report, &CheckId::SIGNATURE), "crypto.bad_signature");

    // Expired, and not yet valid.
    let expired = CwtClaims {
        exp: Some(NOW - 3600),
        ..meta()
    };
    let text = claim169::encode(&person(), &expired, &key, &kid_options()).unwrap();
    assert_eq!(failed_code(&check(text), &CheckId::VALIDITY), "jwt.expired");
    let future = CwtClaims {
        nbf: Some(NOW + 3600),
        ..meta()
    };
    let text = claim169::encode(&person(), &future, &key, &kid_options()).unwrap();
    assert_eq!(failed_code(&check(text), &CheckId::VALIDITY), "jwt.not_yet_valid");

    // An algorithm the policy refuses.
    let es_only = verifier(
        trust_for(&key),
        Policy::default().accept_algorithms([Algorithm::Es256]),
    );
    let report = es_only
        .verify(&VerifyRequest::text(signed(&key, &kid_options())))
        .unwrap();
    assert_eq!(
        failed_code(&report, &CheckId::SIGNATURE),
        "crypto.unsupported_algorithm"
    );
}

/// Changes the last byte of "Janardhan BS" in the inflated COSE bytes and re-packs them.
fn tamper(text: &str) -> String {
    let mut cose = zlib_decompress(&base45_decode(text).unwrap(), InflateLimit::DEFAULT).unwrap();
    let at = cose.windows(12).position(|w| w == b"Janardhan BS").unwrap() + 11;
    cose[at] = b'Z';
    base45_encode(&zlib_compress(&cose, 9))
}

#[test]
fn claim169_issuance_policy() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let doc = json!({"issuers": [{"issuer": ISS, "keys": [key.public_key().to_jwk()],
                                  "credential_types": ["mdl"]}]});
    let v = verifier(
        JsonTrustStore::parse(&doc.to_string()).unwrap(),
        Policy::default(),
    );
    let report = v
        .verify(&VerifyRequest::text(signed(&key, &kid_options())))
        .unwrap();
    assert_eq!(outcome(&report, &CheckId::SIGNATURE), &Outcome::Passed);
    assert_eq!(failed_code(&report, &CheckId::ISSUANCE_POLICY), "trust.untrusted");
    assert!(!report.is_valid());
}

#[test]
fn claim169_bare_key_trusts_any_issuer_and_no_kid() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let trust = JsonTrustStore::parse(&key.public_key().to_jwk().to_json()).unwrap();
    let report = verifier(trust, Policy::default())
        .verify(&VerifyRequest::text(signed(&key, &EncodeOptions::default())))
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
}

#[test]
fn claim169_binary_kid_is_looked_up_as_hex() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let options = EncodeOptions {
        kid: Some(vec![0xff, 0x01]),
        ..EncodeOptions::default()
    };
    let doc = json!({"issuers": [{"issuer": ISS, "kid": "ff01", "keys": [key.public_key().to_jwk()]}]});
    let report = verifier(
        JsonTrustStore::parse(&doc.to_string()).unwrap(),
        Policy::default(),
    )
    .verify(&VerifyRequest::text(signed(&key, &options)))
    .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
}

#[test]
fn claim169_encrypted() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let aes = vec![9u8; 32];
    let options = EncodeOptions {
        encryption: Some(Encryption::new(EncAlgorithm::A256Gcm, aes.clone())),
        ..kid_options()
    };
    let text = signed(&key, &options);
    let v = verifier(trust_for(&key), Policy::default());
    let wrong = DecryptionKey::Symmetric(vec![1u8; 32].into());
    let right = DecryptionKey::Symmetric(aes.into());

    let err = v.verify(&VerifyRequest::text(&*text)).unwrap_err();
    assert_eq!(err.code(), "claim169.needs_decryption_key");
    let err = v
        .verify(&VerifyRequest::text(&*text).decryption_key(wrong.clone()))
        .unwrap_err();
    assert_eq!(err.code(), "crypto.decryption_failed");
    let report = v
        .verify(
            &VerifyRequest::text(text)
                .decryption_key(wrong)
                .decryption_key(right),
        )
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
}

#[test]
fn claim169_x5chain_through_the_trust_stores_anchors() {
    let pki = pki::Pki::new();
    let options = EncodeOptions {
        x5chain: vec![pki.leaf_der.clone()],
        ..EncodeOptions::default()
    };
    let text = signed(&pki.leaf_key, &options);
    let anchored = json!({"x509_anchors": {"claim169": [pki.root_pem.clone()]}});
    let v = verifier(
        JsonTrustStore::parse(&anchored.to_string()).unwrap(),
        Policy::default(),
    );
    let report = v.verify(&VerifyRequest::text(&*text)).unwrap();
    assert!(report.is_valid(), "{}", report.to_json());

    // Anchored for another purpose only: the chain is not trusted, the signature still checked.
    let elsewhere = json!({"x509_anchors": {"mdoc-iaca": [pki.root_pem]}});
    let v = verifier(
        JsonTrustStore::parse(&elsewhere.to_string()).unwrap(),
        Policy::default(),
    );
    let report = v.verify(&VerifyRequest::text(text)).unwrap();
    assert_eq!(failed_code(&report, &CheckId::TRUST), "x509.untrusted");
    assert_eq!(outcome(&report, &CheckId::SIGNATURE), &Outcome::Passed);
    assert!(!report.is_valid());
}

#[test]
fn claim169_warnings_are_reported() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let options = EncodeOptions {
        cwt_tag: true,
        ..kid_options()
    };
    let report = verifier(trust_for(&key), Policy::default())
        .verify(&VerifyRequest::text(signed(&key, &options)))
        .unwrap();
    assert!(report.is_valid());
    assert_eq!(report.warnings()[0].code, "claim169.cwt_tag");
}

#[test]
fn pixelpass_decodes_but_is_not_a_valid_credential() {
    let v = verifier(JsonTrustStore::empty(), Policy::default());
    let text = inkan_core::pixelpass::encode(r#"{"name":"Ada","age":36}"#, "").unwrap();
    let report = v.verify(&VerifyRequest::text(text)).unwrap();
    assert_eq!(report.format(), "pixelpass");
    assert_eq!(report.claims(), &json!({"name": "Ada", "age": 36}));
    assert_eq!(outcome(&report, &CheckId::DECODE), &Outcome::Passed);
    assert!(matches!(
        outcome(&report, &CheckId::SIGNATURE),
        Outcome::NotApplicable { .. }
    ));
    assert!(!report.is_valid());

    let text = inkan_core::pixelpass::encode("hello", "").unwrap();
    let report = v.verify(&VerifyRequest::text(text)).unwrap();
    assert_eq!(report.claims(), &json!({"text": "hello"}));
}

#[test]
fn qr_image_redispatches_its_content() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(trust_for(&key), Policy::default());
    let report = v
        .verify(&VerifyRequest::bytes(png(&signed(&key, &kid_options()))))
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert_eq!(report.format(), "claim169");
    assert_eq!(
        report.source(),
        &Source::QrImage {
            code_index: 0,
            codes_found: 1
        }
    );
    let pixel = png(&inkan_core::pixelpass::encode("hi", "").unwrap());
    assert_eq!(
        v.verify(&VerifyRequest::bytes(pixel)).unwrap().format(),
        "pixelpass"
    );

    // A code whose text no format knows, an image without a code, a broken image.
    let err = v.verify(&VerifyRequest::bytes(png("just words"))).unwrap_err();
    assert_eq!(err.code(), "verifier.unknown_format");
    let mut truncated = png("x");
    truncated.truncate(40);
    let err = v.verify(&VerifyRequest::bytes(truncated)).unwrap_err();
    assert_eq!(err.code(), "image.malformed");
}

#[test]
fn garbage_is_unknown_not_a_panic() {
    let v = verifier(JsonTrustStore::empty(), Policy::default());
    for text in ["", "NCF", "6BF NCF ???", "HC1:NCFOXN", "{\"a\":1}"] {
        let err = v.verify(&VerifyRequest::text(text)).unwrap_err();
        assert_eq!(err.code(), "verifier.unknown_format", "{text}");
    }
}

#[test]
fn detection_reads_a_prefix_and_the_decoder_reports_what_follows() {
    // A photo that does not compress makes the text far longer than the prefix detection reads.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let photo = (0..2048)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (state >> 56) as u8
        })
        .collect();
    let person = IdentityData {
        photo: Some(photo),
        ..person()
    };
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let text = claim169::encode(&person, &meta(), &key, &kid_options()).unwrap();
    assert!(text.len() > 2000, "{}", text.len());
    let v = verifier(trust_for(&key), Policy::default());
    let report = v.verify(&VerifyRequest::text(text.clone())).unwrap();
    assert_eq!(report.format(), "claim169");
    assert!(report.is_valid());

    // Broken far past the prefix: still Claim 169, refused by its decoder with the reason.
    let mut broken = text.into_bytes();
    let at = broken.len() - 30;
    broken[at] = b'a';
    let broken = String::from_utf8(broken).unwrap();
    let err = v.verify(&VerifyRequest::text(broken)).unwrap_err();
    assert_eq!(err.code(), "encoding.bad_base45");
    assert!(err.to_string().contains(&format!("offset {at}")), "{err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_input_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
                                    text in "[0-9A-Z $%*+./:-]{0,300}") {
        let v = verifier(JsonTrustStore::empty(), Policy::default());
        let _ = v.verify(&VerifyRequest::bytes(bytes.clone()));
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(bytes);
        let _ = v.verify(&VerifyRequest::bytes(png));
        let _ = v.verify(&VerifyRequest::text(text));
    }
}

/// A root CA and a leaf it issued, built with OpenSSL; the leaf's key is an inkan `SoftwareKey`.
mod pki {
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::x509::extension::{BasicConstraints, KeyUsage};
    use openssl::x509::{X509, X509Builder, X509NameBuilder};

    pub struct Pki {
        pub root_pem: String,
        pub leaf_der: Vec<u8>,
        pub leaf_key: SoftwareKey,
    }

    fn name(cn: &str) -> openssl::x509::X509Name {
        let mut b = X509NameBuilder::new().unwrap();
        b.append_entry_by_text("CN", cn).unwrap();
        b.build()
    }

    fn cert(subject: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>, ca: bool) -> X509 {
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(
            &BigNum::from_u32(if ca { 1 } else { 2 })
                .unwrap()
                .to_asn1_integer()
                .unwrap(),
        )
        .unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(issuer.map_or(&name(subject), |(c, _)| c.subject_name()))
            .unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(1_700_000_000).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_unix(1_900_000_000).unwrap())
            .unwrap();
        if ca {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
            b.append_extension(KeyUsage::new().critical().key_cert_sign().build().unwrap())
                .unwrap();
        } else {
            b.append_extension(KeyUsage::new().critical().digital_signature().build().unwrap())
                .unwrap();
        }
        b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())
            .unwrap();
        b.build()
    }

    impl Pki {
        pub fn new() -> Self {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
            let root_key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
            let root = cert("inkan test root", &root_key, None, true);
            let leaf_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
            let leaf_pkey = PKey::private_key_from_pem(leaf_key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
            let leaf = cert("inkan test issuer", &leaf_pkey, Some((&root, &root_key)), false);
            Pki {
                root_pem: String::from_utf8(root.to_pem().unwrap()).unwrap(),
                leaf_der: leaf.to_der().unwrap(),
                leaf_key,
            }
        }
    }
}
