//! VC-JWT and VP-JWT (`jwt_vc_json`, VCDM 1.1 in a JWT): a compact JWT whose payload has a `vc`
//! (a credential) or `vp` (a presentation of VC-JWTs) claim.
//!
//! Checks for a credential: `decode` (core [`vcjwt::parse_vc`]: shape, and every registered
//! claim agreeing with its VCDM property); `signature` with the key its `kid`/`iss` names (the
//! issuer's DID, resolved offline, or the trust store's keys); `trust` (trust-store key, or a
//! DID the trust store trusts); `validity`; `issuance_policy` (the trust store lets `iss` issue
//! every type of `vc.type` other than `VerifiableCredential`); `status` (an IETF Token Status
//! List reference in the JWT's `status` claim); `holder_binding` is not
//! applicable to a credential alone.
//!
//! A presentation gets the same checks for every credential it carries (the first failure of
//! each kind is reported), plus the holder's signature (under `signature`, with the request's
//! holder key or the holder DID's `authentication` key) and `holder_binding`: `aud` and `nonce`
//! are the request's, and every credential's subject is the holder.

use inkan_core::BoxFuture;
use inkan_core::Error as CoreError;
use inkan_core::did::Relationship;
use inkan_core::encoding::b64url_decode;
use inkan_core::vcjwt::{self, KeySources, ParsedVcJwt, ParsedVpJwt};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};

use crate::{CheckId, Confidence, Context, Format, InputRef, ReportBuilder, Result, Verification};

/// The format's identifier (the OpenID4VCI / OpenID4VP format name).
pub const ID: &str = "jwt_vc_json";

/// VC-JWT and VP-JWT text.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::jwt_vc::JwtVc;
/// // {"alg":"ES256"} . {"vc":{}} . signature
/// assert_eq!(JwtVc.detect(&InputRef::Text("eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln")), Confidence::CERTAIN);
/// assert_eq!(JwtVc.detect(&InputRef::Text("eyJhbGciOiJFUzI1NiJ9.e30.c2ln")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct JwtVc;

/// What detection learns from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Credential,
    Presentation,
}

impl Format for JwtVc {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text().and_then(kind) {
            Some(_) => Confidence::CERTAIN,
            None => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let text = input.text().unwrap_or_default().trim();
        let mut report = cx.report(ID);
        match kind(text) {
            Some(Kind::Presentation) => verify_presentation(text, cx, &mut report),
            _ => verify_credential(text, cx, &mut report),
        }
        Ok(cx.finish(report))
    }

    fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for vc in credentials(input.text().unwrap_or_default().trim()) {
                match vc.claims().get("status") {
                    Some(status) => crate::status::refresh_status(cx, Some(status)).await?,
                    None => {
                        let credential = Value::Object(vc.credential().clone());
                        crate::bitstring::refresh_credential_status(cx, &credential).await?;
                    }
                }
            }
            Ok(())
        })
    }
}

/// A compact JWS (three base64url parts, no SD-JWT `~`) whose payload has `vc` or `vp`.
fn kind(text: &str) -> Option<Kind> {
    #[derive(Deserialize)]
    struct Peek {
        vc: Option<IgnoredAny>,
        vp: Option<IgnoredAny>,
    }
    let text = text.trim();
    let mut parts = text.split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
    if !text.starts_with("eyJ") || !text.chars().all(base64url) {
        return None;
    }
    let peek: Peek = serde_json::from_slice(&b64url_decode(payload).ok()?).ok()?;
    match (peek.vc, peek.vp) {
        (Some(_), None) => Some(Kind::Credential),
        (None, Some(_)) => Some(Kind::Presentation),
        _ => None,
    }
}

fn verify_credential(text: &str, cx: &Context<'_>, report: &mut ReportBuilder) {
    let vc = match vcjwt::parse_vc(text) {
        Ok(vc) => vc,
        Err(e) => return decode_failed(report, e),
    };
    report.passed(CheckId::DECODE);
    describe(&vc, report);
    report.claims(Value::Object(vc.credential().clone()));
    credential_checks(&vc, cx).record(report);
    check_status(&vc, cx, report);
    report.not_applicable(
        CheckId::HOLDER_BINDING,
        "a VC-JWT alone proves no possession; present it in a VP-JWT",
    );
}

fn verify_presentation(text: &str, cx: &Context<'_>, report: &mut ReportBuilder) {
    let vp = match vcjwt::parse_vp(text) {
        Ok(vp) => vp,
        Err(e) => return decode_failed(report, e),
    };
    report.passed(CheckId::DECODE);
    if let [only] = vp.credentials() {
        describe(only, report);
    }
    let credentials: Vec<Value> = vp
        .credentials()
        .iter()
        .map(|vc| Value::Object(vc.credential().clone()))
        .collect();
    report.claims(json!({"holder": vp.holder(), "credentials": credentials}));
    let holder_signature = holder_signature(&vp, cx);
    let mut steps = Steps {
        signature: holder_signature.clone(),
        ..Steps::default()
    };
    for vc in vp.credentials() {
        steps = steps.merge(credential_checks(vc, cx));
    }
    if vp.credentials().is_empty() {
        let none = "the presentation carries no credential";
        steps.trust = Step::NotApplicable(none);
        steps.policy = Step::NotApplicable(none);
    }
    steps.validity = steps
        .validity
        .merge(Step::from(vp.check_time(&cx.policy().time_rules(), cx.clock())));
    steps.record(report);
    for vc in vp.credentials() {
        check_status(vc, cx, report);
    }
    match holder_signature {
        Step::Passed => {
            report.check(CheckId::HOLDER_BINDING, holder_binding(&vp, cx));
        }
        _ => {
            report.not_applicable(CheckId::HOLDER_BINDING, "the holder's signature did not verify");
        }
    }
}

/// The VP was signed for this verifier and this request, by the subject of every credential.
fn holder_binding(vp: &ParsedVpJwt, cx: &Context<'_>) -> inkan_core::Result<()> {
    let request = cx.request();
    let (Some(aud), Some(nonce)) = (request.expected_audience(), request.expected_nonce()) else {
        return Err(CoreError::VcJwtNoExpectation);
    };
    vp.check_request(aud, nonce)?;
    vp.check_subjects()
}

/// The holder's key: the request's, if it names one, else the holder DID's.
fn holder_signature(vp: &ParsedVpJwt, cx: &Context<'_>) -> Step {
    let keys = match cx.request().expected_holder_key() {
        Some(key) => Ok(vec![key.clone()]),
        None => vcjwt::resolve_keys(
            vp.header(),
            vp.holder(),
            Relationship::Authentication,
            &sources(cx),
        )
        .map(|r| r.keys),
    };
    let verified = keys.and_then(|keys| {
        let mut last = CoreError::BadSignature;
        for key in &keys {
            match vp.verify_signature(key, &Default::default()) {
                Ok(alg) => return Ok(alg),
                Err(e) => last = e,
            }
        }
        Err(last)
    });
    Step::from(verified.and_then(|alg| cx.policy().check_algorithm(alg)))
}

fn decode_failed(report: &mut ReportBuilder, e: CoreError) {
    report.check(CheckId::DECODE, Err(e));
    for id in [
        CheckId::SIGNATURE,
        CheckId::TRUST,
        CheckId::VALIDITY,
        CheckId::ISSUANCE_POLICY,
        CheckId::STATUS,
        CheckId::HOLDER_BINDING,
    ] {
        report.not_applicable(id, "the token did not decode");
    }
}

fn describe(vc: &ParsedVcJwt, report: &mut ReportBuilder) {
    report.issuer(vc.issuer());
    if let Some(last) = vc.credential_types().last() {
        report.credential_type(*last);
    }
}

fn sources<'a>(cx: &'a Context<'a>) -> KeySources<'a> {
    KeySources {
        trust: cx.trust(),
        dids: cx.did_resolver(),
    }
}

/// Signature, trust, validity and issuance policy of one credential.
fn credential_checks(vc: &ParsedVcJwt, cx: &Context<'_>) -> Steps {
    let (signature, trust) = signature_and_trust(vc, cx);
    let validity = Step::from(vc.check_time(&cx.policy().time_rules(), cx.clock()));
    let types = vc.credential_types();
    let types = if types.is_empty() {
        vec!["VerifiableCredential"]
    } else {
        types
    };
    let refused = types.iter().find(|t| !cx.trust().may_issue(vc.issuer(), t));
    let policy = match refused {
        Some(t) => Step::Failed(CoreError::Untrusted(format!("{} may not issue {t}", vc.issuer()))),
        None => Step::Passed,
    };
    Steps {
        signature,
        trust,
        validity,
        policy,
    }
}

fn signature_and_trust(vc: &ParsedVcJwt, cx: &Context<'_>) -> (Step, Step) {
    let sources = sources(cx);
    let resolved =
        match vcjwt::resolve_keys(vc.header(), vc.issuer(), Relationship::AssertionMethod, &sources) {
            Ok(resolved) => resolved,
            Err(e) => {
                return (Step::NotApplicable("no key to check it with"), Step::Failed(e));
            }
        };
    let verified = resolved
        .verify_with(|key| vc.verify_signature(key, &Default::default()))
        .and_then(|(key, alg)| cx.policy().check_algorithm(alg).map(|()| key));
    match verified {
        Ok(key) => {
            let trust = resolved.check_trust(vc.issuer(), &key, cx.trust());
            (Step::Passed, Step::from(trust))
        }
        Err(e) => (
            Step::Failed(e),
            Step::NotApplicable("the signature did not verify"),
        ),
    }
}

/// The credential's status: an IETF Token Status List reference in the JWT's `status` claim is
/// looked up in the verifier's status cache; a VCDM `credentialStatus` (W3C Bitstring Status List
/// or StatusList2021) in the verifier's cache of verified status list credentials.
fn check_status(vc: &ParsedVcJwt, cx: &Context<'_>, report: &mut ReportBuilder) {
    match (vc.claims().get("status"), vc.status()) {
        (None, Some(_)) => {
            let credential = Value::Object(vc.credential().clone());
            crate::bitstring::check_credential_status(cx, &credential, report);
        }
        (status, _) => crate::status::check_status(cx, status, report),
    }
}

/// The decoded credentials of a VC-JWT, or of every VC-JWT in a VP-JWT, read without verifying.
fn credentials(text: &str) -> Vec<ParsedVcJwt> {
    match kind(text) {
        Some(Kind::Presentation) => vcjwt::parse_vp(text)
            .map(|vp| vp.credentials().to_vec())
            .unwrap_or_default(),
        _ => vcjwt::parse_vc(text).map(|vc| vec![vc]).unwrap_or_default(),
    }
}

/// The outcome of one check, before it goes into the report.
#[derive(Debug, Clone, Default)]
enum Step {
    #[default]
    Passed,
    Failed(CoreError),
    NotApplicable(&'static str),
}

impl Step {
    /// The worse of two: a failure beats not applicable, which beats a pass.
    fn merge(self, other: Step) -> Step {
        match (self, other) {
            (failed @ Step::Failed(_), _) | (_, failed @ Step::Failed(_)) => failed,
            (na @ Step::NotApplicable(_), _) | (_, na @ Step::NotApplicable(_)) => na,
            _ => Step::Passed,
        }
    }

    fn record(self, id: CheckId, report: &mut ReportBuilder) {
        match self {
            Step::Passed => {
                report.passed(id);
            }
            Step::Failed(e) => {
                report.check(id, Err(e));
            }
            Step::NotApplicable(reason) => {
                report.not_applicable(id, reason);
            }
        }
    }
}

impl<T> From<inkan_core::Result<T>> for Step {
    fn from(result: inkan_core::Result<T>) -> Self {
        match result {
            Ok(_) => Step::Passed,
            Err(e) => Step::Failed(e),
        }
    }
}

/// The per-credential checks, merged across the credentials of a presentation.
#[derive(Debug, Clone, Default)]
struct Steps {
    signature: Step,
    trust: Step,
    validity: Step,
    policy: Step,
}

impl Steps {
    fn merge(self, other: Steps) -> Steps {
        Steps {
            signature: self.signature.merge(other.signature),
            trust: self.trust.merge(other.trust),
            validity: self.validity.merge(other.validity),
            policy: self.policy.merge(other.policy),
        }
    }

    fn record(self, report: &mut ReportBuilder) {
        self.signature.record(CheckId::SIGNATURE, report);
        self.trust.record(CheckId::TRUST, report);
        self.validity.record(CheckId::VALIDITY, report);
        self.policy.record(CheckId::ISSUANCE_POLICY, report);
    }
}
