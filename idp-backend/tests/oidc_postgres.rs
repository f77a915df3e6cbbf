//! The OIDC provider scenarios on a real PostgreSQL server on loopback (started by the harness,
//! or `INKAN_TEST_PG_URL`), and two instances sharing one database. No server means failure,
//! not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod oidc;

use common::{Server, pg::PgCluster};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_oidc_scenario_on_postgres() {
    let pg = PgCluster::start();
    macro_rules! run {
        ($($name:ident),* $(,)?) => {$(
            let s = Server::postgres(&pg, concat!("oidc_", stringify!($name))).await;
            oidc::$name(&s).await;
            s.stop().await;
        )*};
    }
    run!(
        discovery_and_keys,
        client_registration,
        par_and_client_auth,
        authorize_errors
    );

    let dir = tempfile::tempdir().unwrap();
    let otp_file = dir.path().join("otp.jsonl");
    let notifier = format!("file:{}", otp_file.display());
    for name in ["oidc_full_login", "oidc_pages", "oidc_dpop", "oidc_logout"] {
        let n = notifier.clone();
        let s = Server::at_url_with(pg.database(name).await, move |c| c.authn.notifier = n).await;
        match name {
            "oidc_full_login" => oidc::full_login(&s, &otp_file).await,
            "oidc_pages" => oidc::pages(&s, &otp_file).await,
            "oidc_logout" => oidc::logout(&s, &otp_file).await,
            _ => oidc::dpop(&s, &otp_file).await,
        }
        s.stop().await;
    }

    // Two instances, one database, one issuer.
    let url = pg.database("oidc_two_instances").await;
    let issuer = "https://id.example";
    let edit = |n: String| {
        move |c: &mut inkan_idp::config::Config| {
            c.authn.notifier = n;
            c.oidc.issuer = Some(issuer.into());
        }
    };
    let a = Server::at_url_with(url.clone(), edit(notifier.clone())).await;
    let b = Server::at_url_with(url, edit(notifier.clone())).await;
    oidc::two_instances(&a, &b, issuer, &otp_file).await;
    a.stop().await;
    b.stop().await;
}
