//! # inkan-wallet
//!
//! The holder's side, as pure logic: bytes and keys in, presentations out. Keys stay behind
//! inkan-core's [`Signer`](inkan_core::crypto::Signer) (a platform keystore implements it), the
//! storage and the protocols arrive in later modules.
//!
//! - [`mdoc`]: ISO 18013-5 presentation — select the requested elements and answer with a
//!   `DeviceResponse` signed by the device key over the session transcript.

pub mod mdoc;
