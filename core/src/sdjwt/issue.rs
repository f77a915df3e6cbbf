//! Issuance (RFC 9901 §4.1–4.2): claims + a disclosure frame → signed SD-JWT with Disclosures.

use std::collections::{BTreeMap, BTreeSet};

use rand_core::{OsRng, RngCore};
use serde_json::{Map, Value};

use super::{ClaimPath, Disclosure, HashAlg, PathElem, SdJwt, Serialization};
use crate::crypto::Signer;
use crate::encoding::b64url_encode;
use crate::jose::jws::{self, SignatureSpec};
use crate::jose::{Header, jwt};
use crate::{Error, Result};

/// Where salts and decoy digests come from. [`OsSalts`] is the real one; tests inject a
/// deterministic source.
///
/// ```
/// use inkan_core::sdjwt::{OsSalts, SaltSource};
/// let salt = OsSalts.salt()?;
/// assert_eq!(salt.len(), 22); // 128 bits, base64url
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub trait SaltSource {
    /// A fresh salt (RFC 9901 §9.3 recommends at least 128 random bits).
    fn salt(&mut self) -> Result<String>;
    /// Random bytes whose digest becomes a decoy digest.
    fn decoy(&mut self) -> Result<Vec<u8>> {
        Ok(self.salt()?.into_bytes())
    }
}

/// Salts of 16 bytes from the operating system's CSPRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsSalts;

impl SaltSource for OsSalts {
    fn salt(&mut self) -> Result<String> {
        let mut bytes = [0u8; 16];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| Error::Crypto(format!("no randomness for salts: {e}")))?;
        Ok(b64url_encode(bytes))
    }
}

/// Which claims are selectively disclosable, level by level, and how many decoys to add.
///
/// Its JSON form is the one sd-jwt-js uses: at each level `_sd` lists the member names (or array
/// positions) that become Disclosures, `_sd_decoy` asks for decoy digests, and other members
/// describe the levels below.
///
/// ```
/// use inkan_core::sdjwt::DisclosureFrame;
/// let frame = DisclosureFrame::from_json(&serde_json::json!(
///     {"_sd": ["address"], "address": {"_sd": ["street"], "_sd_decoy": 2}, "tags": {"_sd": [0]}}))?;
/// let same = DisclosureFrame::from_paths(&["address".parse()?, "address.street".parse()?, "tags.0".parse()?])
///     .with_decoys(&"address".parse()?, 2);
/// assert_eq!(frame, same);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisclosureFrame {
    sd: BTreeSet<String>,
    decoys: usize,
    children: BTreeMap<String, DisclosureFrame>,
}

impl DisclosureFrame {
    /// Most decoys accepted at one level.
    pub const MAX_DECOYS: usize = 64;

    /// Parses the sd-jwt-js frame form (see the type's documentation).
    pub fn from_json(value: &Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::SdJwtBadFrame("a frame level must be an object".into()));
        };
        let mut frame = Self::default();
        for (name, value) in map {
            match name.as_str() {
                "_sd" => {
                    let list = value
                        .as_array()
                        .ok_or_else(|| Error::SdJwtBadFrame("_sd must be an array".into()))?;
                    for item in list {
                        frame.sd.insert(match item {
                            Value::String(s) => s.clone(),
                            Value::Number(n) if n.is_u64() => n.to_string(),
                            _ => return Err(Error::SdJwtBadFrame("_sd lists names or positions".into())),
                        });
                    }
                }
                "_sd_decoy" => {
                    frame.decoys = value
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| *n <= Self::MAX_DECOYS)
                        .ok_or_else(|| Error::SdJwtBadFrame("bad _sd_decoy count".into()))?;
                }
                _ => {
                    frame.children.insert(name.clone(), Self::from_json(value)?);
                }
            }
        }
        Ok(frame)
    }

    /// A frame making each path's last step selectively disclosable.
    pub fn from_paths(paths: &[ClaimPath]) -> Self {
        let mut frame = Self::default();
        for path in paths {
            frame.add(path);
        }
        frame
    }

    /// Makes the claim at `path` selectively disclosable.
    pub fn add(&mut self, path: &ClaimPath) -> &mut Self {
        if let Some((last, parents)) = path.steps().split_last() {
            self.level_mut(parents).sd.insert(step_key(last));
        }
        self
    }

    /// Adds `count` decoy digests at the object or array `path` (empty: the top level).
    pub fn with_decoys(mut self, path: &ClaimPath, count: usize) -> Self {
        self.level_mut(path.steps()).decoys = count.min(Self::MAX_DECOYS);
        self
    }

    fn level_mut(&mut self, steps: &[PathElem]) -> &mut Self {
        steps.iter().fold(self, |level, step| {
            level.children.entry(step_key(step)).or_default()
        })
    }

    fn is_empty(&self) -> bool {
        self.sd.is_empty() && self.decoys == 0 && self.children.is_empty()
    }
}

fn step_key(step: &PathElem) -> String {
    match step {
        PathElem::Key(k) => k.clone(),
        PathElem::Index(i) => i.to_string(),
    }
}

/// Issues an SD-JWT in compact serialization: every claim the frame names is replaced by a
/// digest, its Disclosure is created, `_sd_alg` is set, and the payload is signed with `signer`
/// under `header` (whose `typ` the caller chooses, e.g. `dc+sd-jwt`).
///
/// Errors: [`Error::SdJwtBadFrame`] when the frame names a claim that does not exist (or names
/// members of a value that is neither object nor array), [`Error::SdJwtReservedName`] when the
/// claims already use `_sd` or `...`, and signing errors.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::Header;
/// use inkan_core::sdjwt::{self, DisclosureFrame, HashAlg, OsSalts};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let claims = serde_json::json!({"nationalities": ["DE", "FR"]});
/// let frame = DisclosureFrame::from_paths(&["nationalities.1".parse()?]);
/// let sd = sdjwt::issue(claims.as_object().unwrap(), &frame, &Header::default(), &key, &mut OsSalts, HashAlg::Sha384)?;
/// assert_eq!(sd.disclosures().len(), 1);
/// assert_eq!(sd.unverified_claims()?["_sd_alg"], "sha-384");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issue(
    claims: &Map<String, Value>,
    frame: &DisclosureFrame,
    header: &Header,
    signer: &dyn Signer,
    salts: &mut dyn SaltSource,
    hash: HashAlg,
) -> Result<SdJwt> {
    let (payload, disclosures) = build_payload(claims, frame, salts, hash)?;
    let jwt = jwt::sign(&payload, header, signer)?;
    Ok(SdJwt::from_parts(Serialization::Compact, jwt, None, disclosures))
}

/// Like [`issue`], in the flattened JWS JSON serialization (RFC 9901 §8.2).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::Header;
/// use inkan_core::sdjwt::{self, DisclosureFrame, HashAlg, OsSalts, Serialization};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let claims = serde_json::json!({"a": 1});
/// let sd = sdjwt::issue_json(claims.as_object().unwrap(), &DisclosureFrame::from_paths(&["a".parse()?]),
///     &Header::default(), &key, &mut OsSalts, HashAlg::Sha256)?;
/// assert_eq!(sd.serialization(), Serialization::Json);
/// assert!(sd.serialize().contains("\"disclosures\""));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issue_json(
    claims: &Map<String, Value>,
    frame: &DisclosureFrame,
    header: &Header,
    signer: &dyn Signer,
    salts: &mut dyn SaltSource,
    hash: HashAlg,
) -> Result<SdJwt> {
    let (payload, disclosures) = build_payload(claims, frame, salts, hash)?;
    let spec = SignatureSpec {
        signer,
        protected: header.clone(),
        unprotected: Map::new(),
    };
    let json = jws::sign_json_flattened(&serde_json::to_vec(&payload)?, &spec)?;
    let text = serde_json::from_str::<Value>(&json)?;
    let Value::Object(map) = text else {
        return Err(Error::JoseMalformed("JWS JSON is not an object".into()));
    };
    let field = |name: &str| {
        map.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let compact = format!(
        "{}.{}.{}",
        field("protected"),
        field("payload"),
        field("signature")
    );
    Ok(SdJwt::from_parts(
        Serialization::Json,
        compact,
        Some(map),
        disclosures,
    ))
}

fn build_payload(
    claims: &Map<String, Value>,
    frame: &DisclosureFrame,
    salts: &mut dyn SaltSource,
    hash: HashAlg,
) -> Result<(Map<String, Value>, Vec<Disclosure>)> {
    let mut builder = Builder {
        salts,
        hash,
        disclosures: Vec::new(),
    };
    let mut payload = builder.object(claims, frame, "")?;
    payload.insert("_sd_alg".into(), hash.name().into());
    Ok((payload, builder.disclosures))
}

struct Builder<'a> {
    salts: &'a mut dyn SaltSource,
    hash: HashAlg,
    disclosures: Vec<Disclosure>,
}

impl Builder<'_> {
    fn value(&mut self, value: &Value, frame: Option<&DisclosureFrame>, at: &str) -> Result<Value> {
        let Some(frame) = frame.filter(|f| !f.is_empty()) else {
            check_reserved(value, at)?;
            return Ok(value.clone());
        };
        match value {
            Value::Object(map) => Ok(Value::Object(self.object(map, frame, at)?)),
            Value::Array(items) => Ok(Value::Array(self.array(items, frame, at)?)),
            _ => Err(Error::SdJwtBadFrame(format!(
                "{at} is neither an object nor an array"
            ))),
        }
    }

    fn object(
        &mut self,
        map: &Map<String, Value>,
        frame: &DisclosureFrame,
        at: &str,
    ) -> Result<Map<String, Value>> {
        check_names_exist(frame, at, |name| map.contains_key(name))?;
        let mut out = Map::with_capacity(map.len() + 1);
        let mut digests = Vec::new();
        for (name, value) in map {
            if name == "_sd" || name == "..." {
                return Err(Error::SdJwtReservedName(name.clone()));
            }
            let here = join(at, name);
            let value = self.value(value, frame.children.get(name), &here)?;
            if frame.sd.contains(name) {
                let d = Disclosure::property(&self.salts.salt()?, name, value);
                digests.push(d.digest(self.hash));
                self.disclosures.push(d);
            } else {
                out.insert(name.clone(), value);
            }
        }
        for _ in 0..frame.decoys {
            digests.push(self.hash.digest_b64(&self.salts.decoy()?));
        }
        if !digests.is_empty() {
            // Sorted, so the order reveals nothing about the claims (RFC 9901 §4.2.4.1).
            digests.sort_unstable();
            out.insert("_sd".into(), digests.into_iter().map(Value::String).collect());
        }
        Ok(out)
    }

    fn array(&mut self, items: &[Value], frame: &DisclosureFrame, at: &str) -> Result<Vec<Value>> {
        check_names_exist(frame, at, |name| {
            name.parse::<usize>().is_ok_and(|i| i < items.len())
        })?;
        let mut out = Vec::with_capacity(items.len() + frame.decoys);
        for (i, item) in items.iter().enumerate() {
            let key = i.to_string();
            let value = self.value(item, frame.children.get(&key), &join(at, &key))?;
            if frame.sd.contains(&key) {
                let d = Disclosure::element(&self.salts.salt()?, value);
                out.push(digest_element(d.digest(self.hash)));
                self.disclosures.push(d);
            } else {
                out.push(value);
            }
        }
        for _ in 0..frame.decoys {
            out.push(digest_element(self.hash.digest_b64(&self.salts.decoy()?)));
        }
        Ok(out)
    }
}

fn digest_element(digest: String) -> Value {
    let mut map = Map::new();
    map.insert("...".into(), Value::String(digest));
    Value::Object(map)
}

fn join(at: &str, step: &str) -> String {
    if at.is_empty() {
        step.to_owned()
    } else {
        format!("{at}.{step}")
    }
}

/// Every name the frame uses at this level must exist in the claims.
fn check_names_exist(frame: &DisclosureFrame, at: &str, exists: impl Fn(&str) -> bool) -> Result<()> {
    let missing = frame
        .sd
        .iter()
        .chain(frame.children.keys())
        .find(|name| !exists(name));
    match missing {
        Some(name) => Err(Error::SdJwtBadFrame(format!(
            "no claim {} to make selectively disclosable",
            join(at, name)
        ))),
        None => Ok(()),
    }
}

/// Claims may not use the names SD-JWT reserves, at any depth.
fn check_reserved(value: &Value, at: &str) -> Result<()> {
    match value {
        Value::Object(map) => map.iter().try_for_each(|(name, v)| {
            if name == "_sd" || name == "..." {
                return Err(Error::SdJwtReservedName(join(at, name)));
            }
            check_reserved(v, at)
        }),
        Value::Array(items) => items.iter().try_for_each(|v| check_reserved(v, at)),
        _ => Ok(()),
    }
}
