//! JSON Web Signature (RFC 7515): compact and JSON serializations, detached payloads.
//!
//! Framing is done here (it is base64url and JSON); the signature itself always goes through
//! [`Signer`] and [`PublicKey`], i.e. through inkan's crypto provider. Verification takes the key
//! from the caller (or from a resolver given the header) and an allow-list of algorithms; `none`,
//! HMAC and unknown algorithms are always refused, as is a `crit` member naming an extension the
//! caller did not declare.
//!
//! ```
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::jose::{jws, Header};
//! let key = SoftwareKey::generate(Algorithm::Es256)?.with_kid("k1");
//! let token = jws::sign_compact(b"{}", &Header::for_signer(&key), &key)?;
//! let v = jws::verify_compact_with(&token, &jws::VerifyOptions::default(), |h| {
//!     assert_eq!(h.kid.as_deref(), Some("k1"));
//!     Ok(key.public_key())
//! })?;
//! assert_eq!(v.algorithm, Algorithm::Es256);
//! # Ok::<(), inkan_core::Error>(())
//! ```

use std::borrow::{Borrow, Cow};

use serde_json::{Map, Value};

use super::{DEFAULT_MAX_LEN, Header, check_crit, check_len, decode_json_object, decode_part, malformed};
use crate::crypto::{Algorithm, PublicKey, Signer, Verifier as _};
use crate::encoding::b64url_encode;
use crate::{Error, Result};

/// What a verifier accepts.
///
/// ```
/// use inkan_core::crypto::Algorithm;
/// use inkan_core::jose::jws::VerifyOptions;
/// let only_es256 = VerifyOptions { algorithms: vec![Algorithm::Es256], ..VerifyOptions::default() };
/// assert_eq!(VerifyOptions::default().algorithms, Algorithm::ALL);
/// # let _ = only_es256;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Algorithms accepted (default: all of [`Algorithm::ALL`]).
    pub algorithms: Vec<Algorithm>,
    /// Largest input accepted, in bytes (default [`DEFAULT_MAX_LEN`]).
    pub max_len: usize,
    /// Extension header names the caller processes itself and so may appear in `crit`
    /// (default: none, so any `crit` is refused).
    pub critical: Vec<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            algorithms: Algorithm::ALL.to_vec(),
            max_len: DEFAULT_MAX_LEN,
            critical: Vec::new(),
        }
    }
}

impl VerifyOptions {
    /// The header's algorithm, if it is a signature algorithm this verifier accepts.
    fn algorithm(&self, header: &Header) -> Result<Algorithm> {
        let name = header
            .alg
            .as_deref()
            .ok_or_else(|| malformed("header lacks alg"))?;
        let alg = Algorithm::from_jose(name)?;
        if !self.algorithms.contains(&alg) {
            return Err(Error::UnsupportedAlgorithm(format!("{name} is not allowed here")));
        }
        Ok(alg)
    }
}

/// A JWS whose signature verified.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, Header};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let token = jws::sign_compact(b"p", &Header::default().with_typ("example"), &key)?;
/// let v = jws::verify_compact(&token, key.public_key(), &Default::default())?;
/// assert_eq!((v.header.typ.as_deref(), v.payload.as_slice()), (Some("example"), &b"p"[..]));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJws {
    /// The header (for JSON serialization: protected and unprotected members merged).
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The algorithm the signature was checked with.
    pub algorithm: Algorithm,
}

/// Signs `payload` in compact serialization (`header.payload.signature`).
///
/// `alg` is taken from `signer`; a header naming another algorithm is refused. Nothing else is
/// added to `header` (use [`Header::for_signer`] to include the `kid`).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, Header};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let token = jws::sign_compact(b"hi", &Header::default(), &key)?;
/// assert!(token.starts_with("eyJhbGciOiJFZERTQSJ9.aGk."));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_compact(payload: &[u8], header: &Header, signer: &dyn Signer) -> Result<String> {
    let input = format!("{}.{}", encode_header(header, signer)?, b64url_encode(payload));
    let signature = signer.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64url_encode(signature)))
}

/// Signs `payload` in compact serialization with the payload detached (RFC 7515 Appendix F):
/// the result is `header..signature`; the payload travels separately.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, Header};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let token = jws::sign_compact_detached(b"doc", &Header::default(), &key)?;
/// assert!(token.contains(".."));
/// let opts = jws::VerifyOptions::default();
/// jws::verify_compact_detached(&token, b"doc", key.public_key(), &opts)?;
/// assert!(jws::verify_compact_detached(&token, b"dog", key.public_key(), &opts).is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_compact_detached(payload: &[u8], header: &Header, signer: &dyn Signer) -> Result<String> {
    let header = encode_header(header, signer)?;
    let signature = signer.sign(format!("{header}.{}", b64url_encode(payload)).as_bytes())?;
    Ok(format!("{header}..{}", b64url_encode(signature)))
}

/// Verifies a compact JWS with `key`.
///
/// Errors: [`Error::TooLarge`] over the size cap, [`Error::JoseMalformed`] if it does not parse,
/// [`Error::UnsupportedAlgorithm`] for `none`/HMAC/unknown/not allowed algorithms,
/// [`Error::AlgorithmKeyMismatch`] if the algorithm does not fit `key`, [`Error::BadSignature`].
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, Header};
/// let key = SoftwareKey::generate(Algorithm::Es384)?;
/// let token = jws::sign_compact(b"x", &Header::default(), &key)?;
/// let other = SoftwareKey::generate(Algorithm::Es384)?;
/// let err = jws::verify_compact(&token, other.public_key(), &Default::default()).unwrap_err();
/// assert_eq!(err.code(), "crypto.bad_signature");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_compact(token: &str, key: &PublicKey, opts: &VerifyOptions) -> Result<VerifiedJws> {
    verify_compact_full(token, None, opts, |_, _| Ok(key))
}

/// Verifies a compact JWS with the key `resolve` picks from the header (by `kid`, `x5c`, `jwk`…).
///
/// The algorithm is checked against `opts` before `resolve` is called.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jws, Header};
/// use inkan_core::Error;
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?.with_kid("a");
/// let token = jws::sign_compact(b"x", &Header::for_signer(&key), &key)?;
/// let err = jws::verify_compact_with(&token, &Default::default(), |h| {
///     Err::<&inkan_core::crypto::PublicKey, _>(Error::Untrusted(format!("kid {:?}", h.kid)))
/// }).unwrap_err();
/// assert_eq!(err.code(), "trust.untrusted");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_compact_with<F, K>(token: &str, opts: &VerifyOptions, resolve: F) -> Result<VerifiedJws>
where
    F: FnOnce(&Header) -> Result<K>,
    K: Borrow<PublicKey>,
{
    verify_compact_full(token, None, opts, |header, _| resolve(header))
}

/// Verifies a compact JWS whose payload was detached (`header..signature`) against `payload`.
///
/// A token that carries its own payload is refused as malformed.
pub fn verify_compact_detached(
    token: &str,
    payload: &[u8],
    key: &PublicKey,
    opts: &VerifyOptions,
) -> Result<VerifiedJws> {
    verify_compact_full(token, Some(payload), opts, |_, _| Ok(key))
}

/// Decodes a compact JWS's header without verifying anything (to choose a key or a profile).
///
/// ```
/// use inkan_core::jose::jws;
/// let h = jws::peek_header("eyJhbGciOiJFZERTQSJ9.e30.AA")?;
/// assert_eq!(h.alg.as_deref(), Some("EdDSA"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn peek_header(token: &str) -> Result<Header> {
    check_len(token.len(), DEFAULT_MAX_LEN)?;
    let (header_b64, _, _) = split_compact(token)?;
    decode_header(header_b64)
}

/// Verifies a compact JWS; `resolve` sees the header and the (unverified) payload.
pub(crate) fn verify_compact_full<F, K>(
    token: &str,
    detached: Option<&[u8]>,
    opts: &VerifyOptions,
    resolve: F,
) -> Result<VerifiedJws>
where
    F: FnOnce(&Header, &[u8]) -> Result<K>,
    K: Borrow<PublicKey>,
{
    check_len(token.len(), opts.max_len)?;
    let (header_b64, payload_b64, signature_b64) = split_compact(token)?;
    let header = decode_header(header_b64)?;
    let algorithm = opts.algorithm(&header)?;
    // In compact form every member is protected; crit may not name a registered member.
    check_crit(header.crit.as_deref(), &opts.critical, |n| {
        header.extra.contains_key(n)
    })?;
    let signature = decode_part(signature_b64, "JWS signature")?;
    let (payload, input) = match detached {
        None => (
            decode_part(payload_b64, "JWS payload")?,
            // The signing input is the token up to the second dot: no copy needed.
            Cow::Borrowed(
                token
                    .get(..header_b64.len() + 1 + payload_b64.len())
                    .ok_or_else(|| malformed("JWS signing input"))?,
            ),
        ),
        Some(_) if !payload_b64.is_empty() => return Err(malformed("JWS payload is not detached")),
        Some(p) => (
            p.to_vec(),
            Cow::Owned(format!("{header_b64}.{}", b64url_encode(p))),
        ),
    };
    let key = resolve(&header, &payload)?;
    key.borrow().verify(algorithm, input.as_bytes(), &signature)?;
    Ok(VerifiedJws {
        header,
        payload,
        algorithm,
    })
}

/// Splits a compact JWS into its three parts.
fn split_compact(token: &str) -> Result<(&str, &str, &str)> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => Ok((h, p, s)),
        _ => Err(malformed("compact JWS must have three parts")),
    }
}

fn decode_header(header_b64: &str) -> Result<Header> {
    serde_json::from_slice(&decode_part(header_b64, "JWS header")?)
        .map_err(|e| malformed(format!("JWS header: {e}")))
}

fn encode_header(header: &Header, signer: &dyn Signer) -> Result<String> {
    Ok(b64url_encode(serde_json::to_vec(&header.signed_by(signer)?)?))
}

/// One signature to make in a JWS JSON serialization.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::jws::{self, SignatureSpec};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let mut spec = SignatureSpec::new(&key);
/// spec.unprotected.insert("kid".into(), "k1".into());
/// let json: serde_json::Value = serde_json::from_str(&jws::sign_json_flattened(b"p", &spec)?)?;
/// assert_eq!(json["header"]["kid"], "k1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SignatureSpec<'a> {
    /// Who signs.
    pub signer: &'a dyn Signer,
    /// The protected header (`alg` is set from the signer).
    pub protected: Header,
    /// The unprotected per-signature header (`header` member); must not repeat protected names.
    pub unprotected: Map<String, Value>,
}

impl<'a> SignatureSpec<'a> {
    /// A signature by `signer` with a protected header holding only `alg`.
    pub fn new(signer: &'a dyn Signer) -> Self {
        Self {
            signer,
            protected: Header::default(),
            unprotected: Map::new(),
        }
    }
}

/// Signs `payload` in the general JWS JSON serialization, one signature per spec.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::jws::{self, JwsJson, SignatureSpec, VerifyOptions};
/// let a = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let b = SoftwareKey::generate(Algorithm::Es256)?;
/// let json = jws::sign_json_general(b"p", &[SignatureSpec::new(&a), SignatureSpec::new(&b)])?;
/// let parsed = JwsJson::parse(&json, &VerifyOptions::default())?;
/// assert_eq!(parsed.len(), 2);
/// parsed.verify_signature(1, b.public_key(), &VerifyOptions::default())?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_json_general(payload: &[u8], specs: &[SignatureSpec<'_>]) -> Result<String> {
    if specs.is_empty() {
        return Err(malformed("a JWS needs at least one signature"));
    }
    let payload_b64 = b64url_encode(payload);
    let signatures = specs
        .iter()
        .map(|spec| json_signature(&payload_b64, spec).map(Value::Object))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Map::new();
    out.insert("payload".into(), Value::String(payload_b64));
    out.insert("signatures".into(), Value::Array(signatures));
    Ok(Value::Object(out).to_string())
}

/// Signs `payload` in the flattened JWS JSON serialization.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::jws::{self, JwsJson, SignatureSpec, VerifyOptions};
/// let key = SoftwareKey::generate(Algorithm::Es384)?;
/// let json = jws::sign_json_flattened(b"p", &SignatureSpec::new(&key))?;
/// let v = JwsJson::parse(&json, &VerifyOptions::default())?
///     .verify_signature(0, key.public_key(), &VerifyOptions::default())?;
/// assert_eq!(v.payload, b"p");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_json_flattened(payload: &[u8], spec: &SignatureSpec<'_>) -> Result<String> {
    let payload_b64 = b64url_encode(payload);
    let signature = json_signature(&payload_b64, spec)?;
    let mut out = Map::new();
    out.insert("payload".into(), Value::String(payload_b64));
    out.extend(signature);
    Ok(Value::Object(out).to_string())
}

fn json_signature(payload_b64: &str, spec: &SignatureSpec<'_>) -> Result<Map<String, Value>> {
    let protected = spec.protected.signed_by(spec.signer)?;
    let protected_json = serde_json::to_value(&protected)?;
    if let Some(dup) = spec
        .unprotected
        .keys()
        .find(|k| protected_json.get(k.as_str()).is_some())
    {
        return Err(malformed(format!(
            "header member {dup:?} is both protected and unprotected"
        )));
    }
    let protected_b64 = b64url_encode(protected_json.to_string());
    let signature = spec
        .signer
        .sign(format!("{protected_b64}.{payload_b64}").as_bytes())?;
    let mut out = Map::new();
    out.insert("protected".into(), Value::String(protected_b64));
    if !spec.unprotected.is_empty() {
        out.insert("header".into(), Value::Object(spec.unprotected.clone()));
    }
    out.insert("signature".into(), Value::String(b64url_encode(signature)));
    Ok(out)
}

/// A parsed (not yet verified) JWS in JSON serialization, general or flattened.
///
/// ```
/// use inkan_core::jose::jws::{JwsJson, VerifyOptions};
/// let json = r#"{"payload":"aGk","protected":"eyJhbGciOiJFUzI1NiJ9","signature":"AA"}"#;
/// let parsed = JwsJson::parse(json, &VerifyOptions::default())?;
/// assert_eq!((parsed.len(), parsed.payload()), (1, &b"hi"[..]));
/// assert_eq!(parsed.header(0).and_then(|h| h.alg.as_deref()), Some("ES256"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct JwsJson {
    payload_b64: String,
    payload: Vec<u8>,
    signatures: Vec<JsonSignature>,
}

#[derive(Debug, Clone)]
struct JsonSignature {
    protected_b64: String,
    protected: Map<String, Value>,
    header: Header,
    signature: Vec<u8>,
}

impl JwsJson {
    /// Parses a JWS JSON serialization (general or flattened) that carries its payload.
    pub fn parse(input: &str, opts: &VerifyOptions) -> Result<Self> {
        Self::parse_inner(input, None, opts)
    }

    /// Parses a JWS JSON serialization whose payload was detached, supplying `payload`.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::jose::jws::{self, JwsJson, SignatureSpec, VerifyOptions};
    /// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
    /// let json = jws::sign_json_flattened(b"doc", &SignatureSpec::new(&key))?;
    /// let mut v: serde_json::Value = serde_json::from_str(&json)?;
    /// v.as_object_mut().unwrap().remove("payload");
    /// let opts = VerifyOptions::default();
    /// JwsJson::parse_detached(&v.to_string(), b"doc", &opts)?.verify_signature(0, key.public_key(), &opts)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_detached(input: &str, payload: &[u8], opts: &VerifyOptions) -> Result<Self> {
        Self::parse_inner(input, Some(payload), opts)
    }

    fn parse_inner(input: &str, detached: Option<&[u8]>, opts: &VerifyOptions) -> Result<Self> {
        check_len(input.len(), opts.max_len)?;
        let mut top: Map<String, Value> =
            serde_json::from_str(input).map_err(|e| malformed(format!("JWS JSON: {e}")))?;
        let (payload_b64, payload) = match (top.remove("payload"), detached) {
            (Some(Value::String(b64)), None) => {
                let payload = decode_part(&b64, "JWS payload")?;
                (b64, payload)
            }
            (None, Some(p)) => (b64url_encode(p), p.to_vec()),
            (Some(_), Some(_)) => return Err(malformed("JWS payload is not detached")),
            (Some(_), None) => return Err(malformed("JWS payload must be a string")),
            (None, None) => return Err(malformed("JWS JSON lacks payload")),
        };
        let signatures = match top.remove("signatures") {
            Some(_) if top.contains_key("signature") => {
                return Err(malformed("JWS JSON is both general and flattened"));
            }
            Some(Value::Array(list)) if !list.is_empty() => list
                .into_iter()
                .map(JsonSignature::parse)
                .collect::<Result<Vec<_>>>()?,
            Some(_) => return Err(malformed("signatures must be a non-empty array")),
            None => vec![JsonSignature::parse(Value::Object(top))?],
        };
        Ok(Self {
            payload_b64,
            payload,
            signatures,
        })
    }

    /// Number of signatures.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether there are no signatures (never true for a parsed value).
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// The (unverified) payload.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The merged header of signature `index`, if it exists (unverified).
    pub fn header(&self, index: usize) -> Option<&Header> {
        self.signatures.get(index).map(|s| &s.header)
    }

    /// Verifies signature `index` with `key`; errors as for [`verify_compact`].
    pub fn verify_signature(
        &self,
        index: usize,
        key: &PublicKey,
        opts: &VerifyOptions,
    ) -> Result<VerifiedJws> {
        let sig = self
            .signatures
            .get(index)
            .ok_or_else(|| malformed(format!("no signature #{index}")))?;
        let algorithm = sig.algorithm(opts)?;
        let input = format!("{}.{}", sig.protected_b64, self.payload_b64);
        key.verify(algorithm, input.as_bytes(), &sig.signature)?;
        Ok(VerifiedJws {
            header: sig.header.clone(),
            payload: self.payload.clone(),
            algorithm,
        })
    }

    /// Verifies the signatures in order with the keys `resolve` picks, returning the first that
    /// verifies, or else the first signature's error.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::jose::jws::{self, JwsJson, SignatureSpec, VerifyOptions};
    /// let a = SoftwareKey::generate(Algorithm::EdDsa)?.with_kid("a");
    /// let b = SoftwareKey::generate(Algorithm::Es256)?.with_kid("b");
    /// let mut spec_b = SignatureSpec::new(&b);
    /// spec_b.unprotected.insert("kid".into(), "b".into());
    /// let json = jws::sign_json_general(b"p", &[SignatureSpec::new(&a), spec_b])?;
    /// let opts = VerifyOptions::default();
    /// let v = JwsJson::parse(&json, &opts)?.verify_any(&opts, |h| match h.kid.as_deref() {
    ///     Some("b") => Ok(b.public_key()),
    ///     _ => Err(inkan_core::Error::Untrusted("unknown kid".into())),
    /// })?;
    /// assert_eq!(v.algorithm, Algorithm::Es256);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn verify_any<F, K>(&self, opts: &VerifyOptions, mut resolve: F) -> Result<VerifiedJws>
    where
        F: FnMut(&Header) -> Result<K>,
        K: Borrow<PublicKey>,
    {
        let mut first_error = None;
        for (index, sig) in self.signatures.iter().enumerate() {
            let attempt = sig
                .algorithm(opts)
                .and_then(|_| resolve(&sig.header))
                .and_then(|key| self.verify_signature(index, key.borrow(), opts));
            match attempt {
                Ok(verified) => return Ok(verified),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| malformed("JWS has no signatures")))
    }
}

impl JsonSignature {
    fn parse(value: Value) -> Result<Self> {
        let Value::Object(mut map) = value else {
            return Err(malformed("JWS signature must be an object"));
        };
        let protected_b64 = match map.remove("protected") {
            Some(Value::String(s)) => s,
            None => String::new(),
            Some(_) => return Err(malformed("protected must be a string")),
        };
        let protected = if protected_b64.is_empty() {
            Map::new()
        } else {
            decode_json_object(&protected_b64, "JWS protected header")?
        };
        let unprotected = match map.remove("header") {
            Some(Value::Object(h)) => h,
            None => Map::new(),
            Some(_) => return Err(malformed("header must be an object")),
        };
        let signature = match map.remove("signature") {
            Some(Value::String(s)) => decode_part(&s, "JWS signature")?,
            _ => return Err(malformed("JWS signature lacks a string signature")),
        };
        if unprotected.contains_key("crit") {
            return Err(malformed("crit must be integrity protected"));
        }
        let mut merged = protected.clone();
        for (name, value) in unprotected {
            if merged.insert(name.clone(), value).is_some() {
                return Err(malformed(format!(
                    "header member {name:?} is both protected and unprotected"
                )));
            }
        }
        let header = serde_json::from_value(Value::Object(merged))
            .map_err(|e| malformed(format!("JWS header: {e}")))?;
        Ok(Self {
            protected_b64,
            protected,
            header,
            signature,
        })
    }

    fn algorithm(&self, opts: &VerifyOptions) -> Result<Algorithm> {
        let alg = opts.algorithm(&self.header)?;
        check_crit(self.header.crit.as_deref(), &opts.critical, |n| {
            self.protected.contains_key(n) && self.header.extra.contains_key(n)
        })?;
        Ok(alg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SoftwareKey;
    use proptest::prelude::*;

    fn key(alg: Algorithm) -> SoftwareKey {
        SoftwareKey::generate(alg).unwrap()
    }

    fn with_header(header: &str, rest: &str) -> String {
        format!("{}.{rest}", b64url_encode(header))
    }

    #[test]
    fn compact_round_trip_every_algorithm() {
        for alg in Algorithm::ALL {
            let k = key(alg);
            let token = sign_compact(b"payload", &Header::for_signer(&k), &k).unwrap();
            let v = verify_compact(&token, k.public_key(), &VerifyOptions::default()).unwrap();
            assert_eq!((v.payload.as_slice(), v.algorithm), (&b"payload"[..], alg));
            assert_eq!(v.header.kid.as_deref(), k.key_id());
        }
    }

    #[test]
    fn none_hmac_and_unknown_algorithms_are_refused() {
        let k = key(Algorithm::EdDsa);
        let token = sign_compact(b"p", &Header::default(), &k).unwrap();
        let (_, rest) = token.split_once('.').unwrap();
        for alg in ["none", "HS256", "ES512", "eddsa", ""] {
            let forged = with_header(&format!(r#"{{"alg":"{alg}"}}"#), rest);
            let err = verify_compact(&forged, k.public_key(), &VerifyOptions::default()).unwrap_err();
            assert_eq!(err.code(), "crypto.unsupported_algorithm", "{alg}");
        }
        let no_alg = with_header("{}", rest);
        let err = verify_compact(&no_alg, k.public_key(), &VerifyOptions::default()).unwrap_err();
        assert_eq!(err.code(), "jose.malformed");
    }

    #[test]
    fn allow_list_and_key_mismatch() {
        let k = key(Algorithm::Es256);
        let token = sign_compact(b"p", &Header::default(), &k).unwrap();
        let only_ed = VerifyOptions {
            algorithms: vec![Algorithm::EdDsa],
            ..VerifyOptions::default()
        };
        let err = verify_compact(&token, k.public_key(), &only_ed).unwrap_err();
        assert_eq!(err.code(), "crypto.unsupported_algorithm");
        let ed = key(Algorithm::EdDsa);
        let err = verify_compact(&token, ed.public_key(), &VerifyOptions::default()).unwrap_err();
        assert_eq!(err.code(), "crypto.alg_key_mismatch");
    }

    #[test]
    fn signer_and_header_alg_must_agree() {
        let k = key(Algorithm::Es256);
        let header = Header {
            alg: Some("EdDSA".into()),
            ..Header::default()
        };
        let err = sign_compact(b"p", &header, &k).unwrap_err();
        assert_eq!(err.code(), "crypto.alg_key_mismatch");
    }

    #[test]
    fn crit_is_refused_unless_declared() {
        let k = key(Algorithm::EdDsa);
        let mut header = Header {
            crit: Some(vec!["exp".into()]),
            ..Header::default()
        };
        header.extra.insert("exp".into(), 1.into());
        let token = sign_compact(b"p", &header, &k).unwrap();
        let err = verify_compact(&token, k.public_key(), &VerifyOptions::default()).unwrap_err();
        assert_eq!(err.code(), "jose.malformed");
        let opts = VerifyOptions {
            critical: vec!["exp".into()],
            ..VerifyOptions::default()
        };
        assert!(verify_compact(&token, k.public_key(), &opts).is_ok());
        // b64 (RFC 7797) is not implemented, so it is never understood.
        header.crit = Some(vec!["b64".into()]);
        header.extra.insert("b64".into(), false.into());
        let token = sign_compact(b"p", &header, &k).unwrap();
        let err = verify_compact(&token, k.public_key(), &opts).unwrap_err();
        assert_eq!(err.code(), "jose.malformed");
    }

    #[test]
    fn size_cap_and_shape() {
        let k = key(Algorithm::EdDsa);
        let token = sign_compact(&[b'a'; 2000], &Header::default(), &k).unwrap();
        let small = VerifyOptions {
            max_len: 100,
            ..VerifyOptions::default()
        };
        let err = verify_compact(&token, k.public_key(), &small).unwrap_err();
        assert_eq!(err.code(), "input.too_large");
        for bad in [
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "!!.e30.AA",
            "e30.!!.AA",
            "e30.e30.!!",
            "W10.e30.AA",
        ] {
            let err = verify_compact(bad, k.public_key(), &VerifyOptions::default()).unwrap_err();
            assert_eq!(err.code(), "jose.malformed", "{bad}");
        }
    }

    #[test]
    fn detached_compact() {
        let k = key(Algorithm::Ps256);
        let opts = VerifyOptions::default();
        let token = sign_compact_detached(b"doc", &Header::default(), &k).unwrap();
        assert!(verify_compact_detached(&token, b"doc", k.public_key(), &opts).is_ok());
        let err = verify_compact_detached(&token, b"doX", k.public_key(), &opts).unwrap_err();
        assert_eq!(err.code(), "crypto.bad_signature");
        let attached = sign_compact(b"doc", &Header::default(), &k).unwrap();
        let err = verify_compact_detached(&attached, b"doc", k.public_key(), &opts).unwrap_err();
        assert_eq!(err.code(), "jose.malformed");
    }

    #[test]
    fn json_rules() {
        let k = key(Algorithm::EdDsa);
        let opts = VerifyOptions::default();
        let mut spec = SignatureSpec::new(&k);
        spec.unprotected.insert("alg".into(), "EdDSA".into());
        assert_eq!(
            sign_json_flattened(b"p", &spec).unwrap_err().code(),
            "jose.malformed"
        );
        for bad in [
            "[]",
            r#"{"payload":"e30"}"#,
            r#"{"payload":"e30","signatures":[]}"#,
            r#"{"payload":"e30","signatures":[1]}"#,
            r#"{"payload":1,"signature":"AA"}"#,
            r#"{"payload":"e30","signature":"AA","signatures":[{"signature":"AA"}]}"#,
            r#"{"payload":"e30","header":{"crit":["x"],"x":1},"signature":"AA"}"#,
            r#"{"payload":"e30","header":[],"signature":"AA"}"#,
            r#"{"payload":"e30","protected":"eyJhbGciOiJFZERTQSJ9","header":{"alg":"EdDSA"},"signature":"AA"}"#,
        ] {
            assert_eq!(
                JwsJson::parse(bad, &opts).unwrap_err().code(),
                "jose.malformed",
                "{bad}"
            );
        }
        let idx = JwsJson::parse(
            &sign_json_flattened(b"p", &SignatureSpec::new(&k)).unwrap(),
            &opts,
        )
        .unwrap();
        assert_eq!(
            idx.verify_signature(3, k.public_key(), &opts).unwrap_err().code(),
            "jose.malformed"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_compact_never_panics(s in ".{0,300}") {
            let k = key(Algorithm::EdDsa);
            let _ = verify_compact(&s, k.public_key(), &VerifyOptions::default());
            let _ = peek_header(&s);
        }

        #[test]
        fn arbitrary_dotted_base64_never_panics(parts in proptest::collection::vec("[A-Za-z0-9_-]{0,40}", 0..5)) {
            let k = key(Algorithm::EdDsa);
            let _ = verify_compact(&parts.join("."), k.public_key(), &VerifyOptions::default());
        }

        #[test]
        fn arbitrary_json_never_panics(s in ".{0,300}") {
            let _ = JwsJson::parse(&s, &VerifyOptions::default());
        }

        #[test]
        fn compact_round_trips(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
            let k = key(Algorithm::EdDsa);
            let token = sign_compact(&payload, &Header::default(), &k).unwrap();
            let v = verify_compact(&token, k.public_key(), &VerifyOptions::default()).unwrap();
            prop_assert_eq!(v.payload, payload);
        }
    }
}
