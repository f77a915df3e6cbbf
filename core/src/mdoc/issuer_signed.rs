//! What the issuer signs: IssuerSignedItem, the Mobile Security Object, IssuerSigned.

use ciborium::Value;

use super::{
    DigestAlgorithm, MAX_ELEMENTS, MAX_NAMESPACES, TAG_TDATE, Tagged, as_map, into_array, into_bytes,
    into_text, into_uint, malformed, take, take_req, text,
};
use crate::cose::cbor;
use crate::cose::{DecodeOptions, Sign1, Sign1Builder};
use crate::crypto::{KeyType, PublicKey, PublicKeyData, Signer};
use crate::status::StatusReference;
use crate::{Error, Result};

/// One data element with its salt and digest ID (18013-5 §8.3.2.1.2.2).
///
/// ```
/// use inkan_core::mdoc::IssuerSignedItem;
/// let item = IssuerSignedItem::new(0, vec![0; 16], "age_over_18", true.into());
/// let back = IssuerSignedItem::from_value(item.to_value())?;
/// assert_eq!(back, item);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerSignedItem {
    /// The digest ID the MSO files this element's digest under.
    pub digest_id: u64,
    /// The salt (at least 16 random bytes when issued by inkan).
    pub random: Vec<u8>,
    /// The element identifier (e.g. `family_name`).
    pub element_identifier: String,
    /// The element value.
    pub element_value: Value,
}

impl IssuerSignedItem {
    /// An item from its parts.
    pub fn new(digest_id: u64, random: Vec<u8>, element_identifier: &str, element_value: Value) -> Self {
        Self {
            digest_id,
            random,
            element_identifier: element_identifier.to_owned(),
            element_value,
        }
    }

    /// Parses the item map.
    pub fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "IssuerSignedItem")?;
        let what = "IssuerSignedItem";
        Ok(Self {
            digest_id: into_uint(&take_req(&mut map, "digestID", what)?, "digestID")?,
            random: into_bytes(take_req(&mut map, "random", what)?, "random")?,
            element_identifier: into_text(
                take_req(&mut map, "elementIdentifier", what)?,
                "elementIdentifier",
            )?,
            element_value: take_req(&mut map, "elementValue", what)?,
        })
    }

    /// The item map, keys in the order of 18013-5's CDDL.
    pub fn to_value(&self) -> Value {
        Value::Map(vec![
            (text("digestID"), Value::Integer(self.digest_id.into())),
            (text("random"), Value::Bytes(self.random.clone())),
            (text("elementIdentifier"), text(&self.element_identifier)),
            (text("elementValue"), self.element_value.clone()),
        ])
    }

    /// Encodes the item as the `IssuerSignedItemBytes` it travels as.
    pub fn to_tagged(&self) -> Result<Tagged<IssuerSignedItem>> {
        Ok(Tagged::new(cbor::encode(&self.to_value())?, self.clone()))
    }
}

/// `IssuerNameSpaces`: namespace → its items, in the order received.
pub type NameSpaces = Vec<(String, Vec<Tagged<IssuerSignedItem>>)>;

/// Parses `IssuerNameSpaces`.
pub(crate) fn name_spaces_from_value(value: Value) -> Result<NameSpaces> {
    let map = as_map(value, "nameSpaces")?;
    if map.len() > MAX_NAMESPACES {
        return Err(malformed(format!("more than {MAX_NAMESPACES} namespaces")));
    }
    map.into_iter()
        .map(|(ns, items)| {
            let ns = into_text(ns, "a namespace")?;
            let items = into_array(items, "namespace items", MAX_ELEMENTS)?
                .into_iter()
                .map(|v| Tagged::from_value(v, IssuerSignedItem::from_value))
                .collect::<Result<Vec<_>>>()?;
            Ok((ns, items))
        })
        .collect()
}

pub(crate) fn name_spaces_to_value(ns: &NameSpaces) -> Value {
    Value::Map(
        ns.iter()
            .map(|(name, items)| {
                (
                    text(name),
                    Value::Array(items.iter().map(Tagged::to_value).collect()),
                )
            })
            .collect(),
    )
}

/// `IssuerSigned`: the issuer's name spaces and `issuerAuth` (COSE_Sign1 over the MSO).
///
/// See `inkan_issuer::mdoc` for issuing one; [`super::verify_digests`] checks the items.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerSigned {
    /// The disclosed items per namespace (empty when none are).
    pub name_spaces: NameSpaces,
    /// `issuerAuth`, as received.
    pub issuer_auth: Sign1,
    /// The MSO from `issuerAuth`'s payload.
    pub mso: Tagged<Mso>,
}

impl IssuerSigned {
    /// Decodes CBOR `IssuerSigned` bytes (nothing is verified).
    ///
    /// ```
    /// let err = inkan_core::mdoc::IssuerSigned::decode(&[0xa0]).unwrap_err();
    /// assert_eq!(err.code(), "mdoc.malformed");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Self::from_value(cbor::decode(bytes, &super::LIMITS)?)
    }

    /// Parses an `IssuerSigned` map.
    pub fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "IssuerSigned")?;
        let name_spaces = match take(&mut map, "nameSpaces") {
            Some(ns) => name_spaces_from_value(ns)?,
            None => Vec::new(),
        };
        let issuer_auth = take_req(&mut map, "issuerAuth", "IssuerSigned")?;
        let options = DecodeOptions {
            limits: super::LIMITS,
            ..DecodeOptions::default()
        };
        let issuer_auth = Sign1::from_value(issuer_auth, &options)?;
        let payload = issuer_auth
            .payload()
            .ok_or_else(|| malformed("issuerAuth has no payload"))?;
        let mso = Tagged::from_value(cbor::decode(payload, &super::LIMITS)?, Mso::from_value)?;
        Ok(Self {
            name_spaces,
            issuer_auth,
            mso,
        })
    }

    /// The `IssuerSigned` map.
    pub fn to_value(&self) -> Result<Value> {
        let mut map = Vec::new();
        if !self.name_spaces.is_empty() {
            map.push((text("nameSpaces"), name_spaces_to_value(&self.name_spaces)));
        }
        map.push((text("issuerAuth"), self.issuer_auth.to_value()?));
        Ok(Value::Map(map))
    }

    /// Encodes `IssuerSigned` as CBOR.
    pub fn encode(&self) -> Result<Vec<u8>> {
        cbor::encode(&self.to_value()?)
    }

    /// Signs `mso` as `issuerAuth` (alg protected, `x5chain` — document signer first — in the
    /// unprotected header, as 18013-5 §9.1.2.4 places it) and pairs it with the items.
    pub fn sign(
        name_spaces: NameSpaces,
        mso: Mso,
        signer: &dyn Signer,
        x5chain: Vec<Vec<u8>>,
    ) -> Result<Self> {
        let mso = mso.to_tagged()?;
        let issuer_auth = Sign1Builder::new(mso.tagged_bytes())
            .x5chain(x5chain)
            .sign(signer)?;
        Ok(Self {
            name_spaces,
            issuer_auth,
            mso,
        })
    }

    /// Verifies `issuerAuth` under the document signer's key (the caller chooses the key, e.g.
    /// from the validated `x5chain`).
    pub fn verify_issuer_signature(&self, key: &PublicKey) -> Result<()> {
        self.issuer_auth.verify(key, b"")
    }
}

/// `ValidityInfo`: the MSO's signing time and validity window (unix seconds, with the texts as
/// received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidityInfo {
    /// `signed`.
    pub signed: i64,
    /// `validFrom`.
    pub valid_from: i64,
    /// `validUntil`.
    pub valid_until: i64,
    /// `expectedUpdate`, if present.
    pub expected_update: Option<i64>,
    texts: Vec<(String, String)>,
}

impl ValidityInfo {
    /// A validity window from unix times.
    ///
    /// ```
    /// let v = inkan_core::mdoc::ValidityInfo::new(0, 0, 86_400)?;
    /// assert_eq!(v.valid_until, 86_400);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn new(signed: i64, valid_from: i64, valid_until: i64) -> Result<Self> {
        if valid_until < valid_from {
            return Err(malformed("validUntil precedes validFrom"));
        }
        let texts = [
            ("signed", signed),
            ("validFrom", valid_from),
            ("validUntil", valid_until),
        ]
        .into_iter()
        .map(|(k, t)| Ok((k.to_owned(), tdate_text(t)?)))
        .collect::<Result<_>>()?;
        Ok(Self {
            signed,
            valid_from,
            valid_until,
            expected_update: None,
            texts,
        })
    }

    fn from_value(value: Value) -> Result<Self> {
        let map = as_map(value, "validityInfo")?;
        let mut texts = Vec::new();
        for (k, v) in map {
            let key = into_text(k, "a validityInfo key")?;
            match v {
                Value::Tag(TAG_TDATE, inner) => texts.push((key, into_text(*inner, "a tdate")?)),
                _ => return Err(malformed(format!("validityInfo {key} must be a tdate (tag 0)"))),
            }
        }
        let get = |key: &str| texts.iter().find(|(k, _)| k == key).map(|(_, t)| parse_tdate(t));
        let req = |key: &str| get(key).unwrap_or_else(|| Err(malformed(format!("validityInfo lacks {key}"))));
        Ok(Self {
            signed: req("signed")?,
            valid_from: req("validFrom")?,
            valid_until: req("validUntil")?,
            expected_update: get("expectedUpdate").transpose()?,
            texts,
        })
    }

    fn to_value(&self) -> Value {
        Value::Map(
            self.texts
                .iter()
                .map(|(k, t)| (text(k), Value::Tag(TAG_TDATE, Box::new(text(t)))))
                .collect(),
        )
    }

    /// The text of `validUntil` / `validFrom` as received, for messages.
    fn text_of(&self, key: &str) -> String {
        self.texts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    /// Checks the window against `now` (unix seconds) with `leeway` seconds either side.
    ///
    /// ```
    /// let v = inkan_core::mdoc::ValidityInfo::new(0, 100, 200)?;
    /// assert!(v.check(150, 0).is_ok());
    /// assert_eq!(v.check(201, 0).unwrap_err().code(), "mdoc.expired");
    /// assert_eq!(v.check(99, 0).unwrap_err().code(), "mdoc.not_yet_valid");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn check(&self, now: i64, leeway: i64) -> Result<()> {
        if now > self.valid_until.saturating_add(leeway) {
            return Err(Error::MdocExpired(self.text_of("validUntil")));
        }
        if now < self.valid_from.saturating_sub(leeway) {
            return Err(Error::MdocNotYetValid(self.text_of("validFrom")));
        }
        Ok(())
    }
}

/// An RFC 3339 `tdate` as unix seconds.
fn parse_tdate(t: &str) -> Result<i64> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map(|d| d.unix_timestamp())
        .map_err(|e| malformed(format!("bad tdate {t:?}: {e}")))
}

/// Unix seconds as a `tdate` text without fractions (18013-5 §7.2.1).
fn tdate_text(unix: i64) -> Result<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(unix).map_err(|e| malformed(e.to_string()))?;
    at.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| malformed(e.to_string()))
}

/// `KeyAuthorizations`: which namespaces / elements the device key may sign in DeviceSigned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyAuthorizations {
    /// Whole namespaces.
    pub name_spaces: Vec<String>,
    /// Single elements per namespace.
    pub data_elements: Vec<(String, Vec<String>)>,
}

impl KeyAuthorizations {
    /// Whether `namespace/element` may be device-signed.
    ///
    /// ```
    /// use inkan_core::mdoc::KeyAuthorizations;
    /// let auth = KeyAuthorizations { name_spaces: vec!["a".into()], data_elements: vec![("b".into(), vec!["x".into()])] };
    /// assert!(auth.allows("a", "anything") && auth.allows("b", "x") && !auth.allows("b", "y"));
    /// ```
    pub fn allows(&self, namespace: &str, element: &str) -> bool {
        self.name_spaces.iter().any(|n| n == namespace)
            || self
                .data_elements
                .iter()
                .any(|(n, els)| n == namespace && els.iter().any(|e| e == element))
    }

    fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "keyAuthorizations")?;
        let texts = |v: Value, what: &str| -> Result<Vec<String>> {
            into_array(v, what, MAX_ELEMENTS)?
                .into_iter()
                .map(|t| into_text(t, what))
                .collect()
        };
        let name_spaces = match take(&mut map, "nameSpaces") {
            Some(v) => texts(v, "keyAuthorizations nameSpaces")?,
            None => Vec::new(),
        };
        let data_elements = match take(&mut map, "dataElements") {
            Some(v) => as_map(v, "dataElements")?
                .into_iter()
                .map(|(ns, els)| Ok((into_text(ns, "a namespace")?, texts(els, "dataElements")?)))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            name_spaces,
            data_elements,
        })
    }

    fn to_value(&self) -> Value {
        let mut map = Vec::new();
        if !self.name_spaces.is_empty() {
            map.push((
                text("nameSpaces"),
                Value::Array(self.name_spaces.iter().map(|n| text(n)).collect()),
            ));
        }
        if !self.data_elements.is_empty() {
            let els = self
                .data_elements
                .iter()
                .map(|(ns, els)| (text(ns), Value::Array(els.iter().map(|e| text(e)).collect())))
                .collect();
            map.push((text("dataElements"), Value::Map(els)));
        }
        Value::Map(map)
    }
}

/// `DeviceKeyInfo`: the mdoc's device key (holder binding) and what it may sign.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let info = inkan_core::mdoc::DeviceKeyInfo::new(key.public_key())?;
/// assert!(info.key_authorizations.is_none());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceKeyInfo {
    /// The device key.
    pub device_key: PublicKey,
    /// `keyAuthorizations`, if present.
    pub key_authorizations: Option<KeyAuthorizations>,
    /// `keyInfo`, kept as received.
    pub key_info: Option<Value>,
    /// The COSE_Key as received (so re-encoding gives the same bytes).
    cose_key: Value,
}

impl DeviceKeyInfo {
    /// Device key info for `key` (no authorizations: the device may sign nothing in
    /// DeviceSigned's name spaces).
    pub fn new(key: &PublicKey) -> Result<Self> {
        Ok(Self {
            device_key: key.clone(),
            key_authorizations: None,
            key_info: None,
            cose_key: cose_key_from_public(key)?,
        })
    }

    fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "deviceKeyInfo")?;
        let cose_key = take_req(&mut map, "deviceKey", "deviceKeyInfo")?;
        Ok(Self {
            device_key: public_from_cose_key(&cose_key)?,
            key_authorizations: take(&mut map, "keyAuthorizations")
                .map(KeyAuthorizations::from_value)
                .transpose()?,
            key_info: take(&mut map, "keyInfo"),
            cose_key,
        })
    }

    fn to_value(&self) -> Value {
        let mut map = vec![(text("deviceKey"), self.cose_key.clone())];
        if let Some(auth) = &self.key_authorizations {
            map.push((text("keyAuthorizations"), auth.to_value()));
        }
        if let Some(info) = &self.key_info {
            map.push((text("keyInfo"), info.clone()));
        }
        Value::Map(map)
    }
}

/// COSE_Key labels and values (RFC 9053).
const KTY: i64 = 1;
const CRV: i64 = -1;
const X: i64 = -2;
const Y: i64 = -3;
const KTY_OKP: i64 = 1;
const KTY_EC2: i64 = 2;

/// Parses a public COSE_Key (EC2 P-256/P-384, OKP Ed25519).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::mdoc::{cose_key_from_public, public_from_cose_key};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let cose = cose_key_from_public(key.public_key())?;
/// assert_eq!(&public_from_cose_key(&cose)?, key.public_key());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn public_from_cose_key(value: &Value) -> Result<PublicKey> {
    let Value::Map(map) = value else {
        return Err(malformed("a COSE_Key must be a map"));
    };
    let get = |label: i64| {
        map.iter()
            .find(|(k, _)| k.as_integer() == Some(label.into()))
            .map(|(_, v)| v)
    };
    let int = |label: i64| {
        get(label)
            .and_then(Value::as_integer)
            .and_then(|i| i64::try_from(i).ok())
    };
    let bytes = |label: i64| get(label).and_then(Value::as_bytes);
    let data = match (int(KTY), int(CRV)) {
        (Some(KTY_EC2), Some(crv @ (1 | 2))) => {
            let kind = if crv == 1 { KeyType::P256 } else { KeyType::P384 };
            let (Some(x), Some(y)) = (bytes(X), bytes(Y)) else {
                return Err(malformed("an EC2 COSE_Key needs x and y as bstr"));
            };
            let mut point = vec![0x04];
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            PublicKeyData::from_sec1(kind, &point)?
        }
        (Some(KTY_OKP), Some(6)) => {
            let x = bytes(X).ok_or_else(|| malformed("an OKP COSE_Key needs x"))?;
            PublicKeyData::from_sec1(KeyType::Ed25519, x)?
        }
        (kty, crv) => {
            return Err(Error::InvalidKey(format!(
                "unsupported COSE_Key kty {kty:?} crv {crv:?}"
            )));
        }
    };
    PublicKey::new(data)
}

/// A public key as a COSE_Key (EC2 with x and y, or OKP).
pub fn cose_key_from_public(key: &PublicKey) -> Result<Value> {
    let int = |i: i64| Value::Integer(i.into());
    let sec1 = key.data().to_sec1(false);
    let ec2 = |crv: i64, n: usize| {
        let (x, y) = sec1
            .get(1..)
            .unwrap_or_default()
            .split_at(n.min(sec1.len().saturating_sub(1)));
        Value::Map(vec![
            (int(KTY), int(KTY_EC2)),
            (int(CRV), int(crv)),
            (int(X), Value::Bytes(x.to_vec())),
            (int(Y), Value::Bytes(y.to_vec())),
        ])
    };
    Ok(match key.key_type() {
        KeyType::P256 => ec2(1, 32),
        KeyType::P384 => ec2(2, 48),
        KeyType::Ed25519 => Value::Map(vec![
            (int(KTY), int(KTY_OKP)),
            (int(CRV), int(6)),
            (int(X), Value::Bytes(sec1)),
        ]),
        KeyType::Rsa => return Err(Error::InvalidKey("RSA keys cannot be mdoc device keys".into())),
    })
}

/// `valueDigests`: namespace → (digest ID, digest), in the order received.
pub type ValueDigests = Vec<(String, Vec<(u64, Vec<u8>)>)>;

/// The Mobile Security Object (18013-5 §9.1.2.4).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::mdoc::*;
/// let device = SoftwareKey::generate(Algorithm::Es256)?;
/// let mso = MsoBuilder::new(DOCTYPE_EU_PID, DeviceKeyInfo::new(device.public_key())?, ValidityInfo::new(0, 0, 9)?).build();
/// let tagged = mso.to_tagged()?;
/// assert_eq!(Mso::from_value(ciborium::from_reader(tagged.bytes()).unwrap())?, mso);
/// assert_eq!(mso.device_key_info.device_key, *device.public_key());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mso {
    /// `version` ("1.0").
    pub version: String,
    /// `digestAlgorithm`.
    pub digest_algorithm: DigestAlgorithm,
    /// `valueDigests`: namespace → (digest ID, digest), in the order received.
    pub value_digests: ValueDigests,
    /// `deviceKeyInfo`.
    pub device_key_info: DeviceKeyInfo,
    /// `docType`.
    pub doc_type: String,
    /// `validityInfo`.
    pub validity_info: ValidityInfo,
    /// `status` (IETF Token Status List reference), if present.
    pub status: Option<StatusReference>,
}

impl Mso {
    /// Parses the MSO map.
    pub fn from_value(value: Value) -> Result<Self> {
        let mut map = as_map(value, "MobileSecurityObject")?;
        let what = "the MSO";
        let digest_algorithm = into_text(take_req(&mut map, "digestAlgorithm", what)?, "digestAlgorithm")?;
        let status = match take(&mut map, "status") {
            Some(v) => StatusReference::from_cbor(&v)?,
            None => None,
        };
        Ok(Self {
            version: into_text(take_req(&mut map, "version", what)?, "version")?,
            digest_algorithm: DigestAlgorithm::from_name(&digest_algorithm)?,
            value_digests: value_digests_from_value(take_req(&mut map, "valueDigests", what)?)?,
            device_key_info: DeviceKeyInfo::from_value(take_req(&mut map, "deviceKeyInfo", what)?)?,
            doc_type: into_text(take_req(&mut map, "docType", what)?, "docType")?,
            validity_info: ValidityInfo::from_value(take_req(&mut map, "validityInfo", what)?)?,
            status,
        })
    }

    /// The MSO map, keys in 18013-5's CDDL order.
    pub fn to_value(&self) -> Value {
        let digests = self
            .value_digests
            .iter()
            .map(|(ns, ds)| {
                let ds = ds
                    .iter()
                    .map(|(id, d)| (Value::Integer((*id).into()), Value::Bytes(d.clone())))
                    .collect();
                (text(ns), Value::Map(ds))
            })
            .collect();
        let mut map = vec![
            (text("version"), text(&self.version)),
            (text("digestAlgorithm"), text(self.digest_algorithm.name())),
            (text("valueDigests"), Value::Map(digests)),
            (text("deviceKeyInfo"), self.device_key_info.to_value()),
            (text("docType"), text(&self.doc_type)),
            (text("validityInfo"), self.validity_info.to_value()),
        ];
        if let Some(status) = &self.status {
            map.push((text("status"), status.to_cbor()));
        }
        Value::Map(map)
    }

    /// Encodes the MSO as the `MobileSecurityObjectBytes` it is signed as.
    pub fn to_tagged(&self) -> Result<Tagged<Mso>> {
        Ok(Tagged::new(cbor::encode(&self.to_value())?, self.clone()))
    }

    /// The digest the MSO signs for `namespace` / `digest_id`.
    pub fn digest(&self, namespace: &str, digest_id: u64) -> Option<&[u8]> {
        self.value_digests
            .iter()
            .find(|(ns, _)| ns == namespace)?
            .1
            .iter()
            .find(|(id, _)| *id == digest_id)
            .map(|(_, d)| d.as_slice())
    }
}

fn value_digests_from_value(value: Value) -> Result<ValueDigests> {
    let map = as_map(value, "valueDigests")?;
    if map.len() > MAX_NAMESPACES {
        return Err(malformed(format!("more than {MAX_NAMESPACES} namespaces")));
    }
    map.into_iter()
        .map(|(ns, ds)| {
            let ds = as_map(ds, "a namespace's digests")?;
            if ds.len() > MAX_ELEMENTS {
                return Err(malformed(format!(
                    "more than {MAX_ELEMENTS} digests in a namespace"
                )));
            }
            let ds = ds
                .into_iter()
                .map(|(id, d)| Ok((into_uint(&id, "a digest ID")?, into_bytes(d, "a digest")?)))
                .collect::<Result<_>>()?;
            Ok((into_text(ns, "a namespace")?, ds))
        })
        .collect()
}

/// Builds an MSO over issuer-signed items.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::mdoc::{DeviceKeyInfo, IssuerSignedItem, MsoBuilder, ValidityInfo};
/// let device = SoftwareKey::generate(Algorithm::Es256)?;
/// let item = IssuerSignedItem::new(0, vec![0; 16], "given_name", "Ada".into()).to_tagged()?;
/// let mso = MsoBuilder::new("org.iso.18013.5.1.mDL", DeviceKeyInfo::new(device.public_key())?, ValidityInfo::new(0, 0, 60)?)
///     .namespace("org.iso.18013.5.1", &[item])
///     .build();
/// assert!(mso.digest("org.iso.18013.5.1", 0).is_some());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MsoBuilder(Mso);

impl MsoBuilder {
    /// An MSO for `doc_type` with SHA-256 digests and no namespaces yet.
    pub fn new(doc_type: &str, device_key_info: DeviceKeyInfo, validity_info: ValidityInfo) -> Self {
        Self(Mso {
            version: "1.0".into(),
            digest_algorithm: DigestAlgorithm::Sha256,
            value_digests: Vec::new(),
            device_key_info,
            doc_type: doc_type.to_owned(),
            validity_info,
            status: None,
        })
    }

    /// Sets the digest algorithm (call before [`namespace`](Self::namespace)).
    pub fn digest_algorithm(mut self, alg: DigestAlgorithm) -> Self {
        self.0.digest_algorithm = alg;
        self
    }

    /// Adds the digests of a namespace's items.
    pub fn namespace(mut self, namespace: &str, items: &[Tagged<IssuerSignedItem>]) -> Self {
        let alg = self.0.digest_algorithm;
        let digests = items
            .iter()
            .map(|i| (i.value().digest_id, i.tagged_digest(alg)))
            .collect();
        self.0.value_digests.push((namespace.to_owned(), digests));
        self
    }

    /// Adds a Token Status List reference.
    pub fn status(mut self, status: StatusReference) -> Self {
        self.0.status = Some(status);
        self
    }

    /// The MSO.
    pub fn build(self) -> Mso {
        self.0
    }
}
