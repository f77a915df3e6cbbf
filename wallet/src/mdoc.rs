//! ISO 18013-5 mdoc presentation: from the documents held, the elements a reader asks for,
//! with `deviceSignature` ([`present`]) or `deviceMac` ([`present_with`] and
//! [`DeviceAuthKey::Mac`]) over `DeviceAuthentication` for the session transcript.
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
use inkan_core::clock::Clock;
use inkan_core::cose::{Mac0Builder, MacAlgorithm, Sign1Builder};
use inkan_core::crypto::{PrivateKeyData, PublicKey, Signer};
use inkan_core::mdoc::{
    DeviceAuth, DeviceRequest, DeviceResponse, DeviceSigned, DocRequest, Document, IssuerSigned,
    ItemsRequest, NameSpaces, SessionTranscript, device_authentication_bytes, ecdh_shared_secret, emac_key,
    reader_authentication_bytes,
};
use inkan_core::trust::{TrustStore, purpose};
use inkan_core::x509::ValidatedChain;
use inkan_core::{Error, Result};
use zeroize::Zeroizing;

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
    present_with(held, request, transcript, DeviceAuthKey::Signature(device_key))
}

/// The device key's side of ECDH, which `deviceMac` needs (18013-5 §9.1.3.5). A platform
/// keystore implements it with its key agreement; [`PrivateKeyData`] does in software. The
/// private key never leaves the implementation: only the shared secret does.
pub trait DeviceKeyAgreement {
    /// The device public key (must be the MSO's `deviceKey`).
    fn public_key(&self) -> Result<PublicKey>;
    /// ECDH with `peer`: the x-coordinate shared secret.
    fn shared_secret(&self, peer: &PublicKey) -> Result<Zeroizing<Vec<u8>>>;
}

impl DeviceKeyAgreement for PrivateKeyData {
    fn public_key(&self) -> Result<PublicKey> {
        PublicKey::new(self.public()?)
    }

    fn shared_secret(&self, peer: &PublicKey) -> Result<Zeroizing<Vec<u8>>> {
        ecdh_shared_secret(self, peer)
    }
}

/// How the device authenticates a presentation.
pub enum DeviceAuthKey<'a> {
    /// `deviceSignature`: COSE_Sign1 by the device key.
    Signature(&'a dyn Signer),
    /// `deviceMac`: COSE_Mac0 (HMAC 256/256) under `EMacKey`, from ECDH between the device key
    /// and the reader's ephemeral key (`EReaderKey`) and HKDF over the session transcript.
    Mac {
        /// The device key.
        device: &'a dyn DeviceKeyAgreement,
        /// The reader's ephemeral public key.
        reader: &'a PublicKey,
    },
}

/// [`present`] with either kind of device authentication.
///
/// ```
/// use inkan_core::crypto::{Algorithm, KeyType, PrivateKeyData, PublicKey, SoftwareKey};
/// use inkan_core::mdoc::*;
/// use inkan_wallet::mdoc::{DeviceAuthKey, DeviceKeyAgreement, present_with};
/// # let issuer = SoftwareKey::generate(Algorithm::Es256)?;
/// let device = PrivateKeyData::generate(KeyType::P256)?;
/// let reader = PrivateKeyData::generate(KeyType::P256)?;
/// # let items = vec![IssuerSignedItem::new(1, vec![1; 16], "family_name", "Doe".into()).to_tagged()?];
/// # let mso = MsoBuilder::new(DOCTYPE_MDL, DeviceKeyInfo::new(&device.public_key()?)?, ValidityInfo::new(0, 0, 9)?)
/// #     .namespace(NAMESPACE_MDL, &items).build();
/// let held = IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), items)], mso, &issuer, vec![])?;
/// let request = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(NAMESPACE_MDL, "family_name", false)])?;
/// let transcript = SessionTranscript::openid4vp("client", "nonce", None, "https://rp.example/post")?;
/// let reader_public = PublicKey::new(reader.public()?)?;
/// let auth = DeviceAuthKey::Mac { device: &device, reader: &reader_public };
/// let response = present_with(&[held], &request, &transcript, auth)?;
/// verify_device_auth(&response.documents[0], &transcript, Some(&reader))?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn present_with(
    held: &[IssuerSigned],
    request: &DeviceRequest,
    transcript: &SessionTranscript,
    auth: DeviceAuthKey<'_>,
) -> Result<DeviceResponse> {
    let mut documents = Vec::new();
    let mut missing = Vec::new();
    for doc_request in &request.doc_requests {
        let items = doc_request.items_request.value();
        match held.iter().find(|d| d.mso.value().doc_type == items.doc_type) {
            Some(doc) => documents.push(present_document_with(doc, items, transcript, &auth)?),
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
    present_document_with(held, items, transcript, &DeviceAuthKey::Signature(device_key))
}

/// [`present_document`] with either kind of device authentication; the device key must be the
/// MSO's (`crypto.invalid_key` otherwise).
pub fn present_document_with(
    held: &IssuerSigned,
    items: &ItemsRequest,
    transcript: &SessionTranscript,
    auth: &DeviceAuthKey<'_>,
) -> Result<Document> {
    let mso = held.mso.value();
    let device_public = match auth {
        DeviceAuthKey::Signature(signer) => PublicKey::from_jwk(&signer.public_jwk())?,
        DeviceAuthKey::Mac { device, .. } => device.public_key()?,
    };
    if device_public != mso.device_key_info.device_key {
        return Err(Error::InvalidKey(
            "the signer is not the mdoc's device key".into(),
        ));
    }
    let name_spaces = select(&held.name_spaces, items);
    let device_name_spaces = DeviceSigned::empty_name_spaces();
    let payload = device_authentication_bytes(transcript, &mso.doc_type, &device_name_spaces)?;
    let device_auth = match auth {
        DeviceAuthKey::Signature(signer) => {
            DeviceAuth::Signature(Sign1Builder::new(payload).detached().sign(*signer)?)
        }
        DeviceAuthKey::Mac { device, reader } => {
            let shared = device.shared_secret(reader)?;
            let key = emac_key(&shared, transcript)?;
            // 18013-5 §9.1.3.5: HMAC SHA-256 with the full 256-bit tag, payload detached.
            DeviceAuth::Mac(
                Mac0Builder::new(payload)
                    .detached()
                    .create(MacAlgorithm::Hmac256, key.as_slice())?,
            )
        }
    };
    Ok(Document {
        doc_type: mso.doc_type.clone(),
        issuer_signed: IssuerSigned {
            name_spaces,
            issuer_auth: held.issuer_auth.clone(),
            mso: held.mso.clone(),
        },
        device_signed: DeviceSigned {
            name_spaces: device_name_spaces,
            device_auth,
        },
        errors: None,
    })
}

/// Verifies a DocRequest's `readerAuth` (18013-5 §9.1.4) before the holder is asked to share:
/// the reader certificate chain in its `x5chain` must reach an anchor of `trust` for
/// [`purpose::MDOC_READER`] at the clock's time, and the leaf's key must have signed
/// `ReaderAuthenticationBytes` over `transcript` and the request's own bytes. Returns the
/// validated chain (the reader's identity to show the holder).
///
/// Errors: [`Error::MdocNoReaderAuth`], [`Error::MdocUntrustedReader`] (no path to a reader
/// anchor; other certificate failures keep their `x509.*` code), [`Error::MdocBadReaderAuth`].
pub fn verify_reader_auth(
    doc_request: &DocRequest,
    transcript: &SessionTranscript,
    trust: &dyn TrustStore,
    clock: &dyn Clock,
) -> Result<ValidatedChain> {
    let reader_auth = doc_request.reader_auth.as_ref().ok_or(Error::MdocNoReaderAuth)?;
    let chain = reader_auth.x5chain()?;
    if chain.is_empty() {
        return Err(Error::MdocUntrustedReader("readerAuth carries no x5chain".into()));
    }
    let validated = trust
        .chain_validator(purpose::MDOC_READER)
        .validate_der(&chain, clock)
        .map_err(|e| match e {
            Error::X509Untrusted(msg) => Error::MdocUntrustedReader(msg),
            other => other,
        })?;
    let payload = reader_authentication_bytes(transcript, &doc_request.items_request);
    reader_auth
        .verify_detached(validated.leaf_key(), &payload, b"")
        .map_err(|e| match e {
            Error::BadSignature => Error::MdocBadReaderAuth,
            other => other,
        })?;
    Ok(validated)
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
    use inkan_core::crypto::{Algorithm, KeyType, SoftwareKey};
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

    /// A held mDL whose device key is the P-256 `device` (for deviceMac).
    fn held_for(device: &PrivateKeyData) -> IssuerSigned {
        let key = SoftwareKey::from_data(device.clone(), Algorithm::Es256).unwrap();
        held(&key)
    }

    #[test]
    fn device_mac_verifies_with_the_reader_key_only() {
        let device = PrivateKeyData::generate(KeyType::P256).unwrap();
        let reader = PrivateKeyData::generate(KeyType::P256).unwrap();
        let reader_public = PublicKey::new(reader.public().unwrap()).unwrap();
        let request = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(
            NAMESPACE_MDL,
            "given_name",
            false,
        )])
        .unwrap();
        let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
        let auth = DeviceAuthKey::Mac {
            device: &device,
            reader: &reader_public,
        };
        let response = present_with(&[held_for(&device)], &request, &transcript, auth).unwrap();
        let bytes = response.encode().unwrap();
        let doc = &DeviceResponse::decode(&bytes).unwrap().documents[0];
        let DeviceAuth::Mac(mac) = &doc.device_signed.device_auth else {
            panic!("expected deviceMac");
        };
        assert_eq!(mac.algorithm().unwrap(), MacAlgorithm::Hmac256);
        assert_eq!(mac.payload(), None, "the payload is detached");
        verify_device_auth(doc, &transcript, Some(&reader)).unwrap();
        // Another reader key, another transcript, or none at all: refused.
        let stranger = PrivateKeyData::generate(KeyType::P256).unwrap();
        let err = verify_device_auth(doc, &transcript, Some(&stranger)).unwrap_err();
        assert_eq!(err.code(), "mdoc.bad_device_mac");
        let other = SessionTranscript::openid4vp("c", "other nonce", None, "https://r").unwrap();
        let err = verify_device_auth(doc, &other, Some(&reader)).unwrap_err();
        assert_eq!(err.code(), "mdoc.bad_device_mac");
        let err = verify_device_auth(doc, &transcript, None).unwrap_err();
        assert_eq!(err.code(), "mdoc.no_reader_key");
    }

    #[test]
    fn device_mac_refuses_a_foreign_device_key_and_a_curve_mismatch() {
        let device = PrivateKeyData::generate(KeyType::P256).unwrap();
        let other = PrivateKeyData::generate(KeyType::P256).unwrap();
        let reader = PrivateKeyData::generate(KeyType::P384).unwrap();
        let reader_public = PublicKey::new(reader.public().unwrap()).unwrap();
        let request = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL)]).unwrap();
        let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
        let foreign = DeviceAuthKey::Mac {
            device: &other,
            reader: &reader_public,
        };
        let err = present_with(&[held_for(&device)], &request, &transcript, foreign).unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
        // A P-384 reader key cannot meet a P-256 device key.
        let mismatch = DeviceAuthKey::Mac {
            device: &device,
            reader: &reader_public,
        };
        let err = present_with(&[held_for(&device)], &request, &transcript, mismatch).unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
    }

    mod reader_auth {
        use super::*;
        use inkan_core::clock::FixedClock;
        use inkan_core::trust::StaticTrustStore;
        use inkan_core::x509::{Certificate, TrustAnchor};
        use inkan_issuer::mdoc::pki;

        struct Reader {
            key: SoftwareKey,
            cert: Certificate,
            trust: StaticTrustStore,
            clock: FixedClock,
        }

        /// A reader root trusted for `mdoc-reader` and a reader certificate under it.
        fn reader() -> Reader {
            let clock = FixedClock::at_unix(1_800_000_000);
            let root_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
            let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
            let (root, cert) = pki::test_iaca_and_ds(&root_key, &key, "Utopia", &clock).unwrap();
            let trust = StaticTrustStore::builder()
                .x509_anchor(purpose::MDOC_READER, TrustAnchor::from_certificate(root).unwrap())
                .build();
            Reader {
                key,
                cert,
                trust,
                clock,
            }
        }

        fn request() -> DeviceRequest {
            DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(
                NAMESPACE_MDL,
                "given_name",
                false,
            )])
            .unwrap()
        }

        fn transcript(nonce: &str) -> SessionTranscript {
            SessionTranscript::openid4vp("c", nonce, None, "https://r").unwrap()
        }

        #[test]
        fn a_signed_request_verifies_after_a_round_trip() {
            let r = reader();
            let signed = request()
                .sign_reader_auth(&transcript("n"), &r.key, vec![r.cert.der().to_vec()])
                .unwrap();
            let received = DeviceRequest::decode(&signed.encode().unwrap()).unwrap();
            let chain =
                verify_reader_auth(&received.doc_requests[0], &transcript("n"), &r.trust, &r.clock).unwrap();
            assert_eq!(chain.leaf().subject(), r.cert.subject());
        }

        #[test]
        fn negatives_have_their_own_codes() {
            let r = reader();
            let chain = vec![r.cert.der().to_vec()];
            let signed = request()
                .sign_reader_auth(&transcript("n"), &r.key, chain.clone())
                .unwrap();
            let doc = &signed.doc_requests[0];
            let code = |doc: &DocRequest, t: &SessionTranscript, trust: &StaticTrustStore| {
                verify_reader_auth(doc, t, trust, &r.clock).unwrap_err().code()
            };
            // Another transcript (a replay into another session).
            assert_eq!(code(doc, &transcript("other"), &r.trust), "mdoc.bad_reader_auth");
            // The request's elements changed after signing.
            let mut altered = doc.clone();
            let more = DeviceRequest::new(vec![
                ItemsRequest::new(DOCTYPE_MDL)
                    .element(NAMESPACE_MDL, "given_name", false)
                    .element(NAMESPACE_MDL, "portrait", false),
            ])
            .unwrap();
            altered.items_request = more.doc_requests[0].items_request.clone();
            assert_eq!(code(&altered, &transcript("n"), &r.trust), "mdoc.bad_reader_auth");
            // Signed by a key other than the certificate's.
            let stranger = SoftwareKey::generate(Algorithm::Es256).unwrap();
            let forged = request()
                .sign_reader_auth(&transcript("n"), &stranger, chain.clone())
                .unwrap();
            assert_eq!(
                code(&forged.doc_requests[0], &transcript("n"), &r.trust),
                "mdoc.bad_reader_auth"
            );
            // No anchor for readers (an IACA for issuers does not count), or no chain at all.
            let issuers_only = StaticTrustStore::builder().build();
            assert_eq!(
                code(doc, &transcript("n"), &issuers_only),
                "mdoc.untrusted_reader"
            );
            let bare = request()
                .sign_reader_auth(&transcript("n"), &r.key, vec![])
                .unwrap();
            assert_eq!(
                code(&bare.doc_requests[0], &transcript("n"), &r.trust),
                "mdoc.untrusted_reader"
            );
            // No readerAuth.
            assert_eq!(
                code(&request().doc_requests[0], &transcript("n"), &r.trust),
                "mdoc.no_reader_auth"
            );
            // The reader certificate has expired.
            let late = FixedClock::at_unix(1_800_000_000 + 20 * 365 * 86_400);
            let err = verify_reader_auth(doc, &transcript("n"), &r.trust, &late).unwrap_err();
            assert_eq!(err.code(), "x509.validity");
        }
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
