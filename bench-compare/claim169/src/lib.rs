//! Only the bench in `benches/compare.rs`; see README.md.
