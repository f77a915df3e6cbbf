//! `ReqwestHttpClient` against a real HTTPS server on loopback: a test CA (made here with
//! OpenSSL) issues the server's certificate for `localhost`, and the client trusts that CA as an
//! extra root — the only way HTTPS-only code is tested, there being no plain-HTTP switch.
#![cfg(feature = "http")]
// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;

mod support;

use inkan_core::http::{HttpClient, HttpRequest, MAX_BODY};
use inkan_verifier::http::{HttpClientConfig, ReqwestHttpClient};
use support::{Pki, trusting};

/// The answer to `path` (the server's own address is needed for the redirects).
fn route(path: &str, addr: SocketAddr) -> (String, Vec<(String, String)>, Vec<u8>) {
    let port = addr.port();
    match path {
        "/ok" => ("200 OK".into(), vec![], b"hello".to_vec()),
        "/declared-too-big" => ("200 OK".into(), vec![], vec![b'x'; MAX_BODY + 1]),
        "/redirect-http" => (
            "302 Found".into(),
            vec![("Location".into(), format!("http://localhost:{port}/ok"))],
            vec![],
        ),
        "/redirect-https" => (
            "302 Found".into(),
            vec![("Location".into(), format!("https://localhost:{port}/ok"))],
            vec![],
        ),
        "/echo-post" => ("200 OK".into(), vec![], b"posted".to_vec()),
        _ => ("404 Not Found".into(), vec![], b"no such thing".to_vec()),
    }
}

async fn serve(pki: &Pki, connections: usize) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    support::serve(pki, connections, Arc::new(route)).await
}

#[tokio::test(flavor = "current_thread")]
async fn success_not_found_and_post() {
    let pki = Pki::new();
    let (addr, server) = serve(&pki, 3).await;
    let client = trusting(&pki);
    let base = format!("https://localhost:{}", addr.port());
    let ok = client
        .get(&format!("{base}/ok"), &[("accept", "text/plain")])
        .await
        .unwrap();
    assert_eq!((ok.status, ok.body.as_slice()), (200, &b"hello"[..]));
    assert_eq!(ok.header("content-length"), Some("5"));
    let missing = client.get(&format!("{base}/nothing"), &[]).await.unwrap();
    assert_eq!(missing.status, 404, "non-2xx statuses are responses, not errors");
    assert_eq!(missing.error_for_status().unwrap_err().code(), "http.failed");
    let posted = client
        .post(
            &format!("{base}/echo-post"),
            &[("content-type", "text/plain")],
            b"q".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(posted.body, b"posted");
    server.await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_are_capped() {
    let pki = Pki::new();
    let (addr, server) = serve(&pki, 2).await;
    let client = trusting(&pki);
    let base = format!("https://localhost:{}", addr.port());
    let err = client
        .get(&format!("{base}/declared-too-big"), &[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "input.too_large", "{err}");
    // A smaller cap than the body, counted while streaming.
    let mut small = HttpRequest::get(format!("{base}/ok"));
    small.max_body = 4;
    let err = client.send(small).await.unwrap_err();
    assert_eq!(err.code(), "input.too_large", "{err}");
    server.await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn redirects_stay_on_https() {
    let pki = Pki::new();
    let (addr, server) = serve(&pki, 3).await;
    let client = trusting(&pki);
    let base = format!("https://localhost:{}", addr.port());
    let followed = client.get(&format!("{base}/redirect-https"), &[]).await.unwrap();
    assert_eq!(followed.body, b"hello");
    let err = client
        .get(&format!("{base}/redirect-http"), &[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "http.failed");
    assert!(err.to_string().contains("non-HTTPS"), "{err}");
    let err = client
        .get(&format!("http://localhost:{}/ok", addr.port()), &[])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("non-HTTPS"), "{err}");
    server.abort();
}

#[tokio::test(flavor = "current_thread")]
async fn untrusted_certificates_are_refused() {
    let pki = Pki::new();
    let (addr, server) = serve(&pki, 2).await;
    let url = format!("https://localhost:{}/ok", addr.port());
    // Platform roots only: the test CA is unknown.
    let err = ReqwestHttpClient::new()
        .unwrap()
        .get(&url, &[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "http.failed");
    // Another CA as the extra root.
    let other = Pki::new();
    let err = trusting(&other).get(&url, &[]).await.unwrap_err();
    assert_eq!(err.code(), "http.failed");
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");
    server.await.unwrap();
}

#[test]
fn bad_extra_roots_are_a_typed_error() {
    let config = HttpClientConfig {
        extra_roots_pem: vec![
            b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec(),
        ],
        ..HttpClientConfig::default()
    };
    assert_eq!(
        ReqwestHttpClient::with_config(&config).unwrap_err().code(),
        "http.failed"
    );
}
