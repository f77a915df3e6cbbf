//! Runs the `inkan` binary and checks exit codes, stdout JSON and stderr.

// Test helpers outside #[test] functions: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Output;

use common::{assert_exit_2, code, inkan, inkan_stdin, json, p as path};
use serde_json::Value;

/// Exit 2 with `{"error": {"code": ...}}` on stdout and one line on stderr.
fn assert_bad_input(out: &Output, expected: &str) {
    assert_exit_2(out, expected);
    assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
}

#[test]
fn keygen_every_algorithm_writes_private_and_prints_public() {
    let dir = tempfile::tempdir().unwrap();
    for (alg, kty) in [
        ("EdDSA", "OKP"),
        ("ES256", "EC"),
        ("ES384", "EC"),
        ("PS256", "RSA"),
        ("RS256", "RSA"),
    ] {
        let out_path = dir.path().join(format!("{alg}.jwk"));
        let out = inkan(&["keygen", "--alg", alg, "--out", path(&out_path)]);
        assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
        let public = json(&out);
        assert_eq!(public["kty"], kty);
        assert_eq!(public["alg"], alg);
        assert!(public.get("d").is_none());
        let private: Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
        assert!(private["d"].is_string());
        assert_eq!(private["kid"], public["kid"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out_path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

#[test]
fn keygen_pem_stdout_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("key.pem");
    let out = inkan(&["keygen", "--alg", "ES256", "--out", path(&pem), "--kid", "k1"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["kid"], "k1");
    assert!(
        std::fs::read_to_string(&pem)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    // Never overwrites a key.
    assert_bad_input(&inkan(&["keygen", "--out", path(&pem)]), "io.unreadable");

    let out = inkan(&["--pretty", "keygen"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n  \"kty\": \"OKP\""));
    assert!(json(&out)["d"].is_string());

    assert_bad_input(&inkan(&["keygen", "--format", "pem"]), "cli.bad_argument");
    for bad in [
        &["keygen", "--alg", "none"][..],
        &["keygen", "--alg", "HS256"],
        &["frobnicate"],
        &[],
    ] {
        assert_eq!(code(&inkan(bad)), 2, "{bad:?}");
    }
}

#[test]
fn verify_unreadable_or_unrecognised_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 7, 7]).unwrap();
    assert_bad_input(&inkan(&["verify", path(&garbage)]), "verifier.unknown_format");
    assert_bad_input(&inkan(&["verify", "/no/such/file"]), "io.unreadable");
    assert_bad_input(
        &inkan_stdin(&["verify", "-"], b"hello, world"),
        "verifier.unknown_format",
    );
    assert_bad_input(&inkan_stdin(&["verify", "-"], b""), "verifier.unknown_format");
    assert_eq!(code(&inkan(&["verify"])), 2);
}

#[test]
fn verify_shared_flags_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "x").unwrap();
    let input = path(&input);
    let bad_trust = dir.path().join("trust.json");
    std::fs::write(&bad_trust, r#"{"issuers": [{"issuer": "a", "typo": 1}]}"#).unwrap();
    assert_bad_input(
        &inkan(&["verify", input, "--trust", path(&bad_trust)]),
        "trust_store.malformed",
    );

    let private = dir.path().join("private.jwk");
    assert_eq!(code(&inkan(&["keygen", "--out", path(&private)])), 0);
    assert_bad_input(
        &inkan(&["verify", input, "--trust", path(&private)]),
        "trust_store.private_key",
    );
    assert_bad_input(
        &inkan(&["verify", input, "--trust", "/no/such/trust"]),
        "io.unreadable",
    );
    assert_bad_input(
        &inkan(&["verify", input, "--at", "yesterday"]),
        "cli.bad_argument",
    );
    assert_bad_input(
        &inkan(&["verify", input, "--transcript-hex", "abc"]),
        "cli.bad_argument",
    );
    assert_bad_input(
        &inkan(&["verify", input, "--holder-key", path(&bad_trust)]),
        "crypto.invalid_key",
    );
}

#[test]
fn verify_decrypt_keys_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "x").unwrap();
    let key = dir.path().join("key.hex");
    for bad in ["zz", "0011"] {
        std::fs::write(&key, bad).unwrap();
        assert_bad_input(
            &inkan(&["verify", path(&input), "--decrypt-key", path(&key)]),
            "cli.bad_argument",
        );
    }
    std::fs::write(&key, "00".repeat(32)).unwrap();
    assert_bad_input(
        &inkan(&["verify", path(&input), "--decrypt-key", path(&key)]),
        "verifier.unknown_format",
    );
}
