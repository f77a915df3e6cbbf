//! W3C VCDM 2.0 credentials and presentations secured with Data Integrity proofs (`ldp_vc`):
//! a credential built from a claims template, model-checked, and signed through core's
//! [`Signer`] with a chosen cryptosuite ([`Cryptosuite`]); presentations of such credentials
//! signed by the holder for one verifier (`domain`) and one request (`challenge`).

use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::di::{self, Cryptosuite, ProofOptions};
use inkan_core::did::Relationship;
use inkan_core::vcdm::{CONTEXT_V2, Credential, Presentation, fill_issuer};
use inkan_core::{Error, Result};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Properties the issuer sets; a template that carries them is refused rather than overridden.
const ISSUER_SET: [&str; 3] = ["validFrom", "validUntil", "proof"];

/// Who signs, with which suite, about whom, and for how long.
///
/// ```
/// use inkan_core::di::Cryptosuite;
/// let options = inkan_issuer::data_integrity::DiIssueOptions::new(
///     "did:example:issuer", "did:example:issuer#key-1", Cryptosuite::EddsaJcs2022)
///     .subject("did:example:holder")
///     .valid_for_secs(86_400);
/// assert_eq!(options.valid_for_secs, Some(86_400));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiIssueOptions {
    /// The issuer's URL or DID (`issuer`, or `issuer.id` of an issuer object in the template).
    pub issuer: String,
    /// The verification method the proof names (a DID URL of the issuer's key).
    pub verification_method: String,
    /// The cryptosuite.
    pub suite: Cryptosuite,
    /// The subject's identifier (`credentialSubject.id`), usually the holder's DID.
    pub subject: Option<String>,
    /// Seconds from issuance to `validUntil`; `None` for no expiry.
    pub valid_for_secs: Option<i64>,
    /// The credential's `id`.
    pub id: Option<String>,
}

impl DiIssueOptions {
    /// Options for `issuer` signing with `verification_method` and `suite`.
    pub fn new(
        issuer: impl Into<String>,
        verification_method: impl Into<String>,
        suite: Cryptosuite,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            verification_method: verification_method.into(),
            suite,
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

    /// Ends the credential's validity `secs` after issuance.
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

/// Builds a VCDM 2.0 credential: `template` (a JSON object with at least `credentialSubject`;
/// other properties such as `type`, `credentialStatus`, `credentialSchema`, extra contexts, an
/// issuer object with a `name` are kept) gets the base context and type if it lacks them, the
/// issuer, `validFrom` (the clock's time), `validUntil`, `id` and the subject's `id`; the result
/// must pass the data model's rules ([`Credential::from_value`]).
///
/// A template that sets `validFrom`, `validUntil` or a `proof` is refused
/// ([`Error::VcdmMalformed`]), as is one whose `issuer` is another than `options.issuer`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::di::Cryptosuite;
/// use inkan_issuer::data_integrity::{build_credential, DiIssueOptions};
/// let template = serde_json::json!({"type": ["ExampleCredential"],
///   "@context": ["https://www.w3.org/ns/credentials/examples/v2"],
///   "credentialSubject": {"name": "Max"}});
/// let options = DiIssueOptions::new("did:example:i", "did:example:i#k", Cryptosuite::EddsaJcs2022)
///     .subject("did:example:s").valid_for_secs(3_600);
/// let vc = build_credential(&template, &options, &FixedClock::at_unix(0))?;
/// assert_eq!(vc.types(), ["VerifiableCredential", "ExampleCredential"]);
/// assert_eq!(vc.document()["validUntil"], "1970-01-01T01:00:00Z");
/// assert_eq!(vc.subject_id(), Some("did:example:s"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn build_credential(template: &Value, options: &DiIssueOptions, clock: &dyn Clock) -> Result<Credential> {
    let mut vc = template
        .as_object()
        .cloned()
        .ok_or_else(|| malformed("the claims document must be a JSON object"))?;
    if let Some(name) = ISSUER_SET.iter().find(|n| vc.contains_key(**n)) {
        return Err(malformed(format!(
            "{name} is set by the issuer, not by the claims"
        )));
    }
    prepend(&mut vc, "@context", CONTEXT_V2);
    prepend(&mut vc, "type", "VerifiableCredential");
    let mut doc = Value::Object(vc);
    fill_issuer(&mut doc, &options.issuer);
    let issuer_id = doc["issuer"].as_str().or_else(|| doc["issuer"]["id"].as_str());
    if issuer_id != Some(options.issuer.as_str()) {
        return Err(malformed(format!(
            "the claims name another issuer than {}",
            options.issuer
        )));
    }
    let Value::Object(vc) = &mut doc else {
        return Err(malformed("the claims document must be a JSON object"));
    };
    let now = clock.now_unix();
    vc.insert("validFrom".into(), date(now)?.into());
    if let Some(secs) = options.valid_for_secs {
        vc.insert("validUntil".into(), date(now.saturating_add(secs))?.into());
    }
    if let Some(id) = &options.id {
        vc.insert("id".into(), id.clone().into());
    }
    if let Some(subject) = &options.subject {
        set_subject(vc, subject)?;
    }
    Credential::from_value(doc)
}

/// Builds the credential ([`build_credential`]) and adds the issuer's proof
/// (`assertionMethod`, `created` = the clock's time) made with `signer`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::di::{self, Cryptosuite, DidMethods, VerifyOptions};
/// use inkan_core::did::{KeyDidResolver, Relationship};
/// use inkan_issuer::data_integrity::{issue, DiIssueOptions};
/// use inkan_issuer::jwt_vc::DidMethod;
/// let key = SoftwareKey::generate(Algorithm::Es384)?;
/// let (did, vm) = DidMethod::Key.identify(key.public_key());
/// let clock = FixedClock::at_unix(1_700_000_000);
/// let claims = serde_json::json!({"credentialSubject": {"given_name": "Max"}});
/// let vc = issue(&claims, &DiIssueOptions::new(did, vm, Cryptosuite::EcdsaJcs2019), &key, &clock)?;
/// assert_eq!(vc["proof"]["cryptosuite"], "ecdsa-jcs-2019");
/// di::verify(&vc, &VerifyOptions::new(Relationship::AssertionMethod, &clock), &DidMethods(&KeyDidResolver))?;
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issue(
    template: &Value,
    options: &DiIssueOptions,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<Value> {
    let credential = build_credential(template, options, clock)?;
    let proof = ProofOptions::new(
        options.suite,
        &options.verification_method,
        Relationship::AssertionMethod,
    )
    .created(di::now(clock));
    di::add_proof(credential.document(), &proof, signer)
}

/// What a holder's presentation proof says.
///
/// ```
/// use inkan_core::di::Cryptosuite;
/// let opts = inkan_issuer::data_integrity::PresentOptions::new("did:example:h", "did:example:h#k", Cryptosuite::EddsaJcs2022)
///     .challenge("n-1").domain("https://verifier.example");
/// assert_eq!(opts.challenge.as_deref(), Some("n-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentOptions {
    /// The holder's URL or DID (`holder`).
    pub holder: String,
    /// The holder's verification method (listed under `authentication`).
    pub verification_method: String,
    /// The cryptosuite.
    pub suite: Cryptosuite,
    /// The verifier's nonce.
    pub challenge: Option<String>,
    /// The verifier's identifier.
    pub domain: Option<String>,
}

impl PresentOptions {
    /// Options for `holder` signing with `verification_method` and `suite`.
    pub fn new(
        holder: impl Into<String>,
        verification_method: impl Into<String>,
        suite: Cryptosuite,
    ) -> Self {
        Self {
            holder: holder.into(),
            verification_method: verification_method.into(),
            suite,
            challenge: None,
            domain: None,
        }
    }

    /// Sets the `challenge` (the verifier's nonce).
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// Sets the `domain` (the verifier's identifier).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
}

/// A VCDM 2.0 presentation of `credentials` (secured credentials as JSON; each must pass the
/// data model's rules), signed by the holder for `authentication`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::di::Cryptosuite;
/// use inkan_issuer::data_integrity::{present, PresentOptions};
/// use inkan_issuer::jwt_vc::DidMethod;
/// let holder = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let (did, vm) = DidMethod::Key.identify(holder.public_key());
/// let vp = present(&[], &PresentOptions::new(did, vm, Cryptosuite::EddsaJcs2022).challenge("n-1"),
///                  &holder, &FixedClock::at_unix(1_700_000_000))?;
/// assert_eq!(vp["proof"]["proofPurpose"], "authentication");
/// assert_eq!(vp["proof"]["challenge"], "n-1");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn present(
    credentials: &[Value],
    options: &PresentOptions,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<Value> {
    let mut vp = Map::new();
    vp.insert("@context".into(), Value::Array(vec![CONTEXT_V2.into()]));
    vp.insert("type".into(), Value::Array(vec!["VerifiablePresentation".into()]));
    vp.insert("holder".into(), options.holder.clone().into());
    if !credentials.is_empty() {
        vp.insert("verifiableCredential".into(), Value::Array(credentials.to_vec()));
    }
    let vp = Presentation::from_value(Value::Object(vp))?;
    let mut proof = ProofOptions::new(
        options.suite,
        &options.verification_method,
        Relationship::Authentication,
    )
    .created(di::now(clock));
    if let Some(c) = &options.challenge {
        proof = proof.challenge(c.clone());
    }
    if let Some(d) = &options.domain {
        proof = proof.domain(d.clone());
    }
    di::add_proof(vp.document(), &proof, signer)
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::VcdmMalformed(msg.into())
}

fn date(unix: i64) -> Result<String> {
    let t = OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| malformed(format!("time out of range: {e}")))?;
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| malformed(format!("time out of range: {e}")))
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
            "credentialSubject.id {id} conflicts with the subject {subject}"
        ))),
        _ => {
            cs.insert("id".into(), subject.into());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::di::{DidMethods, VerifyOptions};
    use inkan_core::did::KeyDidResolver;
    use serde_json::json;

    use crate::jwt_vc::DidMethod;

    #[test]
    fn issued_credentials_and_presentations_verify() {
        let clock = FixedClock::at_unix(1_700_000_000);
        let issuer = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let (did, vm) = DidMethod::Jwk.identify(issuer.public_key());
        let holder = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let (hdid, hvm) = DidMethod::Key.identify(holder.public_key());
        let claims = json!({"issuer": {"name": "Registry"}, "credentialSubject": {"given_name": "Max"}});
        let options = DiIssueOptions::new(&did, vm, Cryptosuite::EcdsaJcs2019).subject(&hdid);
        let vc = issue(&claims, &options, &issuer, &clock).unwrap();
        assert_eq!(vc["issuer"], json!({"name": "Registry", "id": did}));
        let methods = DidMethods(&KeyDidResolver);
        di::verify(
            &vc,
            &VerifyOptions::new(Relationship::AssertionMethod, &clock),
            &methods,
        )
        .unwrap();
        let vp = present(
            &[vc],
            &PresentOptions::new(&hdid, hvm, Cryptosuite::EddsaJcs2022)
                .challenge("n")
                .domain("d"),
            &holder,
            &clock,
        )
        .unwrap();
        let opts = VerifyOptions::new(Relationship::Authentication, &clock)
            .challenge("n")
            .domain("d");
        di::verify(&vp, &opts, &methods).unwrap();
        // The presentation's proof covers the credential inside it.
        let mut changed = vp.clone();
        changed["verifiableCredential"][0]["credentialSubject"]["given_name"] = "Eve".into();
        assert_eq!(
            di::verify(&changed, &opts, &methods).unwrap_err().code(),
            "di.bad_signature"
        );
    }

    #[test]
    fn templates_that_set_issuer_fields_are_refused() {
        let clock = FixedClock::at_unix(0);
        let options = DiIssueOptions::new("did:example:i", "did:example:i#k", Cryptosuite::EddsaJcs2022);
        for bad in [
            json!({"validFrom": "2020-01-01T00:00:00Z", "credentialSubject": {"a": 1}}),
            json!({"issuer": "did:example:other", "credentialSubject": {"a": 1}}),
            json!({"credentialSubject": {}}),
            json!([1]),
        ] {
            assert!(
                build_credential(&bad, &options, &clock)
                    .unwrap_err()
                    .code()
                    .starts_with("vcdm.")
            );
        }
        let conflict = options.clone().subject("did:example:s");
        let t = json!({"credentialSubject": {"id": "did:example:t"}});
        assert_eq!(
            build_credential(&t, &conflict, &clock).unwrap_err().code(),
            "vcdm.malformed"
        );
    }
}
