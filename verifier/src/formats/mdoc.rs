//! ISO 18013-5 mdoc: a `DeviceResponse` or a bare `IssuerSigned`, as CBOR bytes or as
//! base64url / hex text.
//!
//! Checks, per document (several documents merge per check: the first failure wins):
//! `decode`; `signature` (issuerAuth under the document signer certificate of its `x5chain`,
//! algorithm allowed by the policy); `trust` (core's chain validator with the trust store's
//! anchors and pinned leaves for [`purpose::MDOC_IACA`] and the 18013-5 [`Iso18013Profile`]);
//! `value_digests` (every presented element against the MSO); `doc_type` (document = MSO, and
//! = the reader's request when the request carries one); `validity` (the MSO's window, the
//! policy's leeway); `status` (an MSO `status` Token Status List reference, through the status
//! cache); `holder_binding` (deviceSignature / deviceMac over the request's session transcript;
//! a DeviceResponse verified without one fails `mdoc.no_transcript`, a deviceMac needs the
//! reader's ephemeral private key as a JWK decryption key of the request; device-signed
//! elements must be authorised by the MSO); `requested_elements` (with a DeviceRequest in the
//! request: nothing presented beyond it); `issuance_policy` (the IACA may issue the docType).

use std::borrow::Cow;

use inkan_core::BoxFuture;
use inkan_core::crypto::PrivateKeyData;
use inkan_core::encoding::b64url_decode;
use inkan_core::mdoc::{
    DeviceRequest, DeviceResponse, Document, Iso18013Profile, IssuerSigned, SessionTranscript, cbor_to_json,
    check_device_signed_authorized, check_doc_type, check_requested, verify_device_auth, verify_digests,
};
use inkan_core::trust::purpose;
use inkan_core::x509::{Certificate, TrustedBy};
use serde_json::{Map, Value as Json};

use crate::{CheckId, Confidence, Context, DecryptionKey, Format, InputRef, Result, Verification};

/// The format's identifier.
pub const ID: &str = "mdoc";

/// The presented elements' digests against the MSO.
pub const VALUE_DIGESTS: CheckId = CheckId::new("value_digests");
/// The document's docType against the MSO's (and the request's).
pub const DOC_TYPE: CheckId = CheckId::new("doc_type");
/// Nothing presented beyond what the DeviceRequest asked for.
pub const REQUESTED_ELEMENTS: CheckId = CheckId::new("requested_elements");

/// ISO 18013-5 mdoc (`DeviceResponse` or `IssuerSigned`).
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::mdoc::Mdoc;
/// assert_eq!(Mdoc.detect(&InputRef::Text("hello")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Mdoc;

/// What the input decoded to.
enum Parsed {
    Response(DeviceResponse),
    Issuer(Box<IssuerSigned>),
}

impl Format for Mdoc {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match cbor_bytes(input) {
            Some(bytes) if looks_like_mdoc(&bytes) => Confidence::CERTAIN,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let bytes = cbor_bytes(input).unwrap_or_default();
        let parsed = parse(&bytes)?;
        drop(bytes);
        let mut report = cx.report(ID);
        report.passed(CheckId::DECODE);
        let mut steps = Steps::default();
        let mut claims = Vec::new();
        let docs = parsed.documents();
        if docs.is_empty() {
            return Err(
                inkan_core::Error::MdocMalformed("the DeviceResponse holds no documents".into()).into(),
            );
        }
        let request = cx
            .request()
            .mdoc_device_request()
            .map(DeviceRequest::decode)
            .transpose()?;
        for &(signed, document) in &docs {
            let issuer = check_issuer(signed, cx, &mut steps);
            if let Some(issuer) = issuer {
                report.issuer(issuer);
            }
            let doc_type = document.map_or(&signed.mso.value().doc_type, |d| &d.doc_type);
            report.credential_type(doc_type.clone());
            check_content(signed, document, request.as_ref(), cx, &mut steps);
            claims.push(describe(signed, document));
        }
        steps.emit(&mut report);
        let all: Vec<&IssuerSigned> = docs.iter().map(|(signed, _)| *signed).collect();
        check_statuses(&all, cx, &mut report);
        report.claims(match <[Json; 1]>::try_from(claims) {
            Ok([one]) => one,
            Err(many) => serde_json::json!({ "documents": many }),
        });
        Ok(cx.finish(report))
    }

    fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let Some(Ok(parsed)) = cbor_bytes(input).map(|b| parse(&b)) else {
                return Ok(());
            };
            let statuses: Vec<Json> = parsed
                .documents()
                .into_iter()
                .filter_map(|(s, _)| s.mso.value().status.as_ref().map(|r| r.to_json()))
                .collect();
            for status in &statuses {
                crate::status::refresh_status(cx, Some(status)).await?;
            }
            Ok(())
        })
    }
}

impl Parsed {
    /// Each document's IssuerSigned, with its Document when it came in a DeviceResponse.
    fn documents(&self) -> Vec<(&IssuerSigned, Option<&Document>)> {
        match self {
            Parsed::Response(r) => r.documents.iter().map(|d| (&d.issuer_signed, Some(d))).collect(),
            Parsed::Issuer(s) => vec![(s.as_ref(), None)],
        }
    }
}

/// The CBOR bytes of the input: raw bytes (borrowed, not copied), or text in hex or base64url.
fn cbor_bytes<'a>(input: &InputRef<'a>) -> Option<Cow<'a, [u8]>> {
    let raw = input.bytes();
    if raw.first().is_some_and(|b| (0xa0..=0xbf).contains(b)) {
        return Some(Cow::Borrowed(raw));
    }
    let text = input.text()?;
    if text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex::decode(text).ok().map(Cow::Owned);
    }
    b64url_decode(text).ok().map(Cow::Owned)
}

/// A CBOR map with the keys of a DeviceResponse or an IssuerSigned (a cheap look, no parse).
fn looks_like_mdoc(bytes: &[u8]) -> bool {
    // memmem (SIMD) rather than a window-by-window comparison: detection runs on every input.
    let has = |key: &[u8]| memchr::memmem::find(bytes, key).is_some();
    bytes.first().is_some_and(|b| (0xa1..=0xbf).contains(b))
        && (has(b"issuerAuth") || (has(b"version") && has(b"status") && has(b"documents")))
}

fn parse(bytes: &[u8]) -> Result<Parsed> {
    let value = inkan_core::cose::cbor::decode(bytes, &inkan_core::mdoc::LIMITS)?;
    let is_response =
        matches!(&value, ciborium::Value::Map(m) if m.iter().any(|(k, _)| k.as_text() == Some("version")));
    Ok(if is_response {
        Parsed::Response(DeviceResponse::from_value(value)?)
    } else {
        Parsed::Issuer(Box::new(IssuerSigned::from_value(value)?))
    })
}

/// One check's outcome across documents.
enum Step {
    Passed,
    Failed(inkan_core::Error),
    NotApplicable(String),
}

/// Outcomes per check, merged across documents: a failure beats a pass beats not applicable.
#[derive(Default)]
struct Steps(Vec<(CheckId, Step)>);

impl Steps {
    fn record(&mut self, id: CheckId, step: Step) {
        match self.0.iter_mut().find(|(i, _)| *i == id) {
            None => self.0.push((id, step)),
            Some((_, old)) => {
                let replace = match (&*old, &step) {
                    (Step::Failed(_), _) => false,
                    (_, Step::Failed(_)) => true,
                    (Step::NotApplicable(_), Step::Passed) => true,
                    _ => false,
                };
                if replace {
                    *old = step;
                }
            }
        }
    }

    fn check(&mut self, id: CheckId, result: inkan_core::Result<()>) {
        self.record(id, result.map_or_else(Step::Failed, |()| Step::Passed));
    }

    fn na(&mut self, id: CheckId, reason: &str) {
        self.record(id, Step::NotApplicable(reason.to_owned()));
    }

    fn emit(self, report: &mut crate::ReportBuilder) {
        for (id, step) in self.0 {
            match step {
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
}

/// Signature, trust and issuance policy; returns the issuer's name (the IACA subject).
fn check_issuer(signed: &IssuerSigned, cx: &Context<'_>, steps: &mut Steps) -> Option<String> {
    let sign1 = &signed.issuer_auth;
    if let Err(e) = sign1.algorithm().and_then(|alg| cx.policy().check_algorithm(alg)) {
        steps.check(CheckId::SIGNATURE, Err(e));
        steps.na(CheckId::TRUST, "the signature could not be checked");
        return None;
    }
    let certs = match sign1.x5chain().and_then(|chain| {
        if chain.is_empty() {
            return Err(inkan_core::Error::MdocUntrustedIssuer(
                "issuerAuth carries no x5chain".into(),
            ));
        }
        chain.iter().map(|der| Certificate::from_der(der)).collect()
    }) {
        Ok(certs) => certs,
        Err(e) => {
            steps.na(
                CheckId::SIGNATURE,
                "no document signer certificate to check it with",
            );
            steps.check(CheckId::TRUST, Err(e));
            return None;
        }
    };
    let certs: Vec<Certificate> = certs;
    let leaf = certs.first()?;
    let validated = cx
        .trust()
        .chain_validator(purpose::MDOC_IACA)
        .with_profile(Box::new(Iso18013Profile))
        .validate(&certs, cx.clock());
    // The validated chain has prepared the leaf's key already; only an unvalidated leaf
    // (reported under trust) has its key read here.
    let signature = match &validated {
        Ok(chain) => signed.verify_issuer_signature(chain.leaf_key()),
        Err(_) => leaf
            .public_key()
            .and_then(|key| signed.verify_issuer_signature(&key)),
    };
    steps.check(CheckId::SIGNATURE, signature);
    // The anchor keeps its name as text; a DS directly under it has that name as its issuer
    // (matched as DER), so the leaf's issuer is only rendered when the path is longer.
    let issuer = match &validated {
        Ok(chain) if chain.intermediates().is_empty() => match chain.trusted_by() {
            TrustedBy::Anchor(anchor) => anchor.subject().to_owned(),
            TrustedBy::PinnedLeaf(_) => leaf.issuer().to_owned(),
        },
        _ => leaf.issuer().to_owned(),
    };
    let doc_type = &signed.mso.value().doc_type;
    match validated {
        Ok(_) => {
            steps.check(CheckId::TRUST, Ok(()));
            let allowed = cx.trust().may_issue(&issuer, doc_type);
            steps.check(
                CheckId::ISSUANCE_POLICY,
                allowed.then_some(()).ok_or_else(|| {
                    inkan_core::Error::Untrusted(format!("{issuer} may not issue {doc_type}"))
                }),
            );
        }
        Err(e) => {
            let e = match e {
                inkan_core::Error::X509Untrusted(msg) => inkan_core::Error::MdocUntrustedIssuer(msg),
                other => other,
            };
            steps.check(CheckId::TRUST, Err(e));
            steps.na(CheckId::ISSUANCE_POLICY, "the issuer is not trusted");
        }
    }
    Some(issuer)
}

/// Digests, docType, validity, status, device authentication and the request.
fn check_content(
    signed: &IssuerSigned,
    document: Option<&Document>,
    request: Option<&DeviceRequest>,
    cx: &Context<'_>,
    steps: &mut Steps,
) {
    let mso = signed.mso.value();
    steps.check(VALUE_DIGESTS, verify_digests(signed).map(|_| ()));
    let rules = cx.policy().time_rules();
    steps.check(
        CheckId::VALIDITY,
        mso.validity_info.check(cx.clock().now_unix(), rules.leeway_secs),
    );
    let Some(document) = document else {
        steps.check(DOC_TYPE, Ok(()));
        steps.na(
            CheckId::HOLDER_BINDING,
            "an IssuerSigned alone carries no device authentication",
        );
        return;
    };
    steps.check(DOC_TYPE, check_doc_type(&document.doc_type, &mso.doc_type, None));
    steps.check(CheckId::HOLDER_BINDING, holder_binding(document, cx));
    match request {
        None => steps.na(REQUESTED_ELEMENTS, "the request carries no DeviceRequest"),
        Some(request) => {
            let items = request
                .doc_requests
                .iter()
                .map(|d| d.items_request.value())
                .find(|r| r.doc_type == document.doc_type);
            let result = match items {
                Some(items) => check_requested(document, items),
                None => Err(inkan_core::Error::MdocNotRequested {
                    namespace: document.doc_type.clone(),
                    element: "*".into(),
                }),
            };
            steps.check(REQUESTED_ELEMENTS, result);
        }
    }
}

/// The STATUS check of the document whose outcome decides (a failure, else a pass, else the
/// first), recorded by the verifier's one status check into the report.
fn check_statuses(signed: &[&IssuerSigned], cx: &Context<'_>, report: &mut crate::ReportBuilder) {
    if let [one] = signed {
        // One document: its outcome is the outcome, checked once.
        let status = one.mso.value().status.as_ref().map(|r| r.to_json());
        crate::status::check_status(cx, status.as_ref(), report);
        return;
    }
    let statuses: Vec<Option<Json>> = signed
        .iter()
        .map(|s| s.mso.value().status.as_ref().map(|r| r.to_json()))
        .collect();
    let outcome = |status: &Option<Json>| {
        let mut scratch = cx.report(ID);
        crate::status::check_status(cx, status.as_ref(), &mut scratch);
        let verification = scratch.finish(cx.policy(), cx.clock());
        verification.check(&CheckId::STATUS).map(|c| c.outcome.clone())
    };
    let outcomes: Vec<_> = statuses.iter().map(outcome).collect();
    let pick = outcomes
        .iter()
        .position(|o| matches!(o, Some(crate::Outcome::Failed { .. })))
        .or_else(|| outcomes.iter().position(|o| o == &Some(crate::Outcome::Passed)))
        .unwrap_or(0);
    if let Some(status) = statuses.get(pick) {
        crate::status::check_status(cx, status.as_ref(), report);
    }
}

/// Device authentication over the request's transcript, and key authorizations.
fn holder_binding(document: &Document, cx: &Context<'_>) -> inkan_core::Result<()> {
    let transcript = cx
        .request()
        .transcript()
        .ok_or(inkan_core::Error::MdocNoTranscript)?;
    let transcript = SessionTranscript::from_bytes(transcript)?;
    let reader_keys: Vec<PrivateKeyData> = cx
        .request()
        .decryption_keys()
        .iter()
        .filter_map(|k| match k {
            DecryptionKey::Jwk(jwk) => PrivateKeyData::from_jwk(jwk).ok(),
            DecryptionKey::Symmetric(_) => None,
        })
        .collect();
    if let inkan_core::mdoc::DeviceAuth::Signature(sig) = &document.device_signed.device_auth {
        cx.policy().check_algorithm(sig.algorithm()?)?;
    }
    let mut result = verify_device_auth(document, &transcript, None);
    for key in &reader_keys {
        if !matches!(
            result,
            Err(inkan_core::Error::MdocNoReaderKey | inkan_core::Error::MdocBadDeviceMac)
        ) {
            break;
        }
        result = verify_device_auth(document, &transcript, Some(key));
    }
    result?;
    check_device_signed_authorized(document)
}

/// The report's claims for one document: docType, elements per namespace, validity.
fn describe(signed: &IssuerSigned, document: Option<&Document>) -> Json {
    let mso = signed.mso.value();
    let mut name_spaces = Map::new();
    for (ns, items) in &signed.name_spaces {
        let elements: Map<String, Json> = items
            .iter()
            .map(|i| {
                (
                    i.value().element_identifier.clone(),
                    cbor_to_json(&i.value().element_value),
                )
            })
            .collect();
        name_spaces.insert(ns.clone(), elements.into());
    }
    let mut out = Map::new();
    out.insert(
        "docType".into(),
        document.map_or(&mso.doc_type, |d| &d.doc_type).clone().into(),
    );
    out.insert("nameSpaces".into(), name_spaces.into());
    if let Some(doc) = document.filter(|d| !d.device_signed.name_spaces.value().is_empty()) {
        let device: Map<String, Json> = doc
            .device_signed
            .name_spaces
            .value()
            .iter()
            .map(|(ns, els)| {
                let els: Map<String, Json> = els.iter().map(|(e, v)| (e.clone(), cbor_to_json(v))).collect();
                (ns.clone(), els.into())
            })
            .collect();
        out.insert("deviceNameSpaces".into(), device.into());
    }
    out.insert("validFrom".into(), mso.validity_info.valid_from.into());
    out.insert("validUntil".into(), mso.validity_info.valid_until.into());
    out.into()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, KeyType, PrivateKeyData, PublicKey, SoftwareKey};
    use inkan_core::mdoc::{DOCTYPE_MDL, DeviceRequest, ItemsRequest, NAMESPACE_MDL};
    use inkan_core::trust::StaticTrustStore;
    use inkan_core::x509::TrustAnchor;
    use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
    use inkan_wallet::mdoc::{DeviceAuthKey, DeviceKeyAgreement, present_with};

    use super::*;
    use crate::{Outcome, Policy, Verifier, VerifyRequest};

    /// A wallet's deviceMac response verifies with the reader's ephemeral key, and only with it.
    #[test]
    fn device_mac_from_the_wallet_binds_the_holder() {
        let clock = FixedClock::at_unix(1_800_000_000);
        let (iaca_key, ds_key) = (
            SoftwareKey::generate(Algorithm::Es256).unwrap(),
            SoftwareKey::generate(Algorithm::Es256).unwrap(),
        );
        let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
        let device = PrivateKeyData::generate(KeyType::P256).unwrap();
        let claims = serde_json::json!({ NAMESPACE_MDL: {"family_name": "Doe"} });
        let content = MdocContent::from_json(DOCTYPE_MDL, &claims, &device.public_key().unwrap()).unwrap();
        let held = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
            .issue(&content, &clock)
            .unwrap();
        let request = DeviceRequest::new(vec![ItemsRequest::new(DOCTYPE_MDL).element(
            NAMESPACE_MDL,
            "family_name",
            false,
        )])
        .unwrap();
        let transcript = SessionTranscript::openid4vp("c", "n", None, "https://r").unwrap();
        let reader = PrivateKeyData::generate(KeyType::P256).unwrap();
        let reader_public = PublicKey::new(reader.public().unwrap()).unwrap();
        let auth = DeviceAuthKey::Mac {
            device: &device,
            reader: &reader_public,
        };
        let bytes = present_with(&[held], &request, &transcript, auth)
            .unwrap()
            .encode()
            .unwrap();
        let trust = StaticTrustStore::builder()
            .x509_anchor(purpose::MDOC_IACA, TrustAnchor::from_certificate(iaca).unwrap())
            .build();
        let verifier = Verifier::builder(Arc::new(trust), Policy::default(), Arc::new(clock)).build();
        let base = VerifyRequest::bytes(bytes).session_transcript(transcript.bytes().to_vec());
        let with_key = base
            .clone()
            .decryption_key(DecryptionKey::Jwk(Box::new(reader.to_jwk().unwrap())));
        let report = verifier.verify(&with_key).unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
        let holder = |r: &Verification| r.check(&CheckId::HOLDER_BINDING).map(|c| c.outcome.clone());
        assert_eq!(holder(&report), Some(Outcome::Passed));
        let report = verifier.verify(&base).unwrap();
        assert!(
            matches!(holder(&report), Some(Outcome::Failed { code, .. }) if code == "mdoc.no_reader_key")
        );
        let stranger = PrivateKeyData::generate(KeyType::P256).unwrap();
        let wrong = base.decryption_key(DecryptionKey::Jwk(Box::new(stranger.to_jwk().unwrap())));
        let report = verifier.verify(&wrong).unwrap();
        assert!(
            matches!(holder(&report), Some(Outcome::Failed { code, .. }) if code == "mdoc.bad_device_mac")
        );
    }
}
