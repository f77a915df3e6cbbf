//! W3C Verifiable Credentials and Presentations secured with Data Integrity proofs (`ldp_vc`,
//! the OpenID4VCI format name): JSON(-LD) with `@context`, `type` and an embedded `proof`.
//!
//! Checks for a credential: `decode` (core [`vcdm`]: the data model's rules); `signature`
//! (core [`di::verify`] with `proofPurpose` `assertionMethod`: every proof of the set, the key
//! from the issuer's DID document, offline, or from the trust store for a non-DID method, and the
//! method's controller must be the issuer); `trust` (a DID the trust store trusts, or a key it
//! holds for the issuer); `validity` (`validFrom`/`validUntil` or `issuanceDate`/
//! `expirationDate` against the clock, with the policy's leeway); `issuance_policy` (every type
//! but `VerifiableCredential`); `status` (W3C Bitstring Status List / StatusList2021, see
//! [`check_credential_status`]); `holder_binding` is
//! not applicable to a credential alone.
//!
//! A presentation adds the holder's proof (`authentication`) to `signature` and
//! `holder_binding`: the proof's `challenge` must be the request's nonce (required), its
//! `domain` the request's audience (when given), and its signer the `holder`. Every embedded
//! credential gets the credential checks (the first failure of each check is reported); an
//! enveloped credential is verified as an input of its own.

use inkan_core::BoxFuture;
use inkan_core::Error as CoreError;
use inkan_core::crypto::PublicKey;
use inkan_core::di::{self, DidMethods, MethodResolver, VerifiedProof, VerifyOptions};
use inkan_core::did::{DidUrl, Relationship};
use inkan_core::vcdm::{self, Credential, Presentation, PresentedCredential};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};

use crate::{CheckId, Confidence, Context, Format, InputRef, ReportBuilder, Result, Verification};

/// The format's identifier (the OpenID4VCI format name for Data Integrity credentials).
pub const ID: &str = "ldp_vc";

/// JSON credentials and presentations with Data Integrity proofs.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::ldp_vc::LdpVc;
/// let vc = r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
///   "proof": {"type": "DataIntegrityProof"}}"#;
/// assert_eq!(LdpVc.detect(&InputRef::Text(vc)), Confidence::CERTAIN);
/// assert_eq!(LdpVc.detect(&InputRef::Text(r#"{"vct": "x"}"#)), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LdpVc;

impl Format for LdpVc {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        #[derive(Deserialize)]
        struct Peek {
            #[serde(rename = "@context")]
            context: Option<IgnoredAny>,
            proof: Option<IgnoredAny>,
        }
        let Some(text) = input.text().map(str::trim) else {
            return Confidence::NONE;
        };
        if !text.starts_with('{') {
            return Confidence::NONE;
        }
        match serde_json::from_str::<Peek>(text) {
            Ok(Peek {
                context: Some(_),
                proof: Some(_),
            }) => Confidence::CERTAIN,
            Ok(Peek { context: Some(_), .. }) => Confidence::LIKELY,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let text = input.text().unwrap_or_default().trim();
        let mut report = cx.report(ID);
        let doc = match vcdm::parse_document(text) {
            Ok(doc) => doc,
            Err(e) => {
                decode_failed(&mut report, e);
                return Ok(cx.finish(report));
            }
        };
        if is_presentation(&doc) {
            verify_presentation(doc, cx, &mut report);
        } else {
            verify_credential(doc, cx, &mut report);
        }
        Ok(cx.finish(report))
    }

    /// Online only: resolves the DIDs the document's proofs need (issuer, holder, every proof's
    /// verification method: did:web documents enter the resolver's cache) and fetches the status
    /// list credentials its `credentialStatus` entries point at; `verify` then runs offline.
    fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let Ok(doc) = vcdm::parse_document(input.text().unwrap_or_default().trim()) else {
                return Ok(());
            };
            let mut documents = vec![&doc];
            documents.extend(embedded_credentials(&doc));
            for document in documents {
                for did in dids_to_resolve(document) {
                    // A failure shows up offline as the resolver's error under `signature`.
                    let _ = cx.did_resolver().resolve(&did).await;
                }
                crate::bitstring::refresh_credential_status(cx, document).await?;
            }
            Ok(())
        })
    }
}

/// The credentials embedded in a presentation (none for a credential).
fn embedded_credentials(doc: &Value) -> Vec<&Value> {
    match doc.get("verifiableCredential") {
        Some(Value::Array(vcs)) => vcs.iter().collect(),
        Some(vc @ Value::Object(_)) => vec![vc],
        _ => Vec::new(),
    }
}

/// The DIDs a document's proofs are checked against: its issuer or holder and the DID of every
/// proof's verification method.
fn dids_to_resolve(doc: &Value) -> Vec<String> {
    let proofs = match doc.get("proof") {
        Some(Value::Array(proofs)) => proofs.iter().collect(),
        Some(proof) => vec![proof],
        None => Vec::new(),
    };
    let methods = proofs
        .into_iter()
        .filter_map(|p| p.get("verificationMethod")?.as_str())
        .filter_map(|vm| DidUrl::parse(vm).ok())
        .map(|url| url.did().to_string());
    let holder = doc
        .get("holder")
        .and_then(|h| h.as_str().or_else(|| h.get("id")?.as_str()));
    let mut dids: Vec<String> = issuer_of(doc)
        .into_iter()
        .chain(holder.map(str::to_owned))
        .filter(|d| d.starts_with("did:"))
        .chain(methods)
        .collect();
    dids.sort();
    dids.dedup();
    dids
}

fn is_presentation(doc: &Value) -> bool {
    let types = doc.get("type").map(|t| match t {
        Value::Array(a) => a.iter().any(|t| t == "VerifiablePresentation"),
        other => other == "VerifiablePresentation",
    });
    types == Some(true)
}

fn verify_credential(doc: Value, cx: &Context<'_>, report: &mut ReportBuilder) {
    let vc = match Credential::from_value(doc) {
        Ok(vc) => vc,
        Err(e) => return decode_failed(report, e),
    };
    report.passed(CheckId::DECODE);
    describe(&vc, report);
    report.claims(without_proof(vc.document()));
    credential_checks(&vc, cx).record(report);
    check_credential_status(&vc, cx, report);
    report.not_applicable(
        CheckId::HOLDER_BINDING,
        "a credential alone proves no possession; present it in a verifiable presentation",
    );
}

fn verify_presentation(doc: Value, cx: &Context<'_>, report: &mut ReportBuilder) {
    let vp = match Presentation::from_value(doc) {
        Ok(vp) => vp,
        Err(e) => return decode_failed(report, e),
    };
    report.passed(CheckId::DECODE);
    let mut claims = Vec::new();
    let mut steps = Steps::default();
    let holder_proofs = verify_proofs(vp.document(), Relationship::Authentication, cx);
    steps.signature = Step::from(holder_proofs.as_ref().map(|_| ()).map_err(Clone::clone));
    for presented in vp.credentials() {
        match presented {
            PresentedCredential::Embedded(vc) => {
                if vp.credentials().len() == 1 {
                    describe(vc, report);
                }
                claims.push(without_proof(vc.document()));
                steps = steps.merge(credential_checks(vc, cx));
                check_credential_status(vc, cx, report);
            }
            PresentedCredential::Enveloped(env) => {
                claims.push(json!({"enveloped": env.media_type()}));
                steps = steps.merge(enveloped_checks(env.data(), cx));
            }
        }
    }
    if vp.credentials().is_empty() {
        let none = "the presentation carries no credential";
        steps.trust = Step::NotApplicable(none);
        steps.policy = Step::NotApplicable(none);
        steps.validity = Step::NotApplicable(none);
        report.not_applicable(CheckId::STATUS, none);
    }
    report.claims(json!({"holder": vp.holder(), "credentials": claims}));
    steps.record(report);
    match holder_proofs {
        Ok(proofs) => {
            report.check(CheckId::HOLDER_BINDING, holder_binding(&vp, &proofs, cx));
        }
        Err(_) => {
            report.not_applicable(CheckId::HOLDER_BINDING, "the holder's proof did not verify");
        }
    }
}

/// The presentation was made for this request (challenge = nonce, domain = audience) by the
/// holder it names.
fn holder_binding(vp: &Presentation, proofs: &[VerifiedProof], cx: &Context<'_>) -> inkan_core::Result<()> {
    let request = cx.request();
    let Some(nonce) = request.expected_nonce() else {
        return Err(CoreError::DiChallengeMismatch);
    };
    for verified in proofs {
        let proof = verified.proof();
        if proof.challenge() != Some(nonce) {
            return Err(CoreError::DiChallengeMismatch);
        }
        if let Some(aud) = request.expected_audience()
            && !proof.domains().iter().any(|d| d == aud)
        {
            return Err(CoreError::DiDomainMismatch);
        }
        if let Some(holder) = vp.holder()
            && verified.controller() != holder
        {
            return Err(CoreError::DiKeyNotAuthorized(format!(
                "{} is not a key of the holder {holder}",
                proof.verification_method()
            )));
        }
    }
    Ok(())
}

/// Verifies every proof of `doc` for `purpose`, with the policy's leeway and algorithms.
fn verify_proofs(
    doc: &Value,
    purpose: Relationship,
    cx: &Context<'_>,
) -> inkan_core::Result<Vec<VerifiedProof>> {
    let leeway = u64::try_from(cx.policy().time_rules().leeway_secs).unwrap_or(0);
    let options = VerifyOptions::new(purpose, cx.clock()).leeway(leeway);
    let methods = Methods {
        cx,
        issuer: issuer_of(doc),
    };
    let proofs = di::verify(doc, &options, &methods)?;
    for p in &proofs {
        let alg = p.proof().cryptosuite().algorithm(p.key().key_type())?;
        cx.policy().check_algorithm(alg)?;
    }
    Ok(proofs)
}

fn issuer_of(doc: &Value) -> Option<String> {
    let issuer = doc.get("issuer")?;
    issuer
        .as_str()
        .or_else(|| issuer.get("id")?.as_str())
        .map(str::to_owned)
}

/// Verification methods: DID URLs through the verifier's (offline) DID resolver; any other URL
/// through the trust store's keys for the issuer filed under that URL as `kid`.
struct Methods<'a> {
    cx: &'a Context<'a>,
    issuer: Option<String>,
}

impl MethodResolver for Methods<'_> {
    fn key_for(&self, verification_method: &str, purpose: Relationship) -> inkan_core::Result<PublicKey> {
        if verification_method.starts_with("did:") {
            return DidMethods(self.cx.did_resolver()).key_for(verification_method, purpose);
        }
        let issuer = self.issuer.as_deref().unwrap_or(verification_method);
        let keys = self.cx.trust().issuer_keys(issuer, Some(verification_method));
        match (purpose, keys.as_slice()) {
            (Relationship::AssertionMethod, [key]) => Ok(key.clone()),
            (Relationship::AssertionMethod, _) => Err(CoreError::DiUnknownMethod(format!(
                "no single trusted key {verification_method:?} for {issuer:?}"
            ))),
            _ => Err(CoreError::DiUnknownMethod(format!(
                "{verification_method} is not a DID URL; only DID methods can authenticate a holder"
            ))),
        }
    }
}

/// Signature, trust, validity and issuance policy of one credential.
fn credential_checks(vc: &Credential, cx: &Context<'_>) -> Steps {
    let (signature, trust) = match verify_proofs(vc.document(), Relationship::AssertionMethod, cx)
        .and_then(|proofs| issuer_controls(vc, proofs, cx))
    {
        Ok(proofs) => (Step::Passed, Step::from(check_trust(vc, &proofs, cx))),
        Err(e) => (
            Step::Failed(e),
            Step::NotApplicable("the signature did not verify"),
        ),
    };
    let leeway = u64::try_from(cx.policy().time_rules().leeway_secs).unwrap_or(0);
    let validity = Step::from(vc.check_validity(cx.clock(), leeway));
    let refused = vc
        .types()
        .iter()
        .filter(|t| *t != "VerifiableCredential")
        .find(|t| !cx.trust().may_issue(vc.issuer(), t));
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

/// Every proof must be the issuer's: by a method of the issuer's DID, or by a key the trust store
/// holds for the issuer (an issuer known by URL that signs with a did:key, as the W3C examples do).
fn issuer_controls(
    vc: &Credential,
    proofs: Vec<VerifiedProof>,
    cx: &Context<'_>,
) -> inkan_core::Result<Vec<VerifiedProof>> {
    for p in &proofs {
        let vm = p.proof().verification_method();
        let issuers_key = cx.trust().issuer_keys(vc.issuer(), None).contains(p.key());
        if vm.starts_with("did:") && p.controller() != vc.issuer() && !issuers_key {
            return Err(CoreError::DiKeyNotAuthorized(format!(
                "{vm} is not a key of the issuer {}",
                vc.issuer()
            )));
        }
    }
    Ok(proofs)
}

/// The issuer is trusted: its DID is, or the trust store holds the key that verified.
fn check_trust(vc: &Credential, proofs: &[VerifiedProof], cx: &Context<'_>) -> inkan_core::Result<()> {
    let trust = cx.trust();
    let trusted = |p: &VerifiedProof| {
        let vm = p.proof().verification_method();
        !vm.starts_with("did:")
            || trust.is_trusted_did(vc.issuer())
            || trust.issuer_keys(vc.issuer(), None).contains(p.key())
    };
    match proofs.iter().find(|p| !trusted(p)) {
        Some(_) => Err(CoreError::Untrusted(format!(
            "{} is not a trusted issuer",
            vc.issuer()
        ))),
        None => Ok(()),
    }
}

/// The STATUS check of a credential's `credentialStatus`: `BitstringStatusListEntry` and
/// `StatusList2021Entry` entries are looked up in the verifier's cache of verified status list
/// credentials (filled by `verify_online` or [`Verifier::load_status_list_credential`]), offline
/// (see [`crate::check_bitstring_status`]): revoked and suspended are failures with their own
/// codes; no usable list fails when the policy requires STATUS and is not applicable otherwise.
///
/// [`Verifier::load_status_list_credential`]: crate::Verifier::load_status_list_credential
pub fn check_credential_status(vc: &Credential, cx: &Context<'_>, report: &mut ReportBuilder) {
    crate::bitstring::check_credential_status(cx, vc.document(), report);
}

/// An enveloped credential is an input of its own (`vc+jwt`, `vc+sd-jwt`, …): verified through
/// the registry, and counted as one signature/trust/validity outcome.
fn enveloped_checks(data: &str, cx: &Context<'_>) -> Steps {
    let step = match cx.dispatch(&InputRef::Text(data)) {
        Ok(v) if v.is_valid() => Step::Passed,
        Ok(v) => Step::Failed(CoreError::Untrusted(format!(
            "the enveloped {} credential is not valid",
            v.format()
        ))),
        Err(e) => Step::Failed(CoreError::VcdmEnveloped(e.to_string())),
    };
    Steps {
        signature: step.clone(),
        trust: step.clone(),
        validity: step.clone(),
        policy: step,
    }
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
        report.not_applicable(id, "the document did not decode");
    }
}

fn describe(vc: &Credential, report: &mut ReportBuilder) {
    report.issuer(vc.issuer());
    if let Some(last) = vc.types().last() {
        report.credential_type(last.as_str());
    }
}

fn without_proof(doc: &Value) -> Value {
    let mut doc = doc.clone();
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("proof");
    }
    doc
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

impl From<inkan_core::Result<()>> for Step {
    fn from(result: inkan_core::Result<()>) -> Self {
        match result {
            Ok(()) => Step::Passed,
            Err(e) => Step::Failed(e),
        }
    }
}

/// The four credential checks, merged over every credential of a presentation.
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
