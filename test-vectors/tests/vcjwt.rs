//! VC-JWT and VP-JWT (`jwt_vc_json`): the OpenID4VCI / OpenID4VP 1.0 examples, one typed error
//! per negative case, and interop with jwcrypto (`interop/vcjwt_oracle.py`) in both directions.
//!
//! Which examples carry real signatures: only the OpenID4VCI credential response
//! (`credential_response_jwt_vc_json.txt`, ES256, key in `issuer_jwks.json`). The OpenID4VP
//! `credentials/jwt_vc.json` and `response/jwt_vc.json` are claim sets without a signature (the
//! VP's embedded credential is the placeholder `eyJhb...ssw5c`): they are signed here with
//! generated keys, so they test the mapping and the holder checks, not a foreign signature.

// Test helpers unwrap: a broken vector or oracle is a failed test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::claims::TimeRules;
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, Signer as _, SoftwareKey};
use inkan_core::did::{KeyDidResolver, did_jwk, did_key, resolve_key};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_core::jose::{Header, jws, jwt};
use inkan_core::trust::StaticTrustStore;
use inkan_core::vcjwt::{self, KeySources, PresentationOptions};
use inkan_test_vectors::{json, run_oracle, vectors_dir};
use serde_json::{Value, json};

const ORACLE: &str = "vcjwt_oracle.py";
const VCI: &str = "openid4vc/oid4vci-1.0-final-examples/examples";
const VP: &str = "openid4vc/oid4vp-1.0-final-examples/examples";

fn code<T>(r: inkan_core::Result<T>) -> &'static str {
    r.map(|_| "ok").unwrap_or_else(|e| e.code())
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(vectors_dir().join(rel)).unwrap()
}

/// A JWS signed with `key` over arbitrary claims and header.
fn raw(claims: &Value, header: &Header, key: &SoftwareKey) -> String {
    jwt::sign(claims.as_object().unwrap(), header, key).unwrap()
}

/// The credential of the OpenID4VCI credential response (its value is line-wrapped upstream).
fn vci_credential() -> String {
    let text = read(&format!("{VCI}/credential_response_jwt_vc_json.txt"));
    let body = &text[text.find('{').unwrap()..];
    let squeezed: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let response: Value = serde_json::from_str(&squeezed).unwrap();
    response["credentials"][0]["credential"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The issuer key of `issuer_jwks.json` (its `kid` is line-wrapped upstream) and that kid.
fn vci_issuer_key() -> (String, PublicKey) {
    let text = read(&format!("{VCI}/issuer_jwks.json"));
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let jwks: Value = serde_json::from_str(&squeezed).unwrap();
    let jwk = Jwk::from_json(&jwks["jwks"][0].to_string()).unwrap();
    let kid = jwks["jwks"][0]["kid"].as_str().unwrap().to_owned();
    (kid, PublicKey::from_jwk(&jwk).unwrap())
}

#[test]
fn openid4vci_credential_response_verifies() {
    let token = vci_credential();
    let (kid, key) = vci_issuer_key();
    let vc = vcjwt::parse_vc(&token).unwrap();
    assert_eq!(vc.header().kid.as_deref(), Some(kid.as_str()));
    assert_eq!(vc.issuer(), "https://credential-issuer.example.com");
    assert_eq!(vc.credential_types(), ["UniversityDegreeCredential"]);
    assert_eq!(vc.credential()["issuanceDate"], "2025-01-01T00:00:00Z");
    // The subject is the holder's did:jwk, resolvable offline.
    resolve_key(vc.subject().unwrap()).unwrap();
    assert_eq!(
        vc.verify_signature(&key, &Default::default()).unwrap(),
        Algorithm::Es256
    );
    let trust = StaticTrustStore::builder()
        .issuer_key(vc.issuer(), Some(&kid), key)
        .build();
    let sources = KeySources {
        trust: &trust,
        dids: &KeyDidResolver,
    };
    let rules = TimeRules::default();
    let at = |t: &str| FixedClock::from_rfc3339(t).unwrap();
    let ok = vcjwt::verify_vc(&token, &sources, &rules, &at("2025-06-01T00:00:00Z")).unwrap();
    assert_eq!(
        ok.credential()["credentialSubject"]["degree"]["type"],
        "BachelorDegree"
    );
    let early = vcjwt::verify_vc(&token, &sources, &rules, &at("2024-12-31T00:00:00Z"));
    assert_eq!(code(early), "vcjwt.not_yet_valid");
    // The same token with one signature bit flipped no longer verifies.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut signature = b64url_decode(&parts[2]).unwrap();
    signature[5] ^= 0x01;
    parts[2] = b64url_encode(signature);
    let tampered = parts.join(".");
    assert_eq!(
        code(vcjwt::verify_vc(
            &tampered,
            &sources,
            &rules,
            &at("2025-06-01T00:00:00Z")
        )),
        "crypto.bad_signature"
    );
}

#[test]
fn openid4vci_metadata_names_the_format() {
    let meta = json(&format!("{VCI}/credential_metadata_jwt_vc_json.json"));
    let config = &meta["credential_configurations_supported"]["UniversityDegreeCredential"];
    assert_eq!(config["format"], "jwt_vc_json");
    let vc = vcjwt::parse_vc(&vci_credential()).unwrap();
    let want: Vec<&str> = config["credential_definition"]["type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(vc.credential()["type"], json!(want));
}

/// Structural: the OpenID4VP example claims, signed here.
#[test]
fn openid4vp_credential_example_decodes() {
    let claims = json(&format!("{VP}/credentials/jwt_vc.json"));
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let vc = vcjwt::parse_vc(&raw(&claims, &Header::for_signer(&key), &key)).unwrap();
    assert_eq!(vc.issuer(), "https://example.gov/issuers/565049");
    assert_eq!(vc.subject(), Some("did:example:ebfeb1f712ebc6f1c276e12ec21"));
    let c = vc.credential();
    assert_eq!(c["issuer"], "https://example.gov/issuers/565049");
    assert_eq!(c["issuanceDate"], "2010-01-01T00:00:00Z");
    assert_eq!(c["id"], "http://example.gov/credentials/3732");
    assert_eq!(
        c["credentialSubject"]["id"],
        "did:example:ebfeb1f712ebc6f1c276e12ec21"
    );
    assert_eq!(c["credentialSubject"]["address"]["country"], "DE");
}

/// Structural: the OpenID4VP response example with its placeholder credential replaced by the
/// credential example, both signed here.
#[test]
fn openid4vp_presentation_example_decodes() {
    let mut vp_claims = json(&format!("{VP}/response/jwt_vc.json"));
    let holder_key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
    let placeholder = raw(&vp_claims, &Header::for_signer(&holder_key), &holder_key);
    assert_eq!(code(vcjwt::parse_vp(&placeholder)), "jose.malformed");

    let issuer_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let vc = raw(
        &json(&format!("{VP}/credentials/jwt_vc.json")),
        &Header::for_signer(&issuer_key),
        &issuer_key,
    );
    vp_claims["vp"]["verifiableCredential"] = json!([vc]);
    let vp = vcjwt::parse_vp(&raw(&vp_claims, &Header::for_signer(&holder_key), &holder_key)).unwrap();
    assert_eq!(vp.holder(), "did:example:ebfeb1f712ebc6f1c276e12ec21");
    vp.verify_signature(holder_key.public_key(), &Default::default())
        .unwrap();
    vp.check_request("x509_san_dns:client.example.org", "n-0S6_WzA2Mj")
        .unwrap();
    vp.check_subjects().unwrap();
    vp.check_time(&TimeRules::default(), &FixedClock::at_unix(1_541_493_800))
        .unwrap();
    assert_eq!(
        code(vp.check_time(&TimeRules::default(), &FixedClock::at_unix(1_573_100_000))),
        "vcjwt.expired"
    );
    assert_eq!(
        code(vp.check_request("x509_san_dns:client.example.org", "other")),
        "vcjwt.nonce_mismatch"
    );
}

// ---- negative cases: one code each ----

/// An issuer with a did:key, trusted, and a holder with a did:jwk.
struct World {
    issuer_key: SoftwareKey,
    issuer: String,
    holder_key: SoftwareKey,
    holder: String,
    trust: StaticTrustStore,
}

impl World {
    fn new() -> Self {
        let issuer_key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let issuer = did_key(issuer_key.public_key());
        let issuer_key = issuer_key.with_kid(format!("{issuer}#{}", &issuer[8..]));
        let holder_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let holder = did_jwk(holder_key.public_key());
        let holder_key = holder_key.with_kid(format!("{holder}#0"));
        let trust = StaticTrustStore::builder().trusted_did(&issuer).build();
        Self {
            issuer_key,
            issuer,
            holder_key,
            holder,
            trust,
        }
    }

    fn credential(&self, subject: &str) -> Value {
        json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "IDCredential"],
            "issuer": self.issuer,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "expirationDate": "2030-01-01T00:00:00Z",
            "credentialSubject": {"id": subject, "given_name": "Ayşe"},
        })
    }

    fn claims(&self) -> Value {
        Value::Object(vcjwt::credential_to_claims(&self.credential(&self.holder)).unwrap())
    }

    fn vc(&self) -> String {
        vcjwt::sign_vc(&self.credential(&self.holder), &self.issuer_key).unwrap()
    }

    fn sources(&self) -> KeySources<'_> {
        KeySources {
            trust: &self.trust,
            dids: &KeyDidResolver,
        }
    }

    fn verify_vc(&self, token: &str, now: i64) -> &'static str {
        code(vcjwt::verify_vc(
            token,
            &self.sources(),
            &TimeRules::default(),
            &FixedClock::at_unix(now),
        ))
    }

    fn vp(&self, vcs: &[&str]) -> String {
        let options = PresentationOptions::new("https://verifier.example", "nonce-1", NOW);
        vcjwt::sign_vp(&self.holder, vcs, &options, &self.holder_key).unwrap()
    }

    fn verify_vp(&self, token: &str, aud: &str, nonce: &str) -> &'static str {
        code(vcjwt::verify_vp(
            token,
            &self.sources(),
            aud,
            nonce,
            &TimeRules::default(),
            &FixedClock::at_unix(NOW + 10),
        ))
    }
}

/// 2026-01-01.
const NOW: i64 = 1_767_225_600;

#[test]
fn valid_credential_and_presentation() {
    let w = World::new();
    assert_eq!(w.verify_vc(&w.vc(), NOW), "ok");
    let vc = w.vc();
    assert_eq!(
        w.verify_vp(&w.vp(&[&vc, &vc]), "https://verifier.example", "nonce-1"),
        "ok"
    );
}

#[test]
fn alg_none_and_hmac_are_refused() {
    let w = World::new();
    let claims = b64url_encode(w.claims().to_string());
    for alg in ["none", "HS256"] {
        let header = b64url_encode(json!({"alg": alg, "kid": w.issuer_key.key_id()}).to_string());
        let token = format!("{header}.{claims}.{}", b64url_encode(b"sig"));
        assert_eq!(w.verify_vc(&token, NOW), "vcjwt.alg_not_allowed", "{alg}");
        let bare = format!("{header}.{claims}.");
        assert_eq!(w.verify_vc(&bare, NOW), "vcjwt.alg_not_allowed", "{alg}");
    }
}

#[test]
fn claim_conflicts_are_refused() {
    let w = World::new();
    let header = Header::for_signer(&w.issuer_key).with_typ("JWT");
    for (claim, value, want) in [
        ("iss", json!("did:example:other"), "vcjwt.iss_mismatch"),
        ("sub", json!("did:example:other"), "vcjwt.sub_mismatch"),
        ("jti", json!("urn:other"), "vcjwt.jti_mismatch"),
        ("exp", json!(1_900_000_000), "vcjwt.date_mismatch"),
        ("nbf", json!(1_700_000_000), "vcjwt.date_mismatch"),
    ] {
        let mut claims = w.claims();
        claims[claim] = value;
        if claim == "jti" {
            claims["vc"]["id"] = json!("urn:vc");
        }
        let token = raw(&claims, &header, &w.issuer_key);
        assert_eq!(w.verify_vc(&token, NOW), want, "{claim}");
    }
}

#[test]
fn validity_period() {
    let w = World::new();
    let vc = w.vc();
    assert_eq!(w.verify_vc(&vc, 1_893_456_000 + 61), "vcjwt.expired");
    assert_eq!(w.verify_vc(&vc, 1_735_689_600 - 61), "vcjwt.not_yet_valid");
    assert_eq!(w.verify_vc(&vc, 1_735_689_600 - 59), "ok"); // within the leeway
}

#[test]
fn presentation_binding() {
    let w = World::new();
    let vc = w.vc();
    let vp = w.vp(&[&vc]);
    assert_eq!(
        w.verify_vp(&vp, "https://other.example", "nonce-1"),
        "vcjwt.aud_mismatch"
    );
    assert_eq!(
        w.verify_vp(&vp, "https://verifier.example", "nonce-2"),
        "vcjwt.nonce_mismatch"
    );
    let someone_else = vcjwt::sign_vc(&w.credential("did:example:other"), &w.issuer_key).unwrap();
    assert_eq!(
        w.verify_vp(
            &w.vp(&[&vc, &someone_else]),
            "https://verifier.example",
            "nonce-1"
        ),
        "vcjwt.holder_mismatch"
    );
    // The holder's signature is checked with the holder's DID key.
    let thief = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid(format!("{}#0", w.holder));
    let options = PresentationOptions::new("https://verifier.example", "nonce-1", NOW);
    let forged = vcjwt::sign_vp(&w.holder, &[&vc], &options, &thief).unwrap();
    assert_eq!(
        w.verify_vp(&forged, "https://verifier.example", "nonce-1"),
        "crypto.bad_signature"
    );
    // An embedded credential is verified too.
    let expired_vc = {
        let mut c = w.credential(&w.holder);
        c["expirationDate"] = json!("2025-06-01T00:00:00Z");
        vcjwt::sign_vc(&c, &w.issuer_key).unwrap()
    };
    assert_eq!(
        w.verify_vp(&w.vp(&[&expired_vc]), "https://verifier.example", "nonce-1"),
        "vcjwt.expired"
    );
}

#[test]
fn unknown_kids() {
    let w = World::new();
    let claims = w.claims();
    let with_kid = |kid: &str| {
        let header = Header {
            kid: Some(kid.to_owned()),
            ..Header::for_signer(&w.issuer_key)
        };
        raw(&claims, &header, &w.issuer_key)
    };
    assert_eq!(
        w.verify_vc(&with_kid(&format!("{}#other", w.issuer)), NOW),
        "vcjwt.unknown_kid"
    );
    assert_eq!(w.verify_vc(&with_kid("#other"), NOW), "vcjwt.unknown_kid");
    assert_eq!(w.verify_vc(&with_kid("k-17"), NOW), "vcjwt.unknown_kid");
    // An issuer that is not a DID, with a kid the trust store does not know.
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("k1");
    let trust = StaticTrustStore::builder()
        .issuer_key("https://issuer.example", Some("k1"), key.public_key().clone())
        .build();
    let mut c = w.credential(&w.holder);
    c["issuer"] = json!("https://issuer.example");
    let token = vcjwt::sign_vc(&c, &key.with_kid("k2")).unwrap();
    let sources = KeySources {
        trust: &trust,
        dids: &KeyDidResolver,
    };
    let r = vcjwt::verify_vc(&token, &sources, &TimeRules::default(), &FixedClock::at_unix(NOW));
    assert_eq!(code(r), "vcjwt.unknown_kid");
}

#[test]
fn untrusted_did_issuer() {
    let w = World::new();
    let nobody = StaticTrustStore::builder().build();
    let sources = KeySources {
        trust: &nobody,
        dids: &KeyDidResolver,
    };
    let r = vcjwt::verify_vc(
        &w.vc(),
        &sources,
        &TimeRules::default(),
        &FixedClock::at_unix(NOW),
    );
    assert_eq!(code(r), "trust.untrusted");
}

#[test]
fn vp_limits() {
    let w = World::new();
    let vc = w.vc();
    let many: Vec<&str> = vec![vc.as_str(); vcjwt::MAX_VP_CREDENTIALS + 1];
    let options = PresentationOptions::new("a", "n", NOW);
    assert_eq!(
        code(vcjwt::sign_vp(&w.holder, &many, &options, &w.holder_key)),
        "input.too_large"
    );
    let claims = json!({"iss": w.holder, "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"], "verifiableCredential": many}});
    let token = raw(&claims, &Header::for_signer(&w.holder_key), &w.holder_key);
    assert_eq!(code(vcjwt::parse_vp(&token)), "input.too_large");
    let json_ld = json!({"iss": w.holder, "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"], "verifiableCredential": [{"type": "VerifiableCredential"}]}});
    let token = raw(&json_ld, &Header::for_signer(&w.holder_key), &w.holder_key);
    assert_eq!(code(vcjwt::parse_vp(&token)), "vcjwt.malformed");
}

// ---- interop with jwcrypto ----

/// A JWK written to a uniquely named temp file, removed on drop (tests run in parallel).
struct KeyFile(PathBuf);

impl KeyFile {
    fn new(jwk: &Jwk) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("inkan-vcjwt-{}-{n}.jwk", std::process::id()));
        std::fs::write(&path, jwk.to_json()).unwrap();
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn inkan_issues_jwcrypto_verifies() {
    for alg in [
        Algorithm::EdDsa,
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Ps256,
    ] {
        let w = World::new();
        let key = SoftwareKey::generate(alg).unwrap();
        let issuer = did_jwk(key.public_key());
        let key = key.with_kid(format!("{issuer}#0"));
        let mut credential = w.credential(&w.holder);
        credential["issuer"] = json!({"id": issuer, "name": "Registry"});
        credential["id"] = json!("urn:uuid:7f7c");
        let token = vcjwt::sign_vc(&credential, &key).unwrap();
        let public = KeyFile::new(&key.public_key().to_jwk());
        let out = run_oracle(ORACLE, &["verify-vc", public.arg(), &token]);
        let decoded: Value =
            serde_json::from_str(out.trim()).unwrap_or_else(|_| panic!("{alg:?}: jwcrypto refused: {out}"));
        assert_eq!(decoded, credential, "{alg:?}");
        // Tampered: refused by both.
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = vcjwt::sign_vc(&w.credential("did:example:x"), &key).unwrap();
        parts[1] = other.split('.').nth(1).unwrap();
        let tampered = parts.join(".");
        let out = run_oracle(ORACLE, &["verify-vc", public.arg(), &tampered]);
        assert!(out.starts_with("invalid:"), "{alg:?}: {out}");
        assert!(
            vcjwt::parse_vc(&tampered)
                .unwrap()
                .verify_signature(key.public_key(), &Default::default())
                .is_err()
        );
    }
}

#[test]
fn jwcrypto_issues_inkan_verifies() {
    for (alg, name) in [
        (Algorithm::EdDsa, "EdDSA"),
        (Algorithm::Es256, "ES256"),
        (Algorithm::Es384, "ES384"),
    ] {
        let w = World::new();
        let key = SoftwareKey::generate(alg).unwrap();
        let issuer = did_key(key.public_key());
        let kid = format!("{issuer}#{}", &issuer[8..]);
        let mut credential = w.credential(&w.holder);
        credential["issuer"] = json!(issuer);
        credential["id"] = json!("urn:uuid:3978");
        let private = KeyFile::new(&key.to_jwk().unwrap());
        let token = run_oracle(
            ORACLE,
            &["sign-vc", private.arg(), name, &kid, &credential.to_string()],
        );
        let token = token.trim();
        // The oracle moved the properties out of `vc`; inkan puts them back.
        let claims = jws::peek_header(token).and(vcjwt::parse_vc(token)).unwrap();
        assert!(claims.claims()["vc"].get("issuer").is_none(), "{alg:?}");
        let trust = StaticTrustStore::builder().trusted_did(&issuer).build();
        let sources = KeySources {
            trust: &trust,
            dids: &KeyDidResolver,
        };
        let vc = vcjwt::verify_vc(token, &sources, &TimeRules::default(), &FixedClock::at_unix(NOW)).unwrap();
        assert_eq!(Value::Object(vc.credential().clone()), credential, "{alg:?}");
    }
}

#[test]
fn presentations_both_ways() {
    let w = World::new();
    let vc = w.vc();
    // inkan presents, jwcrypto checks signature, aud and nonce.
    let vp = w.vp(&[&vc]);
    let holder_public = KeyFile::new(&w.holder_key.public_key().to_jwk());
    let out = run_oracle(
        ORACLE,
        &[
            "verify-vp",
            holder_public.arg(),
            &vp,
            "https://verifier.example",
            "nonce-1",
        ],
    );
    assert_eq!(serde_json::from_str::<Value>(out.trim()).unwrap(), json!([vc]));
    let out = run_oracle(
        ORACLE,
        &[
            "verify-vp",
            holder_public.arg(),
            &vp,
            "https://verifier.example",
            "nonce-2",
        ],
    );
    assert_eq!(out.trim(), "invalid:nonce mismatch");
    // jwcrypto presents, inkan verifies the whole presentation.
    let holder_private = KeyFile::new(&w.holder_key.to_jwk().unwrap());
    let kid = w.holder_key.key_id().unwrap().to_owned();
    let iat = NOW.to_string();
    let vp = run_oracle(
        ORACLE,
        &[
            "sign-vp",
            holder_private.arg(),
            "ES256",
            &kid,
            &w.holder,
            "https://verifier.example",
            "nonce-1",
            &iat,
            &vc,
        ],
    );
    assert_eq!(
        w.verify_vp(vp.trim(), "https://verifier.example", "nonce-1"),
        "ok"
    );
    assert_eq!(
        w.verify_vp(vp.trim(), "https://verifier.example", "nonce-9"),
        "vcjwt.nonce_mismatch"
    );
}

// ---- through the verifier (format `jwt_vc_json`) ----

mod verifier {
    use std::sync::Arc;

    use inkan_core::clock::FixedClock;
    use inkan_core::trust::StaticTrustStore;
    use inkan_verifier::{CheckId, Outcome, Policy, Verification, Verifier, VerifyRequest};

    use super::*;

    fn verifier_for(trust: StaticTrustStore) -> Verifier {
        Verifier::builder(
            Arc::new(trust),
            Policy::default(),
            Arc::new(FixedClock::at_unix(NOW)),
        )
        .build()
    }

    fn outcome(report: &Verification, id: &CheckId) -> String {
        let found: Vec<String> = report
            .checks()
            .iter()
            .filter(|c| &c.check == id)
            .map(|c| match &c.outcome {
                Outcome::Passed => "passed".to_owned(),
                Outcome::Failed { code, .. } => code.clone(),
                Outcome::NotApplicable { .. } => "n/a".to_owned(),
            })
            .collect();
        found.join(",")
    }

    fn world_verifier(w: &World) -> Verifier {
        verifier_for(StaticTrustStore::builder().trusted_did(&w.issuer).build())
    }

    #[test]
    fn credential_report() {
        let w = World::new();
        let report = world_verifier(&w).verify(&VerifyRequest::text(w.vc())).unwrap();
        assert_eq!(report.format(), "jwt_vc_json");
        assert!(report.is_valid(), "{}", report.to_json());
        assert_eq!(report.issuer(), Some(w.issuer.as_str()));
        assert_eq!(report.credential_type(), Some("IDCredential"));
        assert_eq!(report.claims()["credentialSubject"]["given_name"], "Ayşe");
        assert_eq!(outcome(&report, &CheckId::STATUS), "n/a");
        assert_eq!(outcome(&report, &CheckId::HOLDER_BINDING), "n/a");
    }

    #[test]
    fn openid4vci_example_through_the_verifier() {
        let (kid, key) = vci_issuer_key();
        let trust = StaticTrustStore::builder()
            .issuer_key("https://credential-issuer.example.com", Some(&kid), key)
            .build();
        let v = Verifier::builder(
            Arc::new(trust),
            Policy::default(),
            Arc::new(FixedClock::from_rfc3339("2025-06-01T00:00:00Z").unwrap()),
        )
        .build();
        let report = v.verify(&VerifyRequest::text(vci_credential())).unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
        assert_eq!(report.credential_type(), Some("UniversityDegreeCredential"));
    }

    #[test]
    fn failures_are_reported_with_their_codes() {
        let w = World::new();
        let v = world_verifier(&w);
        // Untrusted issuer: signature passes, trust fails.
        let stranger = verifier_for(StaticTrustStore::builder().build());
        let report = stranger.verify(&VerifyRequest::text(w.vc())).unwrap();
        assert!(!report.is_valid());
        assert_eq!(outcome(&report, &CheckId::SIGNATURE), "passed");
        assert_eq!(outcome(&report, &CheckId::TRUST), "trust.untrusted");
        // A conflict is a failed decode, the rest not applicable.
        let mut claims = w.claims();
        claims["sub"] = json!("did:example:other");
        let token = raw(&claims, &Header::for_signer(&w.issuer_key), &w.issuer_key);
        let report = v.verify(&VerifyRequest::text(token)).unwrap();
        assert_eq!(outcome(&report, &CheckId::DECODE), "vcjwt.sub_mismatch");
        assert_eq!(outcome(&report, &CheckId::SIGNATURE), "n/a");
        // Expired.
        let mut c = w.credential(&w.holder);
        c["expirationDate"] = json!("2025-06-01T00:00:00Z");
        let report = v
            .verify(&VerifyRequest::text(vcjwt::sign_vc(&c, &w.issuer_key).unwrap()))
            .unwrap();
        assert_eq!(outcome(&report, &CheckId::VALIDITY), "vcjwt.expired");
        // alg none.
        let header = b64url_encode(json!({"alg": "none"}).to_string());
        let token = format!("{header}.{}.", b64url_encode(w.claims().to_string()));
        let report = v.verify(&VerifyRequest::text(token)).unwrap();
        assert_eq!(outcome(&report, &CheckId::SIGNATURE), "vcjwt.alg_not_allowed");
        assert!(!report.is_valid());
        // Issuance policy from vc.type.
        let restricted = verifier_for(
            StaticTrustStore::builder()
                .trusted_did(&w.issuer)
                .allow_issue(&w.issuer, "OtherCredential")
                .build(),
        );
        let report = restricted.verify(&VerifyRequest::text(w.vc())).unwrap();
        assert_eq!(outcome(&report, &CheckId::ISSUANCE_POLICY), "trust.untrusted");
    }

    #[test]
    fn presentation_report() {
        let w = World::new();
        let v = world_verifier(&w);
        let vc = w.vc();
        let vp = w.vp(&[&vc]);
        let request = || VerifyRequest::text(vp.clone());
        let ok = v
            .verify(&request().audience("https://verifier.example").nonce("nonce-1"))
            .unwrap();
        assert!(ok.is_valid(), "{}", ok.to_json());
        assert_eq!(outcome(&ok, &CheckId::HOLDER_BINDING), "passed");
        assert_eq!(ok.claims()["holder"], w.holder.as_str());
        assert_eq!(ok.issuer(), Some(w.issuer.as_str()));
        let replay = v
            .verify(&request().audience("https://verifier.example").nonce("nonce-2"))
            .unwrap();
        assert_eq!(outcome(&replay, &CheckId::HOLDER_BINDING), "vcjwt.nonce_mismatch");
        assert!(!replay.is_valid());
        let wrong_aud = v.verify(&request().audience("x").nonce("nonce-1")).unwrap();
        assert_eq!(
            outcome(&wrong_aud, &CheckId::HOLDER_BINDING),
            "vcjwt.aud_mismatch"
        );
        let blind = v.verify(&request()).unwrap();
        assert_eq!(
            outcome(&blind, &CheckId::HOLDER_BINDING),
            "vcjwt.no_expected_aud_nonce"
        );
        // A credential about someone else.
        let other = vcjwt::sign_vc(&w.credential("did:example:other"), &w.issuer_key).unwrap();
        let report = v
            .verify(
                &VerifyRequest::text(w.vp(&[&vc, &other]))
                    .audience("https://verifier.example")
                    .nonce("nonce-1"),
            )
            .unwrap();
        assert_eq!(
            outcome(&report, &CheckId::HOLDER_BINDING),
            "vcjwt.holder_mismatch"
        );
        // The request's holder key must have signed it.
        let stranger = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let report = v
            .verify(
                &request()
                    .audience("https://verifier.example")
                    .nonce("nonce-1")
                    .holder_key(stranger.public_key().clone()),
            )
            .unwrap();
        assert_eq!(outcome(&report, &CheckId::SIGNATURE), "crypto.bad_signature");
    }

    #[test]
    fn a_bare_jwk_pins_a_did_issuer() {
        let w = World::new();
        let store =
            inkan_verifier::JsonTrustStore::parse(&w.issuer_key.public_key().to_jwk().to_json()).unwrap();
        let v = Verifier::builder(
            Arc::new(store),
            Policy::default(),
            Arc::new(FixedClock::at_unix(NOW)),
        )
        .build();
        let report = v.verify(&VerifyRequest::text(w.vc())).unwrap();
        assert!(report.is_valid(), "{}", report.to_json());
        let other = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let store = inkan_verifier::JsonTrustStore::parse(&other.public_key().to_jwk().to_json()).unwrap();
        let v = Verifier::builder(
            Arc::new(store),
            Policy::default(),
            Arc::new(FixedClock::at_unix(NOW)),
        )
        .build();
        let report = v.verify(&VerifyRequest::text(w.vc())).unwrap();
        assert_eq!(outcome(&report, &CheckId::TRUST), "trust.untrusted");
    }

    #[test]
    fn other_jwts_are_not_claimed() {
        let w = World::new();
        let v = world_verifier(&w);
        let plain = raw(&json!({"iss": "x"}), &Header::default(), &w.issuer_key);
        assert_eq!(
            v.verify(&VerifyRequest::text(plain)).unwrap_err().code(),
            "verifier.unknown_format"
        );
        // A VC-JWT followed by `~` is an SD-JWT (with no Disclosures): the SD-JWT format takes it.
        let sd_jwt_like = format!("{}~", w.vc());
        assert_eq!(
            v.verify(&VerifyRequest::text(sd_jwt_like)).unwrap().format(),
            "sd-jwt"
        );
    }
}

// ---- interop with did-jwt-vc (npm, interop/node-vcjwt, pinned by its lock file) ----

mod did_jwt_vc {
    use inkan_core::clock::SystemClock;
    use inkan_test_vectors::run_node_oracle;

    use super::*;

    /// The oracle lives in its own npm folder; Node resolves its imports from the script's
    /// folder, so the shared runner (working directory `interop/node`) reaches it by path.
    const SCRIPT: &str = "../node-vcjwt/vcjwt_oracle.mjs";

    fn ask(cmd: &str, request: Value) -> Value {
        let out = run_node_oracle(SCRIPT, &[cmd], &request.to_string());
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{cmd}: {e}: {out}"))
    }

    /// A did:jwk party: key with its method as kid, and the DID.
    fn party(alg: Algorithm) -> (SoftwareKey, String) {
        let key = SoftwareKey::generate(alg).unwrap();
        let did = did_jwk(key.public_key());
        (key.with_kid(format!("{did}#0")), did)
    }

    fn now() -> i64 {
        inkan_core::clock::Clock::now_unix(&SystemClock)
    }

    fn credential(issuer: &str, holder: &str) -> Value {
        json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "IDCredential"],
            "id": "urn:uuid:6a1d",
            "issuer": issuer,
            "issuanceDate": "2025-01-01T00:00:00Z",
            "expirationDate": "2035-01-01T00:00:00Z",
            "credentialSubject": {"id": holder, "given_name": "Ayşe"},
        })
    }

    #[test]
    fn inkan_issues_and_presents_did_jwt_vc_verifies() {
        for alg in [Algorithm::EdDsa, Algorithm::Es256] {
            let (issuer_key, issuer) = party(alg);
            let (holder_key, holder) = party(alg);
            let c = credential(&issuer, &holder);
            let vc = vcjwt::sign_vc(&c, &issuer_key).unwrap();
            let answer = ask("verify-vc", json!({"jwt": vc, "now": now()}));
            assert_eq!(answer["ok"], true, "{alg:?}: {answer}");
            let got = &answer["credential"];
            assert_eq!(got["credentialSubject"], c["credentialSubject"], "{alg:?}");
            assert_eq!(got["issuanceDate"], "2025-01-01T00:00:00.000Z");
            assert_eq!(got["expirationDate"], "2035-01-01T00:00:00.000Z");
            assert_eq!(got["id"], "urn:uuid:6a1d");
            assert_eq!(got["issuer"]["id"], issuer.as_str());

            let options = PresentationOptions::new("https://verifier.example", "n-7", now());
            let vp = vcjwt::sign_vp(&holder, &[&vc], &options, &holder_key).unwrap();
            let request = |nonce: &str| json!({"jwt": vp, "now": now(), "aud": "https://verifier.example", "nonce": nonce});
            let answer = ask("verify-vp", request("n-7"));
            assert_eq!(answer["ok"], true, "{alg:?}: {answer}");
            assert_eq!(answer["credentials"], json!([vc]));
            let answer = ask("verify-vp", request("n-8"));
            assert_eq!(answer["ok"], false, "{alg:?}: a wrong nonce is refused");
            // A tampered credential is refused by both.
            let mut parts: Vec<&str> = vc.split('.').collect();
            let other = vcjwt::sign_vc(&credential(&issuer, "did:example:x"), &issuer_key).unwrap();
            parts[1] = other.split('.').nth(1).unwrap();
            let tampered = parts.join(".");
            let answer = ask("verify-vc", json!({"jwt": tampered, "now": now()}));
            assert_eq!(answer["ok"], false, "{alg:?}");
        }
    }

    #[test]
    fn did_jwt_vc_issues_and_presents_inkan_verifies() {
        for alg in [Algorithm::EdDsa, Algorithm::Es256] {
            let (issuer_key, issuer) = party(alg);
            let (holder_key, holder) = party(alg);
            let c = credential(&issuer, &holder);
            let private = |k: &SoftwareKey| serde_json::to_value(k.to_jwk().unwrap()).unwrap();
            let answer = ask(
                "issue-vc",
                json!({"jwk": private(&issuer_key), "did": issuer, "kid": issuer_key.key_id(), "credential": c}),
            );
            let vc = answer["jwt"].as_str().unwrap().to_owned();
            let trust = StaticTrustStore::builder().trusted_did(&issuer).build();
            let sources = KeySources {
                trust: &trust,
                dids: &KeyDidResolver,
            };
            let verified = vcjwt::verify_vc(&vc, &sources, &TimeRules::default(), &SystemClock).unwrap();
            // did-jwt-vc moved the properties into the registered claims; inkan maps them back.
            assert!(verified.claims()["vc"].get("issuanceDate").is_none(), "{alg:?}");
            assert_eq!(Value::Object(verified.credential().clone()), c, "{alg:?}");

            let answer = ask(
                "present",
                json!({"jwk": private(&holder_key), "did": holder, "kid": holder_key.key_id(),
                       "credentials": [vc], "aud": "https://verifier.example", "nonce": "n-9"}),
            );
            let vp = answer["jwt"].as_str().unwrap();
            let ok = vcjwt::verify_vp(
                vp,
                &sources,
                "https://verifier.example",
                "n-9",
                &TimeRules::default(),
                &SystemClock,
            );
            assert_eq!(code(ok), "ok", "{alg:?}");
            let replay = vcjwt::verify_vp(
                vp,
                &sources,
                "https://verifier.example",
                "n-10",
                &TimeRules::default(),
                &SystemClock,
            );
            assert_eq!(code(replay), "vcjwt.nonce_mismatch", "{alg:?}");
        }
    }
}

/// A VC-JWT whose `status` claim points into an IETF Token Status List: valid, then revoked,
/// through the verifier and its status cache.
#[test]
fn token_status_list_through_the_verifier() {
    use std::sync::Arc;

    use inkan_core::status::{Bits, StatusValue};
    use inkan_issuer::status_list::{IssuerStatusList, Validity};
    use inkan_verifier::{CheckId, Outcome, Policy, Verifier, VerifyRequest};

    const LIST: &str = "https://issuer.example/status/7";
    let w = World::new();
    let list_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let clock = FixedClock::at_unix(NOW);
    let mut list = IssuerStatusList::new(LIST, Bits::One, 256).unwrap();
    let (kept, revoked) = (list.allocate().unwrap(), list.allocate().unwrap());
    list.set(revoked.idx, StatusValue::Invalid).unwrap();
    let list_jwt = list.sign_jwt(&list_key, &clock, Validity::default()).unwrap();
    let trust = StaticTrustStore::builder()
        .trusted_did(&w.issuer)
        .issuer_key(LIST, None, list_key.public_key().clone())
        .build();
    let verifier = Verifier::builder(
        Arc::new(trust),
        Policy::default(),
        Arc::new(FixedClock::at_unix(NOW)),
    )
    .build();
    verifier.load_status_list(LIST, list_jwt.as_bytes()).unwrap();
    let token = |reference: Value| {
        let mut claims = w.claims();
        claims["status"] = reference;
        raw(
            &claims,
            &Header::for_signer(&w.issuer_key).with_typ("JWT"),
            &w.issuer_key,
        )
    };

    let report = verifier
        .verify(&VerifyRequest::text(token(kept.to_json())))
        .unwrap();
    assert_eq!(report.format(), "jwt_vc_json");
    assert_eq!(report.check(&CheckId::STATUS).unwrap().outcome, Outcome::Passed);
    assert!(report.is_valid(), "{:#}", report.to_json());
    let report = verifier
        .verify(&VerifyRequest::text(token(revoked.to_json())))
        .unwrap();
    assert!(matches!(
        &report.check(&CheckId::STATUS).unwrap().outcome,
        Outcome::Failed { code, .. } if code == "status.revoked"
    ));
    assert!(!report.is_valid());
}
