//! ISO 18013-5 mdoc issuance: claims per namespace → IssuerSignedItems with random salts and
//! digest IDs → an MSO signed by the document signer (DS) key, its `x5chain` leading to an IACA
//! root. [`pki`] makes test IACA / DS certificate pairs with the 18013-5 profile extensions.
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::mdoc::{DOCTYPE_MDL, verify_digests};
//! use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
//! let clock = FixedClock::at_unix(1_800_000_000);
//! let iaca_key = SoftwareKey::generate(Algorithm::Es256)?;
//! let ds_key = SoftwareKey::generate(Algorithm::Es256)?;
//! let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock)?;
//! let device = SoftwareKey::generate(Algorithm::Es256)?;
//! let claims = serde_json::json!({"org.iso.18013.5.1": {"family_name": "Doe", "birth_date": {"$full-date": "1990-01-31"}}});
//! let content = MdocContent::from_json(DOCTYPE_MDL, &claims, device.public_key())?;
//! let signed = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()]).issue(&content, &clock)?;
//! assert_eq!(verify_digests(&signed)?, 2);
//! # let _ = iaca;
//! # Ok::<(), inkan_core::Error>(())
//! ```

pub mod pki;

use ciborium::Value;
use inkan_core::clock::Clock;
use inkan_core::crypto::{PublicKey, Signer};
use inkan_core::mdoc::{
    DeviceKeyInfo, DigestAlgorithm, IssuerSigned, IssuerSignedItem, MsoBuilder, NameSpaces, ValidityInfo,
    json_to_cbor,
};
use inkan_core::status::StatusReference;
use inkan_core::{Error, Result};
use rand_core::{OsRng, RngCore};

/// Default MSO validity: 30 days (18013-5 expects short-lived MSOs, refreshed by the issuer).
pub const DEFAULT_VALIDITY_SECS: i64 = 30 * 86_400;

/// Salt length: 32 bytes (18013-5 §9.1.2.5 asks for at least 16).
const SALT_LEN: usize = 32;

/// What one mdoc says: docType, element values per namespace, the device key, an optional
/// status list reference.
#[derive(Debug, Clone)]
pub struct MdocContent {
    /// The docType (e.g. `org.iso.18013.5.1.mDL`, `eu.europa.ec.eudi.pid.1`).
    pub doc_type: String,
    /// Namespace → (element identifier, value).
    pub name_spaces: Vec<(String, Vec<(String, Value)>)>,
    /// The holder's device key (bound in the MSO).
    pub device_key: PublicKey,
    /// A Token Status List reference for the MSO's `status`.
    pub status: Option<StatusReference>,
}

impl MdocContent {
    /// Content from a claims JSON `{namespace: {element: value}}` (dates and byte strings as
    /// [`inkan_core::mdoc::json_to_cbor`] describes).
    pub fn from_json(doc_type: &str, claims: &serde_json::Value, device_key: &PublicKey) -> Result<Self> {
        let bad = |msg: &str| Error::MdocMalformed(format!("claims: {msg}"));
        let namespaces = claims
            .as_object()
            .ok_or_else(|| bad("must be an object of namespaces"))?;
        let name_spaces = namespaces
            .iter()
            .map(|(ns, elements)| {
                let elements = elements
                    .as_object()
                    .ok_or_else(|| bad("each namespace must be an object of elements"))?;
                let elements = elements
                    .iter()
                    .map(|(name, v)| Ok((name.clone(), json_to_cbor(v)?)))
                    .collect::<Result<Vec<_>>>()?;
                Ok((ns.clone(), elements))
            })
            .collect::<Result<Vec<_>>>()?;
        if name_spaces.iter().all(|(_, els)| els.is_empty()) {
            return Err(bad("no elements"));
        }
        Ok(Self {
            doc_type: doc_type.to_owned(),
            name_spaces,
            device_key: device_key.clone(),
            status: None,
        })
    }
}

/// Signs MSOs with a document signer key; the `x5chain` (DS certificate first) goes into
/// `issuerAuth`.
pub struct MdocIssuer<'a> {
    signer: &'a dyn Signer,
    x5chain: Vec<Vec<u8>>,
    validity_secs: i64,
    digest: DigestAlgorithm,
}

impl<'a> MdocIssuer<'a> {
    /// An issuer signing with `signer`, whose certificate chain is `x5chain` (DER, DS first).
    pub fn new(signer: &'a dyn Signer, x5chain: Vec<Vec<u8>>) -> Self {
        Self {
            signer,
            x5chain,
            validity_secs: DEFAULT_VALIDITY_SECS,
            digest: DigestAlgorithm::Sha256,
        }
    }

    /// Sets how long the MSO is valid, from the clock's now.
    pub fn validity_secs(mut self, secs: i64) -> Self {
        self.validity_secs = secs;
        self
    }

    /// Sets the MSO digest algorithm (default SHA-256).
    pub fn digest_algorithm(mut self, alg: DigestAlgorithm) -> Self {
        self.digest = alg;
        self
    }

    /// Issues the mdoc: every element gets a fresh salt and a random digest ID (unique in its
    /// namespace, unrelated to the element's position), the MSO is signed now.
    pub fn issue(&self, content: &MdocContent, clock: &dyn Clock) -> Result<IssuerSigned> {
        let name_spaces = content
            .name_spaces
            .iter()
            .map(|(ns, elements)| Ok((ns.clone(), items(elements)?)))
            .collect::<Result<NameSpaces>>()?;
        let now = clock.now_unix();
        let validity = ValidityInfo::new(now, now, now.saturating_add(self.validity_secs))?;
        let mut mso = MsoBuilder::new(
            &content.doc_type,
            DeviceKeyInfo::new(&content.device_key)?,
            validity,
        )
        .digest_algorithm(self.digest);
        for (ns, items) in &name_spaces {
            mso = mso.namespace(ns, items);
        }
        if let Some(status) = &content.status {
            mso = mso.status(status.clone());
        }
        IssuerSigned::sign(name_spaces, mso.build(), self.signer, self.x5chain.clone())
    }
}

fn items(elements: &[(String, Value)]) -> Result<Vec<inkan_core::mdoc::Tagged<IssuerSignedItem>>> {
    let mut ids = std::collections::BTreeSet::new();
    elements
        .iter()
        .map(|(name, value)| {
            let id = loop {
                let id = u64::from(OsRng.next_u32() >> 1);
                if ids.insert(id) {
                    break id;
                }
            };
            let mut salt = vec![0u8; SALT_LEN];
            OsRng.fill_bytes(&mut salt);
            IssuerSignedItem::new(id, salt, name, value.clone()).to_tagged()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::mdoc::{DOCTYPE_EU_PID, DOCTYPE_INKAN_NATIONAL_ID, Iso18013Profile};
    use inkan_core::x509::{ChainValidator, TrustAnchor};

    #[test]
    fn issues_every_doctype_under_a_test_iaca() {
        let clock = FixedClock::at_unix(1_800_000_000);
        let iaca_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let ds_key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, "Utopia", &clock).unwrap();
        let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(iaca).unwrap()])
            .with_profile(Box::new(Iso18013Profile));
        let chain = validator.validate(std::slice::from_ref(&ds), &clock).unwrap();
        let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
        for (doc_type, ns) in [
            (inkan_core::mdoc::DOCTYPE_MDL, inkan_core::mdoc::NAMESPACE_MDL),
            (DOCTYPE_EU_PID, DOCTYPE_EU_PID),
            (DOCTYPE_INKAN_NATIONAL_ID, DOCTYPE_INKAN_NATIONAL_ID),
        ] {
            let claims =
                serde_json::json!({ ns: {"family_name": "Doe", "given_name": "Ada", "age_over_18": true} });
            let content = MdocContent::from_json(doc_type, &claims, device.public_key()).unwrap();
            let signed = MdocIssuer::new(&ds_key, vec![ds.der().to_vec()])
                .issue(&content, &clock)
                .unwrap();
            signed.verify_issuer_signature(chain.leaf_key()).unwrap();
            assert_eq!(inkan_core::mdoc::verify_digests(&signed).unwrap(), 3);
            let mso = signed.mso.value();
            assert_eq!(mso.doc_type, doc_type);
            assert_eq!(
                mso.validity_info.valid_until - mso.validity_info.valid_from,
                DEFAULT_VALIDITY_SECS
            );
            let salts: Vec<_> = signed.name_spaces[0]
                .1
                .iter()
                .map(|i| i.value().random.clone())
                .collect();
            assert!(salts.iter().all(|s| s.len() == SALT_LEN) && salts[0] != salts[1]);
            let back = IssuerSigned::decode(&signed.encode().unwrap()).unwrap();
            assert_eq!(back, signed);
        }
    }

    #[test]
    fn bad_claims_are_refused() {
        let device = SoftwareKey::generate(Algorithm::Es256).unwrap();
        for bad in [
            serde_json::json!([]),
            serde_json::json!({"ns": 1}),
            serde_json::json!({"ns": {}}),
        ] {
            let err = MdocContent::from_json("d", &bad, device.public_key()).unwrap_err();
            assert_eq!(err.code(), "mdoc.malformed");
        }
    }
}
