//! Verifier-level tests over a small signed test format, so dispatch, policy, trust lookup and
//! the report are exercised end to end without depending on any one real format.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context as TaskContext, Poll, Waker};

use inkan_core::BoxFuture;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Signer, SoftwareKey, Verifier as _};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_core::trust::StaticTrustStore;
use serde_json::json;

use crate::*;

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// `tsig:` + base64url(JSON {iss, kid, exp, claims}) + `.` + base64url(EdDSA signature).
struct TestSig;

impl TestSig {
    fn sign(key: &SoftwareKey, body: serde_json::Value) -> String {
        let body = b64url_encode(body.to_string());
        format!(
            "tsig:{body}.{}",
            b64url_encode(key.sign(body.as_bytes()).unwrap())
        )
    }
}

impl Format for TestSig {
    fn id(&self) -> &'static str {
        "tsig"
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text() {
            Some(t) if t.starts_with("tsig:") => Confidence::CERTAIN,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &crate::Context<'_>) -> Result<Verification> {
        let text = input.text().unwrap_or_default();
        let (body, sig) = text["tsig:".len()..]
            .split_once('.')
            .ok_or_else(|| inkan_core::Error::JoseMalformed("no dot".into()))?;
        let sig = b64url_decode(sig)?;
        let claims: serde_json::Value =
            serde_json::from_slice(&b64url_decode(body)?).map_err(inkan_core::Error::from)?;
        let iss = claims["iss"].as_str().unwrap_or_default();
        let mut report = cx.report(self.id());
        report
            .passed(CheckId::DECODE)
            .issuer(iss)
            .claims(claims["claims"].clone());
        let keys = cx.trust().issuer_keys(iss, claims["kid"].as_str());
        let signed = cx.policy().check_algorithm(Algorithm::EdDsa).and_then(|()| {
            keys.iter()
                .find_map(|k| k.verify(Algorithm::EdDsa, body.as_bytes(), &sig).ok())
                .ok_or(inkan_core::Error::BadSignature)
        });
        if keys.is_empty() {
            report.check(CheckId::TRUST, Err(inkan_core::Error::Untrusted(iss.into())));
            report.not_applicable(CheckId::SIGNATURE, "no trusted key");
        } else {
            report.passed(CheckId::TRUST);
            report.check(CheckId::SIGNATURE, signed);
        }
        let exp = claims["exp"].as_i64();
        report.check(
            CheckId::VALIDITY,
            cx.policy().time_rules().check(exp, None, None, cx.clock()),
        );
        Ok(cx.finish(report))
    }
}

/// `wrap:` + an input: verifies the inner input one level deeper, like the QR image format.
struct Wrap;

impl Format for Wrap {
    fn id(&self) -> &'static str {
        "wrap"
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        match input.text() {
            Some(t) if t.starts_with("wrap:") => Confidence::CERTAIN,
            _ => Confidence::NONE,
        }
    }

    fn verify(&self, input: &InputRef<'_>, cx: &crate::Context<'_>) -> Result<Verification> {
        let inner = &input.text().unwrap_or_default()["wrap:".len()..];
        let report = cx.dispatch(&InputRef::Text(inner))?;
        Ok(report.with_source(Source::QrImage {
            code_index: 0,
            codes_found: 1,
        }))
    }
}

/// Claims any text weakly, and counts refreshes.
#[derive(Default)]
struct Weak(AtomicUsize);

impl Format for Weak {
    fn id(&self) -> &'static str {
        "weak"
    }

    fn detect(&self, input: &InputRef<'_>) -> Confidence {
        if input.text().is_some_and(|t| !t.is_empty()) {
            Confidence::POSSIBLE
        } else {
            Confidence::NONE
        }
    }

    fn verify(&self, _input: &InputRef<'_>, cx: &crate::Context<'_>) -> Result<Verification> {
        let mut report = cx.report(self.id());
        report.passed(CheckId::DECODE);
        Ok(cx.finish(report))
    }

    fn refresh<'a>(
        &'a self,
        _input: &'a InputRef<'a>,
        _cx: &'a crate::Context<'a>,
    ) -> BoxFuture<'a, Result<()>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(Ok(())))
    }
}

fn verifier(key: &SoftwareKey, policy: Policy) -> Verifier {
    let trust = StaticTrustStore::builder()
        .issuer_key("gov", Some("k1"), key.public_key().clone())
        .build();
    Verifier::builder(Arc::new(trust), policy, Arc::new(FixedClock::at_unix(NOW)))
        .formats(FormatRegistry::empty())
        .format(Arc::new(Weak::default()))
        .format(Arc::new(TestSig))
        .format(Arc::new(Wrap))
        .build()
}

fn credential(key: &SoftwareKey, iss: &str, exp: i64) -> String {
    TestSig::sign(
        key,
        json!({"iss": iss, "kid": "k1", "exp": exp, "claims": {"name": "Ada"}}),
    )
}

fn ready<T>(fut: impl Future<Output = T>) -> T {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("nothing here waits on I/O"),
    }
}

#[test]
fn valid_credential_report() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let report = verifier(&key, Policy::default())
        .verify(&VerifyRequest::text(credential(&key, "gov", NOW + 10)))
        .unwrap();
    assert!(report.is_valid(), "{}", report.to_json());
    assert_eq!(report.format(), "tsig");
    assert_eq!(report.issuer(), Some("gov"));
    assert_eq!(report.claims(), &json!({"name": "Ada"}));
    assert_eq!(report.source(), &Source::Direct);
    assert_eq!(report.checked_at(), "2026-01-01T00:00:00Z");
}

#[test]
fn each_failure_is_its_own_check() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(&key, Policy::default());
    let failed = |text: String, id: CheckId| {
        let report = v.verify(&VerifyRequest::text(text)).unwrap();
        assert_eq!(report.verdict(), Verdict::Invalid);
        match &report.check(&id).unwrap().outcome {
            Outcome::Failed { code, .. } => code.clone(),
            other => panic!("{id}: {other:?}"),
        }
    };
    assert_eq!(
        failed(credential(&key, "gov", NOW - 120), CheckId::VALIDITY),
        "jwt.expired"
    );
    assert_eq!(
        failed(credential(&other, "gov", NOW + 10), CheckId::SIGNATURE),
        "crypto.bad_signature"
    );
    assert_eq!(
        failed(credential(&key, "nobody", NOW + 10), CheckId::TRUST),
        "trust.untrusted"
    );
    let strict = verifier(&key, Policy::default().accept_algorithms([Algorithm::Es256]));
    let report = strict
        .verify(&VerifyRequest::text(credential(&key, "gov", NOW + 10)))
        .unwrap();
    assert_eq!(
        report.to_json()["checks"][2]["code"],
        "crypto.unsupported_algorithm"
    );
}

#[test]
fn leeway_comes_from_the_policy() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let text = credential(&key, "gov", NOW - 30);
    assert!(
        verifier(&key, Policy::default())
            .verify(&VerifyRequest::text(&*text))
            .unwrap()
            .is_valid()
    );
    let tight = verifier(&key, Policy::default().leeway_secs(0));
    assert!(!tight.verify(&VerifyRequest::text(text)).unwrap().is_valid());
}

#[test]
fn most_confident_format_wins_and_policy_filters() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(&key, Policy::default());
    assert_eq!(v.formats().collect::<Vec<_>>(), ["weak", "tsig", "wrap"]);
    assert_eq!(v.verify(&VerifyRequest::text("hello")).unwrap().format(), "weak");
    let only_weak = verifier(&key, Policy::default().accept_formats(["weak"]));
    let err = only_weak
        .verify(&VerifyRequest::text(credential(&key, "gov", NOW)))
        .unwrap_err();
    assert_eq!(err.code(), "verifier.format_not_accepted");
}

#[test]
fn unknown_empty_and_oversized_inputs_are_errors() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(&key, Policy::default().max_input_bytes(64));
    for input in [
        VerifyRequest::bytes(vec![0xff, 0x00]),
        VerifyRequest::text("  \n"),
    ] {
        assert_eq!(v.verify(&input).unwrap_err().code(), "verifier.unknown_format");
    }
    let big = VerifyRequest::text("x".repeat(65));
    assert_eq!(v.verify(&big).unwrap_err().code(), "input.too_large");
    assert_eq!(
        ready(v.verify_online(&big)).unwrap_err().code(),
        "input.too_large"
    );
}

#[test]
fn undecodable_input_keeps_the_core_code() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let err = verifier(&key, Policy::default())
        .verify(&VerifyRequest::text("tsig:!!!.???"))
        .unwrap_err();
    assert_eq!(err.code(), "encoding.bad_base64");
}

#[test]
fn nested_inputs_report_their_source_and_are_bounded() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let v = verifier(&key, Policy::default());
    let report = v
        .verify(&VerifyRequest::text(format!(
            "wrap:{}",
            credential(&key, "gov", NOW + 5)
        )))
        .unwrap();
    assert!(report.is_valid());
    assert_eq!(report.to_json()["source"]["kind"], "qr_image");
    let deep = format!("{}hello", "wrap:".repeat(MAX_NESTING));
    assert_eq!(v.verify(&VerifyRequest::text(deep)).unwrap().format(), "weak");
    let too_deep = format!("{}hello", "wrap:".repeat(MAX_NESTING + 1));
    assert_eq!(
        v.verify(&VerifyRequest::text(too_deep)).unwrap_err().code(),
        "verifier.too_deep"
    );
}

#[test]
fn verify_online_refreshes_then_verifies() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let weak = Arc::new(Weak::default());
    let v = Verifier::builder(
        Arc::new(StaticTrustStore::builder().build()),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .formats(FormatRegistry::empty())
    .format(weak.clone())
    .format(Arc::new(TestSig))
    .build();
    let online = ready(v.verify_online(&VerifyRequest::text("hello"))).unwrap();
    assert_eq!(weak.0.load(Ordering::SeqCst), 1);
    assert_eq!(online, v.verify(&VerifyRequest::text("hello")).unwrap());
    // The signed credential went to its own format, which refreshes nothing, and is untrusted here.
    let report = ready(v.verify_online(&VerifyRequest::text(credential(&key, "gov", NOW)))).unwrap();
    assert_eq!(weak.0.load(Ordering::SeqCst), 1);
    assert!(!report.is_valid());
}

mod trust_json {
    use inkan_core::trust::TrustStore;
    use inkan_core::x509::Certificate;

    use super::*;

    const IACA: &[u8] = include_bytes!("../../core/src/x509/testdata/annexd-iaca.der");
    const DS: &[u8] = include_bytes!("../../core/src/x509/testdata/annexd-ds.der");

    fn pem(der: &[u8]) -> String {
        Certificate::from_der(der).unwrap().to_pem()
    }

    fn key() -> SoftwareKey {
        SoftwareKey::generate(Algorithm::Es256).unwrap()
    }

    #[test]
    fn document_with_every_kind_of_entry() {
        let (k1, k2) = (key(), key());
        let mut jwk2 = k2.public_key().to_jwk();
        jwk2.kid = Some("own".into());
        let doc = json!({
            "issuers": [
                {"issuer": "gov", "kid": "k1", "keys": [k1.public_key().to_jwk(), jwk2],
                 "certificates": [pem(DS)], "credential_types": ["claim169", "pid"]},
                {"issuer": "did-issuer", "dids": ["did:web:id.example.gov"]}
            ],
            "x509_anchors": {"mdoc-iaca": [pem(IACA)]},
            "pinned_leaves": {"sd-jwt": [pem(DS)]},
        });
        let store = JsonTrustStore::parse(&doc.to_string()).unwrap();
        let ds_key = Certificate::from_der(DS).unwrap().public_key().unwrap();
        assert_eq!(
            store.issuer_keys("gov", Some("k1")),
            [k1.public_key().clone(), ds_key]
        );
        assert_eq!(store.issuer_keys("gov", Some("own")), [k2.public_key().clone()]);
        assert!(store.issuer_keys("other", None).is_empty());
        assert!(store.may_issue("gov", "pid") && !store.may_issue("gov", "mdl"));
        assert!(store.may_issue("did-issuer", "anything"));
        assert!(store.is_trusted_did("did:web:id.example.gov#key-1"));
        assert_eq!(store.x509_anchors("mdoc-iaca").len(), 1);
        assert!(store.x509_anchors("sd-jwt").is_empty());
        assert_eq!(store.pinned_leaves("sd-jwt").len(), 1);
        let at = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
        let chain = [Certificate::from_der(DS).unwrap()];
        assert!(store.chain_validator("mdoc-iaca").validate(&chain, &at).is_ok());
    }

    #[test]
    fn restrict_unlisted_issuers() {
        let doc = json!({"restrict_unlisted_issuers": true,
                         "issuers": [{"issuer": "gov", "credential_types": ["pid"]}]});
        let store = JsonTrustStore::parse(&doc.to_string()).unwrap();
        assert!(store.may_issue("gov", "pid"));
        assert!(!store.may_issue("stranger", "pid"));
    }

    #[test]
    fn bare_jwk_and_jwks_trust_any_issuer() {
        let (a, b) = (key(), key());
        let mut jwk = a.public_key().to_jwk();
        jwk.kid = Some("a".into());
        let store = JsonTrustStore::parse(&jwk.to_json()).unwrap();
        assert_eq!(store.issuer_keys("anyone", Some("a")), [a.public_key().clone()]);
        assert!(store.issuer_keys("anyone", Some("b")).is_empty());

        let jwks = json!({"keys": [jwk, b.public_key().to_jwk()]});
        let store = JsonTrustStore::parse(&jwks.to_string()).unwrap();
        assert_eq!(store.issuer_keys("x", None).len(), 2);
        assert_eq!(store.issuer_keys("x", Some("b")), [b.public_key().clone()]);
    }

    #[test]
    fn bare_pem_certificates_and_public_key() {
        let bundle = format!("{}{}", pem(DS), pem(IACA));
        let store = JsonTrustStore::parse(&bundle).unwrap();
        // The CA certificate is an anchor, the leaf a pinned leaf, both keys sign for anyone.
        assert_eq!(store.x509_anchors("mdoc-iaca").len(), 1);
        assert_eq!(store.pinned_leaves("anything").len(), 1);
        assert_eq!(store.issuer_keys("anyone", None).len(), 2);

        let k = key();
        let store = JsonTrustStore::parse(&k.public_key().to_pem().unwrap()).unwrap();
        assert_eq!(store.issuer_keys("anyone", None), [k.public_key().clone()]);
    }

    #[test]
    fn round_trips_through_its_own_json() {
        let a = JsonTrustStore::parse(&key().public_key().to_jwk().to_json()).unwrap();
        let b = JsonTrustStore::parse(&format!("{}{}", pem(DS), pem(IACA))).unwrap();
        let c = JsonTrustStore::parse(
            &json!({"issuers": [{"issuer": "gov", "kid": "k", "keys": [key().public_key().to_jwk()],
                                 "credential_types": ["pid"]}]})
            .to_string(),
        )
        .unwrap();
        let merged = a.merge(b).unwrap().merge(c).unwrap();
        let again = JsonTrustStore::parse(&merged.to_json()).unwrap();
        assert_eq!(again.to_json(), merged.to_json());
        for (issuer, kid) in [("gov", Some("k")), ("gov", None), ("x", None)] {
            assert_eq!(again.issuer_keys(issuer, kid), merged.issuer_keys(issuer, kid));
        }
        assert_eq!(again.x509_anchors("p").len(), 1);
        assert!(!again.may_issue("gov", "mdl"));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let private = key().to_jwk().unwrap().to_json();
        let private_pem = key().to_pkcs8_pem().unwrap().to_string();
        let cases: Vec<(String, &str)> = vec![
            ("".into(), "trust_store.malformed"),
            ("hello".into(), "trust_store.malformed"),
            ("{".into(), "json.malformed"),
            ("{\"issuers\": 5}".into(), "trust_store.malformed"),
            ("{\"issuerz\": []}".into(), "trust_store.malformed"),
            (
                "{\"issuers\": [{\"issuer\": \"\"}]}".into(),
                "trust_store.malformed",
            ),
            (
                "{\"issuers\": [{\"issuer\": \"a\", \"credential_types\": []}]}".into(),
                "trust_store.malformed",
            ),
            (
                "{\"issuers\": [{\"issuer\": \"a\", \"dids\": [\"nope\"]}]}".into(),
                "did.malformed",
            ),
            (
                "{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AA\", \"y\": \"AA\"}".into(),
                "crypto.invalid_key",
            ),
            ("{\"kty\": 5}".into(), "trust_store.malformed"),
            (
                "{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\"}]}".into(),
                "crypto.invalid_key",
            ),
            (private, "trust_store.private_key"),
            (private_pem, "trust_store.private_key"),
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
                "x509.malformed",
            ),
            (
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into(),
                "crypto.invalid_key",
            ),
            (" ".repeat(MAX_TRUST_FILE + 1), "input.too_large"),
        ];
        for (text, code) in cases {
            let err = JsonTrustStore::parse(&text).unwrap_err();
            assert_eq!(err.code(), code, "{:.60}: {err}", text);
        }
    }

    #[test]
    fn files() {
        let dir = std::env::temp_dir().join(format!("inkan-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key.jwk");
        let k = key();
        std::fs::write(&path, k.public_key().to_jwk().to_json()).unwrap();
        let store = JsonTrustStore::from_file(&path).unwrap();
        assert_eq!(store.issuer_keys("x", None), [k.public_key().clone()]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            JsonTrustStore::from_file(&path).unwrap_err().code(),
            "io.unreadable"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in ".{0,400}") {
            let _ = JsonTrustStore::parse(&text);
            let _ = JsonTrustStore::parse(&format!("{{{text}"));
            let _ = JsonTrustStore::parse(&format!("-----BEGIN {text}"));
        }
    }
}

#[test]
fn registry_replaces_by_id() {
    let mut registry = FormatRegistry::empty();
    registry
        .register(Arc::new(TestSig))
        .register(Arc::new(Wrap))
        .register(Arc::new(TestSig));
    assert_eq!(registry.ids().collect::<Vec<_>>(), ["tsig", "wrap"]);
    assert_eq!(format!("{registry:?}"), r#"["tsig", "wrap"]"#);
}
