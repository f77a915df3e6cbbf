//! mdoc end to end: inkan-issuer issues under a test IACA, inkan-wallet presents, the verifier
//! checks — and every tampering fails its own check with its own `mdoc.*` code. Also the Annex D
//! DeviceResponse through the verifier (pinned DS leaf, deviceMac with the reader's key).

use std::sync::Arc;

use ciborium::Value;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, SoftwareKey};
use inkan_core::encoding::b64url_encode;
use inkan_core::mdoc::*;
use inkan_core::trust::{StaticTrustStore, purpose};
use inkan_core::x509::{Certificate, PinnedLeaf, TrustAnchor};
use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
use inkan_test_vectors::vectors_dir;
use inkan_verifier::{CheckId, DecryptionKey, Outcome, Policy, Verification, Verifier, VerifyRequest};

const NOW: i64 = 1_800_000_000;

struct Setup {
    iaca: Certificate,
    response: DeviceResponse,
    request: DeviceRequest,
    transcript: SessionTranscript,
}

fn setup() -> Setup {
    let clock = FixedClock::at_unix(NOW);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let ds_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let claims = serde_json::json!({ NAMESPACE_MDL: {
        "family_name": "Doe", "given_name": "Ada", "birth_date": {"$full-date": "1990-01-31"},
        "age_over_18": true, "document_number": "X123"}});
    let content = MdocContent::from_json(DOCTYPE_MDL, &claims, device.public_key()).unwrap();
    let held = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
        .issue(&content, &clock)
        .unwrap();
    let request = DeviceRequest::new(vec![
        ItemsRequest::new(DOCTYPE_MDL)
            .element(NAMESPACE_MDL, "family_name", false)
            .element(NAMESPACE_MDL, "age_over_18", false),
    ])
    .unwrap();
    let transcript =
        SessionTranscript::openid4vp("x509_san_dns:rp.example", "n-1", None, "https://rp.example/post")
            .unwrap();
    let response = inkan_wallet::mdoc::present(&[held], &request, &transcript, &device).unwrap();
    Setup {
        iaca,
        response,
        request,
        transcript,
    }
}

fn verifier(anchor: &Certificate, at: i64) -> Verifier {
    let trust = StaticTrustStore::builder()
        .x509_anchor(
            purpose::MDOC_IACA,
            TrustAnchor::from_certificate(anchor.clone()).unwrap(),
        )
        .build();
    Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(at)),
    )
    .build()
}

fn verify(s: &Setup, response: &DeviceResponse) -> Verification {
    let request = VerifyRequest::bytes(response.encode().unwrap())
        .session_transcript(s.transcript.bytes().to_vec())
        .device_request(s.request.encode().unwrap());
    verifier(&s.iaca, NOW + 60).verify(&request).unwrap()
}

fn failed(report: &Verification, check: &CheckId) -> String {
    match &report.check(check).unwrap().outcome {
        Outcome::Failed { code, .. } => code.clone(),
        other => panic!("{check:?} did not fail: {other:?}\n{:#}", report.to_json()),
    }
}

#[test]
fn issued_presented_verified() {
    let s = setup();
    let report = verify(&s, &s.response);
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert_eq!(report.format(), "mdoc");
    assert_eq!(report.credential_type(), Some(DOCTYPE_MDL));
    assert_eq!(report.claims()["nameSpaces"][NAMESPACE_MDL]["family_name"], "Doe");
    assert!(
        report.claims()["nameSpaces"][NAMESPACE_MDL]
            .get("given_name")
            .is_none()
    );
    for id in [
        "signature",
        "trust",
        "value_digests",
        "doc_type",
        "validity",
        "holder_binding",
        "requested_elements",
    ] {
        assert_eq!(
            report.check(&CheckId::new(id)).unwrap().outcome,
            Outcome::Passed,
            "{id}"
        );
    }
    // The same bytes as base64url text and as hex text.
    let bytes = s.response.encode().unwrap();
    for text in [b64url_encode(&bytes), hex::encode(&bytes)] {
        let request = VerifyRequest::text(text).session_transcript(s.transcript.tagged_bytes());
        assert!(verifier(&s.iaca, NOW).verify(&request).unwrap().is_valid());
    }
    // An IssuerSigned alone: no holder binding to check.
    let alone = s.response.documents[0].issuer_signed.encode().unwrap();
    let report = verifier(&s.iaca, NOW)
        .verify(&VerifyRequest::bytes(alone))
        .unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert!(matches!(
        report.check(&CheckId::HOLDER_BINDING).unwrap().outcome,
        Outcome::NotApplicable { .. }
    ));
}

fn edit_item(r: &mut DeviceResponse, edit: impl FnOnce(&mut IssuerSignedItem)) {
    let tagged = &mut r.documents[0].issuer_signed.name_spaces[0].1[0];
    let mut item = tagged.value().clone();
    edit(&mut item);
    *tagged = item.to_tagged().unwrap();
}

#[test]
fn negative_cases_have_their_own_codes() {
    let s = setup();
    let digests = CheckId::new("value_digests");

    let mut r = s.response.clone();
    edit_item(&mut r, |i| i.element_value = Value::Text("Roe".into()));
    assert_eq!(failed(&verify(&s, &r), &digests), "mdoc.digest_mismatch");

    let mut r = s.response.clone();
    edit_item(&mut r, |i| i.digest_id = u64::MAX);
    assert_eq!(failed(&verify(&s, &r), &digests), "mdoc.digest_missing");

    let expired =
        VerifyRequest::bytes(s.response.encode().unwrap()).session_transcript(s.transcript.bytes().to_vec());
    let report = verifier(&s.iaca, NOW + 31 * 86_400).verify(&expired).unwrap();
    assert_eq!(failed(&report, &CheckId::VALIDITY), "mdoc.expired");

    let stranger = setup().iaca;
    let report = verifier(&stranger, NOW).verify(&expired).unwrap();
    assert_eq!(failed(&report, &CheckId::TRUST), "mdoc.untrusted_issuer");
    assert!(!report.is_valid());

    let mut r = s.response.clone();
    r.documents[0].doc_type = DOCTYPE_EU_PID.into();
    assert_eq!(
        failed(&verify(&s, &r), &CheckId::new("doc_type")),
        "mdoc.doctype_mismatch"
    );

    let other =
        SessionTranscript::openid4vp("x509_san_dns:rp.example", "n-2", None, "https://rp.example/post")
            .unwrap();
    let replay =
        VerifyRequest::bytes(s.response.encode().unwrap()).session_transcript(other.bytes().to_vec());
    let report = verifier(&s.iaca, NOW).verify(&replay).unwrap();
    assert_eq!(
        failed(&report, &CheckId::HOLDER_BINDING),
        "mdoc.bad_device_signature"
    );

    let no_transcript = VerifyRequest::bytes(s.response.encode().unwrap());
    let report = verifier(&s.iaca, NOW).verify(&no_transcript).unwrap();
    assert_eq!(failed(&report, &CheckId::HOLDER_BINDING), "mdoc.no_transcript");

    let narrower = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(
        NAMESPACE_MDL,
        "age_over_18",
        false,
    )])
    .unwrap();
    let overshare = VerifyRequest::bytes(s.response.encode().unwrap())
        .session_transcript(s.transcript.bytes().to_vec())
        .device_request(narrower.encode().unwrap());
    let report = verifier(&s.iaca, NOW).verify(&overshare).unwrap();
    assert_eq!(
        failed(&report, &CheckId::new("requested_elements")),
        "mdoc.not_requested"
    );
}

#[test]
fn garbage_is_a_typed_error() {
    let s = setup();
    let v = verifier(&s.iaca, NOW);
    let mut bytes = s.response.encode().unwrap();
    bytes.truncate(bytes.len() / 2);
    let err = v.verify(&VerifyRequest::bytes(bytes)).unwrap_err();
    assert_eq!(err.code(), "cbor.malformed");
    let odd = ciborium::Value::Map(vec![
        ("version".into(), "1.0".into()),
        ("documents".into(), 5.into()),
        ("status".into(), 0.into()),
    ]);
    let mut bytes = Vec::new();
    ciborium::into_writer(&odd, &mut bytes).unwrap();
    assert_eq!(
        v.verify(&VerifyRequest::bytes(bytes)).unwrap_err().code(),
        "mdoc.malformed"
    );
}

fn annex_d(name: &str) -> Vec<u8> {
    let path = vectors_dir()
        .join("iso18013-5-annexD")
        .join(format!("ISO_18013_5_ANNEX_D_{name}.hex"));
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

#[test]
fn annex_d_through_the_verifier() {
    let ds = Certificate::from_der(&annex_d("DS_CERT")).unwrap();
    let trust = StaticTrustStore::builder()
        .pinned_leaf(purpose::MDOC_IACA, PinnedLeaf::Exact(ds))
        .build();
    let clock = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
    let v = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(clock)).build();
    let b = |n: &str| b64url_encode(annex_d(n));
    let reader = serde_json::json!({"kty": "EC", "crv": "P-256", "x": b("EPHEMERAL_READER_KEY_X"),
        "y": b("EPHEMERAL_READER_KEY_Y"), "d": b("EPHEMERAL_READER_KEY_D")});
    let reader = DecryptionKey::Jwk(Box::new(Jwk::from_json(&reader.to_string()).unwrap()));
    let request = VerifyRequest::bytes(annex_d("DEVICE_RESPONSE"))
        .session_transcript(annex_d("SESSION_TRANSCRIPT_BYTES"))
        .device_request(annex_d("DEVICE_REQUEST"))
        .decryption_key(reader);
    let report = v.verify(&request).unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert_eq!(report.claims()["nameSpaces"][NAMESPACE_MDL]["family_name"], "Doe");
    assert_eq!(report.issuer(), Some("C=US,CN=utopia iaca"));
    // Without the reader's key the MAC cannot be checked, and says so.
    let request = VerifyRequest::bytes(annex_d("DEVICE_RESPONSE"))
        .session_transcript(annex_d("SESSION_TRANSCRIPT_BYTES"));
    assert_eq!(
        failed(&v.verify(&request).unwrap(), &CheckId::HOLDER_BINDING),
        "mdoc.no_reader_key"
    );
}

#[test]
fn test_pki_verifies_in_openssl() {
    use openssl::stack::Stack;
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::{X509, X509StoreContext};
    let clock = FixedClock::at_unix(now_secs());
    let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let ds_key = SoftwareKey::generate(Algorithm::Es384).unwrap();
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(X509::from_der(iaca.der()).unwrap()).unwrap();
    let store = store.build();
    let leaf = X509::from_der(ds.der()).unwrap();
    let mut context = X509StoreContext::new().unwrap();
    let ok = context
        .init(&store, &leaf, &Stack::new().unwrap(), |c| c.verify_cert())
        .unwrap();
    assert!(ok, "{}", context.error());
    assert_eq!(ds.extended_key_usage(), [EXT_KEY_USAGE_MDL_DS]);
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn mso_status_goes_through_the_status_list() {
    use inkan_core::status::{Bits, StatusValue};
    use inkan_issuer::status_list::{IssuerStatusList, Validity};

    const LIST: &str = "https://issuer.example.com/mdoc-status/1";
    let clock = FixedClock::at_unix(NOW);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let ds_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
    let mut list = IssuerStatusList::new(LIST, Bits::One, 1_024).unwrap();
    let (valid, revoked) = (list.allocate().unwrap(), list.allocate().unwrap());
    list.set(revoked.idx, StatusValue::Invalid).unwrap();
    let validity = Validity {
        lifetime_secs: Some(3_600),
        ttl_secs: Some(300),
    };
    let list_jwt = list.sign_jwt(&ds_key, &clock, validity).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let issue = |reference| {
        let claims = serde_json::json!({ NAMESPACE_MDL: {"family_name": "Doe"} });
        let mut content = MdocContent::from_json(DOCTYPE_MDL, &claims, device.public_key()).unwrap();
        content.status = Some(reference);
        let signed = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
            .issue(&content, &clock)
            .unwrap();
        signed.encode().unwrap()
    };
    let trust = StaticTrustStore::builder()
        .x509_anchor(purpose::MDOC_IACA, TrustAnchor::from_certificate(iaca).unwrap())
        .issuer_key(LIST, None, ds_key.public_key().clone())
        .build();
    let v = Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW + 60)),
    )
    .build();
    v.load_status_list(LIST, list_jwt.as_bytes()).unwrap();
    let report = v.verify(&VerifyRequest::bytes(issue(valid))).unwrap();
    assert_eq!(report.check(&CheckId::STATUS).unwrap().outcome, Outcome::Passed);
    assert!(report.is_valid(), "{:#}", report.to_json());
    let report = v.verify(&VerifyRequest::bytes(issue(revoked))).unwrap();
    assert_eq!(failed(&report, &CheckId::STATUS), "status.revoked");
    assert!(!report.is_valid());
}
