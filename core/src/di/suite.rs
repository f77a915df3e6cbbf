//! Cryptosuites: each is canonicalize → hash → sign, and suites differ only in the steps they
//! pick. The JCS suites canonicalize with RFC 8785; an RDFC arm (feature `jsonld`) plugs into
//! [`Canonicalization`] and nothing else changes.

use serde_json::Value;
use sha2::{Digest, Sha256, Sha384};

use crate::crypto::{Algorithm, KeyType};
use crate::encoding::{jcs_canonicalize, jcs_canonicalize_members};
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
    /// `eddsa-rdfc-2022`: Ed25519 over RDFC-1.0, SHA-256 (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    EddsaRdfc2022,
    /// `ecdsa-rdfc-2019`: ECDSA P-256 (SHA-256) or P-384 (SHA-384, also for RDFC's blank-node
    /// labels) over RDFC-1.0 (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    EcdsaRdfc2019,
    /// The legacy proof type `Ed25519Signature2020` (Ed25519 over RDFC-1.0, SHA-256, the proof
    /// configuration without `cryptosuite`): verify only, as deployed Inji Certify issuers
    /// produce it (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    Ed25519Signature2020,
    /// The legacy proof type `Ed25519Signature2018`: the same hash data signed as a detached JWS
    /// (`{"alg":"EdDSA","b64":false,"crit":["b64"]}`) in `jws`; verify only (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    Ed25519Signature2018,
}

impl Cryptosuite {
    /// Every suite, in the order they are tried when a name is parsed.
    #[cfg(not(feature = "jsonld"))]
    pub const ALL: &'static [Cryptosuite] = &[Cryptosuite::EddsaJcs2022, Cryptosuite::EcdsaJcs2019];
    /// Every suite, in the order they are tried when a name is parsed.
    #[cfg(feature = "jsonld")]
    pub const ALL: &'static [Cryptosuite] = &[
        Cryptosuite::EddsaJcs2022,
        Cryptosuite::EcdsaJcs2019,
        Cryptosuite::EddsaRdfc2022,
        Cryptosuite::EcdsaRdfc2019,
    ];

    /// The `cryptosuite` name.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::EcdsaJcs2019 => "ecdsa-jcs-2019",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            #[cfg(feature = "jsonld")]
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            #[cfg(feature = "jsonld")]
            Cryptosuite::Ed25519Signature2020 => "Ed25519Signature2020",
            #[cfg(feature = "jsonld")]
            Cryptosuite::Ed25519Signature2018 => "Ed25519Signature2018",
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
    ///
    /// ```
    /// # #[cfg(feature = "jsonld")] {
    /// use inkan_core::di::Cryptosuite;
    /// assert_eq!(Cryptosuite::from_proof_type("Ed25519Signature2020")?, Cryptosuite::Ed25519Signature2020);
    /// # }
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_proof_type(proof_type: &str) -> Result<Self> {
        #[cfg(feature = "jsonld")]
        for legacy in [
            Cryptosuite::Ed25519Signature2020,
            Cryptosuite::Ed25519Signature2018,
        ] {
            if legacy.name() == proof_type {
                return Ok(legacy);
            }
        }
        Err(Error::DiUnknownCryptosuite(proof_type.to_owned()))
    }

    /// Whether the suite is a legacy proof type inkan only verifies.
    pub fn is_legacy(self) -> bool {
        match self {
            #[cfg(feature = "jsonld")]
            Cryptosuite::Ed25519Signature2020 | Cryptosuite::Ed25519Signature2018 => true,
            _ => false,
        }
    }

    /// How the suite canonicalizes documents and proof configurations.
    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => Canonicalization::Jcs,
            #[cfg(feature = "jsonld")]
            _ => Canonicalization::Rdfc,
        }
    }

    /// Whether the published proof keeps the `@context` its configuration was hashed with. The
    /// JCS suites publish it (a verifier then checks the document's `@context` starts with it);
    /// the RDFC suites hash the document's `@context` into the configuration but do not publish it.
    ///
    /// ```
    /// assert!(inkan_core::di::Cryptosuite::EddsaJcs2022.proof_carries_context());
    /// ```
    pub fn proof_carries_context(self) -> bool {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => true,
            #[cfg(feature = "jsonld")]
            _ => false,
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
            #[cfg(feature = "jsonld")]
            (
                Cryptosuite::EddsaRdfc2022
                | Cryptosuite::Ed25519Signature2020
                | Cryptosuite::Ed25519Signature2018,
                KeyType::Ed25519,
            ) => Ok(Algorithm::EdDsa),
            #[cfg(feature = "jsonld")]
            (Cryptosuite::EcdsaRdfc2019, KeyType::P256) => Ok(Algorithm::Es256),
            #[cfg(feature = "jsonld")]
            (Cryptosuite::EcdsaRdfc2019, KeyType::P384) => Ok(Algorithm::Es384),
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
        self.hash_members(key, members(proof_config)?, members(unsecured)?, env)
    }

    /// [`hash_data`](Self::hash_data) over the members of the proof configuration and of the
    /// unsecured document, as views of the documents they come from: JCS writes them as they
    /// are, so verifying copies no document.
    pub(crate) fn hash_members(
        self,
        key: KeyType,
        proof_config: Members<'_>,
        unsecured: Members<'_>,
        env: &Env<'_>,
    ) -> Result<Vec<u8>> {
        let hash = self.hash(key);
        let _ = env; // only the RDFC suites need it
        match self.canonicalization() {
            Canonicalization::Jcs => {
                let mut data = hash.digest(&jcs_canonicalize_members(proof_config)?);
                data.extend(hash.digest(&jcs_canonicalize_members(unsecured)?));
                Ok(data)
            }
            #[cfg(feature = "jsonld")]
            Canonicalization::Rdfc => rdfc_hash_data(hash, &owned(proof_config), &owned(unsecured), env),
        }
    }
}

/// The members of a JSON object, borrowed: a document seen without its `proof`, a proof without
/// its `proofValue`, with a member replaced.
pub(crate) type Members<'a> = Vec<(&'a str, &'a Value)>;

/// The members of `value`, which must be an object.
fn members(value: &Value) -> Result<Members<'_>> {
    value
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .ok_or_else(|| {
            Error::DiMalformedProof("a document and its proof configuration must be JSON objects".into())
        })
}

#[cfg(feature = "jsonld")]
fn owned(members: Members<'_>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect(),
    )
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
    /// Where JSON-LD contexts come from; `None` is the process-wide bundled loader.
    #[cfg(feature = "jsonld")]
    loader: Option<&'a crate::jsonld::ContextLoader>,
}

#[cfg(feature = "jsonld")]
impl<'a> Env<'a> {
    /// An environment whose RDFC canonicalization takes contexts from `loader` (e.g. one with
    /// documents the trust policy pinned) instead of [`ContextLoader::shared`](crate::jsonld::ContextLoader::shared).
    ///
    /// ```
    /// let loader = inkan_core::jsonld::ContextLoader::new();
    /// let env = inkan_core::di::Env::with_loader(&loader);
    /// # let _ = env;
    /// ```
    pub fn with_loader(loader: &'a crate::jsonld::ContextLoader) -> Self {
        Env {
            loader: Some(loader),
            ..Env::default()
        }
    }

    fn loader(&self) -> &'a crate::jsonld::ContextLoader {
        match self.loader {
            Some(loader) => loader,
            None => crate::jsonld::ContextLoader::shared(),
        }
    }
}

/// The RDFC suites' hash data: the proof configuration takes the document's `@context`
/// (eddsa-rdfc-2022 / ecdsa-rdfc-2019 "Proof Configuration"; also what the legacy Ed25519
/// suites sign), both are canonicalized with RDFC-1.0 (SHA-384 blank-node labels for P-384) and
/// hashed.
#[cfg(feature = "jsonld")]
fn rdfc_hash_data(hash: HashAlg, proof_config: &Value, unsecured: &Value, env: &Env<'_>) -> Result<Vec<u8>> {
    let mut config = proof_config.clone();
    if let (Some(members), Some(ctx)) = (config.as_object_mut(), unsecured.get("@context")) {
        members.insert("@context".into(), ctx.clone());
    }
    let labels = match hash {
        HashAlg::Sha256 => crate::jsonld::RdfcHash::Sha256,
        HashAlg::Sha384 => crate::jsonld::RdfcHash::Sha384,
    };
    // jsonld's own codes (unknown context, undefined term, caps) say more than a generic one.
    let canon = |doc: &Value| crate::jsonld::canonicalize_with_hash(doc, env.loader(), labels);
    let mut data = hash.digest(canon(&config)?.as_bytes());
    data.extend(hash.digest(canon(unsecured)?.as_bytes()));
    Ok(data)
}

/// A canonicalization algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Canonicalization {
    /// RFC 8785 JSON Canonicalization Scheme.
    Jcs,
    /// RDF Dataset Canonicalization (RDFC-1.0) of the JSON-LD document's RDF (feature `jsonld`).
    #[cfg(feature = "jsonld")]
    Rdfc,
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
            #[cfg(feature = "jsonld")]
            Canonicalization::Rdfc => crate::jsonld::canonicalize(doc, _env.loader()).map(String::into_bytes),
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
