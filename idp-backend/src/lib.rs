//! # inkan-idp
//!
//! The reference backend: a foundational-ID registry (enrolment, UIN/VID, lifecycle,
//! authentication factors, e-KYC) that is also an OIDC provider and an OpenID4VCI issuer.
//! The binary (`src/main.rs`) wires these modules to a database and an HTTP server:
//! [`server::start`] opens the store, loads the keys and serves [`api::router`].

pub mod dedup;
pub mod ekyc;
pub mod factors;
pub mod ids;
pub mod schema;
pub mod secret;

#[cfg(test)]
mod testutil;

// --- idp: service, store, registry, sealing, audit ---
pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod error;
pub mod loadgen;
pub mod metrics;
pub mod oidc;
pub mod registry;
pub mod seal;
pub mod server;
pub mod store;
