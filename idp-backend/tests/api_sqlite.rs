//! The API scenarios on an SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, scenarios};

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            let s = Server::sqlite().await;
            scenarios::$name(&s).await;
            s.stop().await;
        }
    )*};
}

on_sqlite!(
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

/// The load driver runs end to end on a small count (its figures are reported, not asserted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadgen_small() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("master.key"), "33".repeat(32)).unwrap();
    let url = format!("sqlite://{}", dir.path().join("load.db").display());
    let reg = inkan_idp::server::open_registry(&common::config(dir.path(), &url))
        .await
        .unwrap();
    let r = inkan_idp::loadgen::run(&reg, 200, 4, 50).await.unwrap();
    assert_eq!((r.enrolled, r.duplicates), (196, 4));
    assert_eq!((r.identities, r.lookups), (196, 50));
    assert_eq!(
        inkan_idp::audit::verify(&reg.store).await.unwrap().entries,
        200 + 50
    );
}
