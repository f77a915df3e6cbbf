//! `inkan vc issue|present` and `inkan verify` on W3C credentials and presentations with Data
//! Integrity proofs, through the built binary.

// Test helpers outside #[test] functions: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_exit_2, code, inkan, json as json_out, p};
use serde_json::{Value, json};

fn outcome(report: &Value, check: &str) -> Value {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check)
        .unwrap();
    c.get("code").cloned().unwrap_or_else(|| c["outcome"].clone())
}

#[test]
fn issue_present_verify_with_each_suite() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    for (alg, suite) in [
        ("EdDSA", "eddsa-jcs-2022"),
        ("ES256", "ecdsa-jcs-2019"),
        ("ES384", "ecdsa-jcs-2019"),
    ] {
        let issuer_key = d(&format!("issuer-{alg}.jwk"));
        assert_eq!(
            code(&inkan(&["keygen", "--alg", alg, "--out", p(&issuer_key)])),
            0
        );
        let holder_key = d(&format!("holder-{alg}.jwk"));
        assert_eq!(
            code(&inkan(&["keygen", "--alg", "EdDSA", "--out", p(&holder_key)])),
            0
        );
        let claims = json!({"credentialSubject": {"given_name": "Ayşe", "nationality": "TR"}});
        std::fs::write(d("claims.json"), claims.to_string()).unwrap();
        let vc_path = d(&format!("vc-{alg}.json"));
        let issued = inkan(&[
            "vc",
            "issue",
            p(&d("claims.json")),
            "--key",
            p(&issuer_key),
            "--suite",
            suite,
            "--holder-key",
            p(&holder_key),
            "--exp",
            "2030-01-01T00:00:00Z",
            "--at",
            "2026-01-01T00:00:00Z",
            "--out",
            p(&vc_path),
        ]);
        assert_eq!(code(&issued), 0, "{}", String::from_utf8_lossy(&issued.stderr));
        let issued = json_out(&issued);
        assert_eq!(issued["credential"]["proof"]["cryptosuite"], suite);
        let issuer = issued["issuer"].as_str().unwrap().to_owned();

        // The issuer's DID is trusted through a trust-store file.
        let trust = json!({"issuers": [{"issuer": issuer, "dids": [issuer]}]});
        std::fs::write(d("trust.json"), trust.to_string()).unwrap();
        let at = "2026-06-01T00:00:00Z";
        let report = inkan(&["verify", p(&vc_path), "--trust", p(&d("trust.json")), "--at", at]);
        assert_eq!(code(&report), 0, "{}", String::from_utf8_lossy(&report.stdout));
        let report = json_out(&report);
        assert_eq!(report["format"], "ldp_vc");
        assert_eq!(report["issuer"], issuer.as_str());

        // Expired: checked and invalid (exit 1).
        let late = inkan(&[
            "verify",
            p(&vc_path),
            "--trust",
            p(&d("trust.json")),
            "--at",
            "2031-01-01T00:00:00Z",
        ]);
        assert_eq!(code(&late), 1);
        assert_eq!(outcome(&json_out(&late), "validity"), "vcdm.expired");

        let vp_path = d(&format!("vp-{alg}.json"));
        let presented = inkan(&[
            "vc",
            "present",
            p(&vc_path),
            "--key",
            p(&holder_key),
            "--nonce",
            "n-42",
            "--aud",
            "https://verifier.example",
            "--at",
            at,
            "--out",
            p(&vp_path),
        ]);
        assert_eq!(
            code(&presented),
            0,
            "{}",
            String::from_utf8_lossy(&presented.stderr)
        );
        let ok = inkan(&[
            "verify",
            p(&vp_path),
            "--trust",
            p(&d("trust.json")),
            "--at",
            at,
            "--nonce",
            "n-42",
            "--aud",
            "https://verifier.example",
        ]);
        assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stdout));
        assert_eq!(outcome(&json_out(&ok), "holder_binding"), "passed");
        let wrong = inkan(&[
            "verify",
            p(&vp_path),
            "--trust",
            p(&d("trust.json")),
            "--at",
            at,
            "--nonce",
            "n-43",
        ]);
        assert_eq!(code(&wrong), 1);
        assert_eq!(
            outcome(&json_out(&wrong), "holder_binding"),
            "di.challenge_mismatch"
        );
    }
}

#[test]
fn bad_suite_and_bad_claims_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    assert_eq!(
        code(&inkan(&["keygen", "--alg", "EdDSA", "--out", p(&d("k.jwk"))])),
        0
    );
    std::fs::write(d("claims.json"), r#"{"credentialSubject": {"a": 1}}"#).unwrap();
    let out = inkan(&[
        "vc",
        "issue",
        p(&d("claims.json")),
        "--key",
        p(&d("k.jwk")),
        "--suite",
        "bbs-2023",
    ]);
    assert_exit_2(&out, "di.unknown_cryptosuite");
    let out = inkan(&[
        "vc",
        "issue",
        p(&d("claims.json")),
        "--key",
        p(&d("k.jwk")),
        "--suite",
        "ecdsa-jcs-2019",
    ]);
    assert_exit_2(&out, "di.key_mismatch");
    std::fs::write(d("bad.json"), r#"{"credentialSubject": {}}"#).unwrap();
    let out = inkan(&["vc", "issue", p(&d("bad.json")), "--key", p(&d("k.jwk"))]);
    assert_exit_2(&out, "vcdm.bad_subject");
}
