//! Which key checks a VC-JWT or VP-JWT: the signer's DID (from a DID URL `kid`, or a DID `iss`
//! without `kid`) or the trust store's keys for `iss` and `kid`.

use super::malformed;
use crate::crypto::PublicKey;
use crate::did::{DidResolver, DidUrl, Relationship};
use crate::jose::Header;
use crate::trust::TrustStore;
use crate::{Error, Result};

/// Where keys come from: the trust store, and a resolver for DIDs (offline, so a verifier never
/// touches the network here).
///
/// ```
/// use inkan_core::did::KeyDidResolver;
/// use inkan_core::trust::StaticTrustStore;
/// let trust = StaticTrustStore::builder().build();
/// let sources = inkan_core::vcjwt::KeySources { trust: &trust, dids: &KeyDidResolver };
/// # let _ = sources;
/// ```
#[derive(Clone, Copy)]
pub struct KeySources<'a> {
    /// Issuer keys, trusted DIDs.
    pub trust: &'a dyn TrustStore,
    /// DID resolution (`resolve_offline` only).
    pub dids: &'a dyn DidResolver,
}

/// Where the keys of a [`ResolvedKeys`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The trust store's keys for the issuer: trusted by construction.
    TrustStore,
    /// The signer's DID document: trusted only if the trust store trusts the DID (or holds the
    /// same key for the issuer).
    Did(String),
}

/// Candidate keys for one token, and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedKeys {
    /// The keys to try, in order.
    pub keys: Vec<PublicKey>,
    /// Their origin.
    pub origin: KeyOrigin,
}

/// The keys that may have signed a token from `signer` (its `iss`) with `header`:
///
/// - `kid` is a DID URL (or a `#fragment` of a DID `signer`): its DID must be `signer`
///   ([`Error::VcJwtIssuerMismatch`] otherwise) and the method it names must be in `rel` of the
///   DID document;
/// - no `kid` and `signer` is a DID: the document's single method in `rel`;
/// - otherwise the trust store's keys for `signer` and `kid`.
///
/// A `kid` that names nothing is [`Error::VcJwtUnknownKid`]; a non-DID issuer without keys is
/// [`Error::Untrusted`]. DID methods the resolver cannot resolve offline keep its error.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::{did_key, KeyDidResolver, Relationship};
/// use inkan_core::jose::Header;
/// use inkan_core::trust::StaticTrustStore;
/// use inkan_core::vcjwt::{resolve_keys, KeyOrigin, KeySources};
/// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let did = did_key(key.public_key());
/// let trust = StaticTrustStore::builder().build();
/// let sources = KeySources { trust: &trust, dids: &KeyDidResolver };
/// let found = resolve_keys(&Header::default(), &did, Relationship::AssertionMethod, &sources)?;
/// assert_eq!((&found.keys[0], &found.origin), (key.public_key(), &KeyOrigin::Did(did.clone())));
/// let unknown = Header { kid: Some(format!("{did}#nope")), ..Header::default() };
/// let err = resolve_keys(&unknown, &did, Relationship::AssertionMethod, &sources).unwrap_err();
/// assert_eq!(err.code(), "vcjwt.unknown_kid");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn resolve_keys(
    header: &Header,
    signer: &str,
    rel: Relationship,
    sources: &KeySources<'_>,
) -> Result<ResolvedKeys> {
    let kid = header.kid.as_deref();
    let is_did = signer.starts_with("did:");
    let did_url = match kid {
        Some(kid) if kid.starts_with("did:") => Some(kid.to_owned()),
        Some(fragment) if is_did && fragment.starts_with('#') => Some(format!("{signer}{fragment}")),
        None if is_did => Some(signer.to_owned()),
        _ => None,
    };
    if let Some(url) = did_url {
        return by_did(&url, signer, rel, sources);
    }
    let keys = sources.trust.issuer_keys(signer, kid);
    match (keys.is_empty(), kid) {
        (false, _) => Ok(ResolvedKeys {
            keys,
            origin: KeyOrigin::TrustStore,
        }),
        (true, Some(kid)) => Err(Error::VcJwtUnknownKid(format!("no key {kid:?} for {signer:?}"))),
        (true, None) => Err(Error::Untrusted(format!("no trusted key for {signer:?}"))),
    }
}

fn by_did(url: &str, signer: &str, rel: Relationship, sources: &KeySources<'_>) -> Result<ResolvedKeys> {
    let parsed = DidUrl::parse(url).map_err(|e| malformed(format!("kid {url:?}: {e}")))?;
    let did = parsed.did().as_str();
    if did != signer {
        return Err(Error::VcJwtIssuerMismatch(format!(
            "kid {url:?} is a key of {did}, not of {signer:?}"
        )));
    }
    let doc = sources.dids.resolve_offline(did)?;
    let key = doc.key_for(url, rel).map_err(|e| match e {
        Error::DidNotFound(msg) => Error::VcJwtUnknownKid(msg),
        other => other,
    })?;
    Ok(ResolvedKeys {
        keys: vec![key.clone()],
        origin: KeyOrigin::Did(did.to_owned()),
    })
}

impl ResolvedKeys {
    /// Runs `verify` with each key until one succeeds; returns that key and the result, or the
    /// last error.
    pub fn verify_with<T>(&self, mut verify: impl FnMut(&PublicKey) -> Result<T>) -> Result<(PublicKey, T)> {
        let mut last = Error::BadSignature;
        for key in &self.keys {
            match verify(key) {
                Ok(value) => return Ok((key.clone(), value)),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Whether `key` (one of these, which verified the signature) is trusted for `issuer`:
    /// always for trust-store keys; for a DID, if the trust store trusts the DID or files the
    /// same key under the issuer (whatever its `kid` there: the key itself is what is pinned).
    pub fn check_trust(&self, issuer: &str, key: &PublicKey, trust: &dyn TrustStore) -> Result<()> {
        match &self.origin {
            KeyOrigin::TrustStore => Ok(()),
            KeyOrigin::Did(did) if trust.is_trusted_did(did) => Ok(()),
            KeyOrigin::Did(_) if trust.issuer_keys(issuer, None).contains(key) => Ok(()),
            KeyOrigin::Did(did) => Err(Error::Untrusted(format!("{did} is not a trusted issuer"))),
        }
    }
}
