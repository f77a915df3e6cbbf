//! Shared fixtures for the comparison bench (see benches/compare.rs).
