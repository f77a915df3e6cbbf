//! `did:web` (W3C CCG did:web Method Specification): the pure mapping from a DID to the HTTPS
//! URL of its document. Fetching and caching live in the crate that owns HTTP
//! (`inkan-verifier`'s `WebDidResolver`), behind the [`DidResolver`](super::DidResolver) trait.
//!
//! `did:web:example.com` → `https://example.com/.well-known/did.json`;
//! `did:web:example.com:user:alice` → `https://example.com/user/alice/did.json`;
//! `did:web:example.com%3A8443` → `https://example.com:8443/.well-known/did.json`.

use super::Did;
use crate::{Error, Result};

/// Longest host name (RFC 1035: 253 characters in text form).
const MAX_HOST: usize = 253;

/// Most path segments accepted after the host.
const MAX_SEGMENTS: usize = 32;

/// A parsed `did:web` DID and the URL its document is published at.
///
/// ```
/// use inkan_core::did::WebDid;
/// let web = WebDid::parse("did:web:w3c-ccg.github.io:user:alice")?;
/// assert_eq!(web.document_url(), "https://w3c-ccg.github.io/user/alice/did.json");
/// let port = WebDid::parse("did:web:example.com%3A3000")?;
/// assert_eq!(port.document_url(), "https://example.com:3000/.well-known/did.json");
/// assert_eq!(WebDid::parse("did:web:127.0.0.1").unwrap_err().code(), "didweb.malformed");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebDid {
    did: Did,
    url: String,
}

impl WebDid {
    /// Parses a `did:web` DID (no path, query or fragment) and maps it to its document URL.
    ///
    /// Refused with [`Error::DidWebMalformed`]: another method, an empty or invalid host, an
    /// IP address (the method requires a domain name that a TLS certificate names), a port that
    /// is not 1–65535, any other percent escape in the host, and path segments that are empty
    /// or decode to `.`, `..` or anything containing `/`, `\`, `?` or `#`.
    pub fn parse(did: &str) -> Result<Self> {
        let did = Did::parse(did)?;
        if did.method() != "web" {
            return Err(malformed(format!("{did} is not a did:web DID")));
        }
        let mut parts = did.method_specific_id().split(':');
        let authority = authority(parts.next().unwrap_or_default())?;
        let segments: Vec<&str> = parts.collect();
        if segments.len() > MAX_SEGMENTS {
            return Err(malformed(format!("more than {MAX_SEGMENTS} path segments")));
        }
        for segment in &segments {
            check_segment(segment)?;
        }
        let path = if segments.is_empty() {
            ".well-known".to_owned()
        } else {
            segments.join("/")
        };
        let url = format!("https://{authority}/{path}/did.json");
        Ok(WebDid { did, url })
    }

    /// The DID.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The `https://` URL of the DID document.
    pub fn document_url(&self) -> &str {
        &self.url
    }
}

/// `host` or `host%3Aport` → `host` / `host:port`, the host lowercased (DNS is case-insensitive).
fn authority(text: &str) -> Result<String> {
    let lower = text.to_ascii_lowercase();
    let (host, port) = match lower.split_once("%3a") {
        Some((host, port)) => (host, Some(port)),
        None => (lower.as_str(), None),
    };
    check_host(host)?;
    match port {
        None => Ok(host.to_owned()),
        Some(port) => {
            let number: u16 = port
                .parse()
                .ok()
                .filter(|p| *p > 0 && port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| malformed(format!("bad port {port:?}")))?;
            Ok(format!("{host}:{number}"))
        }
    }
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens; not an IPv4 address.
fn check_host(host: &str) -> Result<()> {
    if host.is_empty() || host.len() > MAX_HOST {
        return Err(malformed(format!("bad host length {}", host.len())));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.split('.').all(label_ok) {
        return Err(malformed(format!("{host:?} is not a domain name")));
    }
    // An all-numeric last label is an IPv4 address (or an invalid TLD): both refused.
    if host
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(malformed(format!("{host:?} is an IP address, not a domain name")));
    }
    Ok(())
}

/// A path segment must not be able to walk out of its place once a server decodes it.
fn check_segment(segment: &str) -> Result<()> {
    let decoded = percent_decode(segment).ok_or_else(|| malformed(format!("bad escape in {segment:?}")))?;
    let bad = decoded.is_empty()
        || decoded == b"."
        || decoded == b".."
        || decoded.iter().any(|b| b"/\\?#".contains(b) || *b < 0x20);
    if bad {
        return Err(malformed(format!("path segment {segment:?} is not allowed")));
    }
    Ok(())
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

fn malformed(msg: String) -> Error {
    Error::DidWebMalformed(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        for (did, url) in [
            (
                "did:web:w3c-ccg.github.io",
                "https://w3c-ccg.github.io/.well-known/did.json",
            ),
            (
                "did:web:w3c-ccg.github.io:user:alice",
                "https://w3c-ccg.github.io/user/alice/did.json",
            ),
            (
                "did:web:example.com%3A3000:user:alice",
                "https://example.com:3000/user/alice/did.json",
            ),
            ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
            (
                "did:web:localhost%3a8443",
                "https://localhost:8443/.well-known/did.json",
            ),
            ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
        ] {
            assert_eq!(WebDid::parse(did).unwrap().document_url(), url, "{did}");
        }
    }

    #[test]
    fn refused() {
        for did in [
            "did:key:z6Mk",
            "did:web:example.com%3A",
            "did:web:example.com%3A0",
            "did:web:example.com%3A65536",
            "did:web:example.com%3A+80",
            "did:web:example.com%3A80%3A81",
            "did:web:-bad.com",
            "did:web:a..b",
            "did:web:10.0.0.1",
            "did:web:example.com%2Fevil",
            "did:web:example.com:..",
            "did:web:example.com:%2e%2E",
            "did:web:example.com:a%2Fb",
            "did:web:example.com:a::b",
            "did:web:example.com:%5c",
        ] {
            let code = WebDid::parse(did).unwrap_err().code();
            assert!(
                code == "didweb.malformed" || code == "did.malformed",
                "{did}: {code}"
            );
        }
        assert_eq!(
            WebDid::parse("did:web:example.com#k").unwrap_err().code(),
            "did.malformed"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_always_https(text in "did:web:[a-zA-Z0-9.%:_-]{0,40}") {
            if let Ok(web) = WebDid::parse(&text) {
                proptest::prop_assert!(web.document_url().starts_with("https://"));
                proptest::prop_assert!(web.document_url().ends_with("/did.json"));
                proptest::prop_assert!(!web.document_url().contains("/../"));
            }
        }
    }
}
