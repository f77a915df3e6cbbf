//! VC-JOSE-COSE: a VCDM 2.0 credential or presentation secured as a compact JWS with `typ`
//! `vc+jwt` / `vp+jwt`, or as a COSE_Sign1 with `typ` `application/vc+cose` / `vp+cose`.
//!
//! Detection goes by the `typ` alone, so VC-JWT 1.1 (`jwt_vc_json`, a `vc` claim under `typ`
//! `JWT`) keeps its inputs. Checks for a credential: `decode` (core [`vcjose`]: envelope and
//! payload shape); `signature` with the key of the DID URL `kid` (did:key, did:jwk, did:web from
//! the resolver's cache: `assertionMethod`) or the trust store's keys for the issuer and `kid`;
//! `trust` (trust-store key, a DID the trust store trusts, or the same key filed under the
//! issuer); `validity` (`validFrom`/`validUntil`); `issuance_policy` (every `type` but
//! `VerifiableCredential`); `status` (W3C Bitstring Status List / StatusList2021 entries of
//! `credentialStatus`, from the verifier's cache); `holder_binding` not applicable.
//!
//! A presentation: the holder's signature (`authentication`), its validity, every enveloped
//! credential verified as an input of its own (`trust` fails with the first credential that is
//! not valid), and `holder_binding`: every credential's subject is the holder.
//!
//! `refresh` (online only) resolves the signer's did:web document into the resolver's cache
//! and fetches the status list credentials the entries name.

use inkan_core::did::DidUrl;
use inkan_core::vcjose::{self, Kind, Secured};
use inkan_core::vcjwt::KeySources;
use inkan_core::{BoxFuture, Error as CoreError};
use serde_json::Value;

use crate::{CheckId, Confidence, Context, Format, InputRef, ReportBuilder, Result, Verification};

/// The format's identifier.
pub const ID: &str = "vc_jose_cose";

/// `vc+jwt`, `vp+jwt`, `vc+cose` and `vp+cose` inputs.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::vc_jose::VcJose;
/// // {"alg":"ES256","typ":"vc+jwt"} . {} . signature
/// let token = "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.e30.c2ln";
/// assert_eq!(VcJose.detect(&InputRef::Text(token)), Confidence::CERTAIN);
/// assert_eq!(VcJose.detect(&InputRef::Text("eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct VcJose;

impl Format for VcJose {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        if secured_typ(&secured_bytes(input)) {
            Confidence::CERTAIN
        } else {
            Confidence::NONE
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let mut report = cx.report(ID);
        match Secured::parse(&secured_bytes(input)) {
            Err(e) => decode_failed(&mut report, e),
            Ok(secured) => {
                report.passed(CheckId::DECODE);
                match secured.kind() {
                    Kind::Credential => verify_credential(&secured, cx, &mut report),
                    Kind::Presentation => verify_presentation(&secured, cx, &mut report),
                }
            }
        }
        Ok(cx.finish(report))
    }

    fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let Ok(secured) = Secured::parse(&secured_bytes(input)) else {
                return Ok(());
            };
            resolve_signer(&secured, cx).await;
            let document = Value::Object(secured.document().clone());
            crate::bitstring::refresh_credential_status(cx, &document).await?;
            for inner in secured.enveloped_credentials().unwrap_or_default() {
                let inner = InputRef::Bytes(&inner);
                if self.detect(&inner).is_match() {
                    self.refresh(&inner, cx).await?;
                }
            }
            Ok(())
        })
    }
}

/// The input's bytes; a vc+cose written as hex text (as `inkan vc-jose issue --cose` prints it)
/// is decoded first.
fn secured_bytes<'a>(input: &InputRef<'a>) -> std::borrow::Cow<'a, [u8]> {
    let hex_text = input
        .text()
        .map(str::trim)
        .filter(|t| t.len() % 2 == 0 && t.starts_with("d284") && t.bytes().all(|b| b.is_ascii_hexdigit()));
    match hex_text.and_then(|t| hex::decode(t).ok()) {
        Some(bytes) => std::borrow::Cow::Owned(bytes),
        None => std::borrow::Cow::Borrowed(input.bytes()),
    }
}

/// Whether `bytes` carry a VC-JOSE-COSE `typ`: the JOSE header is read (no payload decoding),
/// a COSE_Sign1 is decoded under the core caps.
fn secured_typ(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.trim_start().starts_with("eyJ") => {
            let text = text.trim();
            if text.contains('~') || text.split('.').count() != 3 {
                return false;
            }
            inkan_core::jose::jws::peek_header(text).is_ok_and(|h| {
                let typ = h.typ.unwrap_or_default();
                let typ = typ.strip_prefix("application/").unwrap_or(&typ);
                typ == vcjose::TYP_VC_JWT || typ == vcjose::TYP_VP_JWT
            })
        }
        _ => {
            matches!(bytes.first(), Some(0xd2 | 0x84)) && {
                // Wrong-typ COSE fails with vcjose.wrong_typ; anything else is not ours.
                match Secured::parse_cose(bytes) {
                    Ok(_) => true,
                    Err(e) => e.code() != "vcjose.wrong_typ" && e.code().starts_with("vcjose."),
                }
            }
        }
    }
}

/// Resolves (online, filling the resolver's cache) the DID that signed, if it is one.
async fn resolve_signer(secured: &Secured, cx: &Context<'_>) {
    let kid_did = secured
        .kid()
        .and_then(|k| DidUrl::parse(k).ok())
        .map(|u| u.did().to_string());
    let issuer = secured
        .issuer()
        .filter(|i| i.starts_with("did:"))
        .map(str::to_owned);
    for did in [kid_did, issuer].into_iter().flatten() {
        // A failure shows up offline as the resolver's error under `signature`.
        let _ = cx.did_resolver().resolve(&did).await;
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
        report.not_applicable(id, "the input did not decode");
    }
}

fn describe(secured: &Secured, report: &mut ReportBuilder) {
    if let Some(issuer) = secured.issuer() {
        report.issuer(issuer);
    }
    if let Some(last) = secured.types().last() {
        report.credential_type(*last);
    }
    report.claims(Value::Object(secured.document().clone()));
}

fn verify_credential(secured: &Secured, cx: &Context<'_>, report: &mut ReportBuilder) {
    describe(secured, report);
    signature_and_trust(secured, cx, report);
    report.check(
        CheckId::VALIDITY,
        secured.check_time(cx.clock(), cx.policy().time_rules().leeway_secs),
    );
    let issuer = secured.issuer().unwrap_or_default();
    let refused = secured
        .types()
        .into_iter()
        .filter(|t| *t != "VerifiableCredential")
        .find(|t| !cx.trust().may_issue(issuer, t));
    report.check(
        CheckId::ISSUANCE_POLICY,
        match refused {
            Some(t) => Err(CoreError::Untrusted(format!("{issuer} may not issue {t}"))),
            None => Ok(()),
        },
    );
    crate::bitstring::check_credential_status(cx, &Value::Object(secured.document().clone()), report);
    report.not_applicable(
        CheckId::HOLDER_BINDING,
        "a credential alone proves no possession; present it in a vp+jwt / vp+cose",
    );
}

/// Records SIGNATURE and TRUST; returns whether the signature verified.
fn signature_and_trust(secured: &Secured, cx: &Context<'_>, report: &mut ReportBuilder) -> bool {
    let sources = KeySources {
        trust: cx.trust(),
        dids: cx.did_resolver(),
    };
    let resolved = match secured.resolve_keys(&sources) {
        Ok(resolved) => resolved,
        Err(e) => {
            report.not_applicable(CheckId::SIGNATURE, "no key to check it with");
            report.check(CheckId::TRUST, Err(e));
            return false;
        }
    };
    let verified = resolved
        .verify_with(|key| secured.verify_signature(key))
        .and_then(|(key, alg)| cx.policy().check_algorithm(alg).map(|()| key));
    match verified {
        Ok(key) => {
            report.passed(CheckId::SIGNATURE);
            let signer = secured.issuer().unwrap_or_default();
            report.check(CheckId::TRUST, resolved.check_trust(signer, &key, cx.trust()));
            true
        }
        Err(e) => {
            report.check(CheckId::SIGNATURE, Err(e));
            report.not_applicable(CheckId::TRUST, "the signature did not verify");
            false
        }
    }
}

fn verify_presentation(secured: &Secured, cx: &Context<'_>, report: &mut ReportBuilder) {
    describe(secured, report);
    let holder_signed = holder_signature(secured, cx, report);
    report.check(
        CheckId::VALIDITY,
        secured.check_time(cx.clock(), cx.policy().time_rules().leeway_secs),
    );
    let inner = match secured.enveloped_credentials() {
        Ok(inner) => inner,
        Err(e) => {
            report.check(CheckId::TRUST, Err(e));
            return;
        }
    };
    let mut subjects_ok = Ok(());
    let mut credentials_ok = Ok(());
    for bytes in &inner {
        let result = cx.dispatch(&InputRef::Bytes(bytes));
        match result {
            Ok(r) if r.is_valid() => {
                let subject = r
                    .claims()
                    .pointer("/credentialSubject/id")
                    .and_then(Value::as_str);
                if subject != secured.issuer() && subjects_ok.is_ok() {
                    subjects_ok = Err(CoreError::VcJoseIssuerMismatch(format!(
                        "a credential about {subject:?} presented by {:?}",
                        secured.issuer()
                    )));
                }
            }
            Ok(r) => {
                if credentials_ok.is_ok() {
                    let first = r.checks().iter().find_map(|c| match &c.outcome {
                        crate::Outcome::Failed { code, message } => Some(format!("{code}: {message}")),
                        _ => None,
                    });
                    credentials_ok = Err(CoreError::Untrusted(format!(
                        "a presented credential is not valid ({})",
                        first.unwrap_or_else(|| "a required check was not performed".into())
                    )));
                }
            }
            Err(e) => {
                if credentials_ok.is_ok() {
                    credentials_ok = Err(CoreError::VcJoseMalformed(format!(
                        "a presented credential could not be checked: {e}"
                    )));
                }
            }
        }
    }
    if inner.is_empty() {
        report.not_applicable(CheckId::TRUST, "the presentation carries no credential");
    } else if holder_signed {
        report.check(CheckId::TRUST, credentials_ok);
    }
    report.not_applicable(CheckId::ISSUANCE_POLICY, "checked on each presented credential");
    report.not_applicable(CheckId::STATUS, "checked on each presented credential");
    if holder_signed && !inner.is_empty() {
        report.check(CheckId::HOLDER_BINDING, subjects_ok);
    } else {
        report.not_applicable(
            CheckId::HOLDER_BINDING,
            "no verified holder signature over credentials",
        );
    }
}

/// The holder's signature: the request's holder key, else the holder DID's `authentication`.
fn holder_signature(secured: &Secured, cx: &Context<'_>, report: &mut ReportBuilder) -> bool {
    let keys = match cx.request().expected_holder_key() {
        Some(key) => Ok(vec![key.clone()]),
        None => secured
            .resolve_keys(&KeySources {
                trust: cx.trust(),
                dids: cx.did_resolver(),
            })
            .map(|r| r.keys),
    };
    let verified = keys.and_then(|keys| {
        let mut last = CoreError::BadSignature;
        for key in &keys {
            match secured.verify_signature(key) {
                Ok(alg) => return cx.policy().check_algorithm(alg),
                Err(e) => last = e,
            }
        }
        Err(last)
    });
    report.check(CheckId::SIGNATURE, verified)
}
