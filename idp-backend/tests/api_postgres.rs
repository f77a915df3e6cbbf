//! The API scenarios on a real PostgreSQL server on loopback (started by the harness, or
//! `INKAN_TEST_PG_URL`). No server means failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, pg::PgCluster, scenarios};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_scenario_on_postgres() {
    let pg = PgCluster::start();
    macro_rules! run {
        ($($name:ident),* $(,)?) => {$(
            let s = Server::postgres(&pg, concat!("idp_", stringify!($name))).await;
            scenarios::$name(&s).await;
            s.stop().await;
        )*};
    }
    run!(
        enrolment,
        lifecycle,
        authn,
        bad_input,
        sql_metacharacters,
        concurrent,
        bulk,
        ops,
        audit_tamper
    );
}
