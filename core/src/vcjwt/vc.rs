//! VC-JWT: a VCDM 1.1 credential in the `vc` claim, its properties mirrored by registered claims.

use serde_json::{Map, Value};

use super::{
    KeySources, TYP, check_shape, date_claim, decode_token, format_date, malformed, object_claim, parse_date,
    resolve_keys, string_claim, types, vc_alg_error, vc_time_error,
};
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::crypto::{Algorithm, PublicKey, Signer};
use crate::did::Relationship;
use crate::jose::{Header, jws, jwt};
use crate::{Error, Result};

/// The base type every credential lists.
const VC_TYPE: &str = "VerifiableCredential";

/// The JWT claims of `credential` (a VCDM 1.1 credential as JSON): `iss` from `issuer`, `nbf`
/// from `issuanceDate`, `exp` from `expirationDate`, `jti` from `id`, `sub` from the
/// `credentialSubject.id` of a single subject, and the credential itself, unchanged, as `vc`.
///
/// Refuses a credential that is not VCDM 1.1 (`@context` must start with [`super::CONTEXT_V1`],
/// `type` include `VerifiableCredential`), that names no issuer or subject, or whose dates are not
/// RFC 3339.
///
/// ```
/// let credential = serde_json::json!({
///     "@context": ["https://www.w3.org/2018/credentials/v1"],
///     "type": ["VerifiableCredential"],
///     "id": "urn:uuid:1", "issuer": {"id": "did:example:i", "name": "Gov"},
///     "issuanceDate": "2025-01-01T00:00:00Z",
///     "credentialSubject": {"id": "did:example:s"},
/// });
/// let claims = inkan_core::vcjwt::credential_to_claims(&credential)?;
/// assert_eq!((claims["iss"].as_str(), claims["nbf"].as_i64()), (Some("did:example:i"), Some(1_735_689_600)));
/// assert_eq!((claims["jti"].as_str(), claims["sub"].as_str()), (Some("urn:uuid:1"), Some("did:example:s")));
/// assert_eq!(claims["vc"], credential);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn credential_to_claims(credential: &Value) -> Result<Map<String, Value>> {
    let vc = credential
        .as_object()
        .ok_or_else(|| malformed("a credential is a JSON object"))?;
    check_shape(vc, "credential", VC_TYPE)?;
    let mut claims = Map::new();
    claims.insert("vc".into(), credential.clone());
    let issuer = issuer_id(vc)?.ok_or_else(|| malformed("the credential names no issuer"))?;
    claims.insert("iss".into(), issuer.into());
    for (property, claim) in [("issuanceDate", "nbf"), ("expirationDate", "exp")] {
        if let Some(date) = string_claim(vc, property)? {
            claims.insert(claim.into(), parse_date(date, property)?.into());
        }
    }
    if let Some(id) = string_claim(vc, "id")? {
        claims.insert("jti".into(), id.into());
    }
    if let [Some(sub)] = subject_ids(vc)?.as_slice() {
        claims.insert("sub".into(), (*sub).into());
    }
    Ok(claims)
}

/// Signs `credential` as a VC-JWT (`typ: JWT`, `alg` and `kid` from `signer`; see
/// [`credential_to_claims`] for the claims).
///
/// For a DID issuer, give the signer the DID URL of its verification method as key id, so
/// verifiers can resolve it.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let credential = serde_json::json!({
///     "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
///     "issuer": "https://issuer.example", "issuanceDate": "2025-01-01T00:00:00Z",
///     "credentialSubject": {"given_name": "Max"},
/// });
/// let token = inkan_core::vcjwt::sign_vc(&credential, &key)?;
/// let parsed = inkan_core::vcjwt::parse_vc(&token)?;
/// assert_eq!(parsed.verify_signature(key.public_key(), &Default::default())?, Algorithm::Es256);
/// assert_eq!(parsed.subject(), None); // a bearer credential
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_vc(credential: &Value, signer: &dyn Signer) -> Result<String> {
    let claims = credential_to_claims(credential)?;
    jwt::sign(&claims, &Header::for_signer(signer).with_typ(TYP), signer)
}

/// Parses a VC-JWT without verifying it: decodes header and claims, checks the credential's
/// shape and that every registered claim agrees with the property it stands for.
///
/// Errors: [`Error::TooLarge`], [`Error::JoseMalformed`] (not a JWS), [`Error::VcJwtMalformed`]
/// (no `vc` object, not VCDM 1.1, no issuer, no issuance date, mistyped claims), and one code per
/// conflict: [`Error::VcJwtIssuerMismatch`], [`Error::VcJwtSubjectMismatch`],
/// [`Error::VcJwtIdMismatch`], [`Error::VcJwtDateMismatch`].
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::jose::{jwt, Header};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let claims = serde_json::json!({"iss": "https://a.example", "nbf": 0, "vc": {
///     "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
///     "issuer": "https://b.example", "credentialSubject": {}}});
/// let token = jwt::sign(claims.as_object().unwrap(), &Header::default(), &key)?;
/// assert_eq!(inkan_core::vcjwt::parse_vc(&token).unwrap_err().code(), "vcjwt.iss_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn parse_vc(token: &str) -> Result<ParsedVcJwt> {
    let (header, claims) = decode_token(token)?;
    ParsedVcJwt::from_parts(token.to_owned(), header, claims)
}

/// Parses `token` and verifies everything a credential alone can prove: the signature with a
/// key from `sources` ([`resolve_keys`], `assertionMethod` for DIDs), that the key is trusted
/// for the issuer, and the validity period under `rules` at `clock`'s time.
///
/// Status (`credentialStatus`) and issuance policy are the caller's (the verifier's) to check.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::KeyDidResolver;
/// use inkan_core::trust::StaticTrustStore;
/// use inkan_core::vcjwt::{self, KeySources};
/// let key = SoftwareKey::generate(Algorithm::Es256)?.with_kid("k1");
/// let credential = serde_json::json!({
///     "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
///     "issuer": "https://issuer.example", "issuanceDate": "2025-01-01T00:00:00Z",
///     "expirationDate": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:s"},
/// });
/// let token = vcjwt::sign_vc(&credential, &key)?;
/// let trust = StaticTrustStore::builder()
///     .issuer_key("https://issuer.example", Some("k1"), key.public_key().clone()).build();
/// let keys = KeySources { trust: &trust, dids: &KeyDidResolver };
/// let rules = Default::default();
/// vcjwt::verify_vc(&token, &keys, &rules, &FixedClock::from_rfc3339("2025-06-01T00:00:00Z")?)?;
/// let late = vcjwt::verify_vc(&token, &keys, &rules, &FixedClock::from_rfc3339("2026-06-01T00:00:00Z")?);
/// assert_eq!(late.unwrap_err().code(), "vcjwt.expired");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_vc(
    token: &str,
    sources: &KeySources<'_>,
    rules: &TimeRules,
    clock: &dyn Clock,
) -> Result<ParsedVcJwt> {
    let vc = parse_vc(token)?;
    let resolved = resolve_keys(vc.header(), vc.issuer(), Relationship::AssertionMethod, sources)?;
    let options = jws::VerifyOptions::default();
    let (key, _) = resolved.verify_with(|key| vc.verify_signature(key, &options))?;
    resolved.check_trust(vc.issuer(), &key, sources.trust)?;
    vc.check_time(rules, clock)?;
    Ok(vc)
}

/// A VC-JWT that parsed and whose claims agree with its credential; nothing verified yet.
///
/// ```
/// # use inkan_core::crypto::{Algorithm, SoftwareKey};
/// # let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let token = inkan_core::vcjwt::sign_vc(&serde_json::json!({
///     "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential", "IDCredential"],
///     "issuer": "https://issuer.example", "issuanceDate": "2025-01-01T00:00:00Z",
///     "credentialSubject": {"id": "did:example:s"}}), &key)?;
/// let vc = inkan_core::vcjwt::parse_vc(&token)?;
/// assert_eq!((vc.issuer(), vc.subject()), ("https://issuer.example", Some("did:example:s")));
/// assert_eq!(vc.credential_types(), ["IDCredential"]);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedVcJwt {
    token: String,
    header: Header,
    claims: Map<String, Value>,
    credential: Map<String, Value>,
    issuer: String,
    subject: Option<String>,
    not_before: i64,
    expires: Option<i64>,
}

impl ParsedVcJwt {
    fn from_parts(token: String, header: Header, claims: Map<String, Value>) -> Result<Self> {
        let vc = object_claim(&claims, "vc")?;
        check_shape(vc, "credential", VC_TYPE)?;
        let mut credential = vc.clone();
        let issuer = reconcile_issuer(&claims, &mut credential)?;
        reconcile_id(&claims, &mut credential)?;
        let subject = reconcile_subject(&claims, &mut credential)?;
        let not_before = reconcile_date(&claims, "nbf", "issuanceDate", &mut credential)?
            .ok_or_else(|| malformed("neither nbf nor vc.issuanceDate is present"))?;
        let expires = reconcile_date(&claims, "exp", "expirationDate", &mut credential)?;
        Ok(Self {
            token,
            header,
            claims,
            credential,
            issuer,
            subject,
            not_before,
            expires,
        })
    }

    /// The compact token as received.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The JOSE header (`alg`, `kid`, `typ`…), unverified until the signature is checked.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The JWT claims as signed.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The credential with the JWT claims applied (VCDM 1.1 §6.3.1 decoding): `issuer`, `id`,
    /// `issuanceDate`, `expirationDate` and the single subject's `id` filled in from the claims.
    pub fn credential(&self) -> &Map<String, Value> {
        &self.credential
    }

    /// The issuer (`iss` = `issuer`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The subject (`sub` = `credentialSubject.id`), if the credential names one.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The credential's `type` values other than `VerifiableCredential`, in order.
    pub fn credential_types(&self) -> Vec<&str> {
        types(&self.credential).filter(|t| *t != VC_TYPE).collect()
    }

    /// `credentialStatus`, if any, as given (status checks live elsewhere).
    pub fn status(&self) -> Option<&Value> {
        self.credential.get("credentialStatus")
    }

    /// Verifies the signature with `key`; returns the algorithm used.
    ///
    /// `alg: none`, HMAC and unknown algorithms are [`Error::VcJwtAlgorithm`].
    pub fn verify_signature(&self, key: &PublicKey, options: &jws::VerifyOptions) -> Result<Algorithm> {
        jws::verify_compact(&self.token, key, options)
            .map(|v| v.algorithm)
            .map_err(vc_alg_error)
    }

    /// Checks the validity period: `nbf`/`issuanceDate`, `exp`/`expirationDate`, `iat`.
    ///
    /// Errors: [`Error::VcJwtExpired`], [`Error::VcJwtNotYetValid`], [`Error::IssuedInFuture`].
    pub fn check_time(&self, rules: &TimeRules, clock: &dyn Clock) -> Result<()> {
        let iat = date_claim(&self.claims, "iat")?;
        rules
            .check(self.expires, Some(self.not_before), iat, clock)
            .map_err(vc_time_error)
    }
}

/// `issuer` as a string, or the `id` of an issuer object.
fn issuer_id(vc: &Map<String, Value>) -> Result<Option<&str>> {
    match vc.get("issuer") {
        None => Ok(None),
        Some(Value::String(id)) => Ok(Some(id)),
        Some(Value::Object(issuer)) => string_claim(issuer, "id"),
        Some(_) => Err(malformed("issuer must be a string or an object")),
    }
}

/// `iss` and `issuer` must agree; the credential gets the issuer if it lacks it.
fn reconcile_issuer(claims: &Map<String, Value>, credential: &mut Map<String, Value>) -> Result<String> {
    let iss = string_claim(claims, "iss")?;
    let issuer = match (iss, issuer_id(credential)?) {
        (Some(iss), Some(id)) if iss != id => {
            return Err(Error::VcJwtIssuerMismatch(format!(
                "iss is {iss:?} but vc.issuer is {id:?}"
            )));
        }
        (Some(one), _) | (None, Some(one)) => one.to_owned(),
        (None, None) => return Err(malformed("neither iss nor vc.issuer is present")),
    };
    match credential.get_mut("issuer") {
        Some(Value::Object(object)) => {
            object.insert("id".into(), issuer.clone().into());
        }
        _ => {
            credential.insert("issuer".into(), issuer.clone().into());
        }
    }
    Ok(issuer)
}

/// `jti` and `id` must agree.
fn reconcile_id(claims: &Map<String, Value>, credential: &mut Map<String, Value>) -> Result<()> {
    match (string_claim(claims, "jti")?, string_claim(credential, "id")?) {
        (Some(jti), Some(id)) if jti != id => Err(Error::VcJwtIdMismatch(format!(
            "jti is {jti:?} but vc.id is {id:?}"
        ))),
        (Some(jti), None) => {
            credential.insert("id".into(), jti.to_owned().into());
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The `id` of each subject (`credentialSubject` is an object or a non-empty array of objects).
fn subject_ids(vc: &Map<String, Value>) -> Result<Vec<Option<&str>>> {
    let subjects: &[Value] = match vc.get("credentialSubject") {
        Some(one @ Value::Object(_)) => std::slice::from_ref(one),
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            return Err(malformed(
                "credentialSubject must be an object or a non-empty array",
            ));
        }
    };
    subjects
        .iter()
        .map(|s| {
            let s = s
                .as_object()
                .ok_or_else(|| malformed("each credentialSubject is an object"))?;
            string_claim(s, "id")
        })
        .collect()
}

/// `sub` must equal every subject id present; a single subject without one gets `sub`.
fn reconcile_subject(
    claims: &Map<String, Value>,
    credential: &mut Map<String, Value>,
) -> Result<Option<String>> {
    let sub = string_claim(claims, "sub")?;
    let ids = subject_ids(credential)?;
    if let Some(sub) = sub
        && let Some(id) = ids.iter().flatten().find(|id| **id != sub)
    {
        return Err(Error::VcJwtSubjectMismatch(format!(
            "sub is {sub:?} but vc.credentialSubject.id is {id:?}"
        )));
    }
    let subject = match (sub, ids.as_slice()) {
        (Some(sub), _) => Some(sub.to_owned()),
        (None, [Some(id)]) => Some((*id).to_owned()),
        _ => None,
    };
    if let (Some(sub), Some(Value::Object(single))) = (&subject, credential.get_mut("credentialSubject")) {
        single.insert("id".into(), sub.clone().into());
    }
    Ok(subject)
}

/// A NumericDate claim and the date property it stands for must name the same second; the
/// credential gets the property if it lacks it. Returns the time, if either is present.
fn reconcile_date(
    claims: &Map<String, Value>,
    claim: &str,
    property: &str,
    credential: &mut Map<String, Value>,
) -> Result<Option<i64>> {
    let from_claim = date_claim(claims, claim)?;
    let from_property = match string_claim(credential, property)? {
        Some(text) => Some(parse_date(text, property)?),
        None => None,
    };
    match (from_claim, from_property) {
        (Some(a), Some(b)) if a != b => Err(Error::VcJwtDateMismatch(format!(
            "{claim} is {a} but vc.{property} is {b}"
        ))),
        (Some(a), None) => {
            credential.insert(property.into(), format_date(a)?.into());
            Ok(Some(a))
        }
        (a, b) => Ok(a.or(b)),
    }
}
