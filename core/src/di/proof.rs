//! The proof object ([`Proof`], parsed from what a document carries) and the options a new proof
//! is made from ([`ProofOptions`]).

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::suite::Cryptosuite;
use crate::did::Relationship;
use crate::encoding::{Multibase, multibase_decode, multibase_encode};
use crate::{Error, Result};

/// The proof `type` of every Data Integrity cryptosuite.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// Longest `proofValue` accepted, in characters (ECDSA P-384 needs 132).
const MAX_PROOF_VALUE: usize = 1024;

fn malformed(msg: impl Into<String>) -> Error {
    Error::DiMalformedProof(msg.into())
}

/// The verification relationship a `proofPurpose` names.
///
/// ```
/// use inkan_core::did::Relationship;
/// assert_eq!(inkan_core::di::purpose_from_name("assertionMethod")?, Relationship::AssertionMethod);
/// assert!(inkan_core::di::purpose_from_name("sayHello").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn purpose_from_name(name: &str) -> Result<Relationship> {
    Relationship::ALL
        .into_iter()
        .find(|r| r.name() == name)
        .ok_or_else(|| malformed(format!("unknown proofPurpose {name:?}")))
}

/// A proof as a document carries it: every member as published, and the parsed fields.
///
/// ```
/// use inkan_core::di::{Cryptosuite, Proof};
/// let proof = Proof::from_value(&serde_json::json!({
///   "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
///   "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
///   "proofPurpose": "assertionMethod", "created": "2023-02-24T23:36:38Z",
///   "proofValue": "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"}))?;
/// assert_eq!(proof.cryptosuite(), Cryptosuite::EddsaJcs2022);
/// assert_eq!(proof.proof_value().len(), 64);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    members: Map<String, Value>,
    cryptosuite: Cryptosuite,
    verification_method: String,
    purpose: Relationship,
    id: Option<String>,
    created: Option<OffsetDateTime>,
    expires: Option<OffsetDateTime>,
    challenge: Option<String>,
    domains: Vec<String>,
    previous: Vec<String>,
    proof_value: Vec<u8>,
    /// The protected header (base64url) of an `Ed25519Signature2018` detached JWS.
    jws_header: Option<String>,
}

impl Proof {
    /// Parses a proof object. Errors: [`Error::DiMalformedProof`] for a wrong shape,
    /// [`Error::DiUnknownCryptosuite`] for a suite inkan does not implement,
    /// [`Error::DiBadProofValue`] for a `proofValue` that is not multibase base58btc.
    pub fn from_value(value: &Value) -> Result<Self> {
        let members = value
            .as_object()
            .ok_or_else(|| malformed("a proof must be an object"))?;
        let cryptosuite = match str_member(members, "type")? {
            Some(DATA_INTEGRITY_PROOF) => Cryptosuite::from_name(
                str_member(members, "cryptosuite")?.ok_or_else(|| malformed("cryptosuite is missing"))?,
            )?,
            Some(other) if members.contains_key("cryptosuite") => {
                // Legacy proof types name their suite in `type`; one with a `cryptosuite` too is
                // neither kind (and without the `jsonld` feature not a known type at all).
                Cryptosuite::from_proof_type(other)?;
                return Err(malformed(format!("{other} proofs have no cryptosuite")));
            }
            Some(other) => Cryptosuite::from_proof_type(other)?,
            None => return Err(malformed("type is missing")),
        };
        let verification_method = str_member(members, "verificationMethod")?
            .ok_or_else(|| malformed("verificationMethod is missing"))?
            .to_owned();
        let purpose = purpose_from_name(
            str_member(members, "proofPurpose")?.ok_or_else(|| malformed("proofPurpose is missing"))?,
        )?;
        let (proof_value, jws_header) =
            match (str_member(members, "proofValue")?, str_member(members, "jws")?) {
                (Some(value), _) => (decode_proof_value(value)?, None),
                #[cfg(feature = "jsonld")]
                (None, Some(jws)) if cryptosuite == Cryptosuite::Ed25519Signature2018 => {
                    let (header, signature) = decode_detached_jws(jws)?;
                    (signature, Some(header))
                }
                _ => return Err(Error::DiBadProofValue("proofValue is missing".into())),
            };
        Ok(Proof {
            id: str_member(members, "id")?.map(str::to_owned),
            created: date_member(members, "created")?,
            expires: date_member(members, "expires")?,
            challenge: str_member(members, "challenge")?.map(str::to_owned),
            domains: strings_member(members, "domain")?,
            previous: strings_member(members, "previousProof")?,
            members: members.clone(),
            cryptosuite,
            verification_method,
            purpose,
            proof_value,
            jws_header,
        })
    }

    /// Every member as published.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// The proof options: the proof without `proofValue` (what the proof configuration hashes).
    pub fn options(&self) -> Map<String, Value> {
        let mut options = self.members.clone();
        options.remove("proofValue");
        options.remove("jws");
        options
    }

    /// The cryptosuite.
    pub fn cryptosuite(&self) -> Cryptosuite {
        self.cryptosuite
    }

    /// What the signature covers, given the suite's hash data: the hash data itself, or for an
    /// `Ed25519Signature2018` JWS (RFC 7797, unencoded payload) `header "." hash data`.
    pub fn signing_input(&self, hash_data: Vec<u8>) -> Vec<u8> {
        match &self.jws_header {
            None => hash_data,
            Some(header) => {
                let mut input = Vec::with_capacity(header.len() + 1 + hash_data.len());
                input.extend_from_slice(header.as_bytes());
                input.push(b'.');
                input.extend(hash_data);
                input
            }
        }
    }

    /// The `verificationMethod` URL.
    pub fn verification_method(&self) -> &str {
        &self.verification_method
    }

    /// The `proofPurpose`.
    pub fn purpose(&self) -> Relationship {
        self.purpose
    }

    /// The proof's `id`, if any (proof chains refer to it).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// `created`, if given.
    pub fn created(&self) -> Option<OffsetDateTime> {
        self.created
    }

    /// `expires`, if given.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        self.expires
    }

    /// `challenge`, if given.
    pub fn challenge(&self) -> Option<&str> {
        self.challenge.as_deref()
    }

    /// `domain` values (one string or several).
    pub fn domains(&self) -> &[String] {
        &self.domains
    }

    /// `previousProof` ids (empty when the proof starts no chain).
    pub fn previous_proofs(&self) -> &[String] {
        &self.previous
    }

    /// The decoded `proofValue` (the signature bytes).
    pub fn proof_value(&self) -> &[u8] {
        &self.proof_value
    }
}

/// What a new proof is made from (DI 1.0 §4.2 "proof options").
///
/// ```
/// use inkan_core::di::{Cryptosuite, ProofOptions};
/// use inkan_core::did::Relationship;
/// let opts = ProofOptions::new(Cryptosuite::EddsaJcs2022, "did:example:i#k", Relationship::AssertionMethod)
///     .created(time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap())
///     .challenge("n-0S6_WzA2Mj");
/// assert_eq!(opts.to_members()["created"], "2023-11-14T22:13:20Z");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProofOptions {
    suite: Cryptosuite,
    verification_method: String,
    purpose: Relationship,
    id: Option<String>,
    created: Option<OffsetDateTime>,
    expires: Option<OffsetDateTime>,
    challenge: Option<String>,
    domain: Option<String>,
    previous: Vec<String>,
}

impl ProofOptions {
    /// Options for a proof by `verification_method` for `purpose`.
    pub fn new(suite: Cryptosuite, verification_method: impl Into<String>, purpose: Relationship) -> Self {
        ProofOptions {
            suite,
            verification_method: verification_method.into(),
            purpose,
            id: None,
            created: None,
            expires: None,
            challenge: None,
            domain: None,
            previous: Vec::new(),
        }
    }

    /// The cryptosuite.
    pub fn suite(&self) -> Cryptosuite {
        self.suite
    }

    /// Sets `created` (written in whole seconds, UTC).
    pub fn created(mut self, at: OffsetDateTime) -> Self {
        self.created = Some(at);
        self
    }

    /// Sets `expires`.
    pub fn expires(mut self, at: OffsetDateTime) -> Self {
        self.expires = Some(at);
        self
    }

    /// Sets the proof's `id` (needed for a proof that others chain to).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets `challenge` (a presentation's nonce).
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Sets `domain` (a presentation's audience).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Makes the proof part of a chain after the proofs with these ids.
    pub fn previous_proofs(mut self, ids: Vec<String>) -> Self {
        self.previous = ids;
        self
    }

    /// The ids of the proofs this one chains to.
    pub(crate) fn previous(&self) -> &[String] {
        &self.previous
    }

    /// The proof members these options give, without `@context` and `proofValue`.
    pub fn to_members(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("type".into(), DATA_INTEGRITY_PROOF.into());
        if let Some(id) = &self.id {
            m.insert("id".into(), id.as_str().into());
        }
        m.insert("cryptosuite".into(), self.suite.name().into());
        if let Some(t) = self.created {
            m.insert("created".into(), format_date(t).into());
        }
        if let Some(t) = self.expires {
            m.insert("expires".into(), format_date(t).into());
        }
        m.insert(
            "verificationMethod".into(),
            self.verification_method.as_str().into(),
        );
        m.insert("proofPurpose".into(), self.purpose.name().into());
        if let Some(c) = &self.challenge {
            m.insert("challenge".into(), c.as_str().into());
        }
        if let Some(d) = &self.domain {
            m.insert("domain".into(), d.as_str().into());
        }
        match self.previous.as_slice() {
            [] => {}
            [one] => {
                m.insert("previousProof".into(), one.as_str().into());
            }
            many => {
                m.insert(
                    "previousProof".into(),
                    many.iter().map(|s| Value::from(s.as_str())).collect(),
                );
            }
        }
        m
    }
}

/// An XML Schema dateTimeStamp in UTC, whole seconds (`2023-02-24T23:36:38Z`).
pub(crate) fn format_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Encodes a signature as a `proofValue` (multibase base58btc).
pub(crate) fn encode_proof_value(signature: &[u8]) -> String {
    multibase_encode(Multibase::Base58Btc, signature)
}

fn decode_proof_value(text: &str) -> Result<Vec<u8>> {
    if text.len() > MAX_PROOF_VALUE {
        return Err(Error::DiBadProofValue(format!(
            "longer than {MAX_PROOF_VALUE} characters"
        )));
    }
    match multibase_decode(text) {
        Ok((Multibase::Base58Btc, bytes)) => Ok(bytes),
        Ok(_) => Err(Error::DiBadProofValue("not base58btc (z…) multibase".into())),
        Err(e) => Err(Error::DiBadProofValue(e.to_string())),
    }
}

/// Splits an `Ed25519Signature2018` detached JWS (`header..signature`) and checks its header:
/// EdDSA with an unencoded payload (`b64: false`, named in `crit`), nothing else.
#[cfg(feature = "jsonld")]
fn decode_detached_jws(jws: &str) -> Result<(String, Vec<u8>)> {
    use crate::encoding::b64url_decode;
    let bad = |msg: &str| Error::DiBadProofValue(format!("jws: {msg}"));
    if jws.len() > MAX_PROOF_VALUE {
        return Err(bad("too long"));
    }
    let (header, signature) = jws.split_once("..").ok_or_else(|| bad("not a detached JWS"))?;
    let decoded = b64url_decode(header).map_err(|_| bad("header is not base64url"))?;
    let fields: Value = serde_json::from_slice(&decoded).map_err(|_| bad("header is not JSON"))?;
    let crit_b64 = fields["crit"]
        .as_array()
        .is_some_and(|c| c.iter().any(|v| v == "b64"));
    if fields["alg"] != "EdDSA" || fields["b64"] != false || !crit_b64 {
        return Err(bad(
            "header must be {\"alg\":\"EdDSA\",\"b64\":false,\"crit\":[\"b64\"]}",
        ));
    }
    let signature = b64url_decode(signature).map_err(|_| bad("signature is not base64url"))?;
    Ok((header.to_owned(), signature))
}

fn str_member<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(format!("{name} must be a string"))),
    }
}

fn strings_member(obj: &Map<String, Value>, name: &str) -> Result<Vec<String>> {
    match obj.get(name) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| malformed(format!("{name} must hold strings")))
            })
            .collect(),
        Some(_) => Err(malformed(format!(
            "{name} must be a string or an array of strings"
        ))),
    }
}

fn date_member(obj: &Map<String, Value>, name: &str) -> Result<Option<OffsetDateTime>> {
    str_member(obj, name)?
        .map(|s| {
            OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|_| malformed(format!("{name} {s:?} is not a dateTime")))
        })
        .transpose()
}
