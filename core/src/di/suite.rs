//! Cryptosuites: each is canonicalize → hash → sign, and suites differ only in the steps they
//! pick. The JCS suites canonicalize with RFC 8785; an RDFC arm (feature `jsonld`) plugs into
//! [`Canonicalization`] and nothing else changes.

use serde_json::Value;
use sha2::{Digest, Sha256, Sha384};

use crate::crypto::{Algorithm, KeyType};
use crate::encoding::jcs_canonicalize;
use crate::{Error, Result};

/// A Data Integrity cryptosuite inkan implements.
///
/// ```
/// use inkan_core::di::Cryptosuite;
/// assert_eq!(Cryptosuite::from_name("eddsa-jcs-2022")?, Cryptosuite::EddsaJcs2022);
/// assert_eq!(Cryptosuite::from_name("bbs-2023").unwrap_err().code(), "di.unknown_cryptosuite");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cryptosuite {
    /// `eddsa-jcs-2022`: Ed25519 over JCS, SHA-256.
    EddsaJcs2022,
    /// `ecdsa-jcs-2019`: ECDSA P-256 (SHA-256) or P-384 (SHA-384) over JCS.
    EcdsaJcs2019,
}

impl Cryptosuite {
    /// Every suite, in the order they are tried when a name is parsed.
    pub const ALL: &'static [Cryptosuite] = &[Cryptosuite::EddsaJcs2022, Cryptosuite::EcdsaJcs2019];

    /// The `cryptosuite` name.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::EcdsaJcs2019 => "ecdsa-jcs-2019",
        }
    }

    /// Parses a `cryptosuite` name; unknown names are [`Error::DiUnknownCryptosuite`].
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.name() == name)
            .ok_or_else(|| Error::DiUnknownCryptosuite(name.to_owned()))
    }

    /// The suite a proof `type` other than `DataIntegrityProof` stands for (legacy suites such
    /// as `Ed25519Signature2020` name themselves in `type`). None is implemented without the
    /// `jsonld` feature.
    pub fn from_proof_type(proof_type: &str) -> Result<Self> {
        Err(Error::DiUnknownCryptosuite(proof_type.to_owned()))
    }

    /// How the suite canonicalizes documents and proof configurations.
    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => Canonicalization::Jcs,
        }
    }

    /// The signature algorithm for a key of type `key`; [`Error::DiKeyMismatch`] when the suite
    /// cannot use such a key.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, KeyType};
    /// use inkan_core::di::Cryptosuite;
    /// assert_eq!(Cryptosuite::EcdsaJcs2019.algorithm(KeyType::P384)?, Algorithm::Es384);
    /// assert_eq!(Cryptosuite::EddsaJcs2022.algorithm(KeyType::P256).unwrap_err().code(), "di.key_mismatch");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn algorithm(self, key: KeyType) -> Result<Algorithm> {
        match (self, key) {
            (Cryptosuite::EddsaJcs2022, KeyType::Ed25519) => Ok(Algorithm::EdDsa),
            (Cryptosuite::EcdsaJcs2019, KeyType::P256) => Ok(Algorithm::Es256),
            (Cryptosuite::EcdsaJcs2019, KeyType::P384) => Ok(Algorithm::Es384),
            (suite, key) => Err(Error::DiKeyMismatch(format!(
                "{} cannot use a {key} key",
                suite.name()
            ))),
        }
    }

    /// The hash of the suite for a key: SHA-384 for P-384, SHA-256 otherwise (ECDSA cryptosuites
    /// §3.3, EdDSA cryptosuites §3.3).
    pub fn hash(self, key: KeyType) -> HashAlg {
        match key {
            KeyType::P384 => HashAlg::Sha384,
            _ => HashAlg::Sha256,
        }
    }

    /// The data that is signed: hash(canonical proof configuration) ‖ hash(canonical document).
    ///
    /// `proof_config` is the proof without `proofValue`; `unsecured` the document without its
    /// proof (or with the previous proofs of a chain).
    ///
    /// ```
    /// use inkan_core::crypto::KeyType;
    /// use inkan_core::di::{Cryptosuite, Env};
    /// let data = Cryptosuite::EcdsaJcs2019.hash_data(KeyType::P384,
    ///     &serde_json::json!({}), &serde_json::json!({}), &Env::default())?;
    /// assert_eq!(data.len(), 96);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn hash_data(
        self,
        key: KeyType,
        proof_config: &Value,
        unsecured: &Value,
        env: &Env<'_>,
    ) -> Result<Vec<u8>> {
        let canon = self.canonicalization();
        let hash = self.hash(key);
        let mut data = hash.digest(&canon.canonicalize(proof_config, env)?);
        data.extend(hash.digest(&canon.canonicalize(unsecured, env)?));
        Ok(data)
    }
}

/// What a canonicalization step may need beyond the document (with the `jsonld` feature, the
/// context loader). Empty for JCS.
///
/// ```
/// let env = inkan_core::di::Env::default();
/// # let _ = env;
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Env<'a> {
    _lifetime: std::marker::PhantomData<&'a ()>,
}

/// A canonicalization algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Canonicalization {
    /// RFC 8785 JSON Canonicalization Scheme.
    Jcs,
}

impl Canonicalization {
    /// The canonical bytes of a JSON document.
    ///
    /// ```
    /// use inkan_core::di::{Canonicalization, Env};
    /// let bytes = Canonicalization::Jcs.canonicalize(&serde_json::json!({"b": 1, "a": 2}), &Env::default())?;
    /// assert_eq!(bytes, br#"{"a":2,"b":1}"#);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn canonicalize(self, doc: &Value, _env: &Env<'_>) -> Result<Vec<u8>> {
        match self {
            Canonicalization::Jcs => jcs_canonicalize(doc),
        }
    }
}

/// A hash function of the cryptosuites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlg {
    /// The digest of `data`.
    ///
    /// ```
    /// assert_eq!(inkan_core::di::HashAlg::Sha384.digest(b"").len(), 48);
    /// ```
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
        }
    }
}
