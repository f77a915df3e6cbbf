//! Byte encodings used by the credential formats: base64url (here), and in submodules Base45
//! (RFC 9285), zlib with an inflate cap, multibase/multicodec, and RFC 8785 canonical JSON (JCS).

mod base45;
mod jcs;
mod multibase;
mod zlib;

pub use base45::{MAX_BASE45_LEN, base45_decode, base45_encode};
pub use jcs::jcs_canonicalize;
pub(crate) use jcs::jcs_canonicalize_members;
pub use multibase::{
    MAX_MULTIBASE_LEN, Multibase, multibase_decode, multibase_encode, multikey_decode, multikey_encode,
    varint_decode, varint_encode,
};
pub use zlib::{InflateLimit, zlib_compress, zlib_decompress};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::{Error, Result};

/// Encodes bytes as unpadded base64url (RFC 4648 §5), the JOSE form.
///
/// ```
/// assert_eq!(inkan_core::encoding::b64url_encode(b"\xfb\xff"), "-_8");
/// ```
pub fn b64url_encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url; padding, `+`/`/` and whitespace are rejected.
///
/// ```
/// assert_eq!(inkan_core::encoding::b64url_decode("-_8")?, b"\xfb\xff");
/// assert!(inkan_core::encoding::b64url_decode("+/8=").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn b64url_decode(text: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| Error::BadBase64(e.to_string()))
}

/// [`b64url_decode`] into `out` (cleared first), so a caller decoding many parts reuses one
/// buffer.
///
/// ```
/// let mut buf = Vec::new();
/// inkan_core::encoding::b64url_decode_into("-_8", &mut buf)?;
/// assert_eq!(buf, b"\xfb\xff");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn b64url_decode_into(text: &str, out: &mut Vec<u8>) -> Result<()> {
    out.clear();
    URL_SAFE_NO_PAD
        .decode_vec(text, out)
        .map_err(|e| Error::BadBase64(e.to_string()))
}

/// Decodes standard padded base64 (as used in `x5c` certificate chains).
///
/// ```
/// assert_eq!(inkan_core::encoding::b64_decode("+/8=")?, b"\xfb\xff");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn b64_decode(text: &str) -> Result<Vec<u8>> {
    STANDARD.decode(text).map_err(|e| Error::BadBase64(e.to_string()))
}

/// Encodes bytes as standard padded base64.
///
/// ```
/// assert_eq!(inkan_core::encoding::b64_encode(b"\xfb\xff"), "+/8=");
/// ```
pub fn b64_encode(bytes: impl AsRef<[u8]>) -> String {
    STANDARD.encode(bytes)
}
