//! The registry's operations, independent of HTTP: each runs in one write transaction that also
//! appends its audit entry, so a change and its audit record commit or vanish together.
//! The HTTP handlers (`crate::api`) and the offline commands (`bulk`, `loadgen`) call these.

pub mod authn;
pub mod batch;
pub mod checks;
pub mod enrol;
pub mod identity;
pub mod vid;

use std::sync::Arc;

use crate::error::ApiError;
use crate::ids::{IdGenerator, IdPolicy};
use crate::schema::IdSchema;
use crate::seal::Sealer;
use crate::store::{Store, is_unique_violation};

/// Who is acting and why (for role checks done by the caller, and for the audit log).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// Operator id.
    pub id: &'a str,
    /// Declared purpose, if any.
    pub purpose: Option<&'a str>,
}

impl Actor<'_> {
    fn purpose<'b>(&'b self, default: &'b str) -> &'b str {
        self.purpose.unwrap_or(default)
    }
}

/// The registry: database, sealing keys, identity schema and identifier rules.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The database.
    pub store: Store,
    /// Data keys.
    pub sealer: Arc<Sealer>,
    /// The programme's identity schema.
    pub schema: Arc<IdSchema>,
    uin_policy: IdPolicy,
    vid_policy: IdPolicy,
    enrolments: Arc<batch::GroupCommit<enrol::Prepared, enrol::Outcome>>,
    centre_id: u32,
    machine_id: u32,
}

/// How many times an operation that lost a uniqueness race is retried from the start.
pub(super) const RACE_RETRIES: usize = 8;

impl Registry {
    /// A registry over `store` with `sealer`'s keys, validating against `schema`; UINs of `uin_length` digits; RIDs naming
    /// `centre_id` and `machine_id`.
    pub fn new(
        store: Store,
        sealer: Sealer,
        schema: IdSchema,
        uin_length: usize,
        centre_id: u32,
        machine_id: u32,
    ) -> Result<Self, ApiError> {
        let bad = |e: crate::ids::IdError| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "idp.bad_config",
                e.to_string(),
            )
        };
        Ok(Self {
            store,
            sealer: Arc::new(sealer),
            schema: Arc::new(schema),
            uin_policy: IdPolicy::uin_with_length(uin_length).map_err(bad)?,
            vid_policy: IdPolicy::vid(),
            enrolments: Arc::new(batch::GroupCommit::new(enrol::MAX_BATCH)),
            centre_id,
            machine_id,
        })
    }

    fn uin_generator(&self) -> Result<IdGenerator, ApiError> {
        IdGenerator::new(self.uin_policy.clone()).map_err(ApiError::internal)
    }

    fn vid_generator(&self) -> Result<IdGenerator, ApiError> {
        IdGenerator::new(self.vid_policy.clone()).map_err(ApiError::internal)
    }
}

/// Runs `op` again when it lost a uniqueness race (its transaction was rolled back).
async fn retry_races<T, F, Fut>(mut op: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Raced>>,
{
    for _ in 0..RACE_RETRIES {
        match op().await {
            Ok(v) => return Ok(v),
            Err(Raced::Unique) => continue,
            Err(Raced::Api(e)) => return Err(e),
        }
    }
    Err(ApiError::conflict("too much contention; retry the request"))
}

/// An operation's failure: a lost race (retry) or a final error.
enum Raced {
    Unique,
    Api(ApiError),
}

impl From<sqlx::Error> for Raced {
    fn from(e: sqlx::Error) -> Self {
        if is_unique_violation(&e) {
            Raced::Unique
        } else {
            Raced::Api(e.into())
        }
    }
}

impl From<ApiError> for Raced {
    fn from(e: ApiError) -> Self {
        Raced::Api(e)
    }
}

fn identity_aad(uin: &str) -> String {
    format!("identity|{uin}")
}

fn history_aad(uin: &str, version: i64) -> String {
    format!("history|{uin}|{version}")
}
