//! SD-JWT (RFC 9901) and SD-JWT VC (`dc+sd-jwt`, legacy `vc+sd-jwt`), compact (`jwt~d~…~kb`) or
//! JWS JSON (`disclosures` in the unprotected header).
//!
//! Checks: `decode`; `signature` with the issuer key from `x5c` (chain validated for
//! [`purpose::SD_JWT`]) or from the trust store by `iss` and `kid`; `trust`; `disclosures`
//! (every Disclosure matches exactly one digest, RFC 9901 §7.1); `sd_jwt_vc` (the SD-JWT VC
//! rules, for `dc+sd-jwt`/`vc+sd-jwt`); `validity` (`exp`/`nbf`/`iat` of the processed payload
//! under the policy's rules); `holder_binding` (the KB-JWT against `cnf`, the request's `aud`
//! and `nonce`, fresh `iat`; required when the policy requires it or the request names an
//! audience or nonce — never because a KB-JWT happens to be there, RFC 9901 §9.5);
//! `issuance_policy` (`may_issue(iss, vct)`); `status` (the Token Status List the `status` claim
//! points at, from the verifier's status cache).
//!
//! Issuers the trust store has no key for may publish their keys as JWT VC Issuer Metadata
//! (`/.well-known/jwt-vc-issuer`): [`Format::refresh`] (only under `verify_online`, with an
//! `HttpClient`) fetches them into this format's cache, and `verify` uses the cache without I/O.
//! Such a key proves the credential came from whoever serves `iss` over HTTPS, not that the
//! issuer is trusted: the signature check passes, `trust` is not applicable (and, being required
//! by default, leaves the verdict invalid unless the policy makes it optional).

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use inkan_core::BoxFuture;
use inkan_core::crypto::PublicKey;
use inkan_core::encoding::b64_decode;
use inkan_core::jose::jws::{self, VerifyOptions};
use inkan_core::sdjwt::{self, KbExpectation, Limits, Processed, SdJwt, VerifiedIssuerJwt, vc};
use inkan_core::trust::purpose;
use inkan_core::x509::Certificate;
use serde_json::{Map, Value};

use crate::{ANY, CheckId, Confidence, Context, Format, InputRef, ReportBuilder, Result, Verification};

/// The format's identifier.
pub const ID: &str = "sd-jwt";

/// The check that every Disclosure belongs (RFC 9901 §7.1 steps 3–5).
pub const DISCLOSURES: CheckId = CheckId::new("disclosures");

/// The SD-JWT VC rules (`vct`, claim types, never-disclosable claims).
pub const SD_JWT_VC: CheckId = CheckId::new("sd_jwt_vc");

/// SD-JWT and SD-JWT VC presentations, with the cache of keys from issuer metadata.
///
/// ```
/// use inkan_verifier::{Confidence, Format, InputRef};
/// use inkan_verifier::formats::sd_jwt::SdJwtFormat;
/// let format = SdJwtFormat::default();
/// assert_eq!(format.detect(&InputRef::Text("eyJhbGciOiJFUzI1NiJ9.e30.AA~")), Confidence::CERTAIN);
/// assert_eq!(format.detect(&InputRef::Text("eyJhbGciOiJFUzI1NiJ9.e30.AA")), Confidence::NONE);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SdJwtFormat {
    metadata_keys: IssuerKeyCache,
    /// Type metadata documents by `vct`, when fetching them was asked for.
    type_metadata: Option<Shared<Vec<u8>>>,
}

/// The check of fetched type metadata against the credential.
pub const TYPE_METADATA: CheckId = CheckId::new("type_metadata");

/// Keys fetched from JWT VC Issuer Metadata, by issuer: `(kid, key)`. Kept for the life of the
/// verifier; shared by its clones.
#[derive(Debug, Clone, Default)]
struct IssuerKeyCache(Shared<Vec<KidKey>>);

/// A map by issuer or type shared by a format and its clones.
type Shared<T> = Arc<RwLock<HashMap<String, T>>>;

/// A key and the `kid` it was published under.
type KidKey = (Option<String>, PublicKey);

impl IssuerKeyCache {
    /// Most issuers remembered (a verifier facing unbounded issuers must not grow without end).
    const MAX_ISSUERS: usize = 1024;

    fn keys(&self, issuer: &str, kid: Option<&str>) -> Vec<PublicKey> {
        let map = self.0.read().unwrap_or_else(PoisonError::into_inner);
        map.get(issuer)
            .into_iter()
            .flatten()
            .filter(|(k, _)| kid.is_none() || k.is_none() || k.as_deref() == kid)
            .map(|(_, key)| key.clone())
            .collect()
    }

    fn contains(&self, issuer: &str) -> bool {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(issuer)
    }

    fn insert(&self, issuer: &str, keys: Vec<KidKey>) {
        let mut map = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= Self::MAX_ISSUERS {
            map.clear();
        }
        map.insert(issuer.to_owned(), keys);
    }
}

impl Format for SdJwtFormat {
    fn id(&self) -> &'static str {
        ID
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text() {
            Some(text) if looks_compact(text) || looks_json(text) => Confidence::CERTAIN,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &Context<'_>) -> Result<Verification> {
        let limits = Limits {
            max_len: cx.policy().input_limit().min(Limits::default().max_len),
            ..Limits::default()
        };
        let sd = SdJwt::parse(input.text().unwrap_or_default(), &limits)?;
        let header = jws::peek_header(sd.issuer_jwt())?;
        let is_vc = header.typ.as_deref().is_some_and(vc::is_vc_typ);
        let mut report = cx.report(ID);
        report.passed(CheckId::DECODE);
        let Some(signed) = self.check_signature_and_trust(&sd, cx, &mut report) else {
            return Ok(cx.finish(report));
        };
        if let Some(iss) = signed.claims.get("iss").and_then(Value::as_str) {
            report.issuer(iss);
        }
        let processed = match sd.process_owned(signed.claims) {
            Ok(p) => p,
            Err(e) => {
                report.check(DISCLOSURES, Err(e));
                return Ok(cx.finish(report));
            }
        };
        report.passed(DISCLOSURES);
        let vct = is_vc.then(|| check_vc(&processed, &mut report)).flatten();
        if let (Some(vct), Some(_)) = (&vct, &self.type_metadata) {
            self.check_type_metadata(vct, &processed.claims, &mut report);
        }
        check_validity(&processed.claims, cx, &mut report);
        check_holder_binding(&sd, &processed, cx, &mut report);
        check_issuance_policy(&processed.claims, vct.as_deref(), cx, &mut report);
        crate::status::check_status(cx, processed.claims.get("status"), &mut report);
        report.claims(Value::Object(processed.claims));
        Ok(cx.finish(report))
    }

    fn refresh<'a>(&'a self, input: &'a InputRef<'a>, cx: &'a Context<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let Some(http) = cx.http() else { return Ok(()) };
            // Parsed once, nothing verified: only to learn what to fetch.
            let Some(sd) = input
                .text()
                .and_then(|text| SdJwt::parse(text, &Limits::default()).ok())
            else {
                return Ok(());
            };
            let Ok(claims) = sd.unverified_claims() else {
                return Ok(());
            };
            // `status` is never selectively disclosable (SD-JWT VC), so the signed payload has it.
            crate::status::refresh_status(cx, claims.get("status")).await?;
            if let Some(vct) = self.type_needing_metadata(&claims) {
                let body = http
                    .get(&vct, &[("accept", "application/json")])
                    .await?
                    .error_for_status()?
                    .body;
                if let Some(cache) = &self.type_metadata {
                    cache
                        .write()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(vct, body);
                }
            }
            let Some(iss) = self.issuer_needing_metadata(&sd, &claims, cx) else {
                return Ok(());
            };
            let url = vc::issuer_metadata_url(&iss)?;
            let body = http
                .get(&url, &[("accept", "application/json")])
                .await?
                .error_for_status()?
                .body;
            let meta = vc::IssuerMetadata::parse(&body, &iss)?;
            let jwks = match (meta.jwks, meta.jwks_uri) {
                (Some(keys), _) => keys,
                (None, Some(uri)) => vc::parse_jwks(
                    &http
                        .get(&uri, &[("accept", "application/json")])
                        .await?
                        .error_for_status()?
                        .body,
                )?,
                (None, None) => Vec::new(),
            };
            let keys = jwks
                .iter()
                .map(|jwk| Ok((jwk.kid.clone(), PublicKey::from_jwk(jwk)?)))
                .collect::<inkan_core::Result<Vec<_>>>()?;
            self.metadata_keys.insert(&iss, keys);
            Ok(())
        })
    }
}

impl SdJwtFormat {
    /// Also fetch and check SD-JWT VC type metadata (`vct` as an `https` URL) under
    /// `verify_online`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use inkan_core::clock::SystemClock;
    /// use inkan_core::trust::StaticTrustStore;
    /// use inkan_verifier::{Policy, Verifier};
    /// use inkan_verifier::formats::sd_jwt::SdJwtFormat;
    /// let verifier = Verifier::builder(Arc::new(StaticTrustStore::builder().build()), Policy::default(), Arc::new(SystemClock))
    ///     .format(Arc::new(SdJwtFormat::default().with_type_metadata()))
    ///     .build();
    /// assert!(verifier.formats().any(|f| f == "sd-jwt"));
    /// ```
    pub fn with_type_metadata(mut self) -> Self {
        self.type_metadata = Some(Arc::default());
        self
    }

    /// The `vct` to fetch: asked for, an `https` URL, not cached yet.
    fn type_needing_metadata(&self, claims: &Map<String, Value>) -> Option<String> {
        let cache = self.type_metadata.as_ref()?;
        let vct = claims.get("vct")?.as_str()?;
        let https = vct.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        let cached = cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(vct);
        (https && !cached).then(|| vct.to_owned())
    }

    fn check_type_metadata(&self, vct: &str, claims: &Map<String, Value>, report: &mut ReportBuilder) {
        let Some(cache) = &self.type_metadata else { return };
        let body = cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(vct)
            .cloned();
        let Some(body) = body else {
            report.not_applicable(
                TYPE_METADATA,
                "type metadata not fetched (verify_online fetches an https vct)",
            );
            return;
        };
        let result = (|| {
            if let Some(integrity) = claims.get("vct#integrity").and_then(Value::as_str) {
                vc::check_integrity(&body, integrity)?;
            }
            let doc: Value = serde_json::from_slice(&body)?;
            match doc.get("vct").and_then(Value::as_str) {
                Some(v) if v == vct => Ok(()),
                other => Err(inkan_core::Error::SdJwtVctIntegrity(format!(
                    "the type metadata describes {other:?}, not {vct:?}"
                ))),
            }
        })();
        report.check(TYPE_METADATA, result);
    }

    /// The `iss` whose keys should be fetched: an SD-JWT whose key comes neither from `x5c` nor
    /// from the trust store, and whose issuer is not cached yet.
    fn issuer_needing_metadata(
        &self,
        sd: &SdJwt,
        claims: &Map<String, Value>,
        cx: &Context<'_>,
    ) -> Option<String> {
        let header = jws::peek_header(sd.issuer_jwt()).ok()?;
        if header.x5c.is_some_and(|c| !c.is_empty()) {
            return None;
        }
        let iss = claims.get("iss")?.as_str()?;
        let known = !cx.trust().issuer_keys(iss, header.kid.as_deref()).is_empty()
            || self.metadata_keys.contains(iss);
        (!known).then(|| iss.to_owned())
    }

    /// Verifies the Issuer-signed JWT; records `signature` and `trust`. `None` when no signature
    /// verified (the report then says why).
    fn check_signature_and_trust(
        &self,
        sd: &SdJwt,
        cx: &Context<'_>,
        report: &mut ReportBuilder,
    ) -> Option<VerifiedIssuerJwt> {
        let opts = VerifyOptions::default();
        let header = match jws::peek_header(sd.issuer_jwt()) {
            Ok(h) => h,
            Err(e) => {
                report.check(CheckId::SIGNATURE, Err(e));
                return None;
            }
        };
        let alg = header.alg.as_deref().unwrap_or_default();
        if let Err(e) =
            inkan_core::crypto::Algorithm::from_jose(alg).and_then(|a| cx.policy().check_algorithm(a))
        {
            report.check(CheckId::SIGNATURE, Err(e));
            report.not_applicable(CheckId::TRUST, "the signature could not be checked");
            return None;
        }
        match header.x5c.as_deref() {
            Some(chain) if !chain.is_empty() => by_chain(sd, chain, &opts, cx, report),
            _ => self.by_issuer_key(sd, header.kid.as_deref(), &opts, cx, report),
        }
    }

    /// Every key the trust store files under `iss` (or any issuer) and `kid` is tried; without
    /// one, the keys cached from the issuer's metadata.
    fn by_issuer_key(
        &self,
        sd: &SdJwt,
        kid: Option<&str>,
        opts: &VerifyOptions,
        cx: &Context<'_>,
        report: &mut ReportBuilder,
    ) -> Option<VerifiedIssuerJwt> {
        let claims = sd.unverified_claims().unwrap_or_default();
        let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or(ANY);
        let trusted: Vec<PublicKey> = cx.trust().issuer_keys(issuer, kid);
        let (keys, from_metadata) = if trusted.is_empty() {
            (self.metadata_keys.keys(issuer, kid), true)
        } else {
            (trusted, false)
        };
        if keys.is_empty() {
            let note = kid.map(|k| format!(" with kid {k:?}")).unwrap_or_default();
            report.not_applicable(CheckId::SIGNATURE, "no trusted key to check it with");
            report.check(
                CheckId::TRUST,
                Err(inkan_core::Error::Untrusted(format!(
                    "no trusted key for issuer {issuer:?}{note}"
                ))),
            );
            return None;
        }
        let mut last = inkan_core::Error::BadSignature;
        for key in &keys {
            match sd.verify_signature(opts, |_, _| Ok(key)) {
                Ok(signed) => {
                    report.passed(CheckId::SIGNATURE);
                    if from_metadata {
                        report.not_applicable(
                            CheckId::TRUST,
                            "the key comes from the issuer's own jwt-vc-issuer metadata; the trust store does not list the issuer",
                        );
                    } else {
                        report.passed(CheckId::TRUST);
                    }
                    return Some(signed);
                }
                Err(e) => last = e,
            }
        }
        report.check(CheckId::SIGNATURE, Err(last));
        report.not_applicable(CheckId::TRUST, "no trusted key verified the signature");
        None
    }
}

/// `jwt~…`: a JWS compact part, then at least one `~`.
fn looks_compact(text: &str) -> bool {
    let Some((jwt, _)) = text.split_once('~') else {
        return false;
    };
    jwt.starts_with("eyJ") && jwt.split('.').count() == 3
}

/// A JWS JSON object whose (first) unprotected header carries `disclosures`.
fn looks_json(text: &str) -> bool {
    if !text.starts_with('{') {
        return false;
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let header = match map.get("signatures") {
        Some(Value::Array(list)) => list.first().and_then(|s| s.get("header")),
        _ => map.get("header"),
    };
    map.contains_key("payload") && header.is_some_and(|h| h.get("disclosures").is_some())
}

/// The leaf of `x5c` signs; the chain must lead to an anchor for [`purpose::SD_JWT`]. The
/// signature is checked even when the chain is not trusted, so the report tells both.
fn by_chain(
    sd: &SdJwt,
    chain: &[String],
    opts: &VerifyOptions,
    cx: &Context<'_>,
    report: &mut ReportBuilder,
) -> Option<VerifiedIssuerJwt> {
    let certs: inkan_core::Result<Vec<Certificate>> = chain
        .iter()
        .map(|b64| {
            let der = b64_decode(b64)
                .map_err(|e| inkan_core::Error::X509Malformed(format!("x5c is not base64: {e}")))?;
            Certificate::from_der(&der)
        })
        .collect();
    let certs = match certs {
        Ok(c) => c,
        Err(e) => {
            report.not_applicable(CheckId::SIGNATURE, "the x5c certificates are malformed");
            report.check(CheckId::TRUST, Err(e));
            return None;
        }
    };
    let validated = cx
        .trust()
        .chain_validator(purpose::SD_JWT)
        .validate(&certs, cx.clock());
    let leaf_key = match (&validated, certs.first()) {
        (Ok(ok), _) => Ok(ok.leaf_key().clone()),
        (Err(_), Some(leaf)) => leaf.public_key(),
        (Err(e), None) => Err(e.clone()),
    };
    let signed = leaf_key.and_then(|key| sd.verify_signature(opts, |_, _| Ok(&key)));
    let out = match signed {
        Ok(s) => {
            report.passed(CheckId::SIGNATURE);
            Some(s)
        }
        Err(e) => {
            report.check(CheckId::SIGNATURE, Err(e));
            None
        }
    };
    // The certificate must also vouch for the issuer the credential names (SD-JWT VC).
    let trusted = validated.and_then(|_| {
        let iss = out
            .as_ref()
            .and_then(|s| s.claims.get("iss"))
            .and_then(Value::as_str);
        match (iss, certs.first()) {
            (Some(iss), Some(leaf)) => vc::check_x5c_issuer(iss, leaf),
            _ => Ok(()),
        }
    });
    report.check(CheckId::TRUST, trusted);
    out
}

/// The SD-JWT VC rules; returns the `vct` when they hold.
fn check_vc(processed: &Processed, report: &mut ReportBuilder) -> Option<String> {
    match vc::check_claims(&processed.claims, &processed.disclosed) {
        Ok(info) => {
            report.passed(SD_JWT_VC).credential_type(info.vct.clone());
            Some(info.vct)
        }
        Err(e) => {
            report.check(SD_JWT_VC, Err(e));
            None
        }
    }
}

fn check_validity(claims: &Map<String, Value>, cx: &Context<'_>, report: &mut ReportBuilder) {
    let time = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| inkan_core::Error::InvalidClaim(format!("{name} must be an integer NumericDate"))),
    };
    let result = (|| {
        cx.policy()
            .time_rules()
            .check(time("exp")?, time("nbf")?, time("iat")?, cx.clock())
    })();
    report.check(CheckId::VALIDITY, result);
}

fn check_holder_binding(sd: &SdJwt, processed: &Processed, cx: &Context<'_>, report: &mut ReportBuilder) {
    let request = cx.request();
    let wanted = cx.policy().is_required(&CheckId::HOLDER_BINDING)
        || request.expected_audience().is_some()
        || request.expected_nonce().is_some();
    if !wanted {
        report.not_applicable(
            CheckId::HOLDER_BINDING,
            "holder binding not requested (no audience or nonce expected)",
        );
        return;
    }
    let result = (|| {
        let (Some(aud), Some(nonce)) = (request.expected_audience(), request.expected_nonce()) else {
            // Checked only when a KB-JWT is there, so a missing one is reported as such.
            sd.kb_jwt().ok_or(inkan_core::Error::SdJwtKbMissing)?;
            return Err(inkan_core::Error::SdJwtKbInvalid(
                "the verifier expects no audience and nonce to check it against".into(),
            ));
        };
        let key = sdjwt::holder_key(processed.claims.get("cnf"), |_| {
            request.expected_holder_key().cloned()
        })?;
        if let Some(expected) = request.expected_holder_key()
            && expected != &key
        {
            return Err(inkan_core::Error::SdJwtNoHolderKey(
                "cnf names another key than the expected holder key".into(),
            ));
        }
        let expect = KbExpectation::new(aud, nonce).leeway_secs(cx.policy().time_rules().leeway_secs);
        sd.verify_key_binding(
            &key,
            processed.hash_alg,
            &expect,
            &VerifyOptions::default(),
            cx.clock(),
        )
        .map(|_| ())
    })();
    report.check(CheckId::HOLDER_BINDING, result);
}

fn check_issuance_policy(
    claims: &Map<String, Value>,
    vct: Option<&str>,
    cx: &Context<'_>,
    report: &mut ReportBuilder,
) {
    let iss = claims.get("iss").and_then(Value::as_str);
    match (iss, vct) {
        (Some(iss), Some(vct)) => {
            let allowed = cx.trust().may_issue(iss, vct);
            report.check(
                CheckId::ISSUANCE_POLICY,
                allowed
                    .then_some(())
                    .ok_or_else(|| inkan_core::Error::Untrusted(format!("{iss} may not issue {vct}"))),
            );
        }
        (None, _) => {
            report.not_applicable(CheckId::ISSUANCE_POLICY, "the credential names no issuer");
        }
        (_, None) => {
            report.not_applicable(CheckId::ISSUANCE_POLICY, "not an SD-JWT VC: no credential type");
        }
    }
}
