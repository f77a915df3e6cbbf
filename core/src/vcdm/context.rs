//! `@context` checks that need no JSON-LD processing: base context first, entries are URLs or
//! objects, inline definitions map to URLs and leave protected terms alone, types map to URLs.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::rules::{is_url, one_or_many, short};
use super::{CONTEXT_V1, CONTEXT_V2};
use crate::{Error, Result};

/// The top-level terms of the VCDM 2.0 context, all `@protected`.
const V2_TERMS: &[&str] = &[
    "id",
    "type",
    "description",
    "digestMultibase",
    "digestSRI",
    "mediaType",
    "name",
    "VerifiableCredential",
    "VerifiablePresentation",
    "EnvelopedVerifiableCredential",
    "EnvelopedVerifiablePresentation",
    "JsonSchemaCredential",
    "JsonSchema",
    "BitstringStatusListCredential",
    "BitstringStatusList",
    "BitstringStatusListEntry",
    "DataIntegrityProof",
    "_sd",
    "_sd_alg",
    "aud",
    "cnf",
    "exp",
    "iat",
    "iss",
    "jku",
    "kid",
    "nbf",
    "sub",
    "x5u",
    "...",
];

/// Remote contexts known to set `@vocab`, under which every term maps to a URL.
const VOCAB_CONTEXTS: &[&str] = &[
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
];

/// What the `@context` says about term mapping, as far as it can be known offline.
/// Terms borrow from the document and the static term list: checking a credential copies none.
#[derive(Debug, Default)]
pub(crate) struct ContextInfo<'a> {
    /// A context inkan does not know is in play: it may define any term.
    open: bool,
    /// `@vocab` is in effect.
    vocab: bool,
    /// Terms defined by known contexts and inline definitions.
    terms: HashSet<&'a str>,
}

impl ContextInfo<'_> {
    /// Fails unless `t` maps to a URL.
    pub(crate) fn check_type(&self, t: &str) -> Result<()> {
        if is_url(t) || self.terms.contains(t) || self.vocab || self.open {
            Ok(())
        } else {
            Err(Error::VcdmType(format!("type {t:?} maps to no URL")))
        }
    }
}

/// Checks `@context` of a document whose base context must be `base` (`CONTEXT_V1`/`CONTEXT_V2`).
pub(crate) fn check<'a>(obj: &'a Map<String, Value>, base: &str) -> Result<ContextInfo<'a>> {
    let entries = one_or_many(
        obj.get("@context")
            .ok_or_else(|| Error::VcdmContext("@context is missing".into()))?,
    );
    if entries.first().and_then(Value::as_str) != Some(base) {
        return Err(Error::VcdmContext(format!("the first @context must be {base}")));
    }
    let mut info = ContextInfo {
        // VCDM 1.1 documents rely on contexts that define their types; they are not checked.
        open: base == CONTEXT_V1,
        ..ContextInfo::default()
    };
    let mut protected: HashSet<&str> = HashSet::new();
    if base == CONTEXT_V2 {
        info.terms.extend(V2_TERMS.iter().copied());
        protected.extend(V2_TERMS.iter().copied());
    }
    for entry in &entries[1..] {
        match entry {
            Value::String(url) if is_url(url) => {
                if VOCAB_CONTEXTS.contains(&url.as_str()) {
                    info.vocab = true;
                } else if url != CONTEXT_V1 && url != CONTEXT_V2 {
                    info.open = true;
                }
            }
            Value::Object(defs) => inline(defs, &mut info, &mut protected)?,
            other => {
                return Err(Error::VcdmContext(format!(
                    "a @context entry must be a URL or an object, not {}",
                    short(other)
                )));
            }
        }
    }
    Ok(info)
}

/// Applies one inline context object.
fn inline<'a>(
    defs: &'a Map<String, Value>,
    info: &mut ContextInfo<'a>,
    protected: &mut HashSet<&'a str>,
) -> Result<()> {
    let is_protected = defs.get("@protected") == Some(&Value::Bool(true));
    for (term, def) in defs {
        if term == "@vocab" {
            info.vocab = !def.is_null();
            continue;
        }
        if term.starts_with('@') {
            continue;
        }
        if protected.contains(term.as_str()) {
            return Err(Error::VcdmContext(format!(
                "redefinition of the protected term {term:?}"
            )));
        }
        let iri = match def {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get("@id").and_then(Value::as_str),
            Value::Null => {
                info.terms.remove(term.as_str());
                continue;
            }
            other => {
                return Err(Error::VcdmContext(format!(
                    "term {term:?} has a bad definition {}",
                    short(other)
                )));
            }
        };
        // An IRI (anything with a colon) must be well formed; a bare word refers to another term.
        if let Some(iri) = iri.filter(|i| i.contains(':') && !i.starts_with('@'))
            && !is_url(iri)
        {
            return Err(Error::VcdmContext(format!(
                "term {term:?} maps to {iri:?}, not a URL"
            )));
        }
        info.terms.insert(term);
        if is_protected {
            protected.insert(term);
        }
    }
    Ok(())
}
