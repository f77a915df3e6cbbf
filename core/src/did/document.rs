//! The DID document (DID Core 1.0 §5): verification methods holding parsed keys, and the
//! verification relationships that say what each key may be used for.

use std::fmt;

use serde_json::{Map, Value};

use super::{Did, DidUrl};
use crate::crypto::{Jwk, PublicKey, PublicKeyData};
use crate::encoding::{multikey_decode, multikey_encode};
use crate::{Error, Result};

/// Largest DID document JSON accepted by [`DidDocument::from_json`], in bytes.
pub const MAX_DOCUMENT_JSON: usize = 256 * 1024;

/// Most verification methods (listed and embedded) one document may hold: each costs a point
/// validation to parse.
pub const MAX_METHODS: usize = 256;

/// The DID Core base context.
pub(crate) const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";

/// A verification relationship (DID Core §5.3): the purpose a verification method may serve.
///
/// ```
/// use inkan_core::did::Relationship;
/// assert_eq!(Relationship::AssertionMethod.name(), "assertionMethod");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relationship {
    /// `authentication`: proving control of the DID (e.g. holder binding).
    Authentication,
    /// `assertionMethod`: issuing credentials.
    AssertionMethod,
    /// `capabilityInvocation`.
    CapabilityInvocation,
    /// `capabilityDelegation`.
    CapabilityDelegation,
    /// `keyAgreement`: encryption key agreement.
    KeyAgreement,
}

impl Relationship {
    /// Every relationship, in the order documents are written.
    pub const ALL: [Relationship; 5] = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
        Relationship::KeyAgreement,
    ];

    /// The four relationships of a signing key (all but `keyAgreement`).
    pub const SIGNING: [Relationship; 4] = [
        Relationship::Authentication,
        Relationship::AssertionMethod,
        Relationship::CapabilityInvocation,
        Relationship::CapabilityDelegation,
    ];

    /// The JSON member name.
    pub fn name(self) -> &'static str {
        match self {
            Relationship::Authentication => "authentication",
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::CapabilityInvocation => "capabilityInvocation",
            Relationship::CapabilityDelegation => "capabilityDelegation",
            Relationship::KeyAgreement => "keyAgreement",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The public key of a verification method as the document publishes it.
///
/// ```
/// use inkan_core::did::{KeyMaterial, KeyDidResolver, DidResolver};
/// let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
/// let doc = KeyDidResolver.resolve_offline(did)?;
/// let material = doc.verification_methods()[0].material();
/// assert_eq!(material, Some(&KeyMaterial::Multibase(did[8..].to_owned())));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `publicKeyMultibase`: a Multikey value (multicodec-prefixed, base58btc).
    Multibase(String),
    /// `publicKeyJwk`.
    Jwk(Box<Jwk>),
    /// `publicKeyBase58`: raw key bytes (2018-era suites such as Ed25519VerificationKey2018).
    Base58(String),
}

impl KeyMaterial {
    fn member(&self) -> (&'static str, Value) {
        match self {
            KeyMaterial::Multibase(s) => ("publicKeyMultibase", Value::from(s.as_str())),
            KeyMaterial::Jwk(jwk) => ("publicKeyJwk", serde_json::to_value(jwk).unwrap_or_default()),
            KeyMaterial::Base58(s) => ("publicKeyBase58", Value::from(s.as_str())),
        }
    }
}

/// A verification method: its absolute id, type, controller, published key material and the
/// key parsed from it.
///
/// Methods whose key type inkan cannot use (X25519 key agreement keys, secp256k1, P-521…) are
/// kept so the document stays whole; [`VerificationMethod::public_key`] then returns the typed
/// [`Error::UnsupportedAlgorithm`].
///
/// ```
/// use inkan_core::did::DidDocument;
/// let doc = DidDocument::from_json(r##"{"id": "did:web:example.com",
///   "verificationMethod": [{"id": "#enc", "type": "JsonWebKey2020", "controller": "did:web:example.com",
///     "publicKeyJwk": {"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}}]}"##)?;
/// let vm = doc.method("did:web:example.com#enc")?;
/// assert_eq!(vm.id(), "did:web:example.com#enc");
/// assert_eq!(vm.public_key().unwrap_err().code(), "crypto.unsupported_algorithm");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct VerificationMethod {
    id: String,
    type_: String,
    controller: String,
    material: Option<KeyMaterial>,
    key: std::result::Result<PublicKey, Error>,
    other: Map<String, Value>,
}

impl VerificationMethod {
    /// A `Multikey` method (`publicKeyMultibase`), the form current did:key documents use.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::did::VerificationMethod;
    /// let key = SoftwareKey::generate(Algorithm::EdDsa)?.public_key().clone();
    /// let vm = VerificationMethod::multikey("did:ex:1#k".into(), "did:ex:1".into(), key.clone());
    /// assert_eq!(vm.type_(), "Multikey");
    /// assert_eq!(vm.public_key()?, &key);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn multikey(id: String, controller: String, key: PublicKey) -> Self {
        let material = KeyMaterial::Multibase(multikey_encode(key.data()));
        Self::with_key(id, "Multikey", controller, material, key)
    }

    /// A `JsonWebKey2020` method holding `jwk`, which must be the published form of `key`.
    pub(crate) fn json_web_key(id: String, controller: String, jwk: Jwk, key: PublicKey) -> Self {
        Self::with_key(
            id,
            "JsonWebKey2020",
            controller,
            KeyMaterial::Jwk(Box::new(jwk)),
            key,
        )
    }

    fn with_key(id: String, type_: &str, controller: String, material: KeyMaterial, key: PublicKey) -> Self {
        VerificationMethod {
            id,
            type_: type_.to_owned(),
            controller,
            material: Some(material),
            key: Ok(key),
            other: Map::new(),
        }
    }

    /// The absolute DID URL identifying this method.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The method type (`Multikey`, `JsonWebKey2020`, `Ed25519VerificationKey2018`…).
    pub fn type_(&self) -> &str {
        &self.type_
    }

    /// The DID that controls this method.
    pub fn controller(&self) -> &str {
        &self.controller
    }

    /// The key material as published, if any.
    pub fn material(&self) -> Option<&KeyMaterial> {
        self.material.as_ref()
    }

    /// The parsed key, or why it cannot be used ([`Error::UnsupportedAlgorithm`]).
    pub fn public_key(&self) -> Result<&PublicKey> {
        self.key.as_ref().map_err(Clone::clone)
    }

    fn from_value(value: &Value, base: &Did) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::JsonMalformed("a verification method must be an object".into()))?;
        let id = absolute(string_member(obj, "id")?, base)?;
        let type_ = string_member(obj, "type")?.to_owned();
        let controller = string_member(obj, "controller")?.to_owned();
        let material = material(obj, &id)?;
        let key = match &material {
            Some(m) => parse_key(m, &type_),
            None => Err(Error::UnsupportedAlgorithm(format!(
                "{type_} without public key material"
            ))),
        };
        // A method we understand but whose bytes are broken makes the whole document suspect.
        match &key {
            Err(e) if !matches!(e, Error::UnsupportedAlgorithm(_)) => return Err(e.clone()),
            _ => {}
        }
        let other = obj
            .iter()
            .filter(|(k, _)| !KNOWN_METHOD_MEMBERS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(VerificationMethod {
            id,
            type_,
            controller,
            material,
            key,
            other,
        })
    }

    fn to_value(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("id".into(), self.id.clone().into());
        obj.insert("type".into(), self.type_.clone().into());
        obj.insert("controller".into(), self.controller.clone().into());
        if let Some(material) = &self.material {
            let (name, value) = material.member();
            obj.insert(name.into(), value);
        }
        obj.extend(self.other.clone());
        Value::Object(obj)
    }
}

const KEY_MEMBERS: [&str; 3] = ["publicKeyMultibase", "publicKeyJwk", "publicKeyBase58"];
const KNOWN_METHOD_MEMBERS: [&str; 6] = [
    "id",
    "type",
    "controller",
    "publicKeyMultibase",
    "publicKeyJwk",
    "publicKeyBase58",
];

/// The one key-material member of a method (two or more are ambiguous and refused).
fn material(obj: &Map<String, Value>, id: &str) -> Result<Option<KeyMaterial>> {
    let present: Vec<_> = KEY_MEMBERS.iter().filter(|m| obj.contains_key(**m)).collect();
    if present.len() > 1 {
        return Err(Error::JsonMalformed(format!(
            "{id} has more than one public key member"
        )));
    }
    Ok(match present.first().map(|m| **m) {
        Some("publicKeyJwk") => {
            let jwk: Jwk = serde_json::from_value(obj.get("publicKeyJwk").cloned().unwrap_or_default())
                .map_err(|e| Error::InvalidKey(format!("{id}: publicKeyJwk is not a JWK: {e}")))?;
            if jwk.is_private() {
                return Err(Error::InvalidKey(format!(
                    "{id}: publicKeyJwk holds a private key"
                )));
            }
            Some(KeyMaterial::Jwk(Box::new(jwk)))
        }
        Some(name) => {
            let text = string_member(obj, name)?.to_owned();
            Some(if name == "publicKeyMultibase" {
                KeyMaterial::Multibase(text)
            } else {
                KeyMaterial::Base58(text)
            })
        }
        None => None,
    })
}

/// Parses published key material; raw base58 keys need the method type to say what they are.
fn parse_key(material: &KeyMaterial, type_: &str) -> Result<PublicKey> {
    let data = match material {
        KeyMaterial::Jwk(jwk) => PublicKeyData::from_jwk(jwk)?,
        KeyMaterial::Multibase(text) => multikey_decode(text)?,
        KeyMaterial::Base58(text) => {
            let kind = match type_ {
                "Ed25519VerificationKey2018" => crate::crypto::KeyType::Ed25519,
                "P256Key2021" => crate::crypto::KeyType::P256,
                other => {
                    return Err(Error::UnsupportedAlgorithm(format!(
                        "publicKeyBase58 for {other}"
                    )));
                }
            };
            let bytes = bs58::decode(text)
                .into_vec()
                .map_err(|e| Error::InvalidKey(format!("publicKeyBase58: {e}")))?;
            PublicKeyData::from_sec1(kind, &bytes)?
        }
    };
    PublicKey::new(data)
}

/// A verification relationship entry: a reference to a method, or a method embedded in place.
///
/// ```
/// use inkan_core::did::{DidDocument, MethodRef, Relationship};
/// let doc = DidDocument::from_json(r##"{"id": "did:web:example.com", "authentication": ["#k1"]}"##)?;
/// let entry = &doc.relationship(Relationship::Authentication)[0];
/// assert!(matches!(entry, MethodRef::Reference(_)));
/// assert_eq!(entry.id(), "did:web:example.com#k1");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum MethodRef {
    /// The absolute DID URL of a method (listed in `verificationMethod` or elsewhere).
    Reference(String),
    /// A method usable only for this relationship.
    Embedded(Box<VerificationMethod>),
}

impl MethodRef {
    /// The absolute DID URL of the method referred to.
    pub fn id(&self) -> &str {
        match self {
            MethodRef::Reference(id) => id,
            MethodRef::Embedded(vm) => vm.id(),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            MethodRef::Reference(id) => Value::from(id.as_str()),
            MethodRef::Embedded(vm) => vm.to_value(),
        }
    }
}

/// A DID document with parsed verification methods.
///
/// Built by DID methods ([`crate::did::KeyDidResolver`]) or read from JSON
/// ([`DidDocument::from_json`], e.g. a fetched did:web document). Method ids and references are
/// held as absolute DID URLs.
///
/// ```
/// use inkan_core::did::{DidDocument, Relationship};
/// let doc = DidDocument::from_json(r##"{
///   "@context": "https://www.w3.org/ns/did/v1",
///   "id": "did:web:example.com",
///   "verificationMethod": [{"id": "#k1", "type": "JsonWebKey2020", "controller": "did:web:example.com",
///     "publicKeyJwk": {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}],
///   "assertionMethod": ["#k1"]
/// }"##)?;
/// let key = doc.key_for("did:web:example.com#k1", Relationship::AssertionMethod)?;
/// assert!(doc.key_for("did:web:example.com#k1", Relationship::Authentication).is_err());
/// # let _ = key;
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DidDocument {
    id: Did,
    context: Value,
    verification_method: Vec<VerificationMethod>,
    relationships: [Vec<MethodRef>; 5],
    other: Map<String, Value>,
}

impl DidDocument {
    /// An empty document for `id` whose `@context` is `contexts` after the DID Core context.
    ///
    /// ```
    /// use inkan_core::did::{Did, DidDocument};
    /// let doc = DidDocument::new(Did::parse("did:ex:1")?, &[]);
    /// assert_eq!(doc.to_json()["@context"][0], "https://www.w3.org/ns/did/v1");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn new(id: Did, contexts: &[&str]) -> Self {
        let context = std::iter::once(DID_CONTEXT)
            .chain(contexts.iter().copied())
            .map(Value::from)
            .collect();
        DidDocument {
            id,
            context: Value::Array(context),
            verification_method: Vec::new(),
            relationships: Default::default(),
            other: Map::new(),
        }
    }

    /// Adds `method` to `verificationMethod` and references it from each of `relationships`.
    pub fn add_method(&mut self, method: VerificationMethod, relationships: &[Relationship]) {
        for rel in relationships {
            self.relationships[rel.index()].push(MethodRef::Reference(method.id.clone()));
        }
        self.verification_method.push(method);
    }

    /// The DID this document describes.
    pub fn id(&self) -> &Did {
        &self.id
    }

    /// The listed verification methods (`verificationMethod`).
    pub fn verification_methods(&self) -> &[VerificationMethod] {
        &self.verification_method
    }

    /// The entries of one verification relationship.
    pub fn relationship(&self, rel: Relationship) -> &[MethodRef] {
        &self.relationships[rel.index()]
    }

    /// Every method, listed or embedded.
    fn all_methods(&self) -> impl Iterator<Item = &VerificationMethod> {
        let embedded = self.relationships.iter().flatten().filter_map(|r| match r {
            MethodRef::Embedded(vm) => Some(vm.as_ref()),
            MethodRef::Reference(_) => None,
        });
        self.verification_method.iter().chain(embedded)
    }

    /// Finds the method a DID URL names.
    ///
    /// A DID URL without fragment names the document's only method, if it has exactly one (the
    /// case for did:key and did:jwk). Errors: [`Error::DidNotFound`] when the URL is for another
    /// DID, has a path or query, or names no method here.
    pub fn method(&self, did_url: &str) -> Result<&VerificationMethod> {
        let id = self.method_id(did_url)?;
        match id {
            Some(id) => self.all_methods().find(|vm| vm.id == id),
            None => single(self.all_methods()),
        }
        .ok_or_else(|| Error::DidNotFound(format!("no single verification method for {did_url}")))
    }

    /// The key of the method a DID URL names, whatever its relationships.
    ///
    /// For checking an issuer's signature use [`DidDocument::key_for`] with
    /// [`Relationship::AssertionMethod`], which also checks the key may be used that way.
    ///
    /// ```
    /// use inkan_core::did::{DidResolver, KeyDidResolver};
    /// let did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    /// let doc = KeyDidResolver.resolve_offline(did)?;
    /// let key = doc.resolve_key(&format!("{did}#{}", &did[8..]))?;
    /// assert_eq!(doc.resolve_key(did)?, key); // the only method
    /// assert_eq!(doc.resolve_key(&format!("{did}#other")).unwrap_err().code(), "did.not_found");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn resolve_key(&self, did_url: &str) -> Result<&PublicKey> {
        self.method(did_url)?.public_key()
    }

    /// The key of the method a DID URL names, if the document authorises it for `rel`.
    ///
    /// Without a fragment the relationship must hold exactly one method.
    pub fn key_for(&self, did_url: &str, rel: Relationship) -> Result<&PublicKey> {
        let id = self.method_id(did_url)?;
        let entries = self.relationship(rel);
        let entry = match &id {
            Some(id) => entries.iter().find(|r| r.id() == id),
            None => single(entries.iter()),
        }
        .ok_or_else(|| Error::DidNotFound(format!("no {rel} verification method for {did_url}")))?;
        match entry {
            MethodRef::Embedded(vm) => vm.public_key(),
            MethodRef::Reference(id) => self.method(id)?.public_key(),
        }
    }

    /// The absolute method id a DID URL names (`None`: no fragment), checking it is for this DID.
    fn method_id(&self, did_url: &str) -> Result<Option<String>> {
        let url = DidUrl::parse(did_url)?;
        if url.did() != &self.id {
            return Err(Error::DidNotFound(format!(
                "{did_url} is not in the document of {}",
                self.id
            )));
        }
        if !url.path().is_empty() || url.query().is_some() {
            return Err(Error::DidNotFound(format!(
                "{did_url}: paths and queries cannot be dereferenced offline"
            )));
        }
        Ok(url.fragment().map(|f| format!("{}#{f}", self.id)))
    }

    /// Parses a DID document from JSON text (capped at [`MAX_DOCUMENT_JSON`] bytes).
    ///
    /// Keys are parsed from `publicKeyJwk`, `publicKeyMultibase` (Multikey) or `publicKeyBase58`
    /// (Ed25519VerificationKey2018, P256Key2021). Relative ids (`#key-1`) are made absolute.
    /// Errors: [`Error::JsonMalformed`] for a wrong shape or duplicate method ids,
    /// [`Error::DidMalformed`] for a bad `id`, key errors for broken key material (an unsupported
    /// key type is not an error: see [`VerificationMethod`]).
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_DOCUMENT_JSON {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_DOCUMENT_JSON,
            });
        }
        Self::from_value(&serde_json::from_str(text)?)
    }

    /// Parses a DID document from a JSON value (see [`DidDocument::from_json`]).
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::JsonMalformed("a DID document must be an object".into()))?;
        let id = Did::parse(string_member(obj, "id")?)?;
        let verification_method = match obj.get("verificationMethod") {
            Some(list) => too_many(array(list, "verificationMethod")?)?
                .iter()
                .map(|v| VerificationMethod::from_value(v, &id))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let mut relationships: [Vec<MethodRef>; 5] = Default::default();
        for rel in Relationship::ALL {
            if let Some(list) = obj.get(rel.name()) {
                relationships[rel.index()] = too_many(array(list, rel.name())?)?
                    .iter()
                    .map(|v| method_ref(v, &id))
                    .collect::<Result<_>>()?;
            }
        }
        let other = obj
            .iter()
            .filter(|(k, _)| !is_document_member(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let doc = DidDocument {
            id,
            context: obj.get("@context").cloned().unwrap_or(Value::Null),
            verification_method,
            relationships,
            other,
        };
        doc.check_methods()?;
        Ok(doc)
    }

    /// Enforces the method cap and DID Core's unique method ids.
    fn check_methods(&self) -> Result<()> {
        let mut ids: Vec<&str> = self.all_methods().map(VerificationMethod::id).collect();
        if ids.len() > MAX_METHODS {
            return Err(Error::JsonMalformed(format!(
                "{} verification methods (at most {MAX_METHODS})",
                ids.len()
            )));
        }
        ids.sort_unstable();
        match ids.windows(2).find(|w| w.first() == w.get(1)) {
            Some(dup) => Err(Error::JsonMalformed(format!(
                "duplicate verification method id {}",
                dup.first().copied().unwrap_or_default()
            ))),
            None => Ok(()),
        }
    }

    /// The document as JSON (`@context`, `id`, `verificationMethod`, the non-empty relationships,
    /// then any other members it was read with).
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        if !self.context.is_null() {
            obj.insert("@context".into(), self.context.clone());
        }
        obj.insert("id".into(), self.id.as_str().into());
        let methods = self.verification_method.iter().map(VerificationMethod::to_value);
        obj.insert("verificationMethod".into(), Value::Array(methods.collect()));
        for rel in Relationship::ALL {
            let entries = self.relationship(rel);
            if !entries.is_empty() {
                obj.insert(
                    rel.name().into(),
                    entries.iter().map(MethodRef::to_value).collect(),
                );
            }
        }
        obj.extend(self.other.clone());
        Value::Object(obj)
    }
}

fn is_document_member(name: &str) -> bool {
    ["@context", "id", "verificationMethod"].contains(&name)
        || Relationship::ALL.iter().any(|r| r.name() == name)
}

fn method_ref(value: &Value, base: &Did) -> Result<MethodRef> {
    match value {
        Value::String(s) => Ok(MethodRef::Reference(absolute(s, base)?)),
        Value::Object(_) => Ok(MethodRef::Embedded(Box::new(VerificationMethod::from_value(
            value, base,
        )?))),
        _ => Err(Error::JsonMalformed(
            "a relationship entry must be a string or an object".into(),
        )),
    }
}

/// Resolves a method id against the document's DID: `#frag` becomes `<did>#frag`.
fn absolute(id: &str, base: &Did) -> Result<String> {
    let full = if id.starts_with('#') {
        format!("{base}{id}")
    } else {
        id.to_owned()
    };
    DidUrl::parse(&full)?;
    Ok(full)
}

/// Refuses a list longer than [`MAX_METHODS`] before any of its keys is parsed.
fn too_many(list: &[Value]) -> Result<&[Value]> {
    if list.len() > MAX_METHODS {
        return Err(Error::JsonMalformed(format!(
            "{} entries in a method list (at most {MAX_METHODS})",
            list.len()
        )));
    }
    Ok(list)
}

/// The only item of `items`, if there is exactly one.
fn single<T>(mut items: impl Iterator<Item = T>) -> Option<T> {
    let first = items.next()?;
    items.next().is_none().then_some(first)
}

fn string_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    obj.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::JsonMalformed(format!("\"{name}\" must be a string")))
}

fn array<'a>(value: &'a Value, name: &str) -> Result<&'a Vec<Value>> {
    value
        .as_array()
        .ok_or_else(|| Error::JsonMalformed(format!("\"{name}\" must be an array")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Algorithm, SoftwareKey};
    use serde_json::json;

    fn relationship_ids(doc: &DidDocument, rel: Relationship) -> Vec<&str> {
        doc.relationship(rel).iter().map(MethodRef::id).collect()
    }

    const ED: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

    fn doc(body: &str) -> Result<DidDocument> {
        DidDocument::from_json(&format!(r#"{{"id":"did:web:example.com",{body}}}"#))
    }

    #[test]
    fn relative_and_embedded_methods() {
        let d = doc(&format!(
            r##""verificationMethod":[{{"id":"#a","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{ED}}}],
               "authentication":[{{"id":"#b","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{ED}}}],
               "assertionMethod":["#a"],"service":[{{"id":"#s","type":"X","serviceEndpoint":"https://x"}}]"##
        ))
        .unwrap();
        assert_eq!(
            relationship_ids(&d, Relationship::AssertionMethod),
            ["did:web:example.com#a"]
        );
        assert!(
            d.key_for("did:web:example.com#b", Relationship::Authentication)
                .is_ok()
        );
        assert_eq!(
            d.key_for("did:web:example.com#b", Relationship::AssertionMethod)
                .unwrap_err()
                .code(),
            "did.not_found"
        );
        // No fragment: two methods in the document, one in assertionMethod.
        assert_eq!(
            d.resolve_key("did:web:example.com").unwrap_err().code(),
            "did.not_found"
        );
        assert!(
            d.key_for("did:web:example.com", Relationship::AssertionMethod)
                .is_ok()
        );
        assert_eq!(
            d.resolve_key("did:web:other.com#a").unwrap_err().code(),
            "did.not_found"
        );
        assert_eq!(
            d.resolve_key("did:web:example.com?x=1#a").unwrap_err().code(),
            "did.not_found"
        );
        // Unknown members survive a round trip.
        assert_eq!(d.to_json()["service"][0]["serviceEndpoint"], "https://x");
        let again = DidDocument::from_value(&d.to_json()).unwrap();
        assert_eq!(again.to_json(), d.to_json());
    }

    #[test]
    fn unsupported_keys_are_kept_broken_keys_are_not() {
        let x25519 = r#"{"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}"#;
        let d = doc(&format!(
            r##""verificationMethod":[{{"id":"#x","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{x25519}}}]"##
        ))
        .unwrap();
        assert_eq!(
            d.resolve_key("did:web:example.com#x").unwrap_err().code(),
            "crypto.unsupported_algorithm"
        );
        let broken = r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA"}"#;
        let err = doc(&format!(
            r##""verificationMethod":[{{"id":"#x","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{broken}}}]"##
        ))
        .unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
    }

    #[test]
    fn malformed_documents() {
        let vm = |extra: &str| {
            format!(
                r##""verificationMethod":[{{"id":"#a","type":"T","controller":"did:web:example.com"{extra}}}]"##
            )
        };
        let private = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}"#;
        let cases = [
            (
                doc(&vm(&format!(r#","publicKeyJwk":{private}"#))),
                "crypto.invalid_key",
            ),
            (
                doc(&vm(r#","publicKeyMultibase":"zX","publicKeyBase58":"X""#)),
                "json.malformed",
            ),
            (doc(r#""verificationMethod":{}"#), "json.malformed"),
            (doc(r#""authentication":[1]"#), "json.malformed"),
            (doc(r##""authentication":["#a b"]"##), "did.malformed"),
            (
                DidDocument::from_json(r#"{"id":"web:example.com"}"#),
                "did.malformed",
            ),
            (DidDocument::from_json("[]"), "json.malformed"),
            (DidDocument::from_json("{"), "json.malformed"),
        ];
        for (result, code) in cases {
            assert_eq!(result.unwrap_err().code(), code);
        }
        let dup = format!(
            r##""verificationMethod":[{{"id":"#a","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{ED}}}],
               "authentication":[{{"id":"did:web:example.com#a","type":"JsonWebKey2020","controller":"did:web:example.com","publicKeyJwk":{ED}}}]"##
        );
        assert_eq!(doc(&dup).unwrap_err().code(), "json.malformed");
        let many = vec![json!("#a"); MAX_METHODS + 1];
        let err = DidDocument::from_value(&json!({"id": "did:web:x", "authentication": many})).unwrap_err();
        assert_eq!(err.code(), "json.malformed");
        let big = format!(
            r#"{{"id":"did:web:x","pad":"{}"}}"#,
            " ".repeat(MAX_DOCUMENT_JSON)
        );
        assert_eq!(
            DidDocument::from_json(&big).unwrap_err().code(),
            "input.too_large"
        );
    }

    #[test]
    fn built_documents_read_back() {
        let key = SoftwareKey::generate(Algorithm::Es384)
            .unwrap()
            .public_key()
            .clone();
        let did = Did::parse("did:ex:1").unwrap();
        let mut d = DidDocument::new(did, &["https://w3id.org/security/multikey/v1"]);
        d.add_method(
            VerificationMethod::multikey("did:ex:1#k".into(), "did:ex:1".into(), key.clone()),
            &Relationship::SIGNING,
        );
        let again = DidDocument::from_value(&d.to_json()).unwrap();
        assert_eq!(
            again
                .key_for("did:ex:1#k", Relationship::CapabilityDelegation)
                .unwrap(),
            &key
        );
        assert!(again.relationship(Relationship::KeyAgreement).is_empty());
        assert_eq!(again.to_json(), d.to_json());
    }
}
