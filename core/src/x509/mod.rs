//! X.509 certificates and the one chain validator every format uses (mdoc `x5chain`, JOSE
//! `x5c`, OpenID4VP `x509_san_dns` / `x509_hash` client identifiers).
//!
//! - [`Certificate`] parses DER or PEM, keeps the DER and exposes the fields validation and
//!   profiles read.
//! - [`ChainValidator`] checks a chain (leaf first) against [`TrustAnchor`]s or
//!   [`PinnedLeaf`]s at a [`Clock`](crate::clock::Clock)'s time; ecosystems add rules through a
//!   [`CertificateProfile`] (the ISO 18013-5 IACA/DS profile lives with mdoc).
//!
//! No revocation checking happens here (no CRL, no OCSP).
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::x509::{Certificate, ChainValidator, ObjectIdentifier, RequireLeafEku, TrustAnchor};
//! # let iaca_der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
//! # let ds_der = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
//! let iaca = TrustAnchor::from_certificate(Certificate::from_der(iaca_der)?)?;
//! let validator = ChainValidator::new(vec![iaca])
//!     .with_profile(Box::new(RequireLeafEku(ObjectIdentifier::new_unwrap("1.0.18013.5.1.2"))));
//! let chain = validator.validate_der(&[ds_der], &FixedClock::from_rfc3339("2021-01-01T00:00:00Z")?)?;
//! assert_eq!(chain.leaf().subject(), "C=US,CN=utopia ds");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod cert;
mod chain;

pub use cert::{BasicConstraints, Certificate, KeyUsage, MAX_CERT_DER, MAX_PEM};
pub use chain::{
    CertificateProfile, ChainPosition, ChainValidator, MAX_CHAIN_LEN, NoProfile, PinnedLeaf, RequireLeafEku,
    TrustAnchor, TrustedBy, ValidatedChain,
};
/// An ASN.1 object identifier (extKeyUsage purposes, extension ids), from `const-oid`.
pub use const_oid::ObjectIdentifier;
