//! What the reader asks and the holder answers: DeviceRequest, DeviceResponse, DeviceSigned.

use ciborium::Value;

use super::issuer_signed::IssuerSigned;
use super::transcript::{SessionTranscript, reader_authentication_bytes};
use super::{
    MAX_DOCUMENTS, MAX_ELEMENTS, MAX_NAMESPACES, Tagged, as_map, into_array, into_text, into_uint, malformed,
    take, take_req, text,
};
use crate::Result;
use crate::cose::cbor;
use crate::cose::{DecodeOptions, Mac0, Sign1, Sign1Builder};
use crate::crypto::Signer;

fn cose_options() -> DecodeOptions {
    DecodeOptions {
        limits: super::LIMITS,
        ..DecodeOptions::default()
    }
}

/// `DeviceAuth`: the holder's proof over `DeviceAuthentication` (see [`Document`] for one
/// built and verified).
///
/// ```
/// # use inkan_core::mdoc::DeviceAuth;
/// # fn kind(auth: &DeviceAuth) -> &str {
/// match auth { DeviceAuth::Signature(_) => "deviceSignature", DeviceAuth::Mac(_) => "deviceMac" }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceAuth {
    /// `deviceSignature`: COSE_Sign1 with the MSO's device key, detached payload.
    Signature(Sign1),
    /// `deviceMac`: COSE_Mac0 with `EMacKey` (ECDH + HKDF), detached payload.
    Mac(Mac0),
}

impl DeviceAuth {
    fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "deviceAuth")?;
        if map.len() != 1 {
            return Err(malformed(
                "deviceAuth must hold exactly one of deviceSignature, deviceMac",
            ));
        }
        if let Some(sig) = take(&mut map, "deviceSignature") {
            return Ok(DeviceAuth::Signature(Sign1::from_value(sig, &cose_options())?));
        }
        if let Some(mac) = take(&mut map, "deviceMac") {
            return Ok(DeviceAuth::Mac(Mac0::from_value(mac, &cose_options())?));
        }
        Err(malformed(
            "deviceAuth holds neither deviceSignature nor deviceMac",
        ))
    }

    fn to_value(&self) -> Result<Value> {
        Ok(Value::Map(vec![match self {
            DeviceAuth::Signature(s) => (text("deviceSignature"), s.to_value()?),
            DeviceAuth::Mac(m) => {
                let bytes = m.encode(false)?;
                (text("deviceMac"), cbor::decode(&bytes, &super::LIMITS)?)
            }
        }]))
    }
}

/// `DeviceNameSpaces`: namespace → element → value, signed by the device.
pub type DeviceNameSpaces = Vec<(String, Vec<(String, Value)>)>;

fn device_name_spaces_from_value(value: Value) -> Result<DeviceNameSpaces> {
    let map = as_map(value, "DeviceNameSpaces")?;
    if map.len() > MAX_NAMESPACES {
        return Err(malformed(format!("more than {MAX_NAMESPACES} namespaces")));
    }
    map.into_iter()
        .map(|(ns, items)| {
            let items = as_map(items, "DeviceSignedItems")?;
            if items.len() > MAX_ELEMENTS {
                return Err(malformed(format!(
                    "more than {MAX_ELEMENTS} device-signed elements"
                )));
            }
            let items = items
                .into_iter()
                .map(|(k, v)| Ok((into_text(k, "an element identifier")?, v)))
                .collect::<Result<_>>()?;
            Ok((into_text(ns, "a namespace")?, items))
        })
        .collect()
}

/// `DeviceSigned`: device-signed name spaces (often empty) and `deviceAuth` (see [`Document`]).
///
/// ```
/// let empty = inkan_core::mdoc::DeviceSigned::empty_name_spaces();
/// assert_eq!(empty.tagged_bytes(), [0xd8, 0x18, 0x41, 0xa0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSigned {
    /// `nameSpaces` (`DeviceNameSpacesBytes`, bytes kept as received).
    pub name_spaces: Tagged<DeviceNameSpaces>,
    /// `deviceAuth`.
    pub device_auth: DeviceAuth,
}

impl DeviceSigned {
    /// Device-signed name spaces as the `#6.24` bytes they travel as (empty: `a0`).
    pub fn empty_name_spaces() -> Tagged<DeviceNameSpaces> {
        Tagged::new(vec![0xa0], Vec::new())
    }

    fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "DeviceSigned")?;
        Ok(Self {
            name_spaces: Tagged::from_value(
                take_req(&mut map, "nameSpaces", "DeviceSigned")?,
                device_name_spaces_from_value,
            )?,
            device_auth: DeviceAuth::from_value(take_req(&mut map, "deviceAuth", "DeviceSigned")?)?,
        })
    }

    fn to_value(&self) -> Result<Value> {
        Ok(Value::Map(vec![
            (text("nameSpaces"), self.name_spaces.to_value()),
            (text("deviceAuth"), self.device_auth.to_value()?),
        ]))
    }
}

/// One `Document` of a DeviceResponse.
///
/// ```
/// use inkan_core::cose::Sign1Builder;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::mdoc::*;
/// let (issuer, device) = (SoftwareKey::generate(Algorithm::Es256)?, SoftwareKey::generate(Algorithm::Es256)?);
/// let item = IssuerSignedItem::new(3, vec![9; 16], "age_over_18", true.into()).to_tagged()?;
/// let mso = MsoBuilder::new(DOCTYPE_MDL, DeviceKeyInfo::new(device.public_key())?, ValidityInfo::new(0, 0, 9)?)
///     .namespace(NAMESPACE_MDL, &[item.clone()]).build();
/// let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r")?;
/// let name_spaces = DeviceSigned::empty_name_spaces();
/// let payload = device_authentication_bytes(&transcript, DOCTYPE_MDL, &name_spaces)?;
/// let doc = Document {
///     doc_type: DOCTYPE_MDL.into(),
///     issuer_signed: IssuerSigned::sign(vec![(NAMESPACE_MDL.into(), vec![item])], mso, &issuer, vec![])?,
///     device_signed: DeviceSigned {
///         name_spaces,
///         device_auth: DeviceAuth::Signature(Sign1Builder::new(payload).detached().sign(&device)?),
///     },
///     errors: None,
/// };
/// verify_device_auth(&doc, &transcript, None)?;
/// check_device_signed_authorized(&doc)?;
/// check_requested(&doc, &ItemsRequest::new(DOCTYPE_MDL).element(NAMESPACE_MDL, "age_over_18", false))?;
/// assert_eq!(check_requested(&doc, &ItemsRequest::new(DOCTYPE_MDL)).unwrap_err().code(), "mdoc.not_requested");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `docType`.
    pub doc_type: String,
    /// `issuerSigned`.
    pub issuer_signed: IssuerSigned,
    /// `deviceSigned`.
    pub device_signed: DeviceSigned,
    /// `errors`, kept as received.
    pub errors: Option<Value>,
}

impl Document {
    fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "Document")?;
        let what = "Document";
        Ok(Self {
            doc_type: into_text(take_req(&mut map, "docType", what)?, "docType")?,
            issuer_signed: IssuerSigned::from_value(take_req(&mut map, "issuerSigned", what)?)?,
            device_signed: DeviceSigned::from_value(take_req(&mut map, "deviceSigned", what)?)?,
            errors: take(&mut map, "errors"),
        })
    }

    fn to_value(&self) -> Result<Value> {
        let mut map = vec![
            (text("docType"), text(&self.doc_type)),
            (text("issuerSigned"), self.issuer_signed.to_value()?),
            (text("deviceSigned"), self.device_signed.to_value()?),
        ];
        if let Some(errors) = &self.errors {
            map.push((text("errors"), errors.clone()));
        }
        Ok(Value::Map(map))
    }
}

/// `DeviceResponse` (18013-5 §8.3.2.1.2.2).
///
/// ```
/// use inkan_core::mdoc::DeviceResponse;
/// let empty = DeviceResponse { version: "1.0".into(), documents: vec![], document_errors: None, status: 0 };
/// assert_eq!(DeviceResponse::decode(&empty.encode()?)?, empty);
/// assert_eq!(DeviceResponse::decode(&[0x80]).unwrap_err().code(), "mdoc.malformed");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceResponse {
    /// `version` ("1.0").
    pub version: String,
    /// `documents`.
    pub documents: Vec<Document>,
    /// `documentErrors`, kept as received.
    pub document_errors: Option<Value>,
    /// `status` (0 = OK).
    pub status: u64,
}

impl DeviceResponse {
    /// Decodes DeviceResponse bytes under the mdoc caps (nothing is verified).
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Self::from_value(cbor::decode(bytes, &super::LIMITS)?)
    }

    /// Parses a DeviceResponse map.
    pub fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "DeviceResponse")?;
        let what = "DeviceResponse";
        let documents = match take(&mut map, "documents") {
            Some(docs) => into_array(docs, "documents", MAX_DOCUMENTS)?
                .into_iter()
                .map(Document::from_value)
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            version: into_text(take_req(&mut map, "version", what)?, "version")?,
            documents,
            document_errors: take(&mut map, "documentErrors"),
            status: into_uint(&take_req(&mut map, "status", what)?, "status")?,
        })
    }

    /// The DeviceResponse map, keys in 18013-5's CDDL order.
    pub fn to_value(&self) -> Result<Value> {
        let mut map = vec![(text("version"), text(&self.version))];
        if !self.documents.is_empty() {
            let docs = self
                .documents
                .iter()
                .map(Document::to_value)
                .collect::<Result<_>>()?;
            map.push((text("documents"), Value::Array(docs)));
        }
        if let Some(errors) = &self.document_errors {
            map.push((text("documentErrors"), errors.clone()));
        }
        map.push((text("status"), Value::Integer(self.status.into())));
        Ok(Value::Map(map))
    }

    /// Encodes the DeviceResponse.
    pub fn encode(&self) -> Result<Vec<u8>> {
        cbor::encode(&self.to_value()?)
    }
}

/// `ItemsRequest`: the elements a reader asks for in one document.
///
/// ```
/// use inkan_core::mdoc::ItemsRequest;
/// let req = ItemsRequest::new("org.iso.18013.5.1.mDL").element("org.iso.18013.5.1", "family_name", false);
/// assert!(req.asks_for("org.iso.18013.5.1", "family_name"));
/// assert!(!req.asks_for("org.iso.18013.5.1", "portrait"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsRequest {
    /// `docType`.
    pub doc_type: String,
    /// `nameSpaces`: namespace → (element, intent to retain).
    pub name_spaces: Vec<(String, Vec<(String, bool)>)>,
    /// `requestInfo`, kept as received.
    pub request_info: Option<Value>,
}

impl ItemsRequest {
    /// A request for `doc_type` with no elements yet.
    pub fn new(doc_type: &str) -> Self {
        Self {
            doc_type: doc_type.to_owned(),
            name_spaces: Vec::new(),
            request_info: None,
        }
    }

    /// Asks for one more element.
    pub fn element(mut self, namespace: &str, element: &str, intent_to_retain: bool) -> Self {
        let entry = (element.to_owned(), intent_to_retain);
        match self.name_spaces.iter_mut().find(|(ns, _)| ns == namespace) {
            Some((_, els)) => els.push(entry),
            None => self.name_spaces.push((namespace.to_owned(), vec![entry])),
        }
        self
    }

    /// Whether `namespace/element` is requested.
    pub fn asks_for(&self, namespace: &str, element: &str) -> bool {
        self.name_spaces
            .iter()
            .any(|(ns, els)| ns == namespace && els.iter().any(|(e, _)| e == element))
    }

    /// Parses an ItemsRequest map.
    pub fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "ItemsRequest")?;
        let ns = as_map(take_req(&mut map, "nameSpaces", "ItemsRequest")?, "nameSpaces")?;
        if ns.len() > MAX_NAMESPACES {
            return Err(malformed(format!("more than {MAX_NAMESPACES} namespaces")));
        }
        let name_spaces = ns
            .into_iter()
            .map(|(ns, els)| {
                let els = as_map(els, "DataElements")?;
                if els.len() > MAX_ELEMENTS {
                    return Err(malformed(format!("more than {MAX_ELEMENTS} requested elements")));
                }
                let els = els
                    .into_iter()
                    .map(|(e, retain)| {
                        let retain = retain
                            .as_bool()
                            .ok_or_else(|| malformed("IntentToRetain must be a bool"))?;
                        Ok((into_text(e, "an element identifier")?, retain))
                    })
                    .collect::<Result<_>>()?;
                Ok((into_text(ns, "a namespace")?, els))
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            doc_type: into_text(take_req(&mut map, "docType", "ItemsRequest")?, "docType")?,
            name_spaces,
            request_info: take(&mut map, "requestInfo"),
        })
    }

    /// The ItemsRequest map.
    pub fn to_value(&self) -> Value {
        let ns = self
            .name_spaces
            .iter()
            .map(|(ns, els)| {
                let els = els.iter().map(|(e, r)| (text(e), Value::Bool(*r))).collect();
                (text(ns), Value::Map(els))
            })
            .collect();
        let mut map = vec![
            (text("docType"), text(&self.doc_type)),
            (text("nameSpaces"), Value::Map(ns)),
        ];
        if let Some(info) = &self.request_info {
            map.push((text("requestInfo"), info.clone()));
        }
        Value::Map(map)
    }
}

/// One `DocRequest`: an ItemsRequest (bytes kept) and optional reader authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRequest {
    /// `itemsRequest` (`ItemsRequestBytes`).
    pub items_request: Tagged<ItemsRequest>,
    /// `readerAuth`, as received (not verified here: the wallet verifies it).
    pub reader_auth: Option<Sign1>,
}

/// `DeviceRequest` (18013-5 §8.3.2.1.2.1).
///
/// ```
/// use inkan_core::mdoc::{DeviceRequest, ItemsRequest};
/// let req = DeviceRequest::new(vec![ItemsRequest::new("org.iso.18013.5.1.mDL").element("org.iso.18013.5.1", "age_over_18", false)])?;
/// let back = DeviceRequest::decode(&req.encode()?)?;
/// assert_eq!(back.doc_requests[0].items_request.value().doc_type, "org.iso.18013.5.1.mDL");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRequest {
    /// `version` ("1.0").
    pub version: String,
    /// `docRequests`.
    pub doc_requests: Vec<DocRequest>,
}

impl DeviceRequest {
    /// A version 1.0 request without reader authentication.
    pub fn new(requests: Vec<ItemsRequest>) -> Result<Self> {
        let doc_requests = requests
            .into_iter()
            .map(|r| {
                Ok(DocRequest {
                    items_request: Tagged::new(cbor::encode(&r.to_value())?, r),
                    reader_auth: None,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            version: "1.0".into(),
            doc_requests,
        })
    }

    /// Signs `readerAuth` for every DocRequest (18013-5 §9.1.4): a detached COSE_Sign1 over
    /// `ReaderAuthenticationBytes` for `transcript`, with the reader certificate chain (leaf
    /// first) as `x5chain` in the unprotected header. The wallet checks it with
    /// `inkan_wallet::mdoc::verify_reader_auth`.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::mdoc::{DeviceRequest, ItemsRequest, SessionTranscript, reader_authentication_bytes};
    /// let reader = SoftwareKey::generate(Algorithm::Es256)?;
    /// let t = SessionTranscript::openid4vp("c", "n", None, "https://r")?;
    /// let request = DeviceRequest::new(vec![ItemsRequest::new("org.iso.18013.5.1.mDL")])?
    ///     .sign_reader_auth(&t, &reader, vec![])?;
    /// let doc = &DeviceRequest::decode(&request.encode()?)?.doc_requests[0];
    /// let payload = reader_authentication_bytes(&t, &doc.items_request);
    /// doc.reader_auth.as_ref().unwrap().verify_detached(reader.public_key(), &payload, b"")?;
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn sign_reader_auth(
        mut self,
        transcript: &SessionTranscript,
        signer: &dyn Signer,
        x5chain: Vec<Vec<u8>>,
    ) -> Result<Self> {
        for doc in &mut self.doc_requests {
            let payload = reader_authentication_bytes(transcript, &doc.items_request);
            doc.reader_auth = Some(
                Sign1Builder::new(payload)
                    .detached()
                    .x5chain(x5chain.clone())
                    .sign(signer)?,
            );
        }
        Ok(self)
    }

    /// Decodes DeviceRequest bytes under the mdoc caps.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut map = as_map(cbor::decode(bytes, &super::LIMITS)?, "DeviceRequest")?;
        let docs = into_array(
            take_req(&mut map, "docRequests", "DeviceRequest")?,
            "docRequests",
            MAX_DOCUMENTS,
        )?;
        let doc_requests = docs
            .into_iter()
            .map(|d| {
                let mut d = as_map(d, "DocRequest")?;
                Ok(DocRequest {
                    items_request: Tagged::from_value(
                        take_req(&mut d, "itemsRequest", "DocRequest")?,
                        ItemsRequest::from_value,
                    )?,
                    reader_auth: take(&mut d, "readerAuth")
                        .map(|r| Sign1::from_value(r, &cose_options()))
                        .transpose()?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            version: into_text(take_req(&mut map, "version", "DeviceRequest")?, "version")?,
            doc_requests,
        })
    }

    /// Encodes the DeviceRequest.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let docs = self
            .doc_requests
            .iter()
            .map(|d| {
                let mut map = vec![(text("itemsRequest"), d.items_request.to_value())];
                if let Some(auth) = &d.reader_auth {
                    map.push((text("readerAuth"), auth.to_value()?));
                }
                Ok(Value::Map(map))
            })
            .collect::<Result<_>>()?;
        cbor::encode(&Value::Map(vec![
            (text("version"), text(&self.version)),
            (text("docRequests"), Value::Array(docs)),
        ]))
    }
}
