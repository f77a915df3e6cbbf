//! `inkan sd-jwt issue|present` and `inkan verify` on SD-JWT VCs, through the built binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{inkan_stdin as inkan, json, p};

#[test]
fn issue_present_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (issuer, holder) = (dir.path().join("issuer.jwk"), dir.path().join("holder.jwk"));
    let issuer_pub = dir.path().join("issuer.pub.jwk");
    let holder_pub = dir.path().join("holder.pub.jwk");
    for (private, public) in [(&issuer, &issuer_pub), (&holder, &holder_pub)] {
        let out = inkan(&["keygen", "--alg", "ES256", "--out", p(private)], b"");
        assert_eq!(out.status.code(), Some(0));
        std::fs::write(public, &out.stdout).unwrap();
    }
    let (issued, shown) = (dir.path().join("pid.sd-jwt"), dir.path().join("shown.sd-jwt"));
    let claims = br#"{"given_name": "Jane", "family_name": "Doe", "address": {"locality": "Anytown", "country": "XX"}}"#;
    let out = inkan(
        &[
            "sd-jwt",
            "issue",
            "-",
            "--key",
            p(&issuer),
            "--iss",
            "https://id.example",
            "--vct",
            "urn:example:pid",
            "--sd",
            "given_name",
            "--sd",
            "family_name",
            "--sd",
            "address.locality",
            "--decoys",
            "2",
            "--holder-key",
            p(&holder_pub),
            "--validity-secs",
            "86400",
            "--out",
            p(&issued),
        ],
        claims,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json(&out)["sd_jwt"].as_str().unwrap(),
        std::fs::read_to_string(&issued).unwrap()
    );

    let out = inkan(
        &[
            "sd-jwt",
            "present",
            p(&issued),
            "--disclose",
            "given_name",
            "--key",
            p(&holder),
            "--aud",
            "https://rp.example",
            "--nonce",
            "n-42",
            "--out",
            p(&shown),
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let verify = |nonce: &str| {
        inkan(
            &[
                "verify",
                p(&shown),
                "--trust",
                p(&issuer_pub),
                "--aud",
                "https://rp.example",
                "--nonce",
                nonce,
            ],
            b"",
        )
    };
    let out = verify("n-42");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    assert_eq!(report["format"], "sd-jwt");
    assert_eq!(report["credential_type"], "urn:example:pid");
    assert_eq!(report["claims"]["given_name"], "Jane");
    assert!(report["claims"].get("family_name").is_none());
    assert_eq!(report["claims"]["address"], serde_json::json!({"country": "XX"}));
    let out = verify("replayed");
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let binding = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "holder_binding")
        .unwrap();
    assert_eq!(binding["code"], "sdjwt.kb_nonce_mismatch");
}

#[test]
fn bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.jwk");
    assert_eq!(inkan(&["keygen", "--out", p(&key)], b"").status.code(), Some(0));
    // No vct/iss and no policy.
    let out = inkan(&["sd-jwt", "issue", "-", "--key", p(&key)], b"{}");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "cli.bad_argument");
    // A claim SD-JWT VC keeps in the clear.
    let out = inkan(
        &[
            "sd-jwt",
            "issue",
            "-",
            "--key",
            p(&key),
            "--iss",
            "i",
            "--vct",
            "v",
            "--sd",
            "cnf",
        ],
        b"{}",
    );
    assert_eq!(json(&out)["error"]["code"], "sdjwt.bad_frame");
    // Not an SD-JWT.
    let out = inkan(&["sd-jwt", "present", "-", "--disclose", "a"], b"hello");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "sdjwt.malformed");
}
