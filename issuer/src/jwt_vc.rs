//! VC-JWT issuance (`jwt_vc_json`, VCDM 1.1): a credential template from a claims JSON, the
//! issuer, subject, dates and id filled in, signed through core's [`vcjwt::sign_vc`].

use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::did::{did_jwk, did_key};
use inkan_core::vcjwt::{self, CONTEXT_V1};
use inkan_core::{Error, Result};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Properties the issuer sets; a template that carries them is refused rather than overridden.
const ISSUER_SET: [&str; 3] = ["issuer", "issuanceDate", "expirationDate"];

/// Who issues, about whom, and for how long.
///
/// ```
/// let options = inkan_issuer::jwt_vc::IssueOptions::new("https://issuer.example")
///     .subject("did:example:holder")
///     .valid_for_secs(86_400);
/// assert_eq!(options.valid_for_secs, Some(86_400));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueOptions {
    /// The issuer's identifier (`iss` = `issuer`): a URL or a DID.
    pub issuer: String,
    /// The subject's identifier (`sub` = `credentialSubject.id`), usually the holder's DID.
    pub subject: Option<String>,
    /// Seconds from issuance to `expirationDate`; `None` for no expiry.
    pub valid_for_secs: Option<i64>,
    /// The credential's `id` (`jti`).
    pub id: Option<String>,
}

impl IssueOptions {
    /// Options for `issuer`, with no subject, expiry or id.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            subject: None,
            valid_for_secs: None,
            id: None,
        }
    }

    /// Binds the credential to `subject`.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Expires the credential `secs` after issuance.
    pub fn valid_for_secs(mut self, secs: i64) -> Self {
        self.valid_for_secs = Some(secs);
        self
    }

    /// Sets the credential's `id`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// Which DID an issuer derives from its own key when it has no identifier of its own.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_issuer::jwt_vc::DidMethod;
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let (did, kid) = DidMethod::Jwk.identify(key.public_key());
/// assert_eq!(kid, format!("{did}#0"));
/// let (did, kid) = DidMethod::Key.identify(key.public_key());
/// assert_eq!(kid, format!("{did}#{}", &did[8..]));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DidMethod {
    /// `did:key` (Multikey); the method's fragment is the multibase value.
    Key,
    /// `did:jwk`; the method is `#0`.
    Jwk,
}

impl DidMethod {
    /// The DID of `key` and the DID URL of its verification method (the `kid` to sign with).
    pub fn identify(self, key: &inkan_core::crypto::PublicKey) -> (String, String) {
        match self {
            DidMethod::Key => {
                let did = did_key(key);
                let kid = format!("{did}#{}", &did["did:key:".len()..]);
                (did, kid)
            }
            DidMethod::Jwk => {
                let did = did_jwk(key);
                let kid = format!("{did}#0");
                (did, kid)
            }
        }
    }
}

/// Builds the credential: `template` (a JSON object with at least `credentialSubject`; any
/// other VCDM 1.1 properties — `type`, `credentialStatus`, `credentialSchema`, extra contexts —
/// are kept) gets the VCDM 1.1 base context and type if it lacks them, and `issuer`,
/// `issuanceDate` (the clock's time), `expirationDate`, `id` and the subject's `id` from
/// `options`.
///
/// A template that sets `issuer` or the dates itself is refused ([`Error::VcJwtMalformed`]), as
/// is a subject id that conflicts with `options.subject`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_issuer::jwt_vc::{build_credential, IssueOptions};
/// let template = serde_json::json!({"type": ["IDCredential"], "credentialSubject": {"given_name": "Max"}});
/// let options = IssueOptions::new("https://issuer.example").subject("did:example:s").valid_for_secs(3_600);
/// let vc = build_credential(&template, &options, &FixedClock::at_unix(0))?;
/// assert_eq!(vc["type"], serde_json::json!(["VerifiableCredential", "IDCredential"]));
/// assert_eq!(vc["expirationDate"], "1970-01-01T01:00:00Z");
/// assert_eq!(vc["credentialSubject"]["id"], "did:example:s");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn build_credential(template: &Value, options: &IssueOptions, clock: &dyn Clock) -> Result<Value> {
    let mut vc = template
        .as_object()
        .cloned()
        .ok_or_else(|| malformed("the claims document must be a JSON object"))?;
    if let Some(name) = ISSUER_SET.iter().find(|n| vc.contains_key(**n)) {
        return Err(malformed(format!(
            "{name} is set by the issuer, not by the claims"
        )));
    }
    prepend(&mut vc, "@context", CONTEXT_V1);
    prepend(&mut vc, "type", "VerifiableCredential");
    let now = clock.now_unix();
    vc.insert("issuer".into(), options.issuer.clone().into());
    vc.insert("issuanceDate".into(), date(now)?.into());
    if let Some(secs) = options.valid_for_secs {
        vc.insert("expirationDate".into(), date(now.saturating_add(secs))?.into());
    }
    if let Some(id) = &options.id {
        vc.insert("id".into(), id.clone().into());
    }
    if let Some(subject) = &options.subject {
        set_subject(&mut vc, subject)?;
    }
    Ok(Value::Object(vc))
}

/// Builds the credential ([`build_credential`]) and signs it as a VC-JWT with `signer` (its
/// `kid`: for a DID issuer, the DID URL of the method, see [`DidMethod::identify`]).
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_issuer::jwt_vc::{issue, DidMethod, IssueOptions};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let (did, kid) = DidMethod::Key.identify(key.public_key());
/// let key = key.with_kid(kid);
/// let claims = serde_json::json!({"credentialSubject": {"given_name": "Max"}});
/// let token = issue(&claims, &IssueOptions::new(did.clone()), &key, &FixedClock::at_unix(1_700_000_000))?;
/// let vc = inkan_core::vcjwt::parse_vc(&token)?;
/// assert_eq!((vc.issuer(), vc.claims()["nbf"].as_i64()), (did.as_str(), Some(1_700_000_000)));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issue(
    template: &Value,
    options: &IssueOptions,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<String> {
    let credential = build_credential(template, options, clock)?;
    vcjwt::sign_vc(&credential, signer)
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::VcJwtMalformed(msg.into())
}

/// Makes `vc[name]` an array that starts with `first` (a string member becomes an array).
fn prepend(vc: &mut Map<String, Value>, name: &str, first: &str) {
    let mut list = match vc.remove(name) {
        Some(Value::Array(list)) => list,
        Some(one) => vec![one],
        None => Vec::new(),
    };
    if list.first().and_then(Value::as_str) != Some(first) {
        list.retain(|v| v.as_str() != Some(first));
        list.insert(0, first.into());
    }
    vc.insert(name.into(), Value::Array(list));
}

fn set_subject(vc: &mut Map<String, Value>, subject: &str) -> Result<()> {
    let Some(Value::Object(cs)) = vc.get_mut("credentialSubject") else {
        return Err(malformed("a subject id needs a single credentialSubject object"));
    };
    match cs.get("id") {
        Some(id) if id.as_str() != Some(subject) => Err(malformed(format!(
            "credentialSubject.id {id} conflicts with the subject {subject:?}"
        ))),
        _ => {
            cs.insert("id".into(), subject.into());
            Ok(())
        }
    }
}

fn date(unix: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| malformed(format!("{unix} is not a representable date")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::did::KeyDidResolver;
    use inkan_core::trust::StaticTrustStore;
    use inkan_core::vcjwt::KeySources;
    use serde_json::json;

    #[test]
    fn issued_credentials_verify_with_both_did_methods() {
        for method in [DidMethod::Key, DidMethod::Jwk] {
            let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
            let (did, kid) = method.identify(key.public_key());
            let key = key.with_kid(kid);
            let template = json!({
                "@context": ["https://www.w3.org/2018/credentials/examples/v1"],
                "type": "IDCredential",
                "credentialSubject": {"given_name": "Max"},
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusListIndex": "7"},
            });
            let options = IssueOptions::new(did.clone())
                .subject("did:example:s")
                .valid_for_secs(60)
                .id("urn:uuid:1");
            let token = issue(&template, &options, &key, &FixedClock::at_unix(1_000)).unwrap();
            let trust = StaticTrustStore::builder().trusted_did(&did).build();
            let sources = KeySources {
                trust: &trust,
                dids: &KeyDidResolver,
            };
            let vc =
                vcjwt::verify_vc(&token, &sources, &Default::default(), &FixedClock::at_unix(1_030)).unwrap();
            assert_eq!(vc.claims()["exp"], 1_060);
            assert_eq!(vc.claims()["jti"], "urn:uuid:1");
            assert_eq!(vc.claims()["sub"], "did:example:s");
            assert_eq!(vc.status().unwrap()["statusListIndex"], "7");
            assert_eq!(
                vc.credential()["@context"],
                json!([CONTEXT_V1, "https://www.w3.org/2018/credentials/examples/v1"])
            );
            let late = vcjwt::verify_vc(&token, &sources, &Default::default(), &FixedClock::at_unix(2_000));
            assert_eq!(late.unwrap_err().code(), "vcjwt.expired");
        }
    }

    #[test]
    fn templates_cannot_set_what_the_issuer_sets() {
        let clock = FixedClock::at_unix(0);
        let options = IssueOptions::new("https://i").subject("did:example:s");
        for bad in [
            json!([]),
            json!({"issuer": "x", "credentialSubject": {}}),
            json!({"issuanceDate": "2020-01-01T00:00:00Z", "credentialSubject": {}}),
            json!({"credentialSubject": {"id": "did:example:other"}}),
            json!({"credentialSubject": [{}, {}]}),
        ] {
            let err = build_credential(&bad, &options, &clock).unwrap_err();
            assert_eq!(err.code(), "vcjwt.malformed", "{bad}");
        }
        let no_subject = json!({"type": ["VerifiableCredential"]});
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let err = issue(&no_subject, &IssueOptions::new("https://i"), &key, &clock).unwrap_err();
        assert_eq!(err.code(), "vcjwt.malformed");
    }
}
