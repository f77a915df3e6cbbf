//! The OIDC provider on SQLite: discovery and keys, clients, PAR and client authentication,
//! the authorization endpoint's refusals, complete logins and the token endpoint's refusals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oidc;

use common::Server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_and_keys() {
    let s = Server::sqlite().await;
    oidc::discovery_and_keys(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_registration() {
    let s = Server::sqlite().await;
    oidc::client_registration(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn par_and_client_auth() {
    let s = Server::sqlite().await;
    oidc::par_and_client_auth(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_errors() {
    let s = Server::sqlite().await;
    oidc::authorize_errors(&s).await;
    s.stop().await;
}

fn with_otp_file(dir: &std::path::Path) -> impl FnOnce(&mut inkan_idp::config::Config) + use<> {
    let path = dir.join("otp.jsonl");
    move |c| c.authn.notifier = format!("file:{}", path.display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_login() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::sqlite_with(with_otp_file(dir.path())).await;
    oidc::full_login(&s, &dir.path().join("otp.jsonl")).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::sqlite_with(with_otp_file(dir.path())).await;
    oidc::pages(&s, &dir.path().join("otp.jsonl")).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_login() {
    let s = Server::sqlite().await;
    oidc::pin_login(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dpop() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::sqlite_with(with_otp_file(dir.path())).await;
    oidc::dpop(&s, &dir.path().join("otp.jsonl")).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_objects() {
    let s = Server::sqlite().await;
    oidc::request_objects(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::sqlite_with(with_otp_file(dir.path())).await;
    oidc::logout(&s, &dir.path().join("otp.jsonl")).await;
    s.stop().await;
}
