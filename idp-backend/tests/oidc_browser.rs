//! A real browser on the login and consent pages: Debian's headless chromium, driven by
//! playwright-core (test-vectors/interop/node-browser, pinned, `npm ci` by scripts/setup-interop),
//! signs in with UIN + OTP (read from the file notifier), allows on the consent page and lands on
//! the relying party's redirect with a code, in English and in Arabic (right-to-left). The
//! screenshots are kept under `target/oidc-screenshots/` (CI artefacts). Never skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oidc;

use std::path::PathBuf;

use common::Server;
use serde_json::{Value, json};

/// A stub relying party callback on loopback (the other tests' redirect URI uses the discard
/// port, which Chromium refuses to open); returns its URL.
async fn callback_stub() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/cb", axum::routing::get(|| async { "relying party callback" }))
        .route(
            "/favicon.ico",
            axum::routing::get(|| async { axum::http::StatusCode::NO_CONTENT }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/cb")
}

fn browser_login(callback: &str, authorize_url: String, uin: String, otp_file: PathBuf, name: &str) -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("test-vectors/interop/node-browser/oidc_login.js");
    let shots = root.join("target/oidc-screenshots");
    let node = std::env::var("INKAN_INTEROP_NODE").unwrap_or_else(|_| "node".into());
    let out = std::process::Command::new(node)
        .arg(&script)
        .args([&authorize_url, &uin])
        .arg(&otp_file)
        .arg(callback)
        .arg(&shots)
        .arg(name)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}); install Node and run scripts/setup-interop"));
    assert!(
        out.status.success(),
        "browser login failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_signs_in_with_uin_and_otp_and_consents() {
    let dir = tempfile::tempdir().unwrap();
    let otp_file = dir.path().join("otp.jsonl");
    let path = otp_file.clone();
    let s = Server::sqlite_with(move |c| c.authn.notifier = format!("file:{}", path.display())).await;
    let callback = callback_stub().await;
    let rp = oidc::register(&s, "rp-browser", json!({"redirect_uris": [callback]})).await;
    for (i, (locale, dir_attr)) in [("en", "ltr"), ("ar", "rtl")].into_iter().enumerate() {
        let uin = oidc::enrol(&s, 41 + i).await;
        let mut params = oidc::auth_params(&rp);
        oidc::set(&mut params, "ui_locales", Some(locale));
        oidc::set(&mut params, "redirect_uri", Some(&callback));
        let url = format!("{}/authorize?{}", s.base, oidc::encode(&params));
        let (u, f, name, cb) = (
            uin.clone(),
            otp_file.clone(),
            format!("login-{locale}"),
            callback.clone(),
        );
        let v = tokio::task::spawn_blocking(move || browser_login(&cb, url, u, f, &name))
            .await
            .unwrap();
        assert_eq!(
            (v["lang"].as_str(), v["dir"].as_str()),
            (Some(locale), Some(dir_attr))
        );
        assert_eq!(
            v["console"],
            json!([]),
            "no console message (a CSP violation would be one)"
        );
        assert_eq!(v["offered"], json!(["name", "birthdate", "gender"]));
        let landed = v["url"].as_str().unwrap();
        assert!(landed.starts_with(&callback), "{landed}");
        let q: Vec<(String, String)> = form_urlencoded::parse(landed.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(oidc::get(&q, "state"), Some("st-1"));
        let code = oidc::get(&q, "code").expect("a code").to_string();
        // The code the browser brought back is good at the token endpoint.
        let (st, tok) = oidc::redeem(&s, &rp, &code, &callback, oidc::VERIFIER).await;
        assert_eq!(st, 200, "{tok}");
    }
    s.stop().await;
}
