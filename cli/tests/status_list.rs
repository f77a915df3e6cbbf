//! Runs `inkan status-list new|set|show|sign` and checks the files and JSON it produces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{inkan, p};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, PublicKey};
use inkan_core::status::UnverifiedStatusList;
use serde_json::Value;

fn ok(args: &[&str]) -> Value {
    let out = inkan(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn bad(args: &[&str], code: &str) {
    let out = inkan(args);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], code, "{args:?}");
}

#[test]
fn new_set_show_sign_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.json");
    let created = ok(&[
        "status-list",
        "new",
        "--size",
        "100",
        "--bits",
        "2",
        "--out",
        p(&list),
    ]);
    assert_eq!(
        (created["bits"].as_u64(), created["len"].as_u64()),
        (Some(2), Some(100))
    );
    bad(
        &[
            "status-list",
            "new",
            "--size",
            "100",
            "--bits",
            "2",
            "--out",
            p(&list),
        ],
        "io.unreadable",
    );
    ok(&["status-list", "set", p(&list), "3", "revoked"]);
    ok(&["status-list", "set", p(&list), "4", "suspended"]);
    ok(&["status-list", "set", p(&list), "5", "3"]);
    let summary = ok(&["status-list", "show", p(&list)]);
    assert_eq!(
        summary["counts"],
        serde_json::json!({"0": 97, "1": 1, "2": 1, "3": 1})
    );
    let entry = ok(&["status-list", "show", p(&list), "--index", "4"]);
    assert_eq!(
        (entry["status"].as_u64(), entry["meaning"].as_str()),
        (Some(2), Some("suspended"))
    );

    let key = dir.path().join("k.jwk");
    let public = inkan(&["keygen", "--alg", "ES256", "--out", p(&key)]);
    let public = PublicKey::from_jwk(&serde_json::from_slice(&public.stdout).unwrap()).unwrap();
    let jwt_file = dir.path().join("list.jwt");
    let uri = "https://example.com/statuslists/1";
    let signed = ok(&[
        "status-list",
        "sign",
        p(&list),
        "--key",
        p(&key),
        "--sub",
        uri,
        "--ttl",
        "3600",
        "--exp",
        "2030-01-01T00:00:00Z",
        "--at",
        "2026-01-01T00:00:00Z",
        "--out",
        p(&jwt_file),
    ]);
    let jwt = signed["jwt"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(&jwt_file).unwrap(), jwt);
    let parsed = UnverifiedStatusList::parse(jwt.as_bytes()).unwrap();
    parsed.verify_signature(&public, &[Algorithm::Es256]).unwrap();
    let token = parsed.into_token();
    assert_eq!(
        (token.iat, token.exp, token.ttl),
        (1_767_225_600, Some(1_893_456_000), Some(3600))
    );
    token
        .check(Some(uri), 0, &FixedClock::at_unix(1_767_225_601))
        .unwrap();
    assert_eq!(token.list.get(3).unwrap(), 1);
    let shown = ok(&["status-list", "show", p(&jwt_file), "--index", "5"]);
    assert_eq!(shown["status"], 3);
    assert_eq!(shown["token"]["sub"], uri);
    assert_eq!(shown["signature_checked"], false);

    let cwt = ok(&[
        "status-list",
        "sign",
        p(&list),
        "--key",
        p(&key),
        "--sub",
        uri,
        "--cwt",
    ]);
    let bytes = hex::decode(cwt["cwt_hex"].as_str().unwrap()).unwrap();
    UnverifiedStatusList::parse(&bytes)
        .unwrap()
        .verify_signature(&public, &[Algorithm::Es256])
        .unwrap();
}

#[test]
fn bad_input_gets_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.json");
    bad(
        &[
            "status-list",
            "new",
            "--size",
            "8",
            "--bits",
            "3",
            "--out",
            p(&list),
        ],
        "status.bad_bits",
    );
    assert!(!list.exists());
    ok(&["status-list", "new", "--size", "8", "--out", p(&list)]);
    let before = std::fs::read(&list).unwrap();
    bad(
        &["status-list", "set", p(&list), "8", "revoked"],
        "status.index_out_of_range",
    );
    bad(
        &["status-list", "set", p(&list), "0", "suspended"],
        "status.bad_value",
    );
    bad(
        &["status-list", "set", p(&list), "0", "maybe"],
        "cli.bad_argument",
    );
    assert_eq!(
        std::fs::read(&list).unwrap(),
        before,
        "a refused set leaves the file alone"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    std::fs::write(&list, r#"{"bits": 1, "lst": "AAAA"}"#).unwrap();
    bad(&["status-list", "show", p(&list)], "encoding.bad_zlib");
}
