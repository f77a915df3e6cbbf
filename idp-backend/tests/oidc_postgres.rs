//! The OIDC provider scenarios on a real PostgreSQL server on loopback (started by the harness,
//! or `INKAN_TEST_PG_URL`). No server means failure, not a skip.
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
    run!(discovery_and_keys, client_registration, par_and_client_auth, authorize_errors);
}
