//! The ISO 18013-5 Annex B certificate profile for IACA roots and document signers.

use crate::x509::{Certificate, CertificateProfile, ChainPosition, ObjectIdentifier};
use crate::{Error, Result};

/// `id-mdl-kp-mdlDS`: the extended key usage of an mdoc document signer certificate.
///
/// ```
/// assert_eq!(inkan_core::mdoc::EXT_KEY_USAGE_MDL_DS.to_string(), "1.0.18013.5.1.2");
/// ```
pub const EXT_KEY_USAGE_MDL_DS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.0.18013.5.1.2");

/// 18013-5 Annex B.1 rules, plugged into [`crate::x509::ChainValidator`]: the chain is a
/// document signer (DS) directly under an IACA root — no intermediates; the DS carries keyUsage
/// digitalSignature, extKeyUsage `id-mdl-kp-mdlDS` and is no CA; the IACA root is a CA with
/// keyUsage keyCertSign.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::mdoc::Iso18013Profile;
/// use inkan_core::x509::{Certificate, ChainValidator, TrustAnchor};
/// # let iaca = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-iaca.der"));
/// # let ds = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/x509/testdata/annexd-ds.der"));
/// let root = TrustAnchor::from_certificate(Certificate::from_der(iaca)?)?;
/// let validator = ChainValidator::new(vec![root]).with_profile(Box::new(Iso18013Profile));
/// validator.validate_der(&[ds], &FixedClock::from_rfc3339("2021-01-01T00:00:00Z")?)?;
/// // The IACA root is no document signer.
/// assert_eq!(validator.validate_der(&[iaca], &FixedClock::at_unix(1_610_000_000)).unwrap_err().code(), "x509.constraint");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Iso18013Profile;

impl CertificateProfile for Iso18013Profile {
    fn check(&self, cert: &Certificate, position: ChainPosition) -> Result<()> {
        let fail = |what: &str| {
            Err(Error::X509Constraint(format!(
                "{}: {what} (18013-5 Annex B)",
                cert.subject()
            )))
        };
        let is_ca = cert.basic_constraints().is_some_and(|bc| bc.ca);
        match position {
            ChainPosition::Leaf => {
                if !cert.key_usage().is_some_and(|ku| ku.digital_signature()) {
                    return fail("a document signer needs keyUsage digitalSignature");
                }
                if !cert.extended_key_usage().contains(&EXT_KEY_USAGE_MDL_DS) {
                    return fail("a document signer needs extKeyUsage id-mdl-kp-mdlDS");
                }
                if is_ca {
                    return fail("a document signer must not be a CA");
                }
            }
            ChainPosition::Intermediate => return fail("an IACA chain has no intermediate certificates"),
            ChainPosition::Anchor => {
                if !is_ca || !cert.key_usage().is_some_and(|ku| ku.key_cert_sign()) {
                    return fail("an IACA root must be a CA with keyUsage keyCertSign");
                }
            }
        }
        Ok(())
    }
}
