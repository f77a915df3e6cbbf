//! `inkan jwt-vc issue|present|did` and `inkan verify` on VC-JWTs and VP-JWTs, through the
//! built binary.

// Test helpers outside #[test] functions: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{code, inkan, json as json_out, p};
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
fn issue_present_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    assert_eq!(
        code(&inkan(&[
            "keygen",
            "--alg",
            "ES256",
            "--out",
            p(&d("issuer.jwk"))
        ])),
        0
    );
    assert_eq!(
        code(&inkan(&[
            "keygen",
            "--alg",
            "EdDSA",
            "--out",
            p(&d("holder.jwk"))
        ])),
        0
    );
    let holder = json_out(&inkan(&["jwt-vc", "did", "--key", p(&d("holder.jwk"))]));
    let holder = holder["did"].as_str().unwrap().to_owned();
    let claims = json!({"type": ["IDCredential"], "credentialSubject": {"given_name": "Ayşe"}});
    std::fs::write(d("claims.json"), claims.to_string()).unwrap();
    let issued = inkan(&[
        "jwt-vc",
        "issue",
        p(&d("claims.json")),
        "--key",
        p(&d("issuer.jwk")),
        "--sub",
        &holder,
        "--exp",
        "2030-01-01T00:00:00Z",
        "--at",
        "2026-01-01T00:00:00Z",
        "--out",
        p(&d("vc.jwt")),
    ]);
    assert_eq!(code(&issued), 0, "{}", String::from_utf8_lossy(&issued.stderr));
    let issued = json_out(&issued);
    // --holder-key names the subject by the DID of the holder's key, as --sub did.
    let by_key = json_out(&inkan(&[
        "jwt-vc",
        "issue",
        p(&d("claims.json")),
        "--key",
        p(&d("issuer.jwk")),
        "--holder-key",
        p(&d("holder.jwk")),
    ]));
    let payload = by_key["credential"].as_str().unwrap().split('.').nth(1).unwrap();
    let payload: Value =
        serde_json::from_slice(&inkan_core::encoding::b64url_decode(payload).unwrap()).unwrap();
    assert_eq!(payload["sub"], holder.as_str());
    let issuer = issued["issuer"].as_str().unwrap();
    assert!(issuer.starts_with("did:key:zDn"), "{issuer}");
    let trust = json!({"issuers": [{"issuer": issuer, "dids": [issuer]}]});
    std::fs::write(d("trust.json"), trust.to_string()).unwrap();
    let at = ["--at", "2026-06-01T00:00:00Z"];

    let trust_path = d("trust.json");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--trust", p(&trust_path)]);
        args.extend_from_slice(&at);
        inkan(&args)
    };
    let ok = verify(&[p(&d("vc.jwt"))]);
    assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stdout));
    let report = json_out(&ok);
    assert_eq!(report["format"], "jwt_vc_json");
    assert_eq!(report["claims"]["credentialSubject"]["id"], holder.as_str());

    // Untrusted: exit 1, the report says why.
    let untrusted = inkan(&["verify", p(&d("vc.jwt")), at[0], at[1]]);
    assert_eq!(code(&untrusted), 1);
    assert_eq!(outcome(&json_out(&untrusted), "trust"), "trust.untrusted");
    // Expired.
    let late = inkan(&[
        "verify",
        p(&d("vc.jwt")),
        "--trust",
        p(&d("trust.json")),
        "--at",
        "2031-01-01T00:00:00Z",
    ]);
    assert_eq!(code(&late), 1);
    assert_eq!(outcome(&json_out(&late), "validity"), "vcjwt.expired");

    let presented = inkan(&[
        "jwt-vc",
        "present",
        p(&d("vc.jwt")),
        "--key",
        p(&d("holder.jwk")),
        "--aud",
        "https://verifier.example",
        "--nonce",
        "n-1",
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(
        code(&presented),
        0,
        "{}",
        String::from_utf8_lossy(&presented.stderr)
    );
    let presented = json_out(&presented);
    assert_eq!(presented["holder"], holder.as_str());
    std::fs::write(d("vp.jwt"), presented["presentation"].as_str().unwrap()).unwrap();
    let vp = p(&d("vp.jwt")).to_owned();
    let ok = verify(&[&vp, "--aud", "https://verifier.example", "--nonce", "n-1"]);
    assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stdout));
    assert_eq!(outcome(&json_out(&ok), "holder_binding"), "passed");
    let replay = verify(&[&vp, "--aud", "https://verifier.example", "--nonce", "n-2"]);
    assert_eq!(code(&replay), 1);
    assert_eq!(
        outcome(&json_out(&replay), "holder_binding"),
        "vcjwt.nonce_mismatch"
    );
}

#[test]
fn bad_inputs_exit_2_with_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.jwk");
    assert_eq!(code(&inkan(&["keygen", "--out", p(&key)])), 0);
    let claims = dir.path().join("claims.json");
    std::fs::write(&claims, r#"{"issuer": "me", "credentialSubject": {}}"#).unwrap();
    let out = inkan(&["jwt-vc", "issue", p(&claims), "--key", p(&key)]);
    assert_eq!(code(&out), 2);
    assert_eq!(json_out(&out)["error"]["code"], "vcjwt.malformed");
    let not_a_vc = dir.path().join("x.jwt");
    std::fs::write(&not_a_vc, "eyJhbGciOiJFZERTQSJ9.e30.AA").unwrap();
    let out = inkan(&[
        "jwt-vc",
        "present",
        p(&not_a_vc),
        "--key",
        p(&key),
        "--aud",
        "a",
        "--nonce",
        "n",
    ]);
    assert_eq!(code(&out), 2);
    assert_eq!(json_out(&out)["error"]["code"], "vcjwt.malformed");
}
