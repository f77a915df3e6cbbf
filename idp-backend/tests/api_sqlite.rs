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
