//! SessionTranscript, handovers, DeviceAuthentication and the device MAC key.

use ciborium::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::device::{DeviceNameSpaces, ItemsRequest};
use super::{TAG_ENCODED_CBOR, Tagged, malformed, push_head, push_tag24, push_text, tag24, text};
use crate::Result;
use crate::cose::cbor;
use crate::crypto::{PrivateKeyData, PublicKey, PublicKeyData};

/// A `SessionTranscript` (`[DeviceEngagementBytes, EReaderKeyBytes, Handover]`), kept as the
/// exact bytes both sides bind to.
///
/// ```
/// use inkan_core::mdoc::SessionTranscript;
/// let t = SessionTranscript::openid4vp("x509_san_dns:example.com", "n-0S6", None, "https://example.com/r")?;
/// assert_eq!(SessionTranscript::from_bytes(t.bytes())?, t);
/// assert_eq!(SessionTranscript::from_bytes(&t.tagged_bytes())?, t);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTranscript {
    bytes: Vec<u8>,
}

impl SessionTranscript {
    /// Accepts `SessionTranscript` bytes or `SessionTranscriptBytes` (the same inside tag 24);
    /// the array's own bytes are kept as given.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let value = cbor::decode(bytes, &super::LIMITS)?;
        let (bytes, value) = match value {
            Value::Tag(TAG_ENCODED_CBOR, inner) => match *inner {
                Value::Bytes(inner) => {
                    let value = cbor::decode(&inner, &super::LIMITS)?;
                    (inner, value)
                }
                _ => return Err(malformed("SessionTranscriptBytes must wrap a bstr")),
            },
            value => (bytes.to_vec(), value),
        };
        match value {
            Value::Array(items) if items.len() == 3 => Ok(Self { bytes }),
            _ => Err(malformed("a SessionTranscript is an array of 3 items")),
        }
    }

    /// A transcript from its three parts.
    pub fn new(device_engagement: Value, ereader_key: Value, handover: Value) -> Result<Self> {
        Ok(Self {
            bytes: cbor::encode(&Value::Array(vec![device_engagement, ereader_key, handover]))?,
        })
    }

    /// The OpenID4VP 1.0 (Appendix B.2.6.1) transcript for redirect-based flows:
    /// `[null, null, OpenID4VPHandover]`.
    pub fn openid4vp(
        client_id: &str,
        nonce: &str,
        jwk_thumbprint: Option<&[u8]>,
        response_uri: &str,
    ) -> Result<Self> {
        let handover = oid4vp_handover(client_id, nonce, jwk_thumbprint, response_uri)?;
        Self::new(Value::Null, Value::Null, handover)
    }

    /// The OpenID4VP 1.0 (Appendix B.2.6.2) transcript for the Digital Credentials API.
    pub fn openid4vp_dc_api(origin: &str, nonce: &str, jwk_thumbprint: Option<&[u8]>) -> Result<Self> {
        Self::new(
            Value::Null,
            Value::Null,
            oid4vp_dc_api_handover(origin, nonce, jwk_thumbprint)?,
        )
    }

    /// The `SessionTranscript` array's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// `SessionTranscriptBytes`: the transcript inside tag 24 (the HKDF salt's input).
    pub fn tagged_bytes(&self) -> Vec<u8> {
        tag24(&self.bytes)
    }
}

fn bytes_or_null(b: Option<&[u8]>) -> Value {
    b.map_or(Value::Null, |b| Value::Bytes(b.to_vec()))
}

fn sha256_of(value: &Value) -> Result<Value> {
    Ok(Value::Bytes(Sha256::digest(cbor::encode(value)?).to_vec()))
}

/// OpenID4VP 1.0 `OpenID4VPHandover`: `["OpenID4VPHandover", sha256(OpenID4VPHandoverInfo)]`
/// with info `[client_id, nonce, jwk_thumbprint or null, response_uri]`.
///
/// ```
/// let h = inkan_core::mdoc::oid4vp_handover("c", "n", None, "https://r")?;
/// assert!(matches!(h, ciborium::Value::Array(ref a) if a.len() == 2));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn oid4vp_handover(
    client_id: &str,
    nonce: &str,
    jwk_thumbprint: Option<&[u8]>,
    response_uri: &str,
) -> Result<Value> {
    let info = Value::Array(vec![
        text(client_id),
        text(nonce),
        bytes_or_null(jwk_thumbprint),
        text(response_uri),
    ]);
    Ok(Value::Array(vec![text("OpenID4VPHandover"), sha256_of(&info)?]))
}

/// OpenID4VP 1.0 `OpenID4VPDCAPIHandover`: info `[origin, nonce, jwk_thumbprint or null]`.
///
/// ```
/// let h = inkan_core::mdoc::oid4vp_dc_api_handover("https://example.com", "n", None)?;
/// assert!(matches!(h, ciborium::Value::Array(ref a) if a.len() == 2));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn oid4vp_dc_api_handover(origin: &str, nonce: &str, jwk_thumbprint: Option<&[u8]>) -> Result<Value> {
    let info = Value::Array(vec![text(origin), text(nonce), bytes_or_null(jwk_thumbprint)]);
    Ok(Value::Array(vec![
        text("OpenID4VPDCAPIHandover"),
        sha256_of(&info)?,
    ]))
}

/// The pre-1.0 handover of ISO/IEC 18013-7 Annex B: `[sha256([client_id, mdoc_nonce]),
/// sha256([response_uri, mdoc_nonce]), nonce]`.
///
/// ```
/// let h = inkan_core::mdoc::oid4vp_iso18013_7_handover("c", "https://r", "n", "m")?;
/// assert!(matches!(h, ciborium::Value::Array(ref a) if a.len() == 3));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn oid4vp_iso18013_7_handover(
    client_id: &str,
    response_uri: &str,
    nonce: &str,
    mdoc_generated_nonce: &str,
) -> Result<Value> {
    let client = Value::Array(vec![text(client_id), text(mdoc_generated_nonce)]);
    let response = Value::Array(vec![text(response_uri), text(mdoc_generated_nonce)]);
    Ok(Value::Array(vec![
        sha256_of(&client)?,
        sha256_of(&response)?,
        text(nonce),
    ]))
}

/// `DeviceAuthenticationBytes`: `#6.24(bstr .cbor ["DeviceAuthentication", SessionTranscript,
/// DocType, DeviceNameSpacesBytes])`, with the transcript and the name spaces spliced in as the
/// bytes given (nothing re-encoded).
///
/// ```
/// use inkan_core::mdoc::{DeviceSigned, SessionTranscript, device_authentication_bytes};
/// let t = SessionTranscript::openid4vp("c", "n", None, "https://r")?;
/// let bytes = device_authentication_bytes(&t, "org.iso.18013.5.1.mDL", &DeviceSigned::empty_name_spaces())?;
/// assert_eq!(&bytes[..2], [0xd8, 0x18]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn device_authentication_bytes(
    transcript: &SessionTranscript,
    doc_type: &str,
    name_spaces: &Tagged<DeviceNameSpaces>,
) -> Result<Vec<u8>> {
    // Written directly: the heads are what any CBOR encoder emits for these items.
    let mut inner =
        Vec::with_capacity(transcript.bytes().len() + name_spaces.bytes().len() + doc_type.len() + 48);
    push_head(&mut inner, 4, 4);
    push_text(&mut inner, "DeviceAuthentication");
    inner.extend_from_slice(transcript.bytes());
    push_text(&mut inner, doc_type);
    push_tag24(&mut inner, name_spaces.bytes());
    Ok(tag24(&inner))
}

/// `ReaderAuthenticationBytes` (18013-5 §9.1.4): `#6.24(bstr .cbor ["ReaderAuthentication",
/// SessionTranscript, ItemsRequestBytes])`, the transcript and the request spliced in as the
/// bytes given — what `readerAuth` signs (detached).
///
/// ```
/// use inkan_core::mdoc::{DeviceRequest, ItemsRequest, SessionTranscript, reader_authentication_bytes};
/// let t = SessionTranscript::openid4vp("c", "n", None, "https://r")?;
/// let request = DeviceRequest::new(vec![ItemsRequest::new("org.iso.18013.5.1.mDL")])?;
/// let bytes = reader_authentication_bytes(&t, &request.doc_requests[0].items_request);
/// assert_eq!(&bytes[..2], [0xd8, 0x18]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn reader_authentication_bytes(
    transcript: &SessionTranscript,
    items_request: &Tagged<ItemsRequest>,
) -> Vec<u8> {
    let mut inner = Vec::with_capacity(transcript.bytes().len() + items_request.bytes().len() + 40);
    push_head(&mut inner, 4, 3);
    push_text(&mut inner, "ReaderAuthentication");
    inner.extend_from_slice(transcript.bytes());
    push_tag24(&mut inner, items_request.bytes());
    tag24(&inner)
}

/// ECDH: the x-coordinate shared secret of a P-256 or P-384 key pair.
///
/// ```
/// use inkan_core::crypto::{KeyType, PrivateKeyData, PublicKey};
/// use inkan_core::mdoc::ecdh_shared_secret;
/// let (a, b) = (PrivateKeyData::generate(KeyType::P256)?, PrivateKeyData::generate(KeyType::P256)?);
/// let ab = ecdh_shared_secret(&a, &PublicKey::new(b.public()?)?)?;
/// let ba = ecdh_shared_secret(&b, &PublicKey::new(a.public()?)?)?;
/// assert_eq!(*ab, *ba);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn ecdh_shared_secret(private: &PrivateKeyData, public: &PublicKey) -> Result<Zeroizing<Vec<u8>>> {
    match (private, public.data()) {
        (PrivateKeyData::P256(sk), PublicKeyData::P256(pk)) => {
            let shared = p256::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
            Ok(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
        }
        (PrivateKeyData::P384(sk), PublicKeyData::P384(pk)) => {
            let shared = p384::ecdh::diffie_hellman(sk.to_nonzero_scalar(), pk.as_affine());
            Ok(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
        }
        (sk, pk) => Err(crate::Error::InvalidKey(format!(
            "no ECDH between a {} private key and a {} public key",
            sk.key_type(),
            pk.key_type()
        ))),
    }
}

/// `EMacKey` (18013-5 §9.1.3.5): HKDF-SHA-256 with salt SHA-256(SessionTranscriptBytes), the
/// ECDH secret as input keying material, info "EMacKey", 32 bytes.
///
/// ```
/// use inkan_core::mdoc::{SessionTranscript, emac_key};
/// let t = SessionTranscript::openid4vp("c", "n", None, "https://r")?;
/// assert_eq!(emac_key(&[7; 32], &t)?.len(), 32);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn emac_key(shared_secret: &[u8], transcript: &SessionTranscript) -> Result<Zeroizing<[u8; 32]>> {
    let salt = Sha256::digest(transcript.tagged_bytes());
    let mut okm = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(Some(&salt), shared_secret)
        .expand(b"EMacKey", okm.as_mut_slice())
        .map_err(crate::Error::backend)?;
    Ok(okm)
}
