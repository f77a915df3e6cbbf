//! Expanded JSON-LD → RDF quads → RDFC-1.0 canonical N-Quads.

use iref::IriBuf;
use json_ld_core::{ExpandedDocument, RdfQuads, ValidId};
use oxrdf::{BlankNode, GraphName, Literal, NamedNode, Quad, Subject, Term};
use rdf_canon::{CanonicalizationError, CanonicalizationOptions};
use rdf_types::{BlankIdBuf, LiteralType};

use super::{MAX_NDEGREE_CALLS, MAX_QUADS, RdfcHash};
use crate::error::{Error, Result};

type Id = ValidId<IriBuf, BlankIdBuf>;

/// The quads of an expanded document (JSON-LD 1.1 Deserialize JSON-LD to RDF, no generalized
/// RDF, no `rdfDirection`), at most [`MAX_QUADS`].
pub(crate) fn quads(mut expanded: ExpandedDocument<IriBuf, BlankIdBuf>) -> Result<Vec<Quad>> {
    let mut generator = rdf_types::generator::Blank::new();
    // Names every blank node and puts literals in canonical lexical form, as json-ld's own
    // to-RDF entry point does before iterating.
    expanded.relabel_and_canonicalize_with(&mut (), &mut generator);
    let mut out = Vec::new();
    for quad in expanded
        .rdf_quads_full(&mut (), &mut generator, None, false)
        .cloned()
    {
        if out.len() == MAX_QUADS {
            return Err(Error::JsonLdTooLarge {
                what: "RDF quads",
                limit: MAX_QUADS,
            });
        }
        let rdf_types::Quad(s, p, o, g) = quad;
        let predicate = match p {
            ValidId::Iri(iri) => NamedNode::new_unchecked(iri.into_string()),
            // Only generalized RDF has blank predicates, and it is off.
            ValidId::Blank(_) => continue,
        };
        let object = match o {
            rdf_types::Term::Id(id) => term_of(id),
            rdf_types::Term::Literal(lit) => Term::Literal(literal_of(lit)),
        };
        let graph = match g {
            None => GraphName::DefaultGraph,
            Some(ValidId::Iri(iri)) => GraphName::NamedNode(NamedNode::new_unchecked(iri.into_string())),
            Some(ValidId::Blank(b)) => GraphName::BlankNode(blank_of(&b)),
        };
        out.push(Quad::new(subject_of(s), predicate, object, graph));
    }
    Ok(out)
}

/// RDFC-1.0 over `quads`, with the n-degree work bounded.
pub(crate) fn canonicalize_quads(quads: &[Quad], hash: RdfcHash) -> Result<String> {
    let options = CanonicalizationOptions {
        hndq_call_limit: Some(MAX_NDEGREE_CALLS),
    };
    let canonical = match hash {
        RdfcHash::Sha256 => rdf_canon::canonicalize_quads_with::<sha2::Sha256>(quads, &options),
        RdfcHash::Sha384 => rdf_canon::canonicalize_quads_with::<sha2::Sha384>(quads, &options),
    };
    canonical.map_err(|e| match e {
        CanonicalizationError::HndqCallLimitExceeded(n) => Error::JsonLdCanonicalizationLimit(n),
        other => Error::JsonLdInvalid(format!("canonicalization: {other}")),
    })
}

fn blank_of(id: &BlankIdBuf) -> BlankNode {
    // json-ld's generator names nodes `_:b0`, `_:b1`, …: valid oxrdf ids once `_:` is cut.
    BlankNode::new_unchecked(id.suffix())
}

fn subject_of(id: Id) -> Subject {
    match id {
        ValidId::Iri(iri) => Subject::NamedNode(NamedNode::new_unchecked(iri.into_string())),
        ValidId::Blank(b) => Subject::BlankNode(blank_of(&b)),
    }
}

fn term_of(id: Id) -> Term {
    match id {
        ValidId::Iri(iri) => Term::NamedNode(NamedNode::new_unchecked(iri.into_string())),
        ValidId::Blank(b) => Term::BlankNode(blank_of(&b)),
    }
}

fn literal_of(lit: rdf_types::Literal) -> Literal {
    match lit.type_ {
        // oxrdf folds xsd:string into a simple literal, as canonical N-Quads writes it.
        LiteralType::Any(datatype) => {
            Literal::new_typed_literal(lit.value, NamedNode::new_unchecked(datatype.into_string()))
        }
        // JSON-LD 1.1 lets processors lower-case language tags; jsonld.js and pyld (what most
        // Data Integrity issuers run) do, json-ld does not, and the tag is part of what is
        // signed: follow the issuers (proved against pyld in tests/interop_jsonld.rs).
        LiteralType::LangString(tag) => {
            Literal::new_language_tagged_literal_unchecked(lit.value, tag.as_str().to_ascii_lowercase())
        }
    }
}
