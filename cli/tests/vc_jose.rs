//! `inkan vc-jose issue`, `inkan bitstring new|set|show|sign` and `inkan verify` on vc+jwt /
//! vc+cose, through the built binary.

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

fn ok(args: &[&str]) -> Value {
    let out = inkan(args);
    assert_eq!(
        code(&out),
        0,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_out(&out)
}

#[test]
fn issue_both_envelopes_with_bitstring_status_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    ok(&["keygen", "--alg", "ES256", "--out", p(&d("issuer.jwk"))]);
    let issuer = ok(&["jwt-vc", "did", "--key", p(&d("issuer.jwk"))]);
    let (did, kid) = (issuer["did"].as_str().unwrap(), issuer["kid"].as_str().unwrap());
    // A revocation list with entry 7 revoked, published as a vc+jwt.
    let url = "https://issuer.example/status/1";
    let list = d("list.json");
    let created = ok(&["bitstring", "new", "--purpose", "revocation", "--out", p(&list)]);
    assert_eq!(created["len"], 131_072);
    ok(&["bitstring", "set", p(&list), "7", "revoked"]);
    assert_eq!(ok(&["bitstring", "show", p(&list), "--index", "7"])["status"], 1);
    let key_with_kid = {
        let mut jwk: Value =
            serde_json::from_str(&std::fs::read_to_string(d("issuer.jwk")).unwrap()).unwrap();
        jwk["kid"] = kid.into();
        std::fs::write(d("issuer-kid.jwk"), jwk.to_string()).unwrap();
        d("issuer-kid.jwk")
    };
    ok(&[
        "bitstring",
        "sign",
        p(&list),
        "--key",
        p(&key_with_kid),
        "--url",
        url,
        "--iss",
        did,
        "--ttl",
        "600",
        "--at",
        "2026-01-01T00:00:00Z",
        "--out",
        p(&d("list.jwt")),
    ]);
    let shown = ok(&["bitstring", "show", p(&d("list.jwt")), "--index", "7"]);
    assert_eq!(shown["status"], 1);
    let summary = ok(&["bitstring", "show", p(&d("list.jwt"))]);
    assert_eq!(summary["counts"]["1"], 1);
    assert_eq!(summary["credential"]["id"], url);
    // Credentials pointing at entries 7 (revoked) and 8.
    let trust = json!({"issuers": [{"issuer": did, "dids": [did]}]});
    std::fs::write(d("trust.json"), trust.to_string()).unwrap();
    for (index, cose) in [("7", false), ("8", true), ("8", false)] {
        let claims = json!({
            "@context": ["https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["ExampleCredential"],
            "credentialSubject": {"name": "Ada"},
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": index, "statusListCredential": url}
        });
        std::fs::write(d("claims.json"), claims.to_string()).unwrap();
        let out = d(&format!("vc-{index}-{cose}"));
        let (claims_path, key_path) = (d("claims.json"), d("issuer.jwk"));
        let mut args = vec![
            "vc-jose",
            "issue",
            p(&claims_path),
            "--key",
            p(&key_path),
            "--at",
            "2026-01-01T00:00:00Z",
            "--out",
            p(&out),
        ];
        if cose {
            args.push("--cose");
        }
        let issued = ok(&args);
        assert_eq!(issued["issuer"], did);
        // `verify` is offline: without the list the (not required) status check is not applicable.
        let report = json_out(&inkan(&[
            "verify",
            p(&out),
            "--trust",
            p(&d("trust.json")),
            "--at",
            "2026-01-01T00:01:00Z",
        ]));
        assert_eq!(report["format"], "vc_jose_cose");
        assert_eq!(outcome(&report, "signature"), "passed");
        assert_eq!(outcome(&report, "trust"), "passed");
        assert_eq!(outcome(&report, "status"), "not_applicable");
        if cose {
            // The hex the command printed verifies as well.
            std::fs::write(d("vc.hex"), issued["credential_hex"].as_str().unwrap()).unwrap();
            let report = json_out(&inkan(&[
                "verify",
                p(&d("vc.hex")),
                "--trust",
                p(&d("trust.json")),
                "--at",
                "2026-01-01T00:01:00Z",
            ]));
            assert_eq!(outcome(&report, "signature"), "passed");
        }
    }
    // Tampered: one byte of the payload changed.
    let token = std::fs::read_to_string(d("vc-8-false")).unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&inkan_core::encoding::b64url_decode(&parts[1]).unwrap()).unwrap();
    payload["credentialSubject"]["name"] = "Eve".into();
    parts[1] = inkan_core::encoding::b64url_encode(payload.to_string());
    std::fs::write(d("tampered"), parts.join(".")).unwrap();
    let out = inkan(&[
        "verify",
        p(&d("tampered")),
        "--trust",
        p(&d("trust.json")),
        "--at",
        "2026-01-01T00:01:00Z",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(outcome(&json_out(&out), "signature"), "crypto.bad_signature");
    // Bad usage: a list shorter than the spec's minimum cannot be created.
    let out = inkan(&[
        "bitstring",
        "new",
        "--size",
        "10",
        "--status-size",
        "9",
        "--out",
        p(&d("x.json")),
    ]);
    assert_eq!(code(&out), 2);
    assert_eq!(json_out(&out)["error"]["code"], "bitstring.bad_status_size");
}
