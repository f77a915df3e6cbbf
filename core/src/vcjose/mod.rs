//! VC-JOSE-COSE (W3C "Securing Verifiable Credentials using JOSE and COSE"): a VCDM 2.0
//! credential or presentation secured as a compact JWS (`typ` `vc+jwt` / `vp+jwt`) or as a
//! COSE_Sign1 (`typ` `application/vc+cose` / `application/vp+cose`). The payload is the
//! credential itself (`application/vc`), not a `vc` claim as in VC-JWT 1.1.
//!
//! Parsing ([`Secured::parse`]) verifies nothing: it checks the envelope (`typ`, `cty`/content
//! type, a signature algorithm in the protected header — `none` is not representable) and the
//! payload's shape, so a verifier can pick the key ([`Secured::resolve_keys`]: the `kid` DID URL
//! of the issuer, or the trust store's keys for the issuer and `kid`), then
//! [`Secured::verify_signature`] and [`Secured::check_time`] as separate steps.
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::did::{did_key, KeyDidResolver};
//! use inkan_core::trust::StaticTrustStore;
//! use inkan_core::vcjose::{self, Secured};
//! use inkan_core::vcjwt::KeySources;
//! let key = SoftwareKey::generate(Algorithm::Es256)?;
//! let did = did_key(key.public_key());
//! let key = key.with_kid(format!("{did}#{}", &did[8..]));
//! let credential = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"],
//!     "issuer": did,
//!     "validFrom": "2026-01-01T00:00:00Z",
//!     "credentialSubject": {"id": "did:example:holder"}
//! });
//! for secured in [vcjose::sign_jwt(&credential, &key)?.into_bytes(), vcjose::sign_cose(&credential, &key)?] {
//!     let parsed = Secured::parse(&secured)?;
//!     let trust = StaticTrustStore::builder().build();
//!     let keys = parsed.resolve_keys(&KeySources { trust: &trust, dids: &KeyDidResolver })?;
//!     keys.verify_with(|k| parsed.verify_signature(k))?;
//!     parsed.check_time(&FixedClock::at_unix(1_800_000_000), 0)?;
//!     assert_eq!(parsed.issuer(), Some(did.as_str()));
//! }
//! # Ok::<(), inkan_core::Error>(())
//! ```

use ciborium::Value as Cbor;
use coset::{HeaderBuilder, Label, RegisteredLabel};
use serde_json::{Map, Value};

use crate::clock::Clock;
use crate::cose::{DecodeOptions, Sign1, Sign1Builder};
use crate::crypto::{Algorithm, PublicKey, Signer};
use crate::did::Relationship;
use crate::encoding::b64url_decode;
use crate::jose::{DEFAULT_MAX_LEN, Header, jws};
use crate::vcdm::{Credential, Presentation, PresentedCredential, Version};
use crate::vcjwt::{KeySources, ResolvedKeys, resolve_keys};
use crate::{Error, Result};

/// `typ` of a JOSE-secured credential.
pub const TYP_VC_JWT: &str = "vc+jwt";
/// `typ` of a JOSE-secured presentation.
pub const TYP_VP_JWT: &str = "vp+jwt";
/// `typ` (label 16) of a COSE-secured credential.
pub const TYP_VC_COSE: &str = "application/vc+cose";
/// `typ` (label 16) of a COSE-secured presentation.
pub const TYP_VP_COSE: &str = "application/vp+cose";
/// Media type of an unsecured credential (COSE content type, JOSE `cty` `vc`).
pub const MEDIA_VC: &str = "application/vc";
/// Media type of an unsecured presentation (COSE content type, JOSE `cty` `vp`).
pub const MEDIA_VP: &str = "application/vp";
/// The VCDM 2.0 base context, which must come first.
pub const CONTEXT_V2: &str = crate::vcdm::CONTEXT_V2;

/// The COSE `typ` header label (RFC 9596).
const COSE_TYP: i64 = 16;

/// What is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A verifiable credential.
    Credential,
    /// A verifiable presentation.
    Presentation,
}

impl Kind {
    fn jose_typ(self) -> &'static str {
        match self {
            Kind::Credential => TYP_VC_JWT,
            Kind::Presentation => TYP_VP_JWT,
        }
    }

    fn cose_typ(self) -> &'static str {
        match self {
            Kind::Credential => TYP_VC_COSE,
            Kind::Presentation => TYP_VP_COSE,
        }
    }

    fn media(self) -> &'static str {
        match self {
            Kind::Credential => MEDIA_VC,
            Kind::Presentation => MEDIA_VP,
        }
    }

    /// What a document's `type` says it is.
    fn of(document: &Map<String, Value>) -> Result<Self> {
        let types = types(document);
        match (
            types.contains(&"VerifiableCredential"),
            types.contains(&"VerifiablePresentation"),
        ) {
            (true, false) => Ok(Kind::Credential),
            (false, true) => Ok(Kind::Presentation),
            _ => Err(malformed(
                "type must include exactly one of VerifiableCredential, VerifiablePresentation",
            )),
        }
    }
}

/// How it is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Envelope {
    /// Compact JWS.
    Jose,
    /// COSE_Sign1.
    Cose,
}

/// Signs a VCDM 2.0 credential or presentation as a compact JWS: `alg` and `kid` from the
/// signer, `typ` `vc+jwt` or `vp+jwt` (by the document's `type`), `cty` omitted (it is optional
/// and the `typ` already says what the payload is).
pub fn sign_jwt(document: &Value, signer: &dyn Signer) -> Result<String> {
    let (kind, payload) = prepare(document)?;
    let header = Header::for_signer(signer).with_typ(kind.jose_typ());
    jws::sign_compact(&payload, &header, signer)
}

/// Signs a VCDM 2.0 credential or presentation as a tagged COSE_Sign1: protected `alg`, `typ`
/// `application/vc+cose` (or `vp+cose`), content type `application/vc` (or `vp`) and the
/// signer's `kid` (UTF-8).
pub fn sign_cose(document: &Value, signer: &dyn Signer) -> Result<Vec<u8>> {
    let (kind, payload) = prepare(document)?;
    let mut protected = HeaderBuilder::new()
        .content_type(kind.media().to_owned())
        .value(COSE_TYP, Cbor::Text(kind.cose_typ().to_owned()));
    if let Some(kid) = signer.key_id() {
        protected = protected.key_id(kid.as_bytes().to_vec());
    }
    Sign1Builder::new(payload)
        .protected(protected.build())
        .sign(signer)?
        .encode(true)
}

/// The document's kind and JSON bytes, after the data model checks a verifier will make.
fn prepare(document: &Value) -> Result<(Kind, Vec<u8>)> {
    let model = Model::check(document.clone())?;
    Ok((model.kind(), serde_json::to_vec(document)?))
}

/// The secured document, checked against the VC Data Model 2.0 rules (core [`crate::vcdm`]).
#[derive(Debug, Clone)]
enum Model {
    Credential(Box<Credential>),
    Presentation(Box<Presentation>),
}

impl Model {
    /// Checks `document` as the credential or presentation its `type` says it is; VC-JOSE-COSE
    /// secures VCDM 2.0 only (a 1.1 credential is VC-JWT's business).
    fn check(document: Value) -> Result<Self> {
        Self::check_as(document, None)
    }

    /// [`Model::check`], first requiring the kind a `typ` announced.
    fn check_as(document: Value, expected: Option<Kind>) -> Result<Self> {
        let map = document
            .as_object()
            .ok_or_else(|| malformed("the document is not a JSON object"))?;
        let first_context = match map.get("@context") {
            Some(Value::Array(items)) => items.first().and_then(Value::as_str),
            Some(Value::String(one)) => Some(one.as_str()),
            _ => None,
        };
        if first_context != Some(CONTEXT_V2) {
            return Err(malformed(format!(
                "VC-JOSE-COSE secures VCDM 2.0: @context must start with {CONTEXT_V2}"
            )));
        }
        let kind = Kind::of(map)?;
        if let Some(expected) = expected
            && expected != kind
        {
            return Err(Error::VcJoseWrongTyp(format!(
                "a {kind:?} under a {expected:?} typ"
            )));
        }
        let model = match kind {
            Kind::Credential => Model::Credential(Box::new(Credential::from_value(document)?)),
            Kind::Presentation => Model::Presentation(Box::new(Presentation::from_value(document)?)),
        };
        debug_assert_eq!(model.version(), Version::V2_0);
        Ok(model)
    }

    fn kind(&self) -> Kind {
        match self {
            Model::Credential(_) => Kind::Credential,
            Model::Presentation(_) => Kind::Presentation,
        }
    }

    fn version(&self) -> Version {
        match self {
            Model::Credential(c) => c.version(),
            Model::Presentation(p) => p.version(),
        }
    }

    fn document(&self) -> &Value {
        match self {
            Model::Credential(c) => c.document(),
            Model::Presentation(p) => p.document(),
        }
    }
}

/// A parsed, unverified VC-JOSE-COSE object.
#[derive(Debug, Clone)]
pub struct Secured {
    kind: Kind,
    envelope: Envelope,
    algorithm: Algorithm,
    kid: Option<String>,
    model: Model,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Jose(String),
    Cose(Box<Sign1>),
}

impl Secured {
    /// Parses a `vc+jwt`/`vp+jwt` compact JWS (text) or a `vc+cose`/`vp+cose` COSE_Sign1
    /// (binary, tagged or not).
    pub fn parse(input: &[u8]) -> Result<Self> {
        if input.len() > DEFAULT_MAX_LEN {
            return Err(Error::TooLarge {
                size: input.len(),
                limit: DEFAULT_MAX_LEN,
            });
        }
        match std::str::from_utf8(input) {
            Ok(text) if text.trim_start().starts_with("eyJ") => Self::parse_jwt(text.trim()),
            _ => Self::parse_cose(input),
        }
    }

    /// Parses a compact JWS: `typ` must be `vc+jwt` or `vp+jwt` (bare or `application/`), `cty`
    /// absent or `vc`/`vp`, `alg` a signature algorithm, no `crit`, and the payload a VCDM 2.0
    /// document of the kind `typ` names.
    pub fn parse_jwt(token: &str) -> Result<Self> {
        let header = jws::peek_header(token)?;
        let typ = header.typ.as_deref().unwrap_or_default();
        let kind = match typ.strip_prefix("application/").unwrap_or(typ) {
            TYP_VC_JWT => Kind::Credential,
            TYP_VP_JWT => Kind::Presentation,
            _ => return Err(Error::VcJoseWrongTyp(format!("typ {typ:?}"))),
        };
        if let Some(cty) = header.cty.as_deref() {
            let bare = kind.media().trim_start_matches("application/");
            if cty != bare && cty != kind.media() {
                return Err(Error::VcJoseWrongCty(cty.to_owned()));
            }
        }
        if header.crit.is_some() {
            return Err(malformed("crit is not supported"));
        }
        let algorithm = jose_algorithm(header.alg.as_deref())?;
        let payload = token
            .split('.')
            .nth(1)
            .ok_or_else(|| malformed("not a compact JWS"))?;
        let bytes = b64url_decode(payload).map_err(|_| malformed("the payload is not base64url"))?;
        let model = model(&bytes, kind)?;
        check_iss(&header, &model)?;
        Ok(Self {
            kind,
            envelope: Envelope::Jose,
            algorithm,
            kid: header.kid,
            model,
            body: Body::Jose(token.to_owned()),
        })
    }

    /// Parses a COSE_Sign1: protected `typ` must be `application/vc+cose` or `vp+cose`, the
    /// content type (if any) `application/vc`/`vp`, `alg` protected; the payload attached.
    pub fn parse_cose(bytes: &[u8]) -> Result<Self> {
        let sign1 = Sign1::decode(bytes, &DecodeOptions::default())?;
        let protected = sign1.protected();
        let typ = protected
            .rest
            .iter()
            .find_map(|(label, value)| match (label, value) {
                (Label::Int(COSE_TYP), Cbor::Text(t)) => Some(t.as_str()),
                _ => None,
            });
        let kind = match typ {
            Some(TYP_VC_COSE) => Kind::Credential,
            Some(TYP_VP_COSE) => Kind::Presentation,
            other => return Err(Error::VcJoseWrongTyp(format!("COSE typ {other:?}"))),
        };
        match &protected.content_type {
            None => {}
            Some(RegisteredLabel::Text(t)) if t == kind.media() => {}
            Some(other) => return Err(Error::VcJoseWrongCty(format!("{other:?}"))),
        }
        let algorithm = sign1
            .algorithm()
            .map_err(|e| Error::VcJoseAlgorithm(e.to_string()))?;
        let payload = sign1
            .payload()
            .ok_or_else(|| malformed("detached payloads are not supported"))?;
        let model = model(payload, kind)?;
        let kid = match sign1.kid() {
            None => None,
            Some(kid) => {
                Some(String::from_utf8(kid.to_vec()).map_err(|_| malformed("the kid is not UTF-8"))?)
            }
        };
        Ok(Self {
            kind,
            envelope: Envelope::Cose,
            algorithm,
            kid,
            model,
            body: Body::Cose(Box::new(sign1)),
        })
    }

    /// Credential or presentation.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// JOSE or COSE.
    pub fn envelope(&self) -> Envelope {
        self.envelope
    }

    /// The signature algorithm of the protected header.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid`, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The secured credential or presentation.
    pub fn document(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        // Model::check only accepts objects.
        self.model.document().as_object().unwrap_or(&EMPTY)
    }

    /// The credential, when a credential is secured.
    pub fn credential(&self) -> Option<&Credential> {
        match &self.model {
            Model::Credential(c) => Some(c),
            Model::Presentation(_) => None,
        }
    }

    /// The presentation, when a presentation is secured.
    pub fn presentation(&self) -> Option<&Presentation> {
        match &self.model {
            Model::Presentation(p) => Some(p),
            Model::Credential(_) => None,
        }
    }

    /// The credential's `issuer` id, or the presentation's `holder` id.
    pub fn issuer(&self) -> Option<&str> {
        match &self.model {
            Model::Credential(c) => Some(c.issuer()),
            Model::Presentation(p) => p.holder(),
        }
    }

    /// The document's `type` values.
    pub fn types(&self) -> Vec<&str> {
        types(self.document())
    }

    /// The keys that may have signed it: a DID URL `kid` must be a key of the issuer's
    /// (holder's) DID in `assertionMethod` (`authentication` for a presentation); otherwise the
    /// trust store's keys for the issuer and `kid`. A presentation without a holder is signed by
    /// the DID its `kid` names.
    pub fn resolve_keys(&self, sources: &KeySources<'_>) -> Result<ResolvedKeys> {
        let rel = match self.kind {
            Kind::Credential => Relationship::AssertionMethod,
            Kind::Presentation => Relationship::Authentication,
        };
        let kid_did = self
            .kid
            .as_deref()
            .filter(|k| k.starts_with("did:"))
            .map(|k| k.split('#').next().unwrap_or_default());
        let signer = match (self.issuer(), kid_did) {
            (Some(issuer), _) => issuer,
            (None, Some(did)) => did,
            (None, None) => return Err(malformed("no issuer/holder and no DID kid")),
        };
        let header = Header {
            kid: self.kid.clone(),
            ..Header::default()
        };
        resolve_keys(&header, signer, rel, sources).map_err(|e| match e {
            Error::VcJwtUnknownKid(m) => Error::VcJoseUnknownKid(m),
            Error::VcJwtIssuerMismatch(m) => Error::VcJoseIssuerMismatch(m),
            Error::VcJwtMalformed(m) => Error::VcJoseMalformed(m),
            other => other,
        })
    }

    /// Verifies the signature with `key`; returns the algorithm.
    pub fn verify_signature(&self, key: &PublicKey) -> Result<Algorithm> {
        match &self.body {
            Body::Jose(token) => {
                let options = jws::VerifyOptions::default();
                Ok(jws::verify_compact(token, key, &options)?.algorithm)
            }
            Body::Cose(sign1) => {
                sign1.verify(key, &[])?;
                Ok(self.algorithm)
            }
        }
    }

    /// The VCDM 2.0 validity period (`validFrom`, `validUntil`) at the clock's time, with
    /// `leeway_secs` either side (core [`Credential::check_validity`]); a presentation has none.
    pub fn check_time(&self, clock: &dyn Clock, leeway_secs: i64) -> Result<()> {
        match &self.model {
            Model::Credential(c) => c.check_validity(clock, u64::try_from(leeway_secs).unwrap_or(0)),
            Model::Presentation(_) => Ok(()),
        }
    }

    /// The credentials a presentation envelops (`EnvelopedVerifiableCredential` with a
    /// `data:application/vc+jwt,` or `data:application/vc+cose;base64,` id), as secured bytes;
    /// an embedded (unsecured) credential is refused.
    pub fn enveloped_credentials(&self) -> Result<Vec<Vec<u8>>> {
        let Model::Presentation(p) = &self.model else {
            return Ok(Vec::new());
        };
        p.credentials().iter().map(enveloped).collect()
    }
}

/// Wraps a secured credential as an `EnvelopedVerifiableCredential` for a presentation.
///
/// ```
/// let item = inkan_core::vcjose::envelop_jwt("eyJ.e30.sig");
/// assert_eq!(item["id"], "data:application/vc+jwt,eyJ.e30.sig");
/// ```
pub fn envelop_jwt(token: &str) -> Value {
    serde_json::json!({
        "@context": CONTEXT_V2,
        "id": format!("data:{MEDIA_VC}+jwt,{token}"),
        "type": "EnvelopedVerifiableCredential",
    })
}

fn enveloped(item: &PresentedCredential) -> Result<Vec<u8>> {
    let PresentedCredential::Enveloped(env) = item else {
        return Err(malformed("only enveloped credentials can be presented"));
    };
    match env.media_type() {
        "application/vc+jwt" => Ok(env.data().as_bytes().to_vec()),
        "application/vc+cose;base64" => {
            crate::encoding::b64_decode(env.data()).map_err(|_| malformed("bad base64 in data: URL"))
        }
        other => Err(malformed(format!("unsupported enveloped credential {other:?}"))),
    }
}

fn jose_algorithm(name: Option<&str>) -> Result<Algorithm> {
    let name = name.ok_or_else(|| Error::VcJoseAlgorithm("no alg".into()))?;
    Algorithm::from_jose(name).map_err(|_| Error::VcJoseAlgorithm(format!("{name:?} is refused")))
}

/// The payload as a VCDM 2.0 document of `kind`.
fn model(bytes: &[u8], kind: Kind) -> Result<Model> {
    let document: Value =
        serde_json::from_slice(bytes).map_err(|e| malformed(format!("payload is not JSON: {e}")))?;
    Model::check_as(document, Some(kind))
}

/// An `iss` in the header or the payload must name the issuer (holder) itself.
fn check_iss(header: &Header, model: &Model) -> Result<()> {
    let expected = match model {
        Model::Credential(c) => Some(c.issuer()),
        Model::Presentation(p) => p.holder(),
    };
    let claimed = [header.extra.get("iss"), model.document().get("iss")];
    for iss in claimed.into_iter().flatten() {
        if iss.as_str() != expected {
            return Err(Error::VcJoseIssuerMismatch(format!(
                "iss {iss} is not the issuer/holder {expected:?}"
            )));
        }
    }
    Ok(())
}

fn types(document: &Map<String, Value>) -> Vec<&str> {
    match document.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::VcJoseMalformed(msg.into())
}

#[cfg(test)]
mod tests;
