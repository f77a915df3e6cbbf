//! `inkan-idp`: the reference backend binary.

fn main() {}
