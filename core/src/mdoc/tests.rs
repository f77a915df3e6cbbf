use ciborium::Value;

use super::*;
use crate::crypto::{Algorithm, KeyType, PrivateKeyData, PublicKey, SoftwareKey};

fn issue(device: &PublicKey, issuer: &SoftwareKey) -> IssuerSigned {
    let items: Vec<_> = [
        ("family_name", Value::from("Doe")),
        ("age_over_18", Value::from(true)),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, v))| {
        IssuerSignedItem::new(i as u64, vec![i as u8; 16], name, v)
            .to_tagged()
            .unwrap()
    })
    .collect();
    let mso = MsoBuilder::new(
        DOCTYPE_MDL,
        DeviceKeyInfo::new(device).unwrap(),
        ValidityInfo::new(0, 0, 100).unwrap(),
    )
    .namespace(NAMESPACE_MDL, &items)
    .build();
    IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), items)], mso, issuer, vec![]).unwrap()
}

fn document(signed: IssuerSigned, device: &SoftwareKey, transcript: &SessionTranscript) -> Document {
    let ns = DeviceSigned::empty_name_spaces();
    let payload = device_authentication_bytes(transcript, DOCTYPE_MDL, &ns).unwrap();
    let sig = crate::cose::Sign1Builder::new(payload)
        .detached()
        .sign(device)
        .unwrap();
    Document {
        doc_type: DOCTYPE_MDL.into(),
        issuer_signed: signed,
        device_signed: DeviceSigned {
            name_spaces: ns,
            device_auth: DeviceAuth::Signature(sig),
        },
        errors: None,
    }
}

#[test]
fn round_trip_and_every_check() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
    let doc = document(issue(device.public_key(), &issuer), &device, &transcript);
    let response = DeviceResponse {
        version: "1.0".into(),
        documents: vec![doc],
        document_errors: None,
        status: 0,
    };
    let bytes = response.encode().unwrap();
    let back = DeviceResponse::decode(&bytes).unwrap();
    assert_eq!(back, response);
    assert_eq!(back.encode().unwrap(), bytes);
    let doc = &back.documents[0];
    doc.issuer_signed
        .verify_issuer_signature(issuer.public_key())
        .unwrap();
    assert_eq!(verify_digests(&doc.issuer_signed).unwrap(), 2);
    verify_device_auth(doc, &transcript, None).unwrap();
    let other = SessionTranscript::openid4vp("c", "other", None, "https://r").unwrap();
    assert_eq!(
        verify_device_auth(doc, &other, None).unwrap_err().code(),
        "mdoc.bad_device_signature"
    );
    let request = ItemsRequest::new(DOCTYPE_MDL).element(NAMESPACE_MDL, "family_name", false);
    assert_eq!(
        check_requested(doc, &request).unwrap_err().code(),
        "mdoc.not_requested"
    );
    check_requested(doc, &request.element(NAMESPACE_MDL, "age_over_18", false)).unwrap();
}

#[test]
fn tampering_is_typed() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let mut signed = issue(key.public_key(), &key);
    let mut item = signed.name_spaces[0].1[0].value().clone();
    item.element_value = "Roe".into();
    signed.name_spaces[0].1[0] = item.to_tagged().unwrap();
    assert_eq!(
        verify_digests(&signed).unwrap_err().code(),
        "mdoc.digest_mismatch"
    );
    let mut item = signed.name_spaces[0].1[1].value().clone();
    item.digest_id = 99;
    signed.name_spaces[0].1[1] = item.to_tagged().unwrap();
    signed.name_spaces[0].1.remove(0);
    assert_eq!(verify_digests(&signed).unwrap_err().code(), "mdoc.digest_missing");
}

#[test]
fn mac_round_trip() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let device = PrivateKeyData::generate(KeyType::P256).unwrap();
    let reader = PrivateKeyData::generate(KeyType::P256).unwrap();
    let device_pub = PublicKey::new(device.public().unwrap()).unwrap();
    let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
    let mut doc = document(issue(&device_pub, &issuer), &issuer, &transcript);
    let shared = ecdh_shared_secret(&device, &PublicKey::new(reader.public().unwrap()).unwrap()).unwrap();
    let key = emac_key(&shared, &transcript).unwrap();
    let payload =
        device_authentication_bytes(&transcript, DOCTYPE_MDL, &doc.device_signed.name_spaces).unwrap();
    let mac = crate::cose::Mac0Builder::new(payload)
        .detached()
        .create(crate::cose::MacAlgorithm::Hmac256, key.as_slice())
        .unwrap();
    doc.device_signed.device_auth = DeviceAuth::Mac(mac);
    verify_device_auth(&doc, &transcript, Some(&reader)).unwrap();
    assert_eq!(
        verify_device_auth(&doc, &transcript, None).unwrap_err().code(),
        "mdoc.no_reader_key"
    );
    let stranger = PrivateKeyData::generate(KeyType::P256).unwrap();
    assert_eq!(
        verify_device_auth(&doc, &transcript, Some(&stranger))
            .unwrap_err()
            .code(),
        "mdoc.bad_device_mac"
    );
}

#[test]
fn caps_and_shapes() {
    let deep = [0x81u8; 40].iter().copied().chain([0]).collect::<Vec<_>>();
    assert_eq!(DeviceResponse::decode(&deep).unwrap_err().code(), "cbor.too_deep");
    let many = Value::Map(vec![
        ("version".into(), "1.0".into()),
        (
            "documents".into(),
            Value::Array(vec![Value::Null; MAX_DOCUMENTS + 1]),
        ),
        ("status".into(), 0.into()),
    ]);
    assert_eq!(
        DeviceResponse::from_value(many).unwrap_err().code(),
        "mdoc.malformed"
    );
    assert_eq!(
        Tagged::<Value>::from_value(Value::Null, Ok).unwrap_err().code(),
        "mdoc.malformed"
    );
    assert_eq!(
        SessionTranscript::from_bytes(&[0x80]).unwrap_err().code(),
        "mdoc.malformed"
    );
}

#[test]
fn a_truncated_device_mac_is_refused() {
    let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let device = PrivateKeyData::generate(KeyType::P256).unwrap();
    let reader = PrivateKeyData::generate(KeyType::P256).unwrap();
    let device_pub = PublicKey::new(device.public().unwrap()).unwrap();
    let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
    let mut doc = document(issue(&device_pub, &issuer), &issuer, &transcript);
    let shared = ecdh_shared_secret(&device, &PublicKey::new(reader.public().unwrap()).unwrap()).unwrap();
    let key = emac_key(&shared, &transcript).unwrap();
    let payload =
        device_authentication_bytes(&transcript, DOCTYPE_MDL, &doc.device_signed.name_spaces).unwrap();
    let mac = crate::cose::Mac0Builder::new(payload)
        .detached()
        .create(crate::cose::MacAlgorithm::Hmac256_64, key.as_slice())
        .unwrap();
    doc.device_signed.device_auth = DeviceAuth::Mac(mac);
    let err = verify_device_auth(&doc, &transcript, Some(&reader)).unwrap_err();
    assert_eq!(err.code(), "mdoc.malformed");
}
