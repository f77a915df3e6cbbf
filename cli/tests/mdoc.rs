//! `inkan mdoc test-pki|issue|present` and `inkan verify` on mdocs, through the built binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_exit_2, code, inkan_stdin as inkan, json, p};

#[test]
fn test_pki_issue_present_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    for name in ["iaca", "ds", "device"] {
        let out = inkan(
            &[
                "keygen",
                "--alg",
                "ES256",
                "--out",
                p(&path(&format!("{name}.jwk"))),
            ],
            b"",
        );
        assert_eq!(code(&out), 0);
        std::fs::write(path(&format!("{name}.pub.jwk")), &out.stdout).unwrap();
    }
    let out = inkan(
        &[
            "mdoc",
            "test-pki",
            "--iaca-key",
            p(&path("iaca.jwk")),
            "--ds-key",
            p(&path("ds.jwk")),
            "--out-dir",
            p(dir.path()),
        ],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let pki = json(&out);
    assert_eq!(
        pki["iaca_pem"].as_str().unwrap(),
        std::fs::read_to_string(path("iaca.pem")).unwrap()
    );
    assert_eq!(
        pki["ds_pem"].as_str().unwrap(),
        std::fs::read_to_string(path("ds.pem")).unwrap()
    );

    let claims = br#"{"org.iso.18013.5.1": {"family_name": "Doe", "given_name": "Ada", "birth_date": {"$full-date": "1990-01-31"}}}"#;
    let out = inkan(
        &[
            "mdoc",
            "issue",
            "-",
            "--doctype",
            "org.iso.18013.5.1.mDL",
            "--key",
            p(&path("ds.jwk")),
            "--x5chain",
            p(&path("ds.pem")),
            "--holder-key",
            p(&path("device.pub.jwk")),
            "--out",
            p(&path("mdl.cbor")),
        ],
        claims,
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(json(&out)["issuer_signed"].is_string());

    let out = inkan(
        &[
            "mdoc",
            "present",
            p(&path("mdl.cbor")),
            "--key",
            p(&path("device.jwk")),
            "--element",
            "org.iso.18013.5.1/family_name",
            "--client-id",
            "x509_san_dns:rp.example",
            "--nonce",
            "n-1",
            "--response-uri",
            "https://rp.example/post",
            "--out",
            p(&path("response.cbor")),
            "--transcript-out",
            p(&path("transcript.hex")),
        ],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let transcript = json(&out)["session_transcript_hex"].as_str().unwrap().to_owned();
    assert_eq!(
        std::fs::read_to_string(path("transcript.hex")).unwrap(),
        transcript
    );

    let verify = |transcript: &str| {
        inkan(
            &[
                "verify",
                p(&path("response.cbor")),
                "--trust",
                p(&path("iaca.pem")),
                "--transcript-hex",
                transcript,
            ],
            b"",
        )
    };
    let out = verify(&transcript);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let report = json(&out);
    assert_eq!(report["format"], "mdoc");
    assert_eq!(
        report["claims"]["nameSpaces"]["org.iso.18013.5.1"]["family_name"],
        "Doe"
    );
    assert!(
        report["claims"]["nameSpaces"]["org.iso.18013.5.1"]
            .get("given_name")
            .is_none()
    );

    // Another transcript: checked and invalid (exit 1).
    let out = verify(
        "83f6f682714f70656e494434565048616e646f7665725820048bc053c00442af9b8eed494cefdd9d95240d254b046b11b68013722aad38ac",
    );
    assert_eq!(code(&out), 1);

    // Bad usage: an element without a namespace.
    let out = inkan(
        &[
            "mdoc",
            "present",
            p(&path("mdl.cbor")),
            "--key",
            p(&path("device.jwk")),
            "--element",
            "family_name",
            "--transcript-hex",
            &transcript,
        ],
        b"",
    );
    assert_exit_2(&out, "cli.bad_argument");
}
