//! # inkan-issuer
//!
//! Builds and signs credentials from a claims JSON document and an issuance policy. Every
//! signature goes through inkan-core's [`Signer`](inkan_core::crypto::Signer), so a key in an
//! HSM or a platform keystore issues exactly as a software key does; the clock is injected.

pub mod bitstring;
pub mod data_integrity;
pub mod jwt_vc;
pub mod mdoc;
pub mod sd_jwt_vc;
pub mod status_list;
pub mod vc_jose;
