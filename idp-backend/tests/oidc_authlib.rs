//! Interop: authlib (PyPI, pinned in test-vectors/interop/requirements.txt) as the relying party
//! against a live provider on loopback: discovery, PAR with `private_key_jwt`, authorization
//! code + PKCE S256, ID token validation and the signed userinfo JWT. The person's steps (sign-in
//! with UIN + OTP from the file notifier, consent) are posted by the script with `requests`.
//! Never skipped: a missing interop environment fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oidc;

use std::path::PathBuf;

use common::Server;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use serde_json::{Value, json};

fn python() -> PathBuf {
    std::env::var_os("INKAN_INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv-interop/bin/python"))
}

async fn authlib_login(s: &Server, otp_file: &std::path::Path, alg: Algorithm) -> Value {
    let key = SoftwareKey::generate(alg).unwrap().with_kid("authlib-k1");
    let id = format!("authlib-{}", alg.jose_name().to_lowercase());
    let mut rp = oidc::register(s, &id, json!({})).await;
    // Re-register under the generated key (the helper's default key is ES256).
    let r = s
        .req(reqwest::Method::POST, "/v1/oidc/clients", &s.admin)
        .json(&json!({
            "client_id": format!("{id}-2"), "redirect_uris": [oidc::REDIRECT],
            "jwks": {"keys": [inkan_core::crypto::Signer::public_jwk(&key)]},
            "scopes": ["openid", "profile"], "claims": ["name", "birthdate", "gender"],
            "acr_values": ["mosip:idp:acr:generated-code"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    rp.id = format!("{id}-2");
    let uin = oidc::enrol(s, 21 + alg as usize).await;
    let jwk_file = s.dir.path().join(format!("{id}.jwk"));
    std::fs::write(&jwk_file, key.to_jwk().unwrap().to_json()).unwrap();
    let args: Vec<String> = vec![
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../test-vectors/interop/oidc_rp_oracle.py")
            .display()
            .to_string(),
        s.base.clone(),
        rp.id.clone(),
        jwk_file.display().to_string(),
        oidc::REDIRECT.to_string(),
        uin.clone(),
        otp_file.display().to_string(),
    ];
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(python()).args(&args).output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("cannot run the interop python ({e}); run scripts/setup-interop"));
    assert!(
        out.status.success(),
        "authlib relying party failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(v: &Value) {
    let id = &v["id_token"];
    assert_eq!(id["acr"], "mosip:idp:acr:generated-code");
    assert_eq!(id["amr"], json!(["otp"]));
    assert_eq!(id["sub"].as_str().unwrap().len(), 43);
    let info = v["userinfo"].as_object().unwrap();
    let mut names: Vec<&str> = info.keys().map(String::as_str).collect();
    names.sort();
    // Offered: birthdate (essential, no checkbox), name and gender; the script unticked gender.
    assert_eq!(v["consent_offered"], json!(["name", "gender"]));
    assert_eq!(names, ["aud", "birthdate", "exp", "iat", "iss", "name", "sub"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authlib_relying_party_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let otp_file = dir.path().join("otp.jsonl");
    let path = otp_file.clone();
    let s = Server::sqlite_with(move |c| c.authn.notifier = format!("file:{}", path.display())).await;
    for alg in [Algorithm::Es256, Algorithm::EdDsa, Algorithm::Ps256] {
        check(&authlib_login(&s, &otp_file, alg).await);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authlib_relying_party_with_an_eddsa_provider_key() {
    let dir = tempfile::tempdir().unwrap();
    let otp_file = dir.path().join("otp.jsonl");
    let path = otp_file.clone();
    let s = Server::sqlite_with(move |c| {
        c.authn.notifier = format!("file:{}", path.display());
        c.oidc.signing_alg = "EdDSA".into();
    })
    .await;
    check(&authlib_login(&s, &otp_file, Algorithm::Es256).await);
    s.stop().await;
}
