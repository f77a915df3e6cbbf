//! SD-JWT and SD-JWT VC through `inkan_verifier::Verifier`: detection (compact and JWS JSON),
//! the report's checks, holder binding from the request, x5c trust and issuance policy.

use std::sync::Arc;

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, Signer, SoftwareKey};
use inkan_core::encoding::b64_encode;
use inkan_core::jose::Header;
use inkan_core::sdjwt::{self, DisclosureFrame, HashAlg, OsSalts};
use inkan_core::trust::{StaticTrustStore, TrustStore, purpose};
use inkan_core::x509::{Certificate, TrustAnchor};
use inkan_test_vectors::json;
use inkan_verifier::{CheckId, Outcome, Policy, Verification, Verifier, VerifyRequest};
use serde_json::{Value, json};

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const ISS: &str = "https://issuer.example.com";
const VCT: &str = "urn:example:pid:1";

fn verifier(trust: impl TrustStore + 'static, policy: Policy, now: i64) -> Verifier {
    Verifier::builder(Arc::new(trust), policy, Arc::new(FixedClock::at_unix(now))).build()
}

fn failed(report: &Verification, id: &CheckId) -> String {
    match &report
        .check(id)
        .unwrap_or_else(|| panic!("no {id} check"))
        .outcome
    {
        Outcome::Failed { code, .. } => code.clone(),
        other => panic!("{id}: {other:?}"),
    }
}

fn passed(report: &Verification, id: &CheckId) -> bool {
    report.check(id).is_some_and(|c| c.outcome == Outcome::Passed)
}

fn rfc_key(kid: &str) -> PublicKey {
    let v = json("sd-jwt/rfc9901/examples.json");
    PublicKey::from_jwk(&serde_json::from_value::<Jwk>(v["issuer_keys"][kid].clone()).unwrap()).unwrap()
}

fn rfc_case(name: &str) -> Value {
    let v = json("sd-jwt/rfc9901/examples.json");
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

#[test]
fn rfc9901_presentations_through_the_verifier() {
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, rfc_key("issuer-key-1"))
        .build();
    for name in [
        "section-5.2-presentation",
        "section-8.2-flattened-json-kb",
        "section-8.3-general-json-kb",
    ] {
        let case = rfc_case(name);
        let v = verifier(
            trust.clone(),
            Policy::default().require(CheckId::HOLDER_BINDING),
            case["kb"]["iat"].as_i64().unwrap() + 10,
        );
        let request = VerifyRequest::text(case["token"].as_str().unwrap())
            .audience("https://verifier.example.org")
            .nonce("1234567890");
        let report = v.verify(&request).unwrap();
        assert!(report.is_valid(), "{name}: {:#}", report.to_json());
        assert_eq!(report.format(), "sd-jwt");
        assert_eq!(report.issuer(), Some(ISS));
        assert_eq!(report.claims(), &case["processed"], "{name}");
        assert!(passed(&report, &CheckId::new("disclosures")));
        let status = report.check(&CheckId::STATUS).unwrap();
        assert_eq!(
            status.outcome,
            Outcome::NotApplicable {
                reason: "the token carries no status claim".into()
            }
        );

        // Another nonce: the presentation is checked and found invalid.
        let replay = VerifyRequest::text(case["token"].as_str().unwrap())
            .audience("https://verifier.example.org")
            .nonce("another");
        let report = v.verify(&replay).unwrap();
        assert!(!report.is_valid());
        assert_eq!(
            failed(&report, &CheckId::HOLDER_BINDING),
            "sdjwt.kb_nonce_mismatch"
        );
    }
}

#[test]
fn missing_key_binding_fails_when_required_and_old_ones_too() {
    let case = rfc_case("section-5.1-issuance");
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, rfc_key("issuer-key-1"))
        .build();
    let strict = verifier(
        trust.clone(),
        Policy::default().require(CheckId::HOLDER_BINDING),
        NOW,
    );
    let request = VerifyRequest::text(case["token"].as_str().unwrap())
        .audience("a")
        .nonce("n");
    let report = strict.verify(&request).unwrap();
    assert_eq!(failed(&report, &CheckId::HOLDER_BINDING), "sdjwt.kb_missing");
    assert!(!report.is_valid());
    // Without holder binding required or requested, the bare SD-JWT is valid.
    let lax = verifier(trust.clone(), Policy::default(), NOW);
    let report = lax
        .verify(&VerifyRequest::text(case["token"].as_str().unwrap()))
        .unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    // A KB-JWT from long ago fails.
    let old = rfc_case("section-5.2-presentation");
    let request = VerifyRequest::text(old["token"].as_str().unwrap())
        .audience("https://verifier.example.org")
        .nonce("1234567890");
    let report = strict.verify(&request).unwrap();
    assert_eq!(failed(&report, &CheckId::HOLDER_BINDING), "sdjwt.kb_too_old");
}

#[test]
fn untrusted_issuer_and_tampering_are_reported() {
    let case = rfc_case("section-5.2-presentation");
    let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, other.public_key().clone())
        .build();
    let report = verifier(trust, Policy::default(), NOW)
        .verify(&VerifyRequest::text(case["token"].as_str().unwrap()))
        .unwrap();
    assert_eq!(failed(&report, &CheckId::SIGNATURE), "crypto.bad_signature");
    let empty = StaticTrustStore::builder().build();
    let report = verifier(empty, Policy::default(), NOW)
        .verify(&VerifyRequest::text(case["token"].as_str().unwrap()))
        .unwrap();
    assert_eq!(failed(&report, &CheckId::TRUST), "trust.untrusted");
    // A Disclosure swapped for a forged one.
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, rfc_key("issuer-key-1"))
        .build();
    let token = case["token"].as_str().unwrap();
    let family = "WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd";
    let forged = sdjwt::Disclosure::property("eluV5Og3gSNII8EYnsxA_A", "family_name", "Smith".into());
    let report = verifier(trust, Policy::default(), NOW)
        .verify(&VerifyRequest::text(token.replace(family, forged.encoded())))
        .unwrap();
    assert_eq!(
        failed(&report, &CheckId::new("disclosures")),
        "sdjwt.digest_mismatch"
    );
    assert!(!report.is_valid());
}

#[test]
fn oid4vp_sd_jwt_vc_example() {
    let dir = inkan_test_vectors::vectors_dir().join("sd-jwt/oid4vp-sd_jwt_vcld/01");
    let text: String = std::fs::read_to_string(dir.join("sd_jwt_presentation.txt"))
        .unwrap()
        .split_whitespace()
        .collect();
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, rfc_key("issuer-key-1"))
        .allow_issue(ISS, "https://credentials.example.com/example_credential")
        .build();
    let request = VerifyRequest::text(text.clone())
        .audience("https://verifier.example.org")
        .nonce("1234567890");
    let report = verifier(trust, Policy::default(), 1_744_743_394 + 5)
        .verify(&request)
        .unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert_eq!(
        report.credential_type(),
        Some("https://credentials.example.com/example_credential")
    );
    assert!(passed(&report, &CheckId::new("sd_jwt_vc")));
    assert!(passed(&report, &CheckId::HOLDER_BINDING));
    assert!(passed(&report, &CheckId::ISSUANCE_POLICY));
    assert_eq!(
        report.claims(),
        &json("sd-jwt/oid4vp-sd_jwt_vcld/01/verified_contents.json")
    );
    // An issuer that may not issue this type.
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, rfc_key("issuer-key-1"))
        .allow_issue(ISS, "urn:other")
        .build();
    let report = verifier(trust, Policy::default(), 1_744_743_394 + 5)
        .verify(&request)
        .unwrap();
    assert_eq!(failed(&report, &CheckId::ISSUANCE_POLICY), "trust.untrusted");
}

mod pki {
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
    use openssl::x509::{X509, X509Builder, X509NameBuilder};

    fn cert(subject: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
        let name = |cn: &str| {
            let mut b = X509NameBuilder::new().unwrap();
            b.append_entry_by_text("CN", cn).unwrap();
            b.build()
        };
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(
            &BigNum::from_u32(if issuer.is_none() { 1 } else { 2 })
                .unwrap()
                .to_asn1_integer()
                .unwrap(),
        )
        .unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(issuer.map_or(&name(subject), |(c, _)| c.subject_name()))
            .unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::from_unix(1_700_000_000).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::from_unix(1_900_000_000).unwrap())
            .unwrap();
        if issuer.is_none() {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
            b.append_extension(KeyUsage::new().critical().key_cert_sign().build().unwrap())
                .unwrap();
        } else {
            b.append_extension(KeyUsage::new().critical().digital_signature().build().unwrap())
                .unwrap();
            let context = b.x509v3_context(issuer.map(|(c, _)| c.as_ref()), None);
            let san = SubjectAlternativeName::new()
                .dns("issuer.example.com")
                .build(&context)
                .unwrap();
            b.append_extension(san).unwrap();
        }
        b.sign(issuer.map_or(key, |(_, k)| k), MessageDigest::sha256())
            .unwrap();
        b.build()
    }

    /// A root and an issuer certificate signed by it: (root DER, leaf DER, leaf key).
    pub fn chain() -> (Vec<u8>, Vec<u8>, SoftwareKey) {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let root_key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        let root = cert("sd-jwt test root", &root_key, None);
        let leaf_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let leaf_pkey = PKey::private_key_from_pem(leaf_key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        let leaf = cert("sd-jwt test issuer", &leaf_pkey, Some((&root, &root_key)));
        (root.to_der().unwrap(), leaf.to_der().unwrap(), leaf_key)
    }
}

#[test]
fn x5c_issuer_trusted_only_when_anchored() {
    let (root, leaf, key) = pki::chain();
    let holder = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let claims = json!({"iss": ISS, "vct": VCT, "iat": NOW - 60, "exp": NOW + 3600,
        "given_name": "Ada", "cnf": {"jwk": holder.public_jwk()},
        "status": {"status_list": {"idx": 7, "uri": "https://issuer.example.com/status/1"}}});
    let header = Header {
        x5c: Some(vec![b64_encode(&leaf)]),
        ..Header::default()
    }
    .with_typ("dc+sd-jwt");
    let frame = DisclosureFrame::from_paths(&["given_name".parse().unwrap()]);
    let issued = sdjwt::issue(
        claims.as_object().unwrap(),
        &frame,
        &header,
        &key,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let shown = issued.bind(&holder, "https://rp", "n", NOW).unwrap().serialize();
    let request = VerifyRequest::text(shown).audience("https://rp").nonce("n");

    let anchored = StaticTrustStore::builder()
        .x509_anchor(
            purpose::SD_JWT,
            TrustAnchor::from_certificate(Certificate::from_der(&root).unwrap()).unwrap(),
        )
        .build();
    let report = verifier(anchored, Policy::default(), NOW)
        .verify(&request)
        .unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());
    assert_eq!(report.claims()["status"]["status_list"]["idx"], 7);
    assert_eq!(report.claims()["given_name"], "Ada");

    // The same chain anchored for another purpose only: the signature holds, trust does not.
    let elsewhere = StaticTrustStore::builder()
        .x509_anchor(
            purpose::MDOC_IACA,
            TrustAnchor::from_certificate(Certificate::from_der(&root).unwrap()).unwrap(),
        )
        .build();
    let report = verifier(elsewhere, Policy::default(), NOW)
        .verify(&request)
        .unwrap();
    assert!(passed(&report, &CheckId::SIGNATURE));
    assert_eq!(failed(&report, &CheckId::TRUST), "x509.untrusted");
    assert!(!report.is_valid());

    // Anchored, but the certificate does not name this issuer.
    let mut other = claims.clone();
    other["iss"] = "https://someone-else.example".into();
    let forged = sdjwt::issue(
        other.as_object().unwrap(),
        &frame,
        &header,
        &key,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let anchored = StaticTrustStore::builder()
        .x509_anchor(
            purpose::SD_JWT,
            TrustAnchor::from_certificate(Certificate::from_der(&root).unwrap()).unwrap(),
        )
        .build();
    let report = verifier(anchored, Policy::default(), NOW)
        .verify(&VerifyRequest::text(forged.serialize()))
        .unwrap();
    assert!(passed(&report, &CheckId::SIGNATURE));
    assert_eq!(failed(&report, &CheckId::TRUST), "trust.untrusted");
}

#[test]
fn sd_jwt_vc_rule_violations_fail() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, key.public_key().clone())
        .build();
    // exp made selectively disclosable: SD-JWT VC forbids it.
    let claims = json!({"iss": ISS, "vct": VCT, "exp": NOW + 60});
    let frame = DisclosureFrame::from_paths(&["exp".parse().unwrap()]);
    let header = Header::default().with_typ("dc+sd-jwt");
    let sd = sdjwt::issue(
        claims.as_object().unwrap(),
        &frame,
        &header,
        &key,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let report = verifier(trust.clone(), Policy::default(), NOW)
        .verify(&VerifyRequest::text(sd.serialize()))
        .unwrap();
    assert_eq!(failed(&report, &CheckId::new("sd_jwt_vc")), "sdjwt.vc_invalid");
    // Expired.
    let claims = json!({"iss": ISS, "vct": VCT, "exp": NOW - 3600});
    let sd = sdjwt::issue(
        claims.as_object().unwrap(),
        &DisclosureFrame::default(),
        &header,
        &key,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let report = verifier(trust, Policy::default(), NOW)
        .verify(&VerifyRequest::text(sd.serialize()))
        .unwrap();
    assert_eq!(failed(&report, &CheckId::VALIDITY), "jwt.expired");
}

mod metadata {
    use std::collections::HashMap;
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Mutex;
    use std::task::{Context, Poll, Waker};

    use inkan_core::BoxFuture;
    use inkan_core::http::{HttpClient, HttpRequest, HttpResponse};

    use super::*;

    /// Answers from a fixed table and records every URL asked for.
    pub struct Canned {
        pages: HashMap<String, Vec<u8>>,
        pub asked: Mutex<Vec<String>>,
    }

    impl Canned {
        pub fn new(pages: &[(&str, Value)]) -> Self {
            Self {
                pages: pages
                    .iter()
                    .map(|(u, v)| (u.to_string(), v.to_string().into_bytes()))
                    .collect(),
                asked: Mutex::new(Vec::new()),
            }
        }
    }

    impl HttpClient for Canned {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, inkan_core::Result<HttpResponse>> {
            self.asked.lock().unwrap().push(request.url.clone());
            let response = match self.pages.get(&request.url) {
                Some(body) => HttpResponse {
                    status: 200,
                    headers: Vec::new(),
                    body: body.clone(),
                },
                None => HttpResponse {
                    status: 404,
                    headers: Vec::new(),
                    body: Vec::new(),
                },
            };
            Box::pin(std::future::ready(Ok(response)))
        }
    }

    /// The canned client answers at once, so one poll finishes any verification.
    pub fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }
}

#[test]
fn issuer_keys_from_jwt_vc_issuer_metadata() {
    use metadata::{Canned, block_on};
    const TENANT: &str = "https://issuer.example/tenant/7";
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("k-1");
    let claims = json!({"iss": TENANT, "vct": VCT, "iat": NOW - 60, "given_name": "Ada"});
    let header = Header::for_signer(&key).with_typ("dc+sd-jwt");
    let frame = DisclosureFrame::from_paths(&["given_name".parse().unwrap()]);
    let sd = sdjwt::issue(
        claims.as_object().unwrap(),
        &frame,
        &header,
        &key,
        &mut OsSalts,
        HashAlg::Sha256,
    )
    .unwrap();
    let mut jwk = serde_json::to_value(key.public_jwk()).unwrap();
    jwk["kid"] = "k-1".into();
    let http = Arc::new(Canned::new(&[
        (
            "https://issuer.example/.well-known/jwt-vc-issuer/tenant/7",
            json!({"issuer": TENANT, "jwks_uri": "https://issuer.example/jwks.json"}),
        ),
        ("https://issuer.example/jwks.json", json!({"keys": [jwk]})),
    ]));
    let build = |policy: Policy| {
        Verifier::builder(
            Arc::new(StaticTrustStore::builder().build()),
            policy,
            Arc::new(FixedClock::at_unix(NOW)),
        )
        .http(http.clone())
        .build()
    };
    let request = VerifyRequest::text(sd.serialize());

    // Offline, the key is unknown.
    let strict = build(Policy::default());
    let report = strict.verify(&request).unwrap();
    assert_eq!(failed(&report, &CheckId::TRUST), "trust.untrusted");
    // Online, the metadata gives the key: the signature holds, yet the issuer is not trusted.
    let report = block_on(strict.verify_online(&request)).unwrap();
    assert!(passed(&report, &CheckId::SIGNATURE), "{:#}", report.to_json());
    assert!(matches!(
        report.check(&CheckId::TRUST).unwrap().outcome,
        Outcome::NotApplicable { .. }
    ));
    assert!(!report.is_valid());
    // Cached: offline verification now finds the key, and nothing is fetched again.
    assert!(passed(&strict.verify(&request).unwrap(), &CheckId::SIGNATURE));
    block_on(strict.verify_online(&request)).unwrap();
    assert_eq!(http.asked.lock().unwrap().len(), 2);
    // A deployment that accepts web-published issuer keys makes trust optional.
    let lax = build(Policy::default().optional(&CheckId::TRUST));
    let report = block_on(lax.verify_online(&request)).unwrap();
    assert!(report.is_valid(), "{:#}", report.to_json());

    // Metadata naming another issuer is refused.
    let liar = Arc::new(Canned::new(&[(
        "https://issuer.example/.well-known/jwt-vc-issuer/tenant/7",
        json!({"issuer": "https://evil.example", "jwks": {"keys": []}}),
    )]));
    let v = Verifier::builder(
        Arc::new(StaticTrustStore::builder().build()),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .http(liar)
    .build();
    let err = block_on(v.verify_online(&request)).unwrap_err();
    assert_eq!(err.code(), "sdjwt.vc_invalid");
}

#[test]
fn type_metadata_fetched_when_asked_and_integrity_checked() {
    use inkan_verifier::formats::sd_jwt::SdJwtFormat;
    use metadata::{Canned, block_on};
    const TYPE: &str = "https://issuer.example/types/pid";
    let doc = json!({"vct": TYPE, "name": "Example PID"});
    let sri = format!(
        "sha256-{}",
        b64_encode(HashAlg::Sha256.digest(doc.to_string().as_bytes()))
    );
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, key.public_key().clone())
        .build();
    let credential = |integrity: &str| {
        let claims = json!({"iss": ISS, "vct": TYPE, "vct#integrity": integrity, "iat": NOW - 60});
        let header = Header::default().with_typ("dc+sd-jwt");
        sdjwt::issue(
            claims.as_object().unwrap(),
            &DisclosureFrame::default(),
            &header,
            &key,
            &mut OsSalts,
            HashAlg::Sha256,
        )
        .unwrap()
        .serialize()
    };
    let http = Arc::new(Canned::new(&[(TYPE, doc.clone())]));
    let with_metadata = Verifier::builder(
        Arc::new(trust.clone()),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .http(http.clone())
    .format(Arc::new(SdJwtFormat::default().with_type_metadata()))
    .build();
    let good = VerifyRequest::text(credential(&sri));
    let report = with_metadata.verify(&good).unwrap();
    assert!(matches!(
        report.check(&CheckId::new("type_metadata")).unwrap().outcome,
        Outcome::NotApplicable { .. }
    ));
    let report = block_on(with_metadata.verify_online(&good)).unwrap();
    assert!(
        passed(&report, &CheckId::new("type_metadata")),
        "{:#}",
        report.to_json()
    );
    assert!(report.is_valid());
    let wrong = format!("sha256-{}", b64_encode([0u8; 32]));
    let report = block_on(with_metadata.verify_online(&VerifyRequest::text(credential(&wrong)))).unwrap();
    assert_eq!(
        failed(&report, &CheckId::new("type_metadata")),
        "sdjwt.vct_integrity"
    );
    assert!(!report.is_valid());
    assert_eq!(http.asked.lock().unwrap().as_slice(), [TYPE]);
    // Not asked for: nothing fetched, no such check.
    let plain = Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .http(http.clone())
    .build();
    let report = block_on(plain.verify_online(&good)).unwrap();
    assert!(report.check(&CheckId::new("type_metadata")).is_none());
    assert_eq!(http.asked.lock().unwrap().len(), 1);
}

/// Issuer → status list → verifier: a valid, a revoked and a suspended SD-JWT VC, and one whose
/// list the verifier has never seen (offline), with the status check lenient and required.
#[test]
fn status_list_revocation_end_to_end() {
    use inkan_core::status::{Bits, StatusValue};
    use inkan_issuer::sd_jwt_vc::{DisclosurePolicy, SdJwtVcIssuer};
    use inkan_issuer::status_list::{IssuerStatusList, Validity};

    const LIST: &str = "https://issuer.example.com/status/1";
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let clock = FixedClock::at_unix(NOW);
    let mut list = IssuerStatusList::new(LIST, Bits::Two, 1_024).unwrap();
    let issue = |reference: Value| {
        let mut policy = DisclosurePolicy::new(VCT, ISS);
        policy.sd = vec!["given_name".into()];
        policy.validity_secs = Some(86_400);
        policy.status = Some(reference.as_object().unwrap().clone());
        let claims = json!({"given_name": "Ada"});
        SdJwtVcIssuer::new(&key, &clock, policy)
            .issue(claims.as_object().unwrap(), None, &mut OsSalts)
            .unwrap()
            .serialize()
    };
    let (valid, revoked, suspended) = (
        list.allocate().unwrap(),
        list.allocate().unwrap(),
        list.allocate().unwrap(),
    );
    list.set(revoked.idx, StatusValue::Invalid).unwrap();
    list.set(suspended.idx, StatusValue::Suspended).unwrap();
    let validity = Validity {
        lifetime_secs: Some(3_600),
        ttl_secs: Some(300),
    };
    let list_jwt = list.sign_jwt(&key, &clock, validity).unwrap();
    let trust = StaticTrustStore::builder()
        .issuer_key(ISS, None, key.public_key().clone())
        .issuer_key(LIST, None, key.public_key().clone())
        .build();
    let v = verifier(trust.clone(), Policy::default(), NOW + 60);
    v.load_status_list(LIST, list_jwt.as_bytes()).unwrap();

    let report = v.verify(&VerifyRequest::text(issue(valid.to_json()))).unwrap();
    assert!(passed(&report, &CheckId::STATUS), "{:#}", report.to_json());
    assert!(report.is_valid());
    for (reference, code) in [(&revoked, "status.revoked"), (&suspended, "status.suspended")] {
        let report = v
            .verify(&VerifyRequest::text(issue(reference.to_json())))
            .unwrap();
        assert_eq!(failed(&report, &CheckId::STATUS), code);
        assert!(!report.is_valid());
    }

    // A list the verifier never loaded: lenient policy says not applicable, a policy that
    // requires the status check fails the credential.
    let unseen = json!({"status_list": {"idx": 3, "uri": "https://issuer.example.com/status/2"}});
    let token = issue(unseen);
    let lenient = verifier(trust.clone(), Policy::default(), NOW + 60);
    let report = lenient.verify(&VerifyRequest::text(token.clone())).unwrap();
    assert!(matches!(
        report.check(&CheckId::STATUS).unwrap().outcome,
        Outcome::NotApplicable { .. }
    ));
    let strict = verifier(trust, Policy::default().require(CheckId::STATUS), NOW + 60);
    let report = strict.verify(&VerifyRequest::text(token)).unwrap();
    assert_eq!(failed(&report, &CheckId::STATUS), "status.unavailable");
    assert!(!report.is_valid());

    // The cached list expires with its `exp`: an hour and a minute later it no longer counts.
    let late = verifier(
        StaticTrustStore::builder()
            .issuer_key(ISS, None, key.public_key().clone())
            .issuer_key(LIST, None, key.public_key().clone())
            .build(),
        Policy::default(),
        NOW + 3_700,
    );
    assert_eq!(
        late.load_status_list(LIST, list_jwt.as_bytes())
            .unwrap_err()
            .code(),
        "status.list_expired"
    );
}
