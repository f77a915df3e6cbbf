//! ISO/IEC 18013-5 Annex D worked example and the OpenID4VP 1.0 Appendix B session transcripts.

use ciborium::Value;
use inkan_core::clock::FixedClock;
use inkan_core::cose::cbor;
use inkan_core::crypto::{Jwk, PrivateKeyData};
use inkan_core::encoding::b64url_encode;
use inkan_core::mdoc::*;
use inkan_core::x509::{Certificate, ChainValidator, PinnedLeaf, TrustAnchor};
use inkan_test_vectors::{json, vectors_dir};

fn annex_d(name: &str) -> Vec<u8> {
    let path = vectors_dir()
        .join("iso18013-5-annexD")
        .join(format!("ISO_18013_5_ANNEX_D_{name}.hex"));
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

fn reader_key() -> PrivateKeyData {
    let b = |n: &str| b64url_encode(annex_d(n));
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-256", "x": b("EPHEMERAL_READER_KEY_X"),
        "y": b("EPHEMERAL_READER_KEY_Y"), "d": b("EPHEMERAL_READER_KEY_D")});
    PrivateKeyData::from_jwk(&Jwk::from_json(&jwk.to_string()).unwrap()).unwrap()
}

fn at_2021() -> FixedClock {
    FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap()
}

#[test]
fn annex_d_device_response_verifies() {
    let bytes = annex_d("DEVICE_RESPONSE");
    let response = DeviceResponse::decode(&bytes).unwrap();
    assert_eq!(response.status, 0);
    let doc = &response.documents[0];
    assert_eq!(doc.doc_type, DOCTYPE_MDL);
    let signed = &doc.issuer_signed;
    let mso = signed.mso.value();
    check_doc_type(&doc.doc_type, &mso.doc_type, Some(DOCTYPE_MDL)).unwrap();

    // The DS certificate in x5chain, trusted as a pinned leaf (the vectors ship no root) and,
    // separately, under the Annex D IACA root, both with the 18013-5 profile.
    let chain = signed.issuer_auth.x5chain().unwrap();
    assert_eq!(chain, vec![annex_d("DS_CERT").as_slice()]);
    let ds = Certificate::from_der(chain[0]).unwrap();
    let pinned = ChainValidator::new(vec![])
        .pinned_leaves([PinnedLeaf::Exact(ds.clone())])
        .with_profile(Box::new(Iso18013Profile))
        .validate(std::slice::from_ref(&ds), &at_2021())
        .unwrap();
    let iaca = Certificate::from_der(&annex_d("IACA_CERT")).unwrap();
    ChainValidator::new(vec![TrustAnchor::from_certificate(iaca).unwrap()])
        .with_profile(Box::new(Iso18013Profile))
        .validate(std::slice::from_ref(&ds), &at_2021())
        .unwrap();
    signed.verify_issuer_signature(pinned.leaf_key()).unwrap();

    assert_eq!(verify_digests(signed).unwrap(), 6);
    mso.validity_info.check(at_2021().now(), 0).unwrap();
    assert_eq!(
        mso.validity_info.check(1_700_000_000, 0).unwrap_err().code(),
        "mdoc.expired"
    );

    // deviceMac: EMacKey from the reader's ephemeral private key and the static device key.
    let transcript = SessionTranscript::from_bytes(&annex_d("SESSION_TRANSCRIPT_BYTES")).unwrap();
    assert!(matches!(doc.device_signed.device_auth, DeviceAuth::Mac(_)));
    verify_device_auth(doc, &transcript, Some(&reader_key())).unwrap();
    let other = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
    assert_eq!(
        verify_device_auth(doc, &other, Some(&reader_key()))
            .unwrap_err()
            .code(),
        "mdoc.bad_device_mac"
    );
    check_device_signed_authorized(doc).unwrap();

    // What the reader asked for (Annex D.4.1.1) is what was presented.
    let request = DeviceRequest::decode(&annex_d("DEVICE_REQUEST")).unwrap();
    assert_eq!(
        request.doc_requests[0].items_request.bytes(),
        annex_d("ITEMS_REQUEST")
    );
    check_requested(doc, request.doc_requests[0].items_request.value()).unwrap();
}

trait Now {
    fn now(&self) -> i64;
}
impl Now for FixedClock {
    fn now(&self) -> i64 {
        inkan_core::clock::Clock::now_unix(self)
    }
}

#[test]
fn annex_d_reencodes_byte_for_byte() {
    let bytes = annex_d("DEVICE_RESPONSE");
    let response = DeviceResponse::decode(&bytes).unwrap();
    assert_eq!(response.encode().unwrap(), bytes);
    let signed = &response.documents[0].issuer_signed;
    for (_, items) in &signed.name_spaces {
        for item in items {
            assert_eq!(cbor::encode(&item.value().to_value()).unwrap(), item.bytes());
        }
    }
    assert_eq!(
        cbor::encode(&signed.mso.value().to_value()).unwrap(),
        signed.mso.bytes()
    );
    let request = DeviceRequest::decode(&annex_d("DEVICE_REQUEST")).unwrap();
    assert_eq!(request.encode().unwrap(), annex_d("DEVICE_REQUEST"));
    let items = &request.doc_requests[0].items_request;
    assert_eq!(cbor::encode(&items.value().to_value()).unwrap(), items.bytes());
    let transcript = SessionTranscript::from_bytes(&annex_d("SESSION_TRANSCRIPT_BYTES")).unwrap();
    assert_eq!(transcript.tagged_bytes(), annex_d("SESSION_TRANSCRIPT_BYTES"));
}

#[test]
fn openid4vp_appendix_b_transcripts() {
    let v = json("openid4vc/oid4vp-1.0-mdoc-session-transcript.json");
    let hex_of = |k: &str| hex::decode(v["hex"][k].as_str().unwrap()).unwrap();
    let input = &v["inputs_redirect"];
    let s = |k: &str| input[k].as_str().unwrap();
    let thumb = hex::decode(s("jwk_sha256_thumbprint_hex")).unwrap();
    let handover = oid4vp_handover(s("client_id"), s("nonce"), Some(&thumb), s("response_uri")).unwrap();
    assert_eq!(cbor::encode(&handover).unwrap(), hex_of("OpenID4VPHandover"));
    let transcript =
        SessionTranscript::openid4vp(s("client_id"), s("nonce"), Some(&thumb), s("response_uri")).unwrap();
    assert_eq!(transcript.bytes(), hex_of("SessionTranscript_redirect"));
    // The thumbprint is the RFC 7638 one of the example JWK.
    let jwk = Jwk::from_json(&input["encryption_jwk"].to_string()).unwrap();
    let key = inkan_core::crypto::PublicKey::from_jwk(&jwk).unwrap();
    assert_eq!(
        inkan_core::encoding::b64url_decode(&key.thumbprint()).unwrap(),
        thumb
    );

    let dc = &v["inputs_dc_api"];
    let d = |k: &str| dc[k].as_str().unwrap();
    let thumb = hex::decode(d("jwk_sha256_thumbprint_hex")).unwrap();
    let handover = oid4vp_dc_api_handover(d("origin"), d("nonce"), Some(&thumb)).unwrap();
    assert_eq!(cbor::encode(&handover).unwrap(), hex_of("OpenID4VPDCAPIHandover"));
    let transcript = SessionTranscript::openid4vp_dc_api(d("origin"), d("nonce"), Some(&thumb)).unwrap();
    assert_eq!(transcript.bytes(), hex_of("SessionTranscript_dc_api"));
    assert_eq!(
        SessionTranscript::from_bytes(transcript.bytes()).unwrap(),
        transcript
    );
}

#[test]
fn iso18013_7_annex_b_handover_shape() {
    // 18013-7 Annex B: [sha256(cbor([client_id, mdoc_nonce])), sha256(cbor([response_uri, mdoc_nonce])), nonce].
    let h = oid4vp_iso18013_7_handover("client", "https://r", "nonce", "mdoc-nonce").unwrap();
    let Value::Array(parts) = h else {
        panic!("not an array")
    };
    let client = cbor::encode(&Value::Array(vec!["client".into(), "mdoc-nonce".into()])).unwrap();
    assert_eq!(parts[0], Value::Bytes(DigestAlgorithm::Sha256.digest(&client)));
    assert_eq!(parts[2], Value::Text("nonce".into()));
}
