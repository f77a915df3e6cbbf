//! The SD-JWT as it travels: parsing and serializing both forms, verifying the Issuer-signed JWT,
//! and processing the Disclosures into the processed payload (RFC 9901 §4, §7.1, §8).

use std::borrow::Borrow;

use serde_json::{Map, Value};

use super::disclosure::shorten;
use super::{ClaimPath, Disclosure, HashAlg, Limits, MAX_DEPTH, PathElem, malformed};
use crate::crypto::{Algorithm, PublicKey};
use crate::encoding::b64url_decode;
use crate::jose::Header;
use crate::jose::jws::{self, JwsJson, VerifyOptions};
use crate::{Error, Result};

/// Unprotected header member carrying the Disclosures in the JWS JSON serialization (§8.1).
const JSON_DISCLOSURES: &str = "disclosures";
/// Unprotected header member carrying the KB-JWT in the JWS JSON serialization (§8.1).
const JSON_KB_JWT: &str = "kb_jwt";

/// How an SD-JWT is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serialization {
    /// `<Issuer-signed JWT>~<Disclosure>~…~[<KB-JWT>]` (RFC 9901 §4).
    Compact,
    /// JWS JSON serialization, general or flattened, with `disclosures`/`kb_jwt` in the first
    /// unprotected header (RFC 9901 §8).
    Json,
}

/// An SD-JWT or SD-JWT+KB, parsed but not verified.
///
/// ```
/// use inkan_core::sdjwt::{Limits, SdJwt, Serialization};
/// let sd = SdJwt::parse("eyJhbGciOiJFUzI1NiJ9.e30.AA~", &Limits::default())?;
/// assert_eq!((sd.serialization(), sd.disclosures().len(), sd.kb_jwt()), (Serialization::Compact, 0, None));
/// assert_eq!(sd.serialize(), "eyJhbGciOiJFUzI1NiJ9.e30.AA~");
/// assert_eq!(SdJwt::parse("no tilde", &Limits::default()).unwrap_err().code(), "sdjwt.malformed");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SdJwt {
    serialization: Serialization,
    /// The Issuer-signed JWT in compact form (for JSON: protected.payload.signature of the
    /// first signature), which `sd_hash` covers.
    issuer_jwt: String,
    /// For JSON: the JWS JSON object without `disclosures` and `kb_jwt`.
    json: Option<Map<String, Value>>,
    disclosures: Vec<Disclosure>,
    kb_jwt: Option<String>,
}

/// An Issuer-signed JWT whose signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedIssuerJwt {
    /// The header (for JSON: protected and unprotected members of the signature that verified).
    pub header: Header,
    /// The signed payload, digests and all (not yet processed).
    pub claims: Map<String, Value>,
    /// The algorithm the signature was checked with.
    pub algorithm: Algorithm,
}

/// The result of [`SdJwt::process`].
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The processed SD-JWT payload: Disclosures in place, `_sd`, `_sd_alg` and unmatched
    /// digests removed.
    pub claims: Map<String, Value>,
    /// The `_sd_alg` in force.
    pub hash_alg: HashAlg,
    /// Where each Disclosure landed, in the order of [`SdJwt::disclosures`].
    pub disclosed: Vec<ClaimPath>,
}

impl SdJwt {
    pub(super) fn from_parts(
        serialization: Serialization,
        issuer_jwt: String,
        json: Option<Map<String, Value>>,
        disclosures: Vec<Disclosure>,
    ) -> Self {
        Self {
            serialization,
            issuer_jwt,
            json,
            disclosures,
            kb_jwt: None,
        }
    }

    /// Parses either serialization: text starting with `{` is JWS JSON, anything else compact.
    ///
    /// Errors: [`Error::TooLarge`], [`Error::SdJwtTooManyDisclosures`],
    /// [`Error::SdJwtMalformed`], [`Error::SdJwtBadDisclosure`].
    pub fn parse(text: &str, limits: &Limits) -> Result<Self> {
        let text = text.trim();
        if text.len() > limits.max_len {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: limits.max_len,
            });
        }
        if text.starts_with('{') {
            Self::parse_json(text, limits)
        } else {
            Self::parse_compact(text, limits)
        }
    }

    fn parse_compact(text: &str, limits: &Limits) -> Result<Self> {
        let mut parts: Vec<&str> = text.split('~').collect();
        if parts.len() < 2 {
            return Err(malformed("compact SD-JWT has no '~'"));
        }
        check_count(parts.len() - 2, limits)?;
        let kb = parts.pop().filter(|kb| !kb.is_empty()).map(str::to_owned);
        let issuer_jwt = parts.remove(0);
        if issuer_jwt.split('.').count() != 3 {
            return Err(malformed("the Issuer-signed JWT must have three parts"));
        }
        let mut buf = Vec::new();
        let disclosures = parts
            .into_iter()
            .map(|d| match d {
                "" => Err(malformed("empty Disclosure between '~'")),
                d => Disclosure::parse_with(d, &mut buf),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            serialization: Serialization::Compact,
            issuer_jwt: issuer_jwt.to_owned(),
            json: None,
            disclosures,
            kb_jwt: kb,
        })
    }

    fn parse_json(text: &str, limits: &Limits) -> Result<Self> {
        let mut json: Map<String, Value> =
            serde_json::from_str(text).map_err(|e| malformed(format!("JWS JSON: {e}")))?;
        let payload = string_member(&json, "payload")?.to_owned();
        let (first_header, first_sig) = match json.get_mut("signatures") {
            Some(Value::Array(list)) if !list.is_empty() => {
                if list.iter().skip(1).any(carries_sd_members) {
                    return Err(malformed(
                        "disclosures and kb_jwt belong in the first signature's header only",
                    ));
                }
                let first = list[0]
                    .as_object_mut()
                    .ok_or_else(|| malformed("JWS signature must be an object"))?;
                (take_sd_members(first)?, signature_parts(first)?)
            }
            Some(_) => return Err(malformed("signatures must be a non-empty array")),
            None => {
                let sd = take_sd_members(&mut json)?;
                (sd, signature_parts(&json)?)
            }
        };
        let (disclosures, kb_jwt) = first_header;
        check_count(disclosures.len(), limits)?;
        let mut buf = Vec::new();
        let disclosures = disclosures
            .iter()
            .map(|d| Disclosure::parse_with(d, &mut buf))
            .collect::<Result<Vec<_>>>()?;
        let (protected, signature) = first_sig;
        Ok(Self {
            serialization: Serialization::Json,
            issuer_jwt: format!("{protected}.{payload}.{signature}"),
            json: Some(json),
            disclosures,
            kb_jwt,
        })
    }

    /// Which serialization this SD-JWT came in (and is written back in).
    pub fn serialization(&self) -> Serialization {
        self.serialization
    }

    /// The Issuer-signed JWT in compact form.
    pub fn issuer_jwt(&self) -> &str {
        &self.issuer_jwt
    }

    /// The Disclosures, in order.
    pub fn disclosures(&self) -> &[Disclosure] {
        &self.disclosures
    }

    /// The Key Binding JWT, if this is an SD-JWT+KB.
    pub fn kb_jwt(&self) -> Option<&str> {
        self.kb_jwt.as_deref()
    }

    pub(super) fn with_parts(&self, disclosures: Vec<Disclosure>, kb_jwt: Option<String>) -> Self {
        Self {
            disclosures,
            kb_jwt,
            ..self.clone()
        }
    }

    /// The string `sd_hash` is taken over: `<Issuer-signed JWT>~<D1>~…~<Dn>~` (§4.3.1; also for
    /// the JSON serialization, §8.1).
    pub fn sd_hash_input(&self) -> String {
        let mut out = String::with_capacity(
            self.issuer_jwt.len()
                + self
                    .disclosures
                    .iter()
                    .map(|d| d.encoded().len() + 1)
                    .sum::<usize>()
                + 1,
        );
        out.push_str(&self.issuer_jwt);
        out.push('~');
        for d in &self.disclosures {
            out.push_str(d.encoded());
            out.push('~');
        }
        out
    }

    /// The base64url `sd_hash` under `hash`: the digest of [`sd_hash_input`](Self::sd_hash_input),
    /// fed part by part (the presentation is not copied into one string first).
    ///
    /// ```
    /// use inkan_core::sdjwt::{HashAlg, Limits, SdJwt};
    /// let sd = SdJwt::parse("eyJhbGciOiJFUzI1NiJ9.e30.AA~WyJzIiwiYSIsMV0~", &Limits::default())?;
    /// assert_eq!(sd.sd_hash(HashAlg::Sha256), HashAlg::Sha256.digest_b64(sd.sd_hash_input().as_bytes()));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn sd_hash(&self, hash: HashAlg) -> String {
        let mut parts = Vec::with_capacity(2 + 2 * self.disclosures.len());
        parts.push(self.issuer_jwt.as_bytes());
        parts.push(b"~");
        for d in &self.disclosures {
            parts.push(d.encoded().as_bytes());
            parts.push(b"~");
        }
        hash.digest_parts_b64(&parts)
    }

    /// Writes the SD-JWT in its serialization.
    pub fn serialize(&self) -> String {
        match &self.json {
            None => {
                let mut out = self.sd_hash_input();
                if let Some(kb) = &self.kb_jwt {
                    out.push_str(kb);
                }
                out
            }
            Some(json) => {
                let mut json = json.clone();
                if let Some(header) = first_header_mut(&mut json) {
                    header.insert(
                        JSON_DISCLOSURES.into(),
                        Value::Array(self.disclosures.iter().map(|d| d.encoded().into()).collect()),
                    );
                    if let Some(kb) = &self.kb_jwt {
                        header.insert(JSON_KB_JWT.into(), kb.clone().into());
                    }
                }
                Value::Object(json).to_string()
            }
        }
    }

    /// The signed payload, decoded but not verified (for a holder choosing what to show).
    pub fn unverified_claims(&self) -> Result<Map<String, Value>> {
        let payload = self
            .issuer_jwt
            .split('.')
            .nth(1)
            .ok_or_else(|| malformed("the Issuer-signed JWT must have three parts"))?;
        let bytes = b64url_decode(payload).map_err(|_| malformed("payload is not base64url"))?;
        decode_claims(&bytes)
    }

    /// Verifies the Issuer-signed JWT with the key `resolve` picks from the header and the
    /// *unverified* payload (by `iss`, `kid`, `x5c`…). For the general JSON serialization each
    /// signature is tried in turn. `none`, HMAC and algorithms outside `opts` are refused.
    pub fn verify_signature<F, K>(&self, opts: &VerifyOptions, mut resolve: F) -> Result<VerifiedIssuerJwt>
    where
        F: FnMut(&Header, &Map<String, Value>) -> Result<K>,
        K: Borrow<PublicKey>,
    {
        match &self.json {
            None => {
                let mut claims = None;
                let v = jws::verify_compact_full(&self.issuer_jwt, None, opts, |header, payload| {
                    let parsed = decode_claims(payload)?;
                    let key = resolve(header, &parsed)?;
                    claims = Some(parsed);
                    Ok(key)
                })?;
                let claims = claims.ok_or_else(|| malformed("payload missing"))?;
                Ok(VerifiedIssuerJwt {
                    header: v.header,
                    claims,
                    algorithm: v.algorithm,
                })
            }
            Some(json) => {
                let parsed = JwsJson::parse(&Value::Object(json.clone()).to_string(), opts)?;
                let claims = decode_claims(parsed.payload())?;
                let v = parsed.verify_any(opts, |h| resolve(h, &claims))?;
                Ok(VerifiedIssuerJwt {
                    header: v.header,
                    claims,
                    algorithm: v.algorithm,
                })
            }
        }
    }

    /// Checks the Disclosures against the digests in `payload` (the verified Issuer-signed
    /// payload) and returns the processed payload (RFC 9901 §7.1 step 3–5).
    ///
    /// Errors: [`Error::SdJwtUnknownHashAlg`], [`Error::SdJwtDuplicateDigest`],
    /// [`Error::SdJwtReservedName`], [`Error::SdJwtClaimConflict`],
    /// [`Error::SdJwtBadDisclosure`] (wrong form for its place), [`Error::SdJwtDigestMismatch`]
    /// (a Disclosure no digest refers to: altered, or from another credential),
    /// [`Error::SdJwtMalformed`] (`_sd` not an array of strings, nesting too deep).
    pub fn process(&self, payload: &Map<String, Value>) -> Result<Processed> {
        self.process_owned(payload.clone())
    }

    /// [`process`](Self::process), consuming the payload: its values move into the processed
    /// payload instead of being copied (the verifier's path, which owns the decoded payload).
    pub fn process_owned(&self, mut claims: Map<String, Value>) -> Result<Processed> {
        let hash_alg = match claims.shift_remove("_sd_alg") {
            None => HashAlg::Sha256,
            Some(Value::String(name)) => HashAlg::from_name(&name)?,
            Some(other) => return Err(Error::SdJwtUnknownHashAlg(other.to_string())),
        };
        // A sorted list beats a hash map at the few dozen Disclosures an SD-JWT carries.
        let mut by_digest: Vec<(String, usize)> = self
            .disclosures
            .iter()
            .enumerate()
            .map(|(i, d)| (d.digest(hash_alg), i))
            .collect();
        by_digest.sort_unstable();
        if let Some(pair) = by_digest.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::SdJwtDuplicateDigest(format!(
                "Disclosure {} is given twice",
                shorten(self.disclosures[pair[1].1].encoded())
            )));
        }
        let mut walker = Walker {
            disclosures: &self.disclosures,
            by_digest,
            unmatched: Vec::new(),
            placed: vec![None; self.disclosures.len()],
        };
        walker.object(&mut claims, &Trail::Root, 0)?;
        walker.unmatched.sort_unstable();
        if let Some(pair) = walker.unmatched.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::SdJwtDuplicateDigest(pair[0].clone()));
        }
        let mut disclosed = Vec::with_capacity(walker.placed.len());
        for (i, place) in walker.placed.into_iter().enumerate() {
            match place {
                Some(path) => disclosed.push(path),
                None => {
                    return Err(Error::SdJwtDigestMismatch(shorten(self.disclosures[i].encoded())));
                }
            }
        }
        Ok(Processed {
            claims,
            hash_alg,
            disclosed,
        })
    }
}

/// Where the walker is: steps chained on the stack, made into a [`ClaimPath`] only when a
/// Disclosure is placed there (most members are never disclosed, so most paths are never built).
#[derive(Clone, Copy)]
enum Trail<'t> {
    Root,
    Key(&'t Trail<'t>, &'t str),
    Index(&'t Trail<'t>, usize),
}

impl Trail<'_> {
    fn to_path(self) -> ClaimPath {
        let mut steps = Vec::new();
        let mut at = self;
        loop {
            at = match at {
                Trail::Root => break,
                Trail::Key(parent, name) => {
                    steps.push(PathElem::Key(name.to_owned()));
                    *parent
                }
                Trail::Index(parent, i) => {
                    steps.push(PathElem::Index(i));
                    *parent
                }
            };
        }
        steps.reverse();
        ClaimPath::new(steps)
    }
}

/// Rewrites the payload in place, replacing digests with the Disclosures they refer to.
struct Walker<'a> {
    disclosures: &'a [Disclosure],
    /// Digest of each Disclosure, sorted, with the Disclosure's index.
    by_digest: Vec<(String, usize)>,
    /// Digests that match no Disclosure (decoys, undisclosed claims): each may appear once too.
    unmatched: Vec<String>,
    /// Where each Disclosure was placed; `Some` as soon as its digest is met.
    placed: Vec<Option<ClaimPath>>,
}

impl<'a> Walker<'a> {
    fn value(&mut self, value: &mut Value, path: &Trail<'_>, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(malformed(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        match value {
            Value::Object(map) => self.object(map, path, depth + 1),
            Value::Array(items) => self.array(items, path, depth + 1),
            _ => Ok(()),
        }
    }

    /// The Disclosure a digest refers to, if any. A digest may appear only once: one met
    /// before is [`Error::SdJwtDuplicateDigest`] (for unmatched digests, checked at the end).
    fn find(&mut self, digest: &str) -> Result<Option<(usize, &'a Disclosure)>> {
        let Ok(at) = self.by_digest.binary_search_by(|(d, _)| d.as_str().cmp(digest)) else {
            self.unmatched.push(digest.to_owned());
            return Ok(None);
        };
        let index = self.by_digest[at].1;
        if self.placed[index].is_some() {
            return Err(Error::SdJwtDuplicateDigest(digest.to_owned()));
        }
        Ok(Some((index, &self.disclosures[index])))
    }

    /// Places Disclosure `index` at `path` and walks its value. The place is taken before the
    /// walk, so meeting the same digest again anywhere (even inside the value) is a duplicate.
    fn place(&mut self, index: usize, path: &Trail<'_>, depth: usize) -> Result<Value> {
        self.placed[index] = Some(path.to_path());
        let mut value = self.disclosures[index].value().clone();
        self.value(&mut value, path, depth)?;
        Ok(value)
    }

    fn object(&mut self, map: &mut Map<String, Value>, path: &Trail<'_>, depth: usize) -> Result<()> {
        let digests = map.shift_remove("_sd");
        for (name, value) in map.iter_mut() {
            self.value(value, &Trail::Key(path, name), depth)?;
        }
        let Some(digests) = digests else {
            return Ok(());
        };
        let Value::Array(digests) = digests else {
            return Err(malformed("_sd must be an array"));
        };
        for digest in &digests {
            let digest = digest
                .as_str()
                .ok_or_else(|| malformed("_sd must hold strings"))?;
            let Some((index, disclosure)) = self.find(digest)? else {
                continue; // a decoy or an undisclosed claim
            };
            let name = match disclosure.name() {
                None => {
                    return Err(Error::SdJwtBadDisclosure(format!(
                        "array-element Disclosure referenced from _sd: {}",
                        shorten(disclosure.encoded())
                    )));
                }
                Some(name @ ("_sd" | "...")) => return Err(Error::SdJwtReservedName(name.to_owned())),
                Some(name) => name,
            };
            if map.contains_key(name) {
                return Err(Error::SdJwtClaimConflict(name.to_owned()));
            }
            let value = self.place(index, &Trail::Key(path, name), depth)?;
            map.insert(name.to_owned(), value);
        }
        Ok(())
    }

    fn array(&mut self, items: &mut Vec<Value>, path: &Trail<'_>, depth: usize) -> Result<()> {
        let mut out = Vec::with_capacity(items.len());
        for mut item in std::mem::take(items) {
            let child = Trail::Index(path, out.len());
            let Some(digest) = array_digest(&item) else {
                self.value(&mut item, &child, depth)?;
                out.push(item);
                continue;
            };
            let Some((index, disclosure)) = self.find(digest)? else {
                continue; // an undisclosed element or a decoy: removed
            };
            if disclosure.name().is_some() {
                return Err(Error::SdJwtBadDisclosure(format!(
                    "object-property Disclosure referenced from an array: {}",
                    shorten(disclosure.encoded())
                )));
            }
            out.push(self.place(index, &child, depth)?);
        }
        *items = out;
        Ok(())
    }
}

/// The digest of an array element of the form `{"...": "<digest>"}`.
fn array_digest(item: &Value) -> Option<&str> {
    match item {
        Value::Object(map) if map.len() == 1 => map.get("...").and_then(Value::as_str),
        _ => None,
    }
}

fn check_count(count: usize, limits: &Limits) -> Result<()> {
    if count > limits.max_disclosures {
        return Err(Error::SdJwtTooManyDisclosures {
            count,
            limit: limits.max_disclosures,
        });
    }
    Ok(())
}

fn decode_claims(payload: &[u8]) -> Result<Map<String, Value>> {
    serde_json::from_slice(payload).map_err(|e| malformed(format!("payload is not a JSON object: {e}")))
}

fn string_member<'a>(map: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    map.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(format!("JWS JSON lacks a string {name}")))
}

/// `protected` and `signature` of one JWS JSON signature object.
fn signature_parts(sig: &Map<String, Value>) -> Result<(String, String)> {
    Ok((
        string_member(sig, "protected")?.to_owned(),
        string_member(sig, "signature")?.to_owned(),
    ))
}

fn carries_sd_members(sig: &Value) -> bool {
    sig.get("header")
        .is_some_and(|h| h.get(JSON_DISCLOSURES).is_some() || h.get(JSON_KB_JWT).is_some())
}

/// Removes `disclosures` and `kb_jwt` from a signature object's unprotected header.
fn take_sd_members(sig: &mut Map<String, Value>) -> Result<(Vec<String>, Option<String>)> {
    let Some(Value::Object(header)) = sig.get_mut("header") else {
        return match sig.get("header") {
            None => Ok((Vec::new(), None)),
            Some(_) => Err(malformed("header must be an object")),
        };
    };
    let disclosures = match header.remove(JSON_DISCLOSURES) {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .into_iter()
            .map(|d| match d {
                Value::String(s) => Ok(s),
                _ => Err(malformed("disclosures must hold strings")),
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(malformed("disclosures must be an array")),
    };
    let kb = match header.remove(JSON_KB_JWT) {
        None => None,
        Some(Value::String(kb)) => Some(kb),
        Some(_) => return Err(malformed("kb_jwt must be a string")),
    };
    if header.is_empty() {
        sig.remove("header");
    }
    Ok((disclosures, kb))
}

/// The first signature's unprotected header, created if absent (`None` only for a shape
/// `parse_json` never keeps).
fn first_header_mut(json: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let sig = if json.contains_key("signatures") {
        json.get_mut("signatures")?
            .as_array_mut()?
            .first_mut()?
            .as_object_mut()?
    } else {
        json
    };
    sig.entry("header")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}
