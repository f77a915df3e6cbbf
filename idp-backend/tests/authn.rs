//! Authentication factors and e-KYC over HTTP, each scenario on an SQLite file and on a real
//! PostgreSQL server on loopback (started by the harness, or `INKAN_TEST_PG_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::authn::{self, config, short_otp_config};
use common::{Server, pg::PgCluster};

macro_rules! on_sqlite {
    ($($name:ident: $cfg:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            let s = Server::sqlite_with($cfg).await;
            authn::$name(&s).await;
            s.stop().await;
        }
    )*};
}

macro_rules! scenarios {
    ($m:ident) => {
        $m!(
            otp_happy_path: config,
            otp_brute_force: config,
            otp_resend_limits: config,
            otp_expiry: short_otp_config,
            pin: config,
            vid_limits: config,
            inactive_identity: config,
            demographic_and_biometric: config,
            wallet: config,
            ekyc: config,
            factor_sql_metacharacters: config,
        );
    };
}

scenarios!(on_sqlite);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_factor_scenario_on_postgres() {
    let pg = PgCluster::start();
    macro_rules! on_postgres {
        ($($name:ident: $cfg:ident),* $(,)?) => {$(
            let s = Server::postgres_with(&pg, concat!("authn_", stringify!($name)), $cfg).await;
            authn::$name(&s).await;
            s.stop().await;
        )*};
    }
    scenarios!(on_postgres);
}
