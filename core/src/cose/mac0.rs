//! COSE_Mac0 (RFC 9052 §6.2) with HMAC (RFC 9053 §3.1).

use ciborium::Value;
use coset::{AsCborValue, CoseMac0, Header, MacContext, mac_structure_data};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use super::{DecodeOptions, TAG_MAC0};
use crate::{Error, Result};

/// A COSE MAC algorithm (RFC 9053 §3.1).
///
/// ```
/// use inkan_core::cose::MacAlgorithm;
/// assert_eq!(MacAlgorithm::from_cose_id(4)?, MacAlgorithm::Hmac256_64);
/// assert_eq!(MacAlgorithm::Hmac256_64.tag_len(), 8);
/// assert_eq!(MacAlgorithm::from_cose_id(-7).unwrap_err().code(), "crypto.unsupported_algorithm");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MacAlgorithm {
    /// HMAC-SHA-256 truncated to 64 bits (COSE 4).
    Hmac256_64,
    /// HMAC-SHA-256 (COSE 5, "HMAC 256/256").
    Hmac256,
    /// HMAC-SHA-384 (COSE 6).
    Hmac384,
    /// HMAC-SHA-512 (COSE 7).
    Hmac512,
}

impl MacAlgorithm {
    const ALL: [MacAlgorithm; 4] = [
        MacAlgorithm::Hmac256_64,
        MacAlgorithm::Hmac256,
        MacAlgorithm::Hmac384,
        MacAlgorithm::Hmac512,
    ];

    /// The COSE algorithm id.
    pub fn cose_id(self) -> i64 {
        match self {
            MacAlgorithm::Hmac256_64 => 4,
            MacAlgorithm::Hmac256 => 5,
            MacAlgorithm::Hmac384 => 6,
            MacAlgorithm::Hmac512 => 7,
        }
    }

    /// Parses a COSE algorithm id.
    pub fn from_cose_id(id: i64) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.cose_id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("COSE MAC algorithm {id}")))
    }

    /// Length of the tag in bytes.
    pub fn tag_len(self) -> usize {
        match self {
            MacAlgorithm::Hmac256_64 => 8,
            MacAlgorithm::Hmac256 => 32,
            MacAlgorithm::Hmac384 => 48,
            MacAlgorithm::Hmac512 => 64,
        }
    }

    /// Shortest key accepted: the hash output length (RFC 9053 §3.1 sizes keys that way), so a
    /// short or empty key cannot slip through.
    pub fn min_key_len(self) -> usize {
        match self {
            MacAlgorithm::Hmac256_64 | MacAlgorithm::Hmac256 => 32,
            MacAlgorithm::Hmac384 => 48,
            MacAlgorithm::Hmac512 => 64,
        }
    }

    fn check_key(self, key: &[u8]) -> Result<()> {
        if key.len() < self.min_key_len() {
            return Err(Error::key(format!(
                "HMAC key of {} bytes is shorter than {}",
                key.len(),
                self.min_key_len()
            )));
        }
        Ok(())
    }

    /// Computes the (truncated) tag over `data`.
    fn tag(self, key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
        self.check_key(key)?;
        let mut full = match self {
            MacAlgorithm::Hmac256_64 | MacAlgorithm::Hmac256 => full_tag::<Hmac<Sha256>>(key, data)?,
            MacAlgorithm::Hmac384 => full_tag::<Hmac<Sha384>>(key, data)?,
            MacAlgorithm::Hmac512 => full_tag::<Hmac<Sha512>>(key, data)?,
        };
        full.truncate(self.tag_len());
        Ok(full)
    }

    /// Checks `tag` in constant time; its length must be exactly [`MacAlgorithm::tag_len`].
    fn verify(self, key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
        self.check_key(key)?;
        if tag.len() != self.tag_len() {
            return Err(Error::MacMismatch);
        }
        match self {
            MacAlgorithm::Hmac256_64 | MacAlgorithm::Hmac256 => check_tag::<Hmac<Sha256>>(key, data, tag),
            MacAlgorithm::Hmac384 => check_tag::<Hmac<Sha384>>(key, data, tag),
            MacAlgorithm::Hmac512 => check_tag::<Hmac<Sha512>>(key, data, tag),
        }
    }
}

fn keyed<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<M> {
    let mut mac = <M as Mac>::new_from_slice(key).map_err(|_| Error::key("invalid HMAC key"))?;
    mac.update(data);
    Ok(mac)
}

fn full_tag<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>> {
    Ok(keyed::<M>(key, data)?.finalize().into_bytes().to_vec())
}

fn check_tag<M: Mac + KeyInit>(key: &[u8], data: &[u8], tag: &[u8]) -> Result<()> {
    // Constant-time comparison of the leftmost tag.len() bytes (the RFC 9053 truncation).
    keyed::<M>(key, data)?
        .verify_truncated_left(tag)
        .map_err(|_| Error::MacMismatch)
}

/// A decoded or freshly created COSE_Mac0.
///
/// ```
/// use inkan_core::cose::{DecodeOptions, Mac0, Mac0Builder, MacAlgorithm};
/// let key = [7u8; 32];
/// let bytes = Mac0Builder::new(b"data".to_vec()).create(MacAlgorithm::Hmac256, &key)?.encode(true)?;
/// let msg = Mac0::decode(&bytes, &DecodeOptions::default())?;
/// msg.verify(&key, b"")?;
/// assert_eq!(msg.verify(&[8u8; 32], b"").unwrap_err().code(), "cose.mac_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mac0 {
    msg: CoseMac0,
    allow_unprotected_alg: bool,
}

impl Mac0 {
    /// Decodes a COSE_Mac0 (tagged 17 or not, per `options.tag`) from untrusted bytes.
    pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<Self> {
        Self::from_value(super::cbor::decode(bytes, &options.limits)?, options)
    }

    /// Builds a COSE_Mac0 from an already decoded CBOR value.
    pub fn from_value(value: Value, options: &DecodeOptions) -> Result<Self> {
        let value = super::untag(value, TAG_MAC0, options.tag)?;
        let mut parts = super::split(value, 4, &options.limits)?;
        let (Some(Value::Bytes(tag)), Some(payload)) = (parts.rest.pop(), parts.rest.pop()) else {
            return Err(Error::CoseMalformed("the tag must be a bstr".into()));
        };
        let payload = match payload {
            Value::Bytes(b) => Some(b),
            Value::Null => None,
            _ => return Err(Error::CoseMalformed("the payload must be a bstr or nil".into())),
        };
        Ok(Self {
            msg: CoseMac0 {
                protected: parts.protected,
                unprotected: parts.unprotected,
                payload,
                tag,
            },
            allow_unprotected_alg: options.allow_unprotected_alg,
        })
    }

    /// The MAC algorithm named by the protected header.
    pub fn algorithm(&self) -> Result<MacAlgorithm> {
        let id = super::algorithm_id(
            &self.msg.protected.header,
            &self.msg.unprotected,
            self.allow_unprotected_alg,
        )?;
        MacAlgorithm::from_cose_id(id)
    }

    /// The key id (`kid`), protected header first.
    pub fn kid(&self) -> Option<&[u8]> {
        super::key_id(&self.msg.protected.header, &self.msg.unprotected)
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

    /// The underlying coset message.
    pub fn as_coset(&self) -> &CoseMac0 {
        &self.msg
    }

    /// The `MAC_structure` bytes the tag covers (RFC 9052 §6.3).
    ///
    /// ```
    /// use inkan_core::cose::{Mac0Builder, MacAlgorithm};
    /// let msg = Mac0Builder::new(b"p".to_vec()).create(MacAlgorithm::Hmac256, &[1; 32])?;
    /// assert_eq!(msg.to_be_maced(b"", None)?[..6], *b"\x84\x64MAC0");
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_be_maced(&self, external_aad: &[u8], detached: Option<&[u8]>) -> Result<Vec<u8>> {
        let payload = super::select_payload(self.msg.payload.as_deref(), detached)?;
        Ok(mac_structure_data(
            MacContext::CoseMac0,
            super::structure_protected(&self.msg.protected),
            external_aad,
            payload,
        ))
    }

    /// Verifies the tag over the attached payload with the symmetric `key`.
    pub fn verify(&self, key: &[u8], external_aad: &[u8]) -> Result<()> {
        self.verify_inner(key, external_aad, None)
    }

    /// Verifies the tag over a detached payload.
    pub fn verify_detached(&self, key: &[u8], payload: &[u8], external_aad: &[u8]) -> Result<()> {
        self.verify_inner(key, external_aad, Some(payload))
    }

    fn verify_inner(&self, key: &[u8], aad: &[u8], detached: Option<&[u8]>) -> Result<()> {
        let alg = self.algorithm()?;
        alg.verify(key, &self.to_be_maced(aad, detached)?, &self.msg.tag)
    }

    /// Encodes the message, with tag 17 when `tagged`.
    pub fn encode(&self, tagged: bool) -> Result<Vec<u8>> {
        let value = self.msg.clone().to_cbor_value().map_err(super::cose_error)?;
        super::encode_message(value, tagged.then_some(TAG_MAC0))
    }
}

/// Builds a COSE_Mac0; the algorithm goes into the protected header.
///
/// ```
/// use inkan_core::cose::{Mac0Builder, MacAlgorithm};
/// let msg = Mac0Builder::new(b"p".to_vec()).kid(b"our-secret".to_vec())
///     .create(MacAlgorithm::Hmac256_64, &[0x40; 32])?;
/// assert_eq!(msg.as_coset().tag.len(), 8);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Mac0Builder {
    protected: Header,
    unprotected: Header,
    payload: Vec<u8>,
    detached: bool,
    external_aad: Vec<u8>,
}

impl Mac0Builder {
    /// Starts a message over `payload`.
    pub fn new(payload: Vec<u8>) -> Self {
        Self {
            payload,
            ..Self::default()
        }
    }

    /// Extra protected header parameters (`alg` is set by [`Mac0Builder::create`]).
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
        self.unprotected.key_id = kid;
        self
    }

    /// Sets external additional authenticated data.
    pub fn external_aad(mut self, aad: Vec<u8>) -> Self {
        self.external_aad = aad;
        self
    }

    /// Leaves the payload out of the message (it is still MACed).
    pub fn detached(mut self) -> Self {
        self.detached = true;
        self
    }

    /// Computes the tag with `alg` under `key`.
    pub fn create(self, alg: MacAlgorithm, key: &[u8]) -> Result<Mac0> {
        let mut protected = self.protected;
        protected.alg = super::algorithm_label(alg.cose_id());
        if self.unprotected.alg.is_some() {
            return Err(Error::CoseMalformed("alg belongs in the protected header".into()));
        }
        super::check_builder_headers(&protected, &self.unprotected)?;
        let mut mac0 = Mac0 {
            msg: CoseMac0 {
                protected: super::seal_protected(protected)?,
                unprotected: self.unprotected,
                payload: Some(self.payload),
                tag: Vec::new(),
            },
            allow_unprotected_alg: false,
        };
        mac0.msg.tag = alg.tag(key, &mac0.to_be_maced(&self.external_aad, None)?)?;
        if self.detached {
            mac0.msg.payload = None;
        }
        Ok(mac0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_algorithm_round_trips_and_rejects_tampering() {
        for alg in MacAlgorithm::ALL {
            let key = vec![0x11; alg.min_key_len()];
            let msg = Mac0Builder::new(b"data".to_vec())
                .external_aad(b"aad".to_vec())
                .create(alg, &key)
                .unwrap();
            assert_eq!(msg.as_coset().tag.len(), alg.tag_len());
            let back = Mac0::decode(&msg.encode(true).unwrap(), &DecodeOptions::default()).unwrap();
            back.verify(&key, b"aad").unwrap();
            assert_eq!(back.verify(&key, b"other"), Err(Error::MacMismatch));
            let mut wrong = key.clone();
            wrong[0] ^= 1;
            assert_eq!(back.verify(&wrong, b"aad"), Err(Error::MacMismatch));
        }
    }

    #[test]
    fn short_keys_and_truncated_tags_are_refused() {
        let alg = MacAlgorithm::Hmac256;
        assert_eq!(
            Mac0Builder::new(vec![]).create(alg, &[1; 16]).unwrap_err().code(),
            "crypto.invalid_key"
        );
        let msg = Mac0Builder::new(b"x".to_vec()).create(alg, &[1; 32]).unwrap();
        let mut short = msg.clone();
        short.msg.tag.truncate(8);
        assert_eq!(short.verify(&[1; 32], b""), Err(Error::MacMismatch));
        short.msg.tag.clear();
        assert_eq!(short.verify(&[1; 32], b""), Err(Error::MacMismatch));
    }

    #[test]
    fn detached_payload() {
        let msg = Mac0Builder::new(b"x".to_vec())
            .detached()
            .create(MacAlgorithm::Hmac256, &[1; 32])
            .unwrap();
        assert_eq!(msg.payload(), None);
        assert_eq!(msg.verify(&[1; 32], b"").unwrap_err().code(), "cose.malformed");
        msg.verify_detached(&[1; 32], b"x", b"").unwrap();
        assert_eq!(msg.verify_detached(&[1; 32], b"y", b""), Err(Error::MacMismatch));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(msg) = Mac0::decode(&bytes, &DecodeOptions::default()) {
                let _ = msg.verify(&[0; 32], b"");
            }
        }

        #[test]
        fn payloads_round_trip(payload in proptest::collection::vec(any::<u8>(), 0..64)) {
            let msg = Mac0Builder::new(payload.clone()).create(MacAlgorithm::Hmac256, &[3; 32]).unwrap();
            let back = Mac0::decode(&msg.encode(false).unwrap(), &DecodeOptions::default()).unwrap();
            back.verify(&[3; 32], b"").unwrap();
            prop_assert_eq!(back.payload(), Some(payload.as_slice()));
        }
    }
}
