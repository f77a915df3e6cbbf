//! [`VerifyRequest`]: one credential to check, with what the caller expects of it.

use std::fmt;

use inkan_core::crypto::{Jwk, PublicKey};
use zeroize::Zeroizing;

/// The input of a verification, as the caller has it.
///
/// ```
/// use inkan_verifier::Input;
/// assert_eq!(Input::Bytes(b" NCF \n".to_vec()).as_ref().text(), Some("NCF"));
/// assert_eq!(Input::Bytes(vec![0x89, b'P', b'N', b'G']).as_ref().text(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Raw bytes: a file's content, an image, CBOR.
    Bytes(Vec<u8>),
    /// Text: a QR code's content, a JWT, JSON.
    Text(String),
}

impl Input {
    /// A borrowed view for format modules.
    pub fn as_ref(&self) -> InputRef<'_> {
        match self {
            Input::Bytes(b) => InputRef::Bytes(b),
            Input::Text(t) => InputRef::Text(t),
        }
    }
}

/// A borrowed [`Input`]: what format modules detect and verify.
///
/// ```
/// use inkan_verifier::InputRef;
/// let input = InputRef::Bytes(b"\n6BF NCF\n");
/// assert_eq!((input.text(), input.len(), input.is_empty()), (Some("6BF NCF"), 9, false));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRef<'a> {
    /// Raw bytes.
    Bytes(&'a [u8]),
    /// Text.
    Text(&'a str),
}

impl<'a> InputRef<'a> {
    /// The input as text with surrounding whitespace trimmed, if it is UTF-8 (bytes are
    /// accepted as text, since files and stdin arrive as bytes).
    pub fn text(&self) -> Option<&'a str> {
        match *self {
            InputRef::Text(t) => Some(t.trim()),
            InputRef::Bytes(b) => std::str::from_utf8(b).ok().map(str::trim),
        }
    }

    /// The input's bytes (text as UTF-8).
    ///
    /// ```
    /// assert_eq!(inkan_verifier::InputRef::Text("ab").bytes(), b"ab");
    /// ```
    pub fn bytes(&self) -> &'a [u8] {
        match *self {
            InputRef::Text(t) => t.as_bytes(),
            InputRef::Bytes(b) => b,
        }
    }

    /// The input's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    /// Whether the input is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }
}

/// A key the verifier may need to open an encrypted credential.
///
/// ```
/// use inkan_verifier::DecryptionKey;
/// let key = DecryptionKey::Symmetric(vec![7; 16].into());
/// assert_eq!(format!("{key:?}"), "Symmetric(16 bytes)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum DecryptionKey {
    /// A symmetric key (AES-GCM for a Claim 169 COSE_Encrypt0): wiped on drop.
    Symmetric(Zeroizing<Vec<u8>>),
    /// A private JWK (ECDH-ES or RSA-OAEP for a JWE).
    Jwk(Box<Jwk>),
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptionKey::Symmetric(k) => write!(f, "Symmetric({} bytes)", k.len()),
            DecryptionKey::Jwk(jwk) => f.debug_tuple("Jwk").field(jwk).finish(),
        }
    }
}

/// One verification: the input and what the caller expects of it.
///
/// ```
/// use inkan_verifier::{DecryptionKey, VerifyRequest};
/// let req = VerifyRequest::text("6BF...")
///     .audience("https://verifier.example")
///     .nonce("n-0S6_WzA2Mj")
///     .decryption_key(DecryptionKey::Symmetric(vec![0; 32].into()));
/// assert_eq!(req.expected_audience(), Some("https://verifier.example"));
/// assert!(!format!("{req:?}").contains("[0, 0"));
/// ```
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    input: Input,
    audience: Option<String>,
    nonce: Option<String>,
    session_transcript: Option<Vec<u8>>,
    decryption_keys: Vec<DecryptionKey>,
    holder_key: Option<PublicKey>,
    device_request: Option<Vec<u8>>,
}

impl VerifyRequest {
    /// A request for `input`.
    pub fn new(input: Input) -> Self {
        Self {
            input,
            audience: None,
            nonce: None,
            session_transcript: None,
            decryption_keys: Vec::new(),
            holder_key: None,
            device_request: None,
        }
    }

    /// A request for raw bytes (a file, an image).
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self::new(Input::Bytes(bytes.into()))
    }

    /// A request for text (a QR code's content, a token).
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(Input::Text(text.into()))
    }

    /// Expects holder binding to name this audience.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audience = Some(aud.into());
        self
    }

    /// Expects holder binding to carry this nonce.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// The mdoc session transcript (CBOR) device authentication is bound to.
    pub fn session_transcript(mut self, transcript: Vec<u8>) -> Self {
        self.session_transcript = Some(transcript);
        self
    }

    /// Adds a key to try when the credential is encrypted.
    pub fn decryption_key(mut self, key: DecryptionKey) -> Self {
        self.decryption_keys.push(key);
        self
    }

    /// Expects the credential to be bound to this holder key.
    pub fn holder_key(mut self, key: PublicKey) -> Self {
        self.holder_key = Some(key);
        self
    }

    /// The input.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// The expected audience.
    pub fn expected_audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// The expected nonce.
    pub fn expected_nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// The mdoc session transcript.
    pub fn transcript(&self) -> Option<&[u8]> {
        self.session_transcript.as_deref()
    }

    /// The decryption keys, in the order given.
    pub fn decryption_keys(&self) -> &[DecryptionKey] {
        &self.decryption_keys
    }

    /// The expected holder key.
    pub fn expected_holder_key(&self) -> Option<&PublicKey> {
        self.holder_key.as_ref()
    }

    /// The reader's mdoc `DeviceRequest` (CBOR): an mdoc may then present nothing beyond it.
    ///
    /// ```
    /// let r = inkan_verifier::VerifyRequest::bytes(vec![0xa0]).device_request(vec![0xa0]);
    /// assert_eq!(r.mdoc_device_request(), Some(&[0xa0u8][..]));
    /// ```
    pub fn device_request(mut self, request: Vec<u8>) -> Self {
        self.device_request = Some(request);
        self
    }

    /// The mdoc `DeviceRequest`, if given.
    pub fn mdoc_device_request(&self) -> Option<&[u8]> {
        self.device_request.as_deref()
    }
}
