//! The mdoc checks, one function each, so a verifier can report every one of them.

use super::device::{DeviceAuth, Document, ItemsRequest};
use super::issuer_signed::IssuerSigned;
use super::transcript::{SessionTranscript, device_authentication_bytes, ecdh_shared_secret, emac_key};
use crate::cose::MacAlgorithm;
use crate::crypto::PrivateKeyData;
use crate::{Error, Result};

/// Checks every presented IssuerSignedItem against the MSO's `valueDigests`: its digest ID must
/// be there ([`Error::MdocDigestMissing`]) and the digest of its `#6.24` bytes must match
/// ([`Error::MdocDigestMismatch`]). Returns how many items were checked.
///
/// ```
/// # use inkan_core::mdoc::*;
/// # use inkan_core::crypto::{Algorithm, SoftwareKey};
/// # let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let item = IssuerSignedItem::new(0, vec![0; 16], "age_over_18", true.into()).to_tagged()?;
/// let mso = MsoBuilder::new(DOCTYPE_MDL, DeviceKeyInfo::new(key.public_key())?, ValidityInfo::new(0, 0, 9)?)
///     .namespace(NAMESPACE_MDL, &[item.clone()]).build();
/// let signed = IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), vec![item])], mso, &key, vec![])?;
/// assert_eq!(verify_digests(&signed)?, 1);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_digests(issuer_signed: &IssuerSigned) -> Result<usize> {
    let mso = issuer_signed.mso.value();
    let mut checked = 0;
    for (ns, items) in &issuer_signed.name_spaces {
        for item in items {
            let value = item.value();
            let missing = || Error::MdocDigestMissing {
                namespace: ns.clone(),
                element: value.element_identifier.clone(),
                digest_id: value.digest_id,
            };
            let expected = mso.digest(ns, value.digest_id).ok_or_else(missing)?;
            let actual = item.tagged_digest(mso.digest_algorithm);
            // Digests are public values: a plain comparison leaks nothing secret.
            if actual != expected {
                return Err(Error::MdocDigestMismatch {
                    namespace: ns.clone(),
                    element: value.element_identifier.clone(),
                });
            }
            checked += 1;
        }
    }
    Ok(checked)
}

/// The document's `docType` must be the MSO's, and the expected one when the caller names it.
///
/// ```
/// # use inkan_core::mdoc::check_doc_type;
/// assert!(check_doc_type("a", "a", Some("a")).is_ok());
/// assert_eq!(check_doc_type("a", "b", None).unwrap_err().code(), "mdoc.doctype_mismatch");
/// ```
pub fn check_doc_type(document: &str, mso: &str, expected: Option<&str>) -> Result<()> {
    if document != mso {
        return Err(Error::MdocDocTypeMismatch {
            expected: mso.to_owned(),
            found: document.to_owned(),
        });
    }
    match expected {
        Some(expected) if expected != document => Err(Error::MdocDocTypeMismatch {
            expected: expected.to_owned(),
            found: document.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Every presented element (issuer- and device-signed) must have been asked for in `request`
/// ([`Error::MdocNotRequested`]), and the docType must be the requested one.
pub fn check_requested(document: &Document, request: &ItemsRequest) -> Result<()> {
    check_doc_type(&document.doc_type, &document.doc_type, Some(&request.doc_type))?;
    let issuer = document
        .issuer_signed
        .name_spaces
        .iter()
        .flat_map(|(ns, items)| items.iter().map(move |i| (ns, &i.value().element_identifier)));
    let device = document
        .device_signed
        .name_spaces
        .value()
        .iter()
        .flat_map(|(ns, items)| items.iter().map(move |(e, _)| (ns, e)));
    for (ns, element) in issuer.chain(device) {
        if !request.asks_for(ns, element) {
            return Err(Error::MdocNotRequested {
                namespace: ns.clone(),
                element: element.clone(),
            });
        }
    }
    Ok(())
}

/// Device-signed elements must be covered by the MSO's `keyAuthorizations` (none are when the
/// MSO has none).
pub fn check_device_signed_authorized(document: &Document) -> Result<()> {
    let auth = document
        .issuer_signed
        .mso
        .value()
        .device_key_info
        .key_authorizations
        .as_ref();
    for (ns, items) in document.device_signed.name_spaces.value() {
        for (element, _) in items {
            if !auth.is_some_and(|a| a.allows(ns, element)) {
                return Err(Error::MdocUnauthorizedDeviceElement {
                    namespace: ns.clone(),
                    element: element.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Verifies `deviceAuth` over `DeviceAuthenticationBytes` for `transcript`: a deviceSignature
/// under the MSO's device key, or a deviceMac under `EMacKey` derived from the reader's
/// ephemeral private key and the device key.
pub fn verify_device_auth(
    document: &Document,
    transcript: &SessionTranscript,
    reader_key: Option<&PrivateKeyData>,
) -> Result<()> {
    let device_key = &document.issuer_signed.mso.value().device_key_info.device_key;
    let payload = device_authentication_bytes(
        transcript,
        &document.doc_type,
        &document.device_signed.name_spaces,
    )?;
    match &document.device_signed.device_auth {
        DeviceAuth::Signature(sig) => sig
            .verify_detached(device_key, &payload, b"")
            .map_err(|e| match e {
                Error::BadSignature => Error::MdocBadDeviceSignature,
                other => other,
            }),
        DeviceAuth::Mac(mac) => {
            // 18013-5 §9.1.3.5 fixes HMAC-SHA-256 with a 256-bit tag: a truncated tag is refused.
            if mac.algorithm()? != MacAlgorithm::Hmac256 {
                return Err(Error::MdocMalformed(
                    "deviceMac must use HMAC 256/256 (COSE 5)".into(),
                ));
            }
            let reader = reader_key.ok_or(Error::MdocNoReaderKey)?;
            let shared = ecdh_shared_secret(reader, device_key)?;
            let key = emac_key(&shared, transcript)?;
            mac.verify_detached(key.as_slice(), &payload, b"")
                .map_err(|e| match e {
                    Error::MacMismatch => Error::MdocBadDeviceMac,
                    other => other,
                })
        }
    }
}
