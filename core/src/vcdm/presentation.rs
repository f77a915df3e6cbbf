//! [`Presentation`] and the credentials it carries: embedded ([`Credential`]) or enveloped
//! ([`EnvelopedCredential`]).

use serde_json::{Map, Value};

use super::context;
use super::credential::{Credential, Version, other_properties, required_types};
use super::rules::{is_url, one_or_many, optional_id, short};
use super::{CONTEXT_V2, parse_document};
use crate::{Error, Result};

/// Most credentials one presentation may carry.
pub const MAX_PRESENTED_CREDENTIALS: usize = 64;

/// An `EnvelopedVerifiableCredential`: a credential secured by an enveloping proof (a VC-JOSE-COSE
/// JWT, SD-JWT or COSE object) carried as a `data:` URL in `id`.
///
/// ```
/// use inkan_core::vcdm::EnvelopedCredential;
/// let env = EnvelopedCredential::from_value(&serde_json::json!({
///   "@context": "https://www.w3.org/ns/credentials/v2",
///   "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
///   "type": "EnvelopedVerifiableCredential"}))?;
/// assert_eq!(env.media_type(), "application/vc+jwt");
/// assert_eq!(env.data(), "eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopedCredential {
    media_type: String,
    data: String,
}

impl EnvelopedCredential {
    /// The `type` that marks an enveloped credential.
    pub const TYPE: &'static str = "EnvelopedVerifiableCredential";

    /// Parses an enveloped credential object: the type, and a `data:` URL in `id`.
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::VcdmEnveloped("must be an object".into()))?;
        if let Some(ctx) = obj.get("@context")
            && one_or_many(ctx).first().and_then(Value::as_str) != Some(CONTEXT_V2)
        {
            return Err(Error::VcdmEnveloped(format!(
                "the first @context must be {CONTEXT_V2}"
            )));
        }
        let typed = obj
            .get("type")
            .map(one_or_many)
            .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(Self::TYPE)));
        if !typed {
            return Err(Error::VcdmEnveloped(format!("type must include {}", Self::TYPE)));
        }
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::VcdmEnveloped("id must be a data: URL".into()))?;
        let (media_type, data) = id
            .strip_prefix("data:")
            .and_then(|rest| rest.split_once(','))
            .ok_or_else(|| Error::VcdmEnveloped("id must be a data: URL".into()))?;
        if media_type.is_empty() || data.is_empty() {
            return Err(Error::VcdmEnveloped(
                "the data: URL has no media type or no data".into(),
            ));
        }
        Ok(EnvelopedCredential {
            media_type: media_type.to_owned(),
            data: data.to_owned(),
        })
    }

    /// The media type of the data URL, with any parameters (`application/vc+jwt`).
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// The data of the data URL (the compact JWT, SD-JWT, or encoded COSE), as written.
    pub fn data(&self) -> &str {
        &self.data
    }
}

/// A credential inside a presentation.
#[derive(Debug, Clone, PartialEq)]
pub enum PresentedCredential {
    /// A credential embedded as JSON (secured by its own embedded proof, if any).
    Embedded(Box<Credential>),
    /// A credential in a `data:` URL.
    Enveloped(EnvelopedCredential),
}

/// A verifiable presentation whose shape follows the data model, kept as the JSON it arrived as.
///
/// ```
/// use inkan_core::vcdm::{Presentation, PresentedCredential};
/// let vp = Presentation::from_json(r#"{
///   "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
///   "holder": "did:example:holder",
///   "verifiableCredential": [{"@context": ["https://www.w3.org/ns/credentials/v2"],
///     "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
///     "credentialSubject": {"id": "did:example:holder"}}]}"#)?;
/// assert_eq!(vp.holder(), Some("did:example:holder"));
/// assert!(matches!(vp.credentials()[0], PresentedCredential::Embedded(_)));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Presentation {
    doc: Value,
    version: Version,
    id: Option<String>,
    types: Vec<String>,
    holder: Option<String>,
    credentials: Vec<PresentedCredential>,
}

impl Presentation {
    /// Parses and checks a presentation from JSON text (size and depth capped).
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_value(parse_document(text)?)
    }

    /// Checks a presentation held as a JSON value, keeping the value as it is.
    pub fn from_value(doc: Value) -> Result<Self> {
        super::check_depth(&doc, super::MAX_DEPTH)?;
        let obj = doc
            .as_object()
            .ok_or_else(|| Error::VcdmMalformed("a presentation must be a JSON object".into()))?;
        let version = Version::of(obj)?;
        let ctx = context::check(obj, version.base_context())?;
        let types = required_types(obj, &ctx, "VerifiablePresentation")?;
        let id = optional_id(obj, "the presentation")?;
        let holder = holder(obj)?;
        let credentials = presented(obj)?;
        other_properties(obj, &ctx)?;
        Ok(Presentation {
            version,
            id,
            types,
            holder,
            credentials,
            doc,
        })
    }

    /// The document as parsed.
    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// The data model version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The presentation's `id`, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The `type` values (always including `VerifiablePresentation`).
    pub fn types(&self) -> &[String] {
        &self.types
    }

    /// The holder's URL: `holder`, or `holder.id`.
    pub fn holder(&self) -> Option<&str> {
        self.holder.as_deref()
    }

    /// The credentials presented, in order.
    pub fn credentials(&self) -> &[PresentedCredential] {
        &self.credentials
    }
}

/// `holder`: absent, a URL, or an object with a URL `id`.
fn holder(obj: &Map<String, Value>) -> Result<Option<String>> {
    let id = match obj.get("holder") {
        None => return Ok(None),
        Some(Value::Object(o)) => o.get("id"),
        Some(other) => Some(other),
    };
    match id {
        Some(Value::String(s)) if is_url(s) => Ok(Some(s.clone())),
        Some(other) => Err(Error::VcdmHolder(format!("{} is not a URL", short(other)))),
        None => Err(Error::VcdmHolder("the holder object has no id".into())),
    }
}

/// `verifiableCredential`: objects only (a bare string is not a credential).
fn presented(obj: &Map<String, Value>) -> Result<Vec<PresentedCredential>> {
    let Some(value) = obj.get("verifiableCredential") else {
        return Ok(Vec::new());
    };
    let items = one_or_many(value);
    if items.len() > MAX_PRESENTED_CREDENTIALS {
        return Err(Error::VcdmMalformed(format!(
            "{} credentials exceed the limit of {MAX_PRESENTED_CREDENTIALS}",
            items.len()
        )));
    }
    items.iter().map(presented_one).collect()
}

fn presented_one(item: &Value) -> Result<PresentedCredential> {
    let obj = item.as_object().ok_or_else(|| {
        Error::VcdmMalformed(
            "verifiableCredential entries must be objects (use an enveloped credential)".into(),
        )
    })?;
    let id_is_data_url = obj
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| id.starts_with("data:"));
    let enveloped_type = obj
        .get("type")
        .map(one_or_many)
        .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(EnvelopedCredential::TYPE)));
    if enveloped_type || id_is_data_url {
        return EnvelopedCredential::from_value(item).map(PresentedCredential::Enveloped);
    }
    Credential::from_value(item.clone()).map(|c| PresentedCredential::Embedded(Box::new(c)))
}
