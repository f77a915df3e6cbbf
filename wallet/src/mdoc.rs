//! ISO 18013-5 mdoc presentation: from the documents held, the elements a reader asks for,
//! with `deviceSignature` over `DeviceAuthentication` for the session transcript.
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::cose::Sign1Builder;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::mdoc::*;
//! use inkan_wallet::mdoc::present;
//! # let issuer = SoftwareKey::generate(Algorithm::Es256)?;
//! let device = SoftwareKey::generate(Algorithm::Es256)?;
//! # let items = vec![
//! #     IssuerSignedItem::new(1, vec![1; 16], "family_name", "Doe".into()).to_tagged()?,
//! #     IssuerSignedItem::new(2, vec![2; 16], "portrait", vec![0u8; 4].into()).to_tagged()?,
//! # ];
//! # let mso = MsoBuilder::new(DOCTYPE_MDL, DeviceKeyInfo::new(device.public_key())?, ValidityInfo::new(0, 0, 9)?)
//! #     .namespace(NAMESPACE_MDL, &items).build();
//! let held = IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), items)], mso, &issuer, vec![])?;
//! let request = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(NAMESPACE_MDL, "family_name", false)])?;
//! let transcript = SessionTranscript::openid4vp("client", "nonce", None, "https://rp.example/post")?;
//! let response = present(&[held], &request, &transcript, &device)?;
//! let doc = &response.documents[0];
//! assert_eq!(doc.issuer_signed.name_spaces[0].1.len(), 1); // the portrait stays home
//! verify_device_auth(doc, &transcript, None)?;
//! # Ok::<(), inkan_core::Error>(())
//! ```

use ciborium::Value;
use inkan_core::cose::Sign1Builder;
use inkan_core::crypto::{PublicKey, Signer};
use inkan_core::mdoc::{
    DeviceAuth, DeviceRequest, DeviceResponse, DeviceSigned, Document, IssuerSigned, ItemsRequest,
    NameSpaces, SessionTranscript, device_authentication_bytes,
};
use inkan_core::{Error, Result};

/// DeviceResponse `status` 0: OK.
const STATUS_OK: u64 = 0;
/// `documentErrors` code 0: data not returned (18013-5 §8.3.2.1.2.3).
const ERROR_NOT_RETURNED: i64 = 0;

/// Answers `request` from `held`: for each DocRequest, the first held document of its docType
/// with only the requested elements it holds; requested documents not held are listed in
/// `documentErrors`. Fails with `mdoc.nothing_to_present` when no document matches.
pub fn present(
    held: &[IssuerSigned],
    request: &DeviceRequest,
    transcript: &SessionTranscript,
    device_key: &dyn Signer,
) -> Result<DeviceResponse> {
    let mut documents = Vec::new();
    let mut missing = Vec::new();
    for doc_request in &request.doc_requests {
        let items = doc_request.items_request.value();
        match held.iter().find(|d| d.mso.value().doc_type == items.doc_type) {
            Some(doc) => documents.push(present_document(doc, items, transcript, device_key)?),
            None => missing.push((
                Value::Text(items.doc_type.clone()),
                Value::Integer(ERROR_NOT_RETURNED.into()),
            )),
        }
    }
    if documents.is_empty() {
        return Err(Error::MdocNothingToPresent(
            "no held document has a requested docType".into(),
        ));
    }
    Ok(DeviceResponse {
        version: "1.0".into(),
        documents,
        document_errors: (!missing.is_empty()).then(|| Value::Array(vec![Value::Map(missing)])),
        status: STATUS_OK,
    })
}

/// One `Document`: the held items `items` asks for, and `deviceSignature` by `device_key`
/// (which must be the MSO's device key).
pub fn present_document(
    held: &IssuerSigned,
    items: &ItemsRequest,
    transcript: &SessionTranscript,
    device_key: &dyn Signer,
) -> Result<Document> {
    let mso = held.mso.value();
    let signer_key = PublicKey::from_jwk(&device_key.public_jwk())?;
    if signer_key != mso.device_key_info.device_key {
        return Err(Error::InvalidKey(
            "the signer is not the mdoc's device key".into(),
        ));
    }
    let name_spaces = select(&held.name_spaces, items);
    let device_name_spaces = DeviceSigned::empty_name_spaces();
    let payload = device_authentication_bytes(transcript, &mso.doc_type, &device_name_spaces)?;
    let signature = Sign1Builder::new(payload).detached().sign(device_key)?;
    Ok(Document {
        doc_type: mso.doc_type.clone(),
        issuer_signed: IssuerSigned {
            name_spaces,
            issuer_auth: held.issuer_auth.clone(),
            mso: held.mso.clone(),
        },
        device_signed: DeviceSigned {
            name_spaces: device_name_spaces,
            device_auth: DeviceAuth::Signature(signature),
        },
        errors: None,
    })
}

/// The held items that `request` asks for, namespace by namespace (items kept byte for byte).
fn select(held: &NameSpaces, request: &ItemsRequest) -> NameSpaces {
    held.iter()
        .filter_map(|(ns, items)| {
            let chosen: Vec<_> = items
                .iter()
                .filter(|i| request.asks_for(ns, &i.value().element_identifier))
                .cloned()
                .collect();
            (!chosen.is_empty()).then(|| (ns.clone(), chosen))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::mdoc::*;

    fn held(device: &SoftwareKey) -> IssuerSigned {
        let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let items: Vec<_> = ["family_name", "given_name", "portrait"]
            .iter()
            .enumerate()
            .map(|(i, e)| {
                IssuerSignedItem::new(i as u64, vec![i as u8; 16], e, "x".into())
                    .to_tagged()
                    .unwrap()
            })
            .collect();
        let mso = MsoBuilder::new(
            DOCTYPE_MDL,
            DeviceKeyInfo::new(device.public_key()).unwrap(),
            ValidityInfo::new(0, 0, 9).unwrap(),
        )
        .namespace(NAMESPACE_MDL, &items)
        .build();
        IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), items)], mso, &issuer, vec![]).unwrap()
    }

    #[test]
    fn selects_only_requested_and_signs_the_transcript() {
        let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let request = DeviceRequest::new(vec![
            ItemsRequest::new(DOCTYPE_MDL)
                .element(NAMESPACE_MDL, "given_name", false)
                .element(NAMESPACE_MDL, "not_held", false),
            ItemsRequest::new(DOCTYPE_EU_PID).element(DOCTYPE_EU_PID, "family_name", false),
        ])
        .unwrap();
        let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
        let response = present(&[held(&device)], &request, &transcript, &device).unwrap();
        let doc = &response.documents[0];
        let names: Vec<_> = doc.issuer_signed.name_spaces[0]
            .1
            .iter()
            .map(|i| i.value().element_identifier.clone())
            .collect();
        assert_eq!(names, ["given_name"]);
        assert_eq!(verify_digests(&doc.issuer_signed).unwrap(), 1);
        verify_device_auth(doc, &transcript, None).unwrap();
        check_requested(doc, request.doc_requests[0].items_request.value()).unwrap();
        assert!(response.document_errors.is_some());
        let bytes = response.encode().unwrap();
        assert_eq!(DeviceResponse::decode(&bytes).unwrap(), response);
    }

    #[test]
    fn refuses_a_foreign_key_and_an_empty_answer() {
        let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
        let mdl = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL)]).unwrap();
        let err = present(&[held(&device)], &mdl, &transcript, &other).unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
        let pid = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_EU_PID)]).unwrap();
        let err = present(&[held(&device)], &pid, &transcript, &device).unwrap_err();
        assert_eq!(err.code(), "mdoc.nothing_to_present");
    }
}
