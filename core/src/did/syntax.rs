//! DID and DID URL syntax (DID Core 1.0 §3.1, §3.2; RFC 3986 for path, query and fragment).

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// Longest DID or DID URL accepted, in bytes.
///
/// A `did:jwk` of an RSA-8192 key is about 1.9 KB; 8 KiB leaves room without letting a hostile
/// identifier cost real work.
pub const MAX_DID_LEN: usize = 8 * 1024;

/// A syntactically valid DID: `did:<method>:<method-specific-id>`.
///
/// ```
/// use inkan_core::did::Did;
/// let did: Did = "did:example:123456789abcdefghi".parse()?;
/// assert_eq!(did.method(), "example");
/// assert_eq!(did.method_specific_id(), "123456789abcdefghi");
/// assert!(Did::parse("did:Example:1").is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did {
    text: String,
    /// Byte offset of the `:` that ends the method name.
    method_end: usize,
}

impl Did {
    /// Parses a DID (no path, query or fragment: see [`DidUrl`] for those).
    pub fn parse(text: &str) -> Result<Self> {
        check_len(text)?;
        let (did, rest) = split_did(text)?;
        if !rest.is_empty() {
            return Err(Error::DidMalformed(format!(
                "unexpected {:?} after the DID (a DID URL is not a DID)",
                rest.chars().next().unwrap_or_default()
            )));
        }
        Ok(did)
    }

    /// The method name, e.g. `key`.
    pub fn method(&self) -> &str {
        self.text.get(4..self.method_end).unwrap_or_default()
    }

    /// Everything after `did:<method>:`.
    pub fn method_specific_id(&self) -> &str {
        self.text.get(self.method_end + 1..).unwrap_or_default()
    }

    /// The DID as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Did {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl AsRef<str> for Did {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// A DID URL: a DID with optional path, query and fragment.
///
/// ```
/// use inkan_core::did::DidUrl;
/// let url: DidUrl = "did:example:123/path?versionId=1#keys-1".parse()?;
/// assert_eq!(url.did().as_str(), "did:example:123");
/// assert_eq!(url.path(), "/path");
/// assert_eq!(url.query(), Some("versionId=1"));
/// assert_eq!(url.fragment(), Some("keys-1"));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DidUrl {
    did: Did,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

impl DidUrl {
    /// Parses a DID URL (a plain DID is a DID URL too).
    pub fn parse(text: &str) -> Result<Self> {
        check_len(text)?;
        let (did, rest) = split_did(text)?;
        let (rest, fragment) = split_off(rest, '#');
        let (path, query) = split_off(rest, '?');
        check_chars(path, "path", "/")?;
        if !path.is_empty() && !path.starts_with('/') {
            return Err(Error::DidMalformed("DID URL path must start with '/'".into()));
        }
        if let Some(q) = query {
            check_chars(q, "query", "/?")?;
        }
        if let Some(f) = fragment {
            check_chars(f, "fragment", "/?")?;
        }
        Ok(DidUrl {
            did,
            path: path.to_owned(),
            query: query.map(str::to_owned),
            fragment: fragment.map(str::to_owned),
        })
    }

    /// The DID this URL is relative to.
    pub fn did(&self) -> &Did {
        &self.did
    }

    /// The path (`""` when absent, otherwise starting with `/`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The fragment, without `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }
}

impl fmt::Display for DidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.did, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        if let Some(frag) = &self.fragment {
            write!(f, "#{frag}")?;
        }
        Ok(())
    }
}

impl FromStr for DidUrl {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

fn check_len(text: &str) -> Result<()> {
    if text.len() > MAX_DID_LEN {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: MAX_DID_LEN,
        });
    }
    Ok(())
}

/// Splits `text` into the leading DID and whatever follows it (`/`, `?` or `#` onwards).
fn split_did(text: &str) -> Result<(Did, &str)> {
    let rest = text
        .strip_prefix("did:")
        .ok_or_else(|| Error::DidMalformed("a DID starts with \"did:\"".into()))?;
    let (method, id_and_rest) = rest
        .split_once(':')
        .ok_or_else(|| Error::DidMalformed("no ':' after the DID method".into()))?;
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(Error::DidMalformed(format!(
            "method name {method:?} must be lowercase letters and digits"
        )));
    }
    let id_len = id_and_rest.find(['/', '?', '#']).unwrap_or(id_and_rest.len());
    let (id, tail) = id_and_rest.split_at(id_len);
    check_method_specific_id(id)?;
    let did_len = 4 + method.len() + 1 + id.len();
    let did = Did {
        text: text.get(..did_len).unwrap_or_default().to_owned(),
        method_end: 4 + method.len(),
    };
    Ok((did, tail))
}

/// `method-specific-id = *( *idchar ":" ) 1*idchar`, `idchar = ALPHA / DIGIT / . / - / _ / pct`.
fn check_method_specific_id(id: &str) -> Result<()> {
    if id.is_empty() || id.ends_with(':') {
        return Err(Error::DidMalformed(
            "method-specific id is empty or ends with ':'".into(),
        ));
    }
    check_bytes(id, "method-specific id", |b| {
        b.is_ascii_alphanumeric() || b".-_:".contains(&b)
    })
}

/// RFC 3986 `pchar` plus `extra`: unreserved, sub-delims, `:`, `@` and percent escapes.
fn check_chars(part: &str, what: &str, extra: &str) -> Result<()> {
    check_bytes(part, what, |b| {
        b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) || extra.as_bytes().contains(&b)
    })
}

/// Checks every byte against `allowed`, and that each `%` starts a two-digit hex escape.
fn check_bytes(part: &str, what: &str, allowed: impl Fn(u8) -> bool) -> Result<()> {
    let bytes = part.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let escape = bytes.get(i + 1..i + 3).unwrap_or_default();
            if escape.len() != 2 || !escape.iter().all(u8::is_ascii_hexdigit) {
                return Err(Error::DidMalformed(format!(
                    "bad percent escape in the {what} at {i}"
                )));
            }
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            return Err(Error::DidMalformed(format!(
                "byte 0x{b:02x} not allowed in the {what} at {i}"
            )));
        }
    }
    Ok(())
}

/// Splits at the first `sep`: the part before and, if present, the part after it.
fn split_off(text: &str, sep: char) -> (&str, Option<&str>) {
    match text.split_once(sep) {
        Some((head, tail)) => (head, Some(tail)),
        None => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_dids() {
        for text in [
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "did:web:example.com%3A8443:user:alice",
            "did:example:a:b:c",
            "did:ex1:_",
        ] {
            assert_eq!(Did::parse(text).unwrap().as_str(), text);
        }
        let did = Did::parse("did:web:example.com:user:alice").unwrap();
        assert_eq!(did.method(), "web");
        assert_eq!(did.method_specific_id(), "example.com:user:alice");
    }

    #[test]
    fn invalid_dids() {
        for text in [
            "",
            "did:",
            "did:key",
            "did:key:",
            "did::abc",
            "DID:key:abc",
            "did:KEY:abc",
            "did:key:abc:",
            "did:key:a b",
            "did:key:%zz",
            "did:key:%4",
            "did:key:abc#frag",
            "did:k_y:abc",
            "did:key:é",
        ] {
            assert_eq!(Did::parse(text).unwrap_err().code(), "did.malformed", "{text:?}");
        }
    }

    #[test]
    fn did_urls() {
        let url = DidUrl::parse("did:jwk:eyJr#0").unwrap();
        assert_eq!(
            (url.did().method(), url.path(), url.query(), url.fragment()),
            ("jwk", "", None, Some("0"))
        );
        let url = DidUrl::parse("did:ex:1?service=files&relativeRef=/a%20b#x").unwrap();
        assert_eq!(url.query(), Some("service=files&relativeRef=/a%20b"));
        assert_eq!(url.to_string(), "did:ex:1?service=files&relativeRef=/a%20b#x");
        assert_eq!(DidUrl::parse("did:ex:1#").unwrap().fragment(), Some(""));
        for bad in ["did:ex:1#a#b", "did:ex:1#a b", "did:ex:1?<", "did:ex:1/%g0"] {
            assert_eq!(DidUrl::parse(bad).unwrap_err().code(), "did.malformed", "{bad:?}");
        }
    }

    #[test]
    fn length_is_capped() {
        let long = format!("did:key:z{}", "a".repeat(MAX_DID_LEN));
        assert_eq!(Did::parse(&long).unwrap_err().code(), "input.too_large");
        assert_eq!(DidUrl::parse(&long).unwrap_err().code(), "input.too_large");
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "(did:)?\\PC{0,60}") {
            if let Ok(url) = DidUrl::parse(&text) {
                prop_assert_eq!(url.to_string(), text.clone());
            }
            if let Ok(did) = Did::parse(&text) {
                prop_assert_eq!(did.as_str(), text.as_str());
            }
        }

        #[test]
        fn generated_dids_parse(
            method in "[a-z0-9]{1,8}",
            id in "[A-Za-z0-9._-]{1,20}(:[A-Za-z0-9._-]{1,10}){0,2}",
            frag in proptest::option::of("[A-Za-z0-9._~-]{0,10}"),
        ) {
            let text = format!("did:{method}:{id}");
            let did = Did::parse(&text).unwrap();
            prop_assert_eq!(did.method(), method.as_str());
            prop_assert_eq!(did.method_specific_id(), id.as_str());
            let url_text = match &frag { Some(f) => format!("{text}#{f}"), None => text.clone() };
            let url = DidUrl::parse(&url_text).unwrap();
            prop_assert_eq!(url.fragment(), frag.as_deref());
        }
    }
}
