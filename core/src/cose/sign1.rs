//! COSE_Sign1 (RFC 9052 §4.2): one signer, signature through inkan's crypto traits.

use ciborium::Value;
use coset::{AsCborValue, CoseSign1, Header, SignatureContext, sig_structure_data};

use super::{DecodeOptions, TAG_SIGN1};
use crate::crypto::{Algorithm, Signer, Verifier};
use crate::{Error, Result};

/// A decoded or freshly signed COSE_Sign1.
///
/// Decoding keeps the protected header's original bytes; [`Sign1::verify`] signs over them, never
/// over a re-encoding.
///
/// ```
/// use inkan_core::cose::{DecodeOptions, Sign1, Sign1Builder};
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let signed = Sign1Builder::new(b"payload".to_vec()).external_aad(b"ctx".to_vec()).sign(&key)?;
/// let msg = Sign1::decode(&signed.encode(true)?, &DecodeOptions::default())?;
/// assert_eq!(msg.algorithm()?, Algorithm::Es256);
/// msg.verify(key.public_key(), b"ctx")?;
/// assert_eq!(msg.verify(key.public_key(), b"other").unwrap_err().code(), "crypto.bad_signature");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sign1 {
    msg: CoseSign1,
    allow_unprotected_alg: bool,
}

impl Sign1 {
    /// Decodes a COSE_Sign1 (tagged 18 or not, per `options.tag`) from untrusted bytes.
    ///
    /// An algorithm id that COSE has not registered fails here with
    /// [`Error::UnsupportedAlgorithm`]; registered ones inkan cannot verify fail in
    /// [`Sign1::verify`].
    pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<Self> {
        Self::from_value(super::cbor::decode(bytes, &options.limits)?, options)
    }

    /// Builds a COSE_Sign1 from an already decoded CBOR value (e.g. inside a larger structure).
    ///
    /// ```
    /// use inkan_core::cose::{DecodeOptions, Sign1};
    /// let value = ciborium::Value::Tag(17, Box::new(ciborium::Value::Null));
    /// let err = Sign1::from_value(value, &DecodeOptions::default()).unwrap_err();
    /// assert_eq!(err.code(), "cose.wrong_tag");
    /// ```
    pub fn from_value(value: Value, options: &DecodeOptions) -> Result<Self> {
        let value = super::untag(value, TAG_SIGN1, options.tag)?;
        let mut parts = super::split(value, 4, &options.limits)?;
        let (Some(Value::Bytes(signature)), Some(payload)) = (parts.rest.pop(), parts.rest.pop()) else {
            return Err(Error::CoseMalformed("the signature must be a bstr".into()));
        };
        let payload = match payload {
            Value::Bytes(b) => Some(b),
            Value::Null => None,
            _ => return Err(Error::CoseMalformed("the payload must be a bstr or nil".into())),
        };
        Ok(Self {
            msg: CoseSign1 {
                protected: parts.protected,
                unprotected: parts.unprotected,
                payload,
                signature,
            },
            allow_unprotected_alg: options.allow_unprotected_alg,
        })
    }

    /// The signature algorithm named by the protected header.
    ///
    /// Fails with [`Error::CoseMalformed`] when there is none (or it is only unprotected and
    /// that was not allowed) and [`Error::UnsupportedAlgorithm`] when inkan cannot verify it.
    pub fn algorithm(&self) -> Result<Algorithm> {
        let id = super::algorithm_id(
            &self.msg.protected.header,
            &self.msg.unprotected,
            self.allow_unprotected_alg,
        )?;
        Algorithm::from_cose_id(id)
    }

    /// The key id (`kid`, label 4), protected header first.
    pub fn kid(&self) -> Option<&[u8]> {
        super::key_id(&self.msg.protected.header, &self.msg.unprotected)
    }

    /// The `x5chain` certificates (DER, leaf first); empty when there is none.
    ///
    /// ```
    /// use inkan_core::cose::Sign1Builder;
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
    /// let msg = Sign1Builder::new(vec![]).x5chain(vec![vec![0x30, 0x00]]).sign(&key)?;
    /// assert_eq!(msg.x5chain()?, vec![&[0x30, 0x00][..]]);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn x5chain(&self) -> Result<Vec<&[u8]>> {
        super::x5chain(&self.msg.protected.header, &self.msg.unprotected)
    }

    /// The attached payload, or `None` when it is detached.
    pub fn payload(&self) -> Option<&[u8]> {
        self.msg.payload.as_deref()
    }

    /// The protected header, as decoded.
    pub fn protected(&self) -> &Header {
        &self.msg.protected.header
    }

    /// The unprotected header.
    pub fn unprotected(&self) -> &Header {
        &self.msg.unprotected
    }

    /// The underlying coset message (the protected header keeps its original bytes).
    pub fn as_coset(&self) -> &CoseSign1 {
        &self.msg
    }

    /// The `Sig_structure` bytes that are signed (RFC 9052 §4.4), for the attached payload or,
    /// when the payload is detached, for `detached`.
    ///
    /// ```
    /// use inkan_core::cose::Sign1Builder;
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
    /// let msg = Sign1Builder::new(b"p".to_vec()).detached().sign(&key)?;
    /// assert!(msg.to_be_signed(b"", None).is_err());
    /// assert_eq!(msg.to_be_signed(b"", Some(b"p"))?[..12], *b"\x84\x6aSignature1");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_be_signed(&self, external_aad: &[u8], detached: Option<&[u8]>) -> Result<Vec<u8>> {
        let payload = super::select_payload(self.msg.payload.as_deref(), detached)?;
        Ok(sig_structure_data(
            SignatureContext::CoseSign1,
            super::structure_protected(&self.msg.protected),
            None,
            external_aad,
            payload,
        ))
    }

    /// Verifies the signature over the attached payload with `key`.
    ///
    /// The algorithm comes from the protected header; `key` refuses it with
    /// [`Error::AlgorithmKeyMismatch`] if it does not fit, and a bad signature is
    /// [`Error::BadSignature`].
    pub fn verify(&self, key: &dyn Verifier, external_aad: &[u8]) -> Result<()> {
        self.verify_inner(key, external_aad, None)
    }

    /// Verifies the signature over a detached payload.
    ///
    /// ```
    /// use inkan_core::cose::{DecodeOptions, Sign1, Sign1Builder};
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// let key = SoftwareKey::generate(Algorithm::Es384)?;
    /// let bytes = Sign1Builder::new(b"big file".to_vec()).detached().sign(&key)?.encode(false)?;
    /// let msg = Sign1::decode(&bytes, &DecodeOptions::default())?;
    /// assert_eq!(msg.payload(), None);
    /// msg.verify_detached(key.public_key(), b"big file", b"")?;
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn verify_detached(&self, key: &dyn Verifier, payload: &[u8], external_aad: &[u8]) -> Result<()> {
        self.verify_inner(key, external_aad, Some(payload))
    }

    fn verify_inner(&self, key: &dyn Verifier, aad: &[u8], detached: Option<&[u8]>) -> Result<()> {
        let alg = self.algorithm()?;
        let tbs = self.to_be_signed(aad, detached)?;
        key.verify(alg, &tbs, &self.msg.signature)
    }

    /// Encodes the message, with tag 18 when `tagged`.
    pub fn encode(&self, tagged: bool) -> Result<Vec<u8>> {
        super::encode_message(self.to_value()?, tagged.then_some(TAG_SIGN1))
    }

    /// The untagged message as a CBOR value (to embed in a larger structure).
    pub fn to_value(&self) -> Result<Value> {
        self.msg.clone().to_cbor_value().map_err(super::cose_error)
    }
}

/// Builds and signs a COSE_Sign1.
///
/// The algorithm always goes into the protected header; `kid` and `x5chain` go into the
/// unprotected header (as ISO 18013-5 places `x5chain`) unless given in
/// [`Sign1Builder::protected`].
///
/// ```
/// use inkan_core::cose::{coset::HeaderBuilder, Sign1Builder};
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let msg = Sign1Builder::new(b"x".to_vec())
///     .protected(HeaderBuilder::new().content_type("application/cwt".into()).build())
///     .kid(b"key-1".to_vec())
///     .sign(&key)?;
/// assert_eq!(msg.kid(), Some(&b"key-1"[..]));
/// assert!(msg.protected().content_type.is_some());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Sign1Builder {
    protected: Header,
    unprotected: Header,
    payload: Vec<u8>,
    detached: bool,
    external_aad: Vec<u8>,
    kid: Option<Vec<u8>>,
    x5chain: Vec<Vec<u8>>,
}

impl Sign1Builder {
    /// Starts a message over `payload`.
    pub fn new(payload: Vec<u8>) -> Self {
        Self {
            payload,
            ..Self::default()
        }
    }

    /// Extra protected header parameters (`alg` is set by [`Sign1Builder::sign`]).
    pub fn protected(mut self, header: Header) -> Self {
        self.protected = header;
        self
    }

    /// Extra unprotected header parameters (must not include `alg`).
    pub fn unprotected(mut self, header: Header) -> Self {
        self.unprotected = header;
        self
    }

    /// Sets the key id (unprotected header).
    pub fn kid(mut self, kid: Vec<u8>) -> Self {
        self.kid = Some(kid);
        self
    }

    /// Sets the certificate chain (DER, leaf first) as `x5chain` in the unprotected header.
    pub fn x5chain(mut self, certs: Vec<Vec<u8>>) -> Self {
        self.x5chain = certs;
        self
    }

    /// Sets external additional authenticated data (signed, not sent).
    pub fn external_aad(mut self, aad: Vec<u8>) -> Self {
        self.external_aad = aad;
        self
    }

    /// Leaves the payload out of the message (it is still signed).
    pub fn detached(mut self) -> Self {
        self.detached = true;
        self
    }

    /// Signs with `signer`, whose algorithm goes into the protected header.
    pub fn sign(self, signer: &dyn Signer) -> Result<Sign1> {
        let id = signer.algorithm().cose_id();
        let mut protected = self.protected;
        protected.alg = Some(
            super::algorithm_label(id).ok_or_else(|| Error::UnsupportedAlgorithm(format!("COSE {id}")))?,
        );
        let mut unprotected = self.unprotected;
        if unprotected.alg.is_some() {
            return Err(Error::CoseMalformed("alg belongs in the protected header".into()));
        }
        if let Some(kid) = self.kid {
            unprotected.key_id = kid;
        }
        super::set_x5chain(&mut unprotected, self.x5chain);
        super::check_builder_headers(&protected, &unprotected)?;
        let mut sign1 = Sign1 {
            msg: CoseSign1 {
                protected: super::seal_protected(protected)?,
                unprotected,
                payload: Some(self.payload),
                signature: Vec::new(),
            },
            allow_unprotected_alg: false,
        };
        let tbs = sign1.to_be_signed(&self.external_aad, None)?;
        sign1.msg.signature = signer.sign(&tbs)?;
        if self.detached {
            sign1.msg.payload = None;
        }
        Ok(sign1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cose::TagPolicy;
    use crate::crypto::SoftwareKey;
    use proptest::prelude::*;

    fn opts() -> DecodeOptions {
        DecodeOptions::default()
    }

    #[test]
    fn round_trip_every_algorithm_tagged_and_untagged() {
        for alg in [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384] {
            let key = SoftwareKey::generate(alg).unwrap();
            let msg = Sign1Builder::new(b"data".to_vec())
                .kid(b"k".to_vec())
                .x5chain(vec![vec![1, 2], vec![3]])
                .external_aad(b"aad".to_vec())
                .sign(&key)
                .unwrap();
            for tagged in [true, false] {
                let back = Sign1::decode(&msg.encode(tagged).unwrap(), &opts()).unwrap();
                back.verify(key.public_key(), b"aad").unwrap();
                assert_eq!(back.x5chain().unwrap(), vec![&[1u8, 2][..], &[3u8][..]]);
                assert_eq!(back.kid(), Some(&b"k"[..]));
                assert_eq!(back.algorithm().unwrap(), alg);
            }
        }
    }

    #[test]
    fn wrong_key_tag_and_alg_mismatch() {
        let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let ed = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let msg = Sign1Builder::new(b"data".to_vec()).sign(&key).unwrap();
        assert_eq!(msg.verify(other.public_key(), b""), Err(Error::BadSignature));
        assert_eq!(
            msg.verify(ed.public_key(), b"").unwrap_err().code(),
            "crypto.alg_key_mismatch"
        );
        let untagged = msg.encode(false).unwrap();
        let required = DecodeOptions {
            tag: TagPolicy::Required,
            ..opts()
        };
        assert_eq!(
            Sign1::decode(&untagged, &required).unwrap_err().code(),
            "cose.malformed"
        );
        let mut mac_tagged = vec![0xd1];
        mac_tagged.extend_from_slice(&untagged);
        assert_eq!(
            Sign1::decode(&mac_tagged, &opts()),
            Err(Error::CoseWrongTag {
                expected: 18,
                found: 17
            })
        );
    }

    #[test]
    fn original_protected_bytes_are_verified_not_a_reencoding() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        // Protected header {1: -8} with a non-shortest head for the map (0xb9 0x00 0x01).
        let protected = vec![0xb9, 0x00, 0x01, 0x01, 0x27];
        let tbs = sig_structure_data(
            SignatureContext::CoseSign1,
            coset::ProtectedHeader {
                original_data: Some(protected.clone()),
                header: Header::default(),
            },
            None,
            b"",
            b"p",
        );
        let sig = key.sign(&tbs).unwrap();
        let value = Value::Array(vec![
            Value::Bytes(protected),
            Value::Map(vec![]),
            Value::Bytes(b"p".to_vec()),
            Value::Bytes(sig),
        ]);
        let bytes = crate::cose::cbor::encode(&value).unwrap();
        let msg = Sign1::decode(&bytes, &opts()).unwrap();
        msg.verify(key.public_key(), b"").unwrap();
        assert_eq!(msg.encode(false).unwrap(), bytes);
    }

    #[test]
    fn malformed_shapes() {
        let code = |v: Value| {
            let bytes = crate::cose::cbor::encode(&v).unwrap();
            Sign1::decode(&bytes, &opts()).unwrap_err().code()
        };
        let b = |x: &[u8]| Value::Bytes(x.to_vec());
        let m = Value::Map(vec![]);
        assert_eq!(
            code(Value::Array(vec![b(b""), m.clone(), b(b"")])),
            "cose.malformed"
        );
        assert_eq!(
            code(Value::Array(vec![m.clone(), m.clone(), b(b""), b(b"")])),
            "cose.malformed"
        );
        assert_eq!(
            code(Value::Array(vec![b(b""), m.clone(), 1.into(), b(b"")])),
            "cose.malformed"
        );
        assert_eq!(
            code(Value::Array(vec![b(b""), m.clone(), b(b""), Value::Null])),
            "cose.malformed"
        );
        assert_eq!(
            code(Value::Array(vec![b(&[0x01]), m.clone(), b(b""), b(b"")])),
            "cose.malformed"
        );
        assert_eq!(
            code(Value::Array(vec![b(&[0xa1, 0x01]), m, b(b""), b(b"")])),
            "cbor.malformed"
        );
        // alg in both buckets
        let alg = Value::Map(vec![(1.into(), (-7).into())]);
        let p = crate::cose::cbor::encode(&alg).unwrap();
        assert_eq!(
            code(Value::Array(vec![b(&p), alg, b(b""), b(b"")])),
            "cose.malformed"
        );
    }

    #[test]
    fn builder_refuses_unprotected_alg() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let header = coset::HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::EdDSA)
            .build();
        let err = Sign1Builder::new(vec![])
            .unprotected(header)
            .sign(&key)
            .unwrap_err();
        assert_eq!(err.code(), "cose.malformed");
        let dup = coset::HeaderBuilder::new().key_id(b"a".to_vec()).build();
        let err = Sign1Builder::new(vec![])
            .protected(dup)
            .kid(b"b".to_vec())
            .sign(&key)
            .unwrap_err();
        assert_eq!(err.code(), "cose.malformed");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(msg) = Sign1::decode(&bytes, &opts()) {
                let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
                let _ = (msg.verify(key.public_key(), b""), msg.x5chain(), msg.encode(true));
            }
        }

        #[test]
        fn arbitrary_payloads_round_trip(payload in proptest::collection::vec(any::<u8>(), 0..64)) {
            let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
            let msg = Sign1Builder::new(payload.clone()).sign(&key).unwrap();
            let back = Sign1::decode(&msg.encode(true).unwrap(), &opts()).unwrap();
            back.verify(key.public_key(), b"").unwrap();
            prop_assert_eq!(back.payload(), Some(payload.as_slice()));
        }
    }
}
