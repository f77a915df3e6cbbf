//! The pure DID methods: `did:key` (did:key spec v0.9, Multikey) and `did:jwk` (did:jwk spec).
//! Both identifiers carry the key itself, so resolution needs no I/O.

use serde_json::json;

use super::Did;
use super::document::{DidDocument, Relationship, VerificationMethod};
use crate::crypto::{Jwk, PublicKey, PublicKeyData};
use crate::encoding::{b64url_decode, b64url_encode, multikey_decode, multikey_encode};
use crate::{Error, Result};

/// The Multikey vocabulary context, added to did:key documents.
const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";
/// The JsonWebKey2020 context, added to did:jwk documents.
const JWS_2020_CONTEXT: &str = "https://w3id.org/security/suites/jws-2020/v1";

/// The `did:key` of a public key: `did:key:` + its Multikey value.
///
/// ```
/// use inkan_core::crypto::{Jwk, PublicKey};
/// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519",
///   "x":"Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}"#)?;
/// let did = inkan_core::did::did_key(&PublicKey::from_jwk(&jwk)?);
/// assert_eq!(did, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn did_key(key: &PublicKey) -> String {
    format!("did:key:{}", multikey_encode(key.data()))
}

/// The `did:jwk` of a public key: `did:jwk:` + base64url of its JWK.
///
/// The JWK holds only the members RFC 7638 requires, in lexicographic order (the form of the
/// spec's own P-256 example), so the same key always yields the same DID.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::{did_jwk, resolve_key};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let did = did_jwk(key.public_key());
/// assert_eq!(&resolve_key(&format!("{did}#0"))?, key.public_key());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn did_jwk(key: &PublicKey) -> String {
    let jwk = key.to_jwk();
    let canonical = match key.data() {
        PublicKeyData::Ed25519(_) => json!({"crv": jwk.crv, "kty": jwk.kty, "x": jwk.x}),
        PublicKeyData::P256(_) | PublicKeyData::P384(_) => {
            json!({"crv": jwk.crv, "kty": jwk.kty, "x": jwk.x, "y": jwk.y})
        }
        PublicKeyData::Rsa { .. } => json!({"e": jwk.e, "kty": jwk.kty, "n": jwk.n}),
    };
    format!("did:jwk:{}", b64url_encode(canonical.to_string()))
}

/// Resolves a `did:key`: one `Multikey` method, fragment = the multibase value, in the four
/// signing relationships.
///
/// The spec's optional X25519 key agreement method derived from Ed25519 keys
/// (`enableEncryptionKeyDerivation`, off by default) is not produced.
pub(crate) fn resolve_did_key(did: &Did) -> Result<DidDocument> {
    let multibase = did.method_specific_id();
    if !multibase.starts_with('z') {
        return Err(Error::DidMalformed(
            "a did:key is base58btc multibase (\"z…\")".into(),
        ));
    }
    let key = PublicKey::new(multikey_decode(multibase)?)?;
    let mut doc = DidDocument::new(did.clone(), &[MULTIKEY_CONTEXT]);
    let method = VerificationMethod::multikey(format!("{did}#{multibase}"), did.to_string(), key);
    doc.add_method(method, &Relationship::SIGNING);
    Ok(doc)
}

/// Resolves a `did:jwk`: one `JsonWebKey2020` method `#0` holding the decoded JWK, in the
/// relationships its `use` allows (`sig`: the four signing ones; `enc`: only `keyAgreement`;
/// absent: all five).
pub(crate) fn resolve_did_jwk(did: &Did) -> Result<DidDocument> {
    let json = b64url_decode(did.method_specific_id())?;
    let text = std::str::from_utf8(&json)
        .map_err(|_| Error::DidMalformed("did:jwk does not hold UTF-8 JSON".into()))?;
    let jwk = Jwk::from_json(text)?;
    if jwk.is_private() {
        return Err(Error::InvalidKey(
            "a did:jwk must not contain a private key".into(),
        ));
    }
    let relationships: &[Relationship] = match jwk.use_.as_deref() {
        None => &Relationship::ALL,
        Some("sig") => &Relationship::SIGNING,
        Some("enc") => &[Relationship::KeyAgreement],
        Some(other) => return Err(Error::InvalidKey(format!("unknown JWK \"use\": {other:?}"))),
    };
    let key = PublicKey::from_jwk(&jwk)?;
    let mut doc = DidDocument::new(did.clone(), &[JWS_2020_CONTEXT]);
    let method = VerificationMethod::json_web_key(format!("{did}#0"), did.to_string(), jwk, key);
    doc.add_method(method, relationships);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Algorithm, KeyType, SoftwareKey};
    use crate::did::{DidResolver, KeyDidResolver};
    use proptest::prelude::*;

    fn resolve(did: &str) -> Result<DidDocument> {
        KeyDidResolver.resolve_offline(did)
    }

    #[test]
    fn every_key_type_round_trips_through_both_methods() {
        for alg in [
            Algorithm::EdDsa,
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::Ps256,
        ] {
            let key = SoftwareKey::generate(alg).unwrap().public_key().clone();
            for did in [did_key(&key), did_jwk(&key)] {
                let doc = resolve(&did).unwrap();
                assert_eq!(doc.resolve_key(&did).unwrap(), &key, "{did}");
                assert_eq!(doc.key_for(&did, Relationship::AssertionMethod).unwrap(), &key);
                assert_eq!(crate::did::resolve_key(&did).unwrap(), key);
            }
        }
    }

    #[test]
    fn did_key_document_shape() {
        let key = SoftwareKey::generate(Algorithm::EdDsa)
            .unwrap()
            .public_key()
            .clone();
        let did = did_key(&key);
        let mb = did.trim_start_matches("did:key:");
        let json = resolve(&did).unwrap().to_json();
        let vm_id = format!("{did}#{mb}");
        assert_eq!(
            json,
            json!({
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": did,
                "verificationMethod": [{"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}],
                "authentication": [vm_id], "assertionMethod": [vm_id],
                "capabilityInvocation": [vm_id], "capabilityDelegation": [vm_id],
            })
        );
        let err = resolve(&format!("{did}0")).unwrap_err();
        assert_eq!(err.code(), "encoding.bad_multibase", "{err}");
        assert_eq!(
            resolve(&format!("{did}#other"))
                .unwrap()
                .resolve_key(&format!("{did}#other"))
                .unwrap_err()
                .code(),
            "did.not_found"
        );
        assert_eq!(resolve("did:key:uAAA").unwrap_err().code(), "did.malformed");
    }

    #[test]
    fn did_jwk_use_selects_relationships() {
        let key = SoftwareKey::generate(Algorithm::Es256)
            .unwrap()
            .public_key()
            .clone();
        let mut jwk = key.to_jwk();
        jwk.use_ = Some("sig".into());
        let did = format!("did:jwk:{}", b64url_encode(jwk.to_json()));
        let doc = resolve(&did).unwrap();
        assert!(doc.relationship(Relationship::KeyAgreement).is_empty());
        assert_eq!(doc.relationship(Relationship::AssertionMethod).len(), 1);
        jwk.use_ = Some("enc".into());
        let did = format!("did:jwk:{}", b64url_encode(jwk.to_json()));
        let doc = resolve(&did).unwrap();
        assert!(doc.relationship(Relationship::AssertionMethod).is_empty());
        assert_eq!(doc.key_for(&did, Relationship::KeyAgreement).unwrap(), &key);
        assert_eq!(
            doc.key_for(&did, Relationship::AssertionMethod)
                .unwrap_err()
                .code(),
            "did.not_found"
        );
        jwk.use_ = Some("other".into());
        let did = format!("did:jwk:{}", b64url_encode(jwk.to_json()));
        assert_eq!(resolve(&did).unwrap_err().code(), "crypto.invalid_key");
    }

    #[test]
    fn did_jwk_rejections() {
        let sk = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let private = format!("did:jwk:{}", b64url_encode(sk.to_jwk().unwrap().to_json()));
        assert_eq!(resolve(&private).unwrap_err().code(), "crypto.invalid_key");
        let not_utf8 = format!("did:jwk:{}", b64url_encode([0xff, 0xfe]));
        assert_eq!(resolve(&not_utf8).unwrap_err().code(), "did.malformed");
        let not_json = format!("did:jwk:{}", b64url_encode("{"));
        assert_eq!(resolve(&not_json).unwrap_err().code(), "crypto.invalid_key");
        assert_eq!(resolve("did:jwk:e30.").unwrap_err().code(), "encoding.bad_base64");
        assert_eq!(
            resolve("did:web:example.com").unwrap_err().code(),
            "did.unsupported_method"
        );
    }

    #[test]
    fn did_jwk_is_canonical() {
        let key = SoftwareKey::generate(Algorithm::Es384)
            .unwrap()
            .public_key()
            .clone();
        let did = did_jwk(&key);
        let json = String::from_utf8(b64url_decode(did.trim_start_matches("did:jwk:")).unwrap()).unwrap();
        assert!(json.starts_with(r#"{"crv":"P-384","kty":"EC","x":""#), "{json}");
        assert_eq!(key.key_type(), KeyType::P384);
    }

    proptest! {
        #[test]
        fn arbitrary_ids_never_panic(id in "[zu]?[A-Za-z0-9._-]{0,80}") {
            for method in ["key", "jwk"] {
                let did = format!("did:{method}:{id}");
                let _ = resolve(&did);
                let _ = crate::did::resolve_key(&format!("{did}#0"));
            }
        }

        #[test]
        fn arbitrary_json_in_did_jwk_never_panics(json in "\\{\\PC{0,60}\\}") {
            let _ = resolve(&format!("did:jwk:{}", b64url_encode(&json)));
        }
    }
}
