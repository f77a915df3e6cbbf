//! VC-JOSE-COSE issuance: a VCDM 2.0 credential built from a claims template and secured as a
//! `vc+jwt` (compact JWS) or a `vc+cose` (COSE_Sign1) through core's [`Signer`].
//!
//! The signer's `kid` names the key: for a DID issuer, the DID URL of the verification method
//! (did:key, did:jwk — see [`DidMethod::identify`](crate::jwt_vc::DidMethod::identify) — or a
//! did:web method id); for a URL issuer, the `kid` a verifier's trust store files the key under.

use inkan_core::clock::Clock;
use inkan_core::crypto::Signer;
use inkan_core::vcjose::{self, CONTEXT_V2};
use inkan_core::{Error, Result};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use crate::jwt_vc::IssueOptions;

/// Properties the issuer sets; a template that sets them is refused.
const ISSUER_SET: [&str; 3] = ["issuer", "validFrom", "validUntil"];

/// How the credential is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Securing {
    /// Compact JWS, `typ` `vc+jwt`.
    Jose,
    /// COSE_Sign1, `typ` `application/vc+cose`.
    Cose,
}

/// Builds a VCDM 2.0 credential: `template` (a JSON object with at least `credentialSubject`;
/// other properties such as `type`, `credentialStatus`, `credentialSchema` and extra contexts
/// are kept) gets the VCDM 2.0 base context and `VerifiableCredential` type first, `issuer`,
/// `validFrom` (the clock's time), `validUntil`, `id` and the subject's `id` from `options`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_issuer::vc_jose::{build_credential, IssueOptions};
/// let template = serde_json::json!({"@context": ["https://www.w3.org/ns/credentials/examples/v2"],
///     "type": ["ExampleCredential"], "credentialSubject": {"name": "Ada"}});
/// let options = IssueOptions::new("https://issuer.example").valid_for_secs(60);
/// let vc = build_credential(&template, &options, &FixedClock::at_unix(0))?;
/// assert_eq!(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
/// assert_eq!((vc["validFrom"].as_str(), vc["validUntil"].as_str()), (Some("1970-01-01T00:00:00Z"), Some("1970-01-01T00:01:00Z")));
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
    if !vc.contains_key("credentialSubject") {
        return Err(malformed("the claims document has no credentialSubject"));
    }
    prepend(&mut vc, "@context", CONTEXT_V2);
    prepend(&mut vc, "type", "VerifiableCredential");
    let now = clock.now_unix();
    vc.insert("issuer".into(), options.issuer.clone().into());
    vc.insert("validFrom".into(), date(now)?.into());
    if let Some(secs) = options.valid_for_secs {
        vc.insert("validUntil".into(), date(now.saturating_add(secs))?.into());
    }
    if let Some(id) = &options.id {
        vc.insert("id".into(), id.clone().into());
    }
    if let Some(subject) = &options.subject {
        match vc.get_mut("credentialSubject") {
            Some(Value::Object(cs)) if cs.get("id").is_none_or(|id| id.as_str() == Some(subject)) => {
                cs.insert("id".into(), subject.clone().into());
            }
            _ => return Err(malformed("the subject id conflicts with the claims")),
        }
    }
    Ok(Value::Object(vc))
}

/// Builds the credential ([`build_credential`]) and secures it with `signer`.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_issuer::jwt_vc::DidMethod;
/// use inkan_issuer::vc_jose::{issue, IssueOptions, Securing};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let (did, kid) = DidMethod::Jwk.identify(key.public_key());
/// let key = key.with_kid(kid);
/// let claims = serde_json::json!({"credentialSubject": {"name": "Ada"}});
/// let jwt = issue(&claims, &IssueOptions::new(did.clone()), Securing::Jose, &key, &FixedClock::at_unix(0))?;
/// let parsed = inkan_core::vcjose::Secured::parse(&jwt)?;
/// assert_eq!(parsed.issuer(), Some(did.as_str()));
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn issue(
    template: &Value,
    options: &IssueOptions,
    securing: Securing,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<Vec<u8>> {
    let credential = build_credential(template, options, clock)?;
    secure(&credential, securing, signer)
}

/// Secures an already built VCDM 2.0 credential or presentation.
pub fn secure(document: &Value, securing: Securing, signer: &dyn Signer) -> Result<Vec<u8>> {
    match securing {
        Securing::Jose => vcjose::sign_jwt(document, signer).map(String::into_bytes),
        Securing::Cose => vcjose::sign_cose(document, signer),
    }
}

fn date(unix: i64) -> Result<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| malformed(format!("time {unix} is out of range")))
}

/// Makes `vc[name]` an array that starts with `first`.
fn prepend(vc: &mut Map<String, Value>, name: &str, first: &str) {
    let mut list = match vc.remove(name) {
        Some(Value::Array(list)) => list,
        Some(one) => vec![one],
        None => Vec::new(),
    };
    list.retain(|v| v.as_str() != Some(first));
    list.insert(0, first.into());
    vc.insert(name.into(), Value::Array(list));
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::VcJoseMalformed(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::clock::FixedClock;
    use serde_json::json;

    #[test]
    fn templates_that_set_issuer_fields_are_refused() {
        let clock = FixedClock::at_unix(0);
        let options = IssueOptions::new("https://i.example").subject("did:example:a");
        for bad in [
            json!({"issuer": "x", "credentialSubject": {}}),
            json!({"validFrom": "x", "credentialSubject": {}}),
            json!({"type": "X"}),
            json!([1]),
            json!({"credentialSubject": {"id": "did:example:b"}}),
        ] {
            assert_eq!(
                build_credential(&bad, &options, &clock).unwrap_err().code(),
                "vcjose.malformed"
            );
        }
        let vc = build_credential(
            &json!({"type": "X", "@context": ["https://www.w3.org/ns/credentials/v2", "https://e.example"], "credentialSubject": {}}),
            &options,
            &clock,
        )
        .unwrap();
        assert_eq!(vc["type"], json!(["VerifiableCredential", "X"]));
        assert_eq!(vc["@context"][1], "https://e.example");
        assert_eq!(vc["credentialSubject"]["id"], "did:example:a");
    }
}
