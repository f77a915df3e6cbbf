//! ISO 18013-5 decoders on arbitrary input: DeviceResponse (and every check that runs on a
//! decoded one), IssuerSigned, DeviceRequest, SessionTranscript.
#![no_main]

use std::sync::LazyLock;

use inkan_core::crypto::{KeyType, PrivateKeyData};
use inkan_core::mdoc::{
    DeviceRequest, DeviceResponse, IssuerSigned, SessionTranscript, check_device_signed_authorized,
    verify_device_auth, verify_digests,
};
use libfuzzer_sys::fuzz_target;

static READER: LazyLock<PrivateKeyData> = LazyLock::new(|| PrivateKeyData::generate(KeyType::P256).unwrap());
static TRANSCRIPT: LazyLock<SessionTranscript> =
    LazyLock::new(|| SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap());

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = DeviceResponse::decode(data) {
        for doc in &response.documents {
            let _ = verify_digests(&doc.issuer_signed);
            let _ = check_device_signed_authorized(doc);
            let _ = verify_device_auth(doc, &TRANSCRIPT, Some(&READER));
            let _ = doc.issuer_signed.issuer_auth.x5chain();
        }
        let _ = response.encode();
    }
    if let Ok(signed) = IssuerSigned::decode(data) {
        let _ = verify_digests(&signed);
        let _ = signed.encode();
    }
    if let Ok(request) = DeviceRequest::decode(data) {
        let _ = request.encode();
    }
    let _ = SessionTranscript::from_bytes(data);
});
