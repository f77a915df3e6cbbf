//! MOSIP Claim 169 QR text (Base45 → zlib → COSE_Sign1 / COSE_Encrypt0 → CWT with claim 169).
//!
//! Checks: `decode`; `signature` with the issuer key found by `x5chain` (validated by core's
//! chain validator against the trust store's anchors for [`PURPOSE`]) or by `iss` and `kid`
//! through the trust store; `trust`; `validity` (`exp`/`nbf`/`iat` under the policy's rules);
//! `issuance_policy` (the trust store lets `iss` issue [`CREDENTIAL_TYPE`]). Claim 169 has no
//! status or holder binding, and says so. Tolerated deviations become warnings.

use inkan_core::claim169::{self, ParseOptions, ParsedClaim169};
use inkan_core::crypto::PublicKey;
use inkan_core::x509::Certificate;

use super::{peek_base45_zlib, starts_like_cose};
use crate::{
    ANY, CheckId, Confidence, Context, DecryptionKey, Format, InputRef, ReportBuilder, Result, Verification,
};

/// The format's identifier.
pub const ID: &str = "claim169";

/// The credential type the trust store's issuance policy is asked about.
pub const CREDENTIAL_TYPE: &str = "claim169";

/// The X.509 purpose whose anchors and pinned leaves vouch for `x5chain` issuers.
pub const PURPOSE: &str = "claim169";

/// Claim 169 QR text.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::claim169::Claim169;
/// assert_eq!(Claim169.detect(&InputRef::Text("hello")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Claim169;

impl Format for Claim169 {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text().and_then(peek_base45_zlib) {
            Some(head) if starts_like_cose(&head) => Confidence::CERTAIN,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let text = input.text().unwrap_or_default();
        let parsed = parse(text, cx.request().decryption_keys())?;
        let mut report = cx.report(ID);
        report.passed(CheckId::DECODE).credential_type(CREDENTIAL_TYPE);
        describe(&parsed, &mut report);
        check_signature_and_trust(&parsed, cx, &mut report);
        report.check(
            CheckId::VALIDITY,
            parsed.check_time(&cx.policy().time_rules(), cx.clock()),
        );
        match parsed.issuer() {
            Some(iss) => {
                let allowed = cx.trust().may_issue(iss, CREDENTIAL_TYPE);
                report.check(
                    CheckId::ISSUANCE_POLICY,
                    allowed.then_some(()).ok_or_else(|| {
                        inkan_core::Error::Untrusted(format!("{iss} may not issue {CREDENTIAL_TYPE}"))
                    }),
                );
            }
            None => {
                report.not_applicable(CheckId::ISSUANCE_POLICY, "the credential names no issuer");
            }
        }
        report.not_applicable(CheckId::STATUS, "Claim 169 has no status mechanism");
        report.not_applicable(
            CheckId::HOLDER_BINDING,
            "Claim 169 QR codes carry no holder binding",
        );
        Ok(cx.finish(report))
    }
}

/// Parses without a key, then, while the credential is encrypted and the key did not fit, with
/// each symmetric key of the request in turn.
fn parse(text: &str, keys: &[DecryptionKey]) -> Result<ParsedClaim169> {
    use inkan_core::Error::{Claim169Encrypted, DecryptionFailed};
    let mut result = claim169::parse(text, &ParseOptions::default());
    for key in keys {
        let DecryptionKey::Symmetric(key) = key else {
            continue;
        };
        if !matches!(result, Err(Claim169Encrypted | DecryptionFailed)) {
            break;
        }
        let options = ParseOptions {
            decryption_key: Some(key.clone()),
            ..ParseOptions::default()
        };
        result = claim169::parse(text, &options);
    }
    Ok(result?)
}

/// Issuer, claims (identity fields plus the CWT's own under `cwt`) and warnings.
fn describe(parsed: &ParsedClaim169, report: &mut ReportBuilder) {
    if let Some(iss) = parsed.issuer() {
        report.issuer(iss);
    }
    let cwt = parsed.cwt();
    let mut meta = serde_json::Map::new();
    for (name, text) in [("iss", &cwt.iss), ("sub", &cwt.sub)] {
        if let Some(text) = text {
            meta.insert(name.into(), text.clone().into());
        }
    }
    for (name, time) in [("exp", cwt.exp), ("nbf", cwt.nbf), ("iat", cwt.iat)] {
        if let Some(time) = time {
            meta.insert(name.into(), time.into());
        }
    }
    let mut claims = parsed.claims().to_json();
    if let Some(object) = claims.as_object_mut() {
        object.insert("cwt".into(), meta.into());
    }
    report.claims(claims);
    for warning in parsed.warnings() {
        report.warning(warning.code(), warning.to_string());
    }
}

/// Records `signature` (not applicable, for `reason`) and then `trust` as failed with `err`.
fn untrusted(report: &mut ReportBuilder, reason: &str, err: inkan_core::Error) {
    report.not_applicable(CheckId::SIGNATURE, reason);
    report.check(CheckId::TRUST, Err(err));
}

/// The issuer key: from a validated `x5chain`, else the trust store's keys for `iss` and `kid`.
fn check_signature_and_trust(parsed: &ParsedClaim169, cx: &Context<'_>, report: &mut ReportBuilder) {
    let alg = parsed.algorithm();
    if let Err(e) = alg.and_then(|alg| cx.policy().check_algorithm(alg)) {
        report.check(CheckId::SIGNATURE, Err(e));
        report.not_applicable(CheckId::TRUST, "the signature could not be checked");
        return;
    }
    match parsed.x5chain() {
        Ok(chain) if !chain.is_empty() => by_chain(parsed, &chain, cx, report),
        Ok(_) => by_kid(parsed, cx, report),
        Err(e) => untrusted(report, "the x5chain header is malformed", e),
    }
}

/// The chain is validated against the trust store's anchors for [`PURPOSE`]; the signature is
/// checked with the leaf's key even when the chain is not trusted, so the report tells both.
fn by_chain(parsed: &ParsedClaim169, chain: &[&[u8]], cx: &Context<'_>, report: &mut ReportBuilder) {
    let certs = match chain
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<inkan_core::Result<Vec<_>>>()
    {
        Ok(certs) => certs,
        Err(e) => return untrusted(report, "the x5chain certificates are malformed", e),
    };
    let validated = cx.trust().chain_validator(PURPOSE).validate(&certs, cx.clock());
    let leaf_key = match (&validated, certs.first()) {
        (Ok(ok), _) => Ok(ok.leaf_key().clone()),
        (Err(_), Some(leaf)) => leaf.public_key(),
        (Err(e), None) => Err(e.clone()),
    };
    report.check(
        CheckId::SIGNATURE,
        leaf_key.and_then(|key| parsed.verify_signature(&key)),
    );
    report.check(CheckId::TRUST, validated.map(|_| ()));
}

/// Every key the trust store files under `iss` (or any issuer) and `kid` is tried.
fn by_kid(parsed: &ParsedClaim169, cx: &Context<'_>, report: &mut ReportBuilder) {
    let kid = parsed.kid().map(kid_text);
    let issuer = parsed.issuer().unwrap_or(ANY);
    let keys: Vec<PublicKey> = cx.trust().issuer_keys(issuer, kid.as_deref());
    if keys.is_empty() {
        let kid_note = kid.map(|k| format!(" with kid {k:?}")).unwrap_or_default();
        let err = inkan_core::Error::Untrusted(format!("no trusted key for issuer {issuer:?}{kid_note}"));
        return untrusted(report, "no trusted key to check it with", err);
    }
    let mut last = inkan_core::Error::BadSignature;
    for key in &keys {
        match parsed.verify_signature(key) {
            Ok(()) => {
                report.passed(CheckId::SIGNATURE).passed(CheckId::TRUST);
                return;
            }
            Err(e) => last = e,
        }
    }
    report.check(CheckId::SIGNATURE, Err(last));
    report.not_applicable(CheckId::TRUST, "no trusted key verified the signature");
}

/// A `kid` as the trust store files it: UTF-8 text as is, other bytes as lowercase hex.
fn kid_text(kid: &[u8]) -> String {
    match std::str::from_utf8(kid) {
        Ok(text) => text.to_owned(),
        Err(_) => hex::encode(kid),
    }
}
