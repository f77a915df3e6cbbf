//! W3C Data Integrity 1.0: embedded proofs over JSON documents (credentials, presentations).
//!
//! Every cryptosuite runs the same pipeline, and suites differ only in the steps they choose:
//!
//! 1. **proof options → proof configuration**: the proof without `proofValue` (with the
//!    document's `@context`, as the JCS suites require);
//! 2. **transform**: canonicalize the document without its proof ([`Canonicalization`]: JCS
//!    here; RDFC with the `jsonld` feature);
//! 3. **hash**: hash(configuration) ‖ hash(document), SHA-256, or SHA-384 for P-384 keys;
//! 4. **sign / verify** the hash data through core's [`Signer`] / [`Verifier`](crate::crypto::Verifier).
//!
//! [`add_proof`] adds a proof (to a proof set, or to a chain with `previousProof`); [`verify`]
//! checks every proof of a document: purpose, time window, `challenge`/`domain`, the key through
//! a [`MethodResolver`] (the controller must list it under the purpose's relationship) and the
//! signature. Documents are capped in size and depth ([`crate::vcdm::parse_document`]) and in
//! proofs ([`MAX_PROOFS`]).
//!
//! Implemented suites: `eddsa-jcs-2022`, `ecdsa-jcs-2019` (P-256, P-384).
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_core::did::{did_key, KeyDidResolver, Relationship};
//! use inkan_core::di::{self, Cryptosuite, DidMethods, ProofOptions, VerifyOptions};
//! let key = SoftwareKey::generate(Algorithm::Es256)?;
//! let did = did_key(key.public_key());
//! let vm = format!("{did}#{}", &did["did:key:".len()..]);
//! let vc = serde_json::json!({
//!   "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
//!   "issuer": did, "credentialSubject": {"id": "did:example:s", "name": "Max"}});
//! let opts = ProofOptions::new(Cryptosuite::EcdsaJcs2019, vm, Relationship::AssertionMethod);
//! let signed = di::add_proof(&vc, &opts, &key)?;
//! let clock = FixedClock::at_unix(1_800_000_000);
//! let check = VerifyOptions::new(Relationship::AssertionMethod, &clock);
//! let proofs = di::verify(&signed, &check, &DidMethods(&KeyDidResolver))?;
//! assert_eq!(proofs[0].controller(), did);
//! let mut changed = signed.clone();
//! changed["credentialSubject"]["name"] = "Eve".into();
//! assert_eq!(di::verify(&changed, &check, &DidMethods(&KeyDidResolver)).unwrap_err().code(), "di.bad_signature");
//! # Ok::<(), inkan_core::Error>(())
//! ```

mod methods;
mod proof;
mod suite;

pub use methods::{DidMethods, MethodResolver};
pub use proof::{DATA_INTEGRITY_PROOF, Proof, ProofOptions, purpose_from_name};
use suite::Members;
pub use suite::{Canonicalization, Cryptosuite, Env, HashAlg};

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::crypto::{PublicKey, Signer, Verifier as _};
use crate::did::Relationship;
use crate::vcdm::{MAX_DEPTH, check_depth};
use crate::{Error, Result};

/// Most proofs one document may carry (a proof set or chain).
pub const MAX_PROOFS: usize = 16;

/// What the verifier expects of the proofs it checks.
///
/// ```
/// use inkan_core::clock::SystemClock;
/// use inkan_core::did::Relationship;
/// use inkan_core::di::VerifyOptions;
/// let opts = VerifyOptions::new(Relationship::Authentication, &SystemClock)
///     .challenge("abc").domain("https://verifier.example").leeway(60);
/// # let _ = opts;
/// ```
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    purpose: Relationship,
    clock: &'a dyn Clock,
    leeway_secs: u64,
    challenge: Option<&'a str>,
    domain: Option<&'a str>,
    env: Env<'a>,
}

impl<'a> VerifyOptions<'a> {
    /// Proofs must serve `purpose` (`assertionMethod` for credentials, `authentication` for
    /// presentations) and be within their time window at the clock's time.
    pub fn new(purpose: Relationship, clock: &'a dyn Clock) -> Self {
        VerifyOptions {
            purpose,
            clock,
            leeway_secs: 0,
            challenge: None,
            domain: None,
            env: Env::default(),
        }
    }

    /// Every proof must carry this `challenge`.
    pub fn challenge(mut self, challenge: &'a str) -> Self {
        self.challenge = Some(challenge);
        self
    }

    /// Every proof must carry this `domain` (one of its values).
    pub fn domain(mut self, domain: &'a str) -> Self {
        self.domain = Some(domain);
        self
    }

    /// Tolerance for `created`/`expires`, in seconds.
    pub fn leeway(mut self, secs: u64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// The canonicalization environment (context loader with the `jsonld` feature).
    pub fn env(mut self, env: Env<'a>) -> Self {
        self.env = env;
        self
    }
}

/// A proof that verified: what it says and the key that checked it.
#[derive(Debug, Clone)]
pub struct VerifiedProof {
    proof: Proof,
    key: PublicKey,
}

impl VerifiedProof {
    /// The proof as parsed.
    pub fn proof(&self) -> &Proof {
        &self.proof
    }

    /// The key that verified it.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The controller of the verification method: its URL without the fragment (a DID for DID
    /// methods). A verifier compares it with the credential's issuer or the presentation's holder.
    pub fn controller(&self) -> &str {
        let vm = self.proof.verification_method();
        vm.split_once('#').map_or(vm, |(c, _)| c)
    }
}

/// Adds a proof made with `signer` to `document` and returns the secured document.
///
/// A document without proof gets `proof` as an object; with proofs already, the new one joins
/// the set (and `proof` becomes an array). With [`ProofOptions::previous_proofs`] the new proof
/// also signs the proofs it chains to. `document` is not changed.
///
/// Errors: [`Error::DiKeyMismatch`] when the signer's key does not fit the suite,
/// [`Error::DiPreviousProof`] for a chain to a proof that is not there, the signer's own errors.
pub fn add_proof(document: &Value, options: &ProofOptions, signer: &dyn Signer) -> Result<Value> {
    add_proof_in(document, options, signer, &Env::default())
}

/// [`add_proof`] with a canonicalization environment.
pub fn add_proof_in(
    document: &Value,
    options: &ProofOptions,
    signer: &dyn Signer,
    env: &Env<'_>,
) -> Result<Value> {
    check_depth(document, MAX_DEPTH)?;
    let doc = document
        .as_object()
        .ok_or_else(|| Error::VcdmMalformed("the document must be a JSON object".into()))?;
    let suite = options.suite();
    if suite.is_legacy() {
        return Err(Error::DiUnknownCryptosuite(format!(
            "{} is verified, not issued",
            suite.name()
        )));
    }
    let key_type = signer.algorithm().key_type();
    let alg = suite.algorithm(key_type)?;
    if alg != signer.algorithm() {
        return Err(Error::DiKeyMismatch(format!(
            "{} cannot sign with {}",
            suite.name(),
            signer.algorithm()
        )));
    }
    let existing = proofs_of(doc)?;
    let mut config = options.to_members();
    if let Some(ctx) = doc.get("@context") {
        config.insert("@context".into(), ctx.clone());
    }
    let previous: Vec<&Value> = options
        .previous()
        .iter()
        .map(|id| find_proof(&existing, id))
        .collect::<Result<_>>()?;
    let unsecured = unsecured(doc, &previous);
    let config = Value::Object(config);
    let data = suite.hash_data(key_type, &config, &unsecured, env)?;
    let signature = signer.sign(&data)?;
    let Value::Object(mut proof) = config else {
        return Err(Error::DiMalformedProof(
            "proof configuration is not an object".into(),
        ));
    };
    if !suite.proof_carries_context() {
        proof.remove("@context");
    }
    proof.insert("proofValue".into(), proof::encode_proof_value(&signature).into());
    let mut secured = doc.clone();
    let proof = Value::Object(proof);
    let all = match existing.as_slice() {
        [] => proof,
        _ => Value::Array(existing.into_iter().cloned().chain([proof]).collect()),
    };
    secured.insert("proof".into(), all);
    Ok(Value::Object(secured))
}

/// Verifies every proof of `document` (a proof set must verify whole) and returns them.
///
/// Each proof is checked in this order, so the first failure is the most telling: shape and
/// suite ([`Error::DiMalformedProof`], [`Error::DiUnknownCryptosuite`],
/// [`Error::DiBadProofValue`]); purpose ([`Error::DiWrongPurpose`]); time window
/// ([`Error::DiProofExpired`], [`Error::DiProofInFuture`]); `challenge`/`domain`
/// ([`Error::DiChallengeMismatch`], [`Error::DiDomainMismatch`]); the key
/// ([`Error::DiUnknownMethod`], [`Error::DiKeyNotAuthorized`], [`Error::DiKeyMismatch`]); the
/// proof's `@context` ([`Error::DiContextMismatch`]); chains ([`Error::DiPreviousProof`]); and the
/// signature ([`Error::DiBadSignature`]).
pub fn verify(
    document: &Value,
    options: &VerifyOptions<'_>,
    methods: &dyn MethodResolver,
) -> Result<Vec<VerifiedProof>> {
    check_depth(document, MAX_DEPTH)?;
    let doc = document
        .as_object()
        .ok_or_else(|| Error::VcdmMalformed("the document must be a JSON object".into()))?;
    let all = proofs_of(doc)?;
    if all.is_empty() {
        return Err(Error::DiNoProof);
    }
    all.iter()
        .map(|p| verify_one(doc, p, &all, options, methods))
        .collect()
}

fn verify_one(
    doc: &Map<String, Value>,
    value: &Value,
    all: &[&Value],
    options: &VerifyOptions<'_>,
    methods: &dyn MethodResolver,
) -> Result<VerifiedProof> {
    let proof = Proof::from_value(value)?;
    if proof.purpose() != options.purpose {
        return Err(Error::DiWrongPurpose {
            expected: options.purpose.name().to_owned(),
            found: proof.purpose().name().to_owned(),
        });
    }
    check_time(&proof, options)?;
    check_request(&proof, options)?;
    let key = methods.key_for(proof.verification_method(), proof.purpose())?;
    let alg = proof.cryptosuite().algorithm(key.key_type())?;
    if let Some(len) = key.key_type().signature_len()
        && proof.proof_value().len() != len
    {
        return Err(Error::DiBadProofValue(format!(
            "{} bytes where a {} signature has {len}",
            proof.proof_value().len(),
            key.key_type()
        )));
    }
    let previous: Vec<&Value> = proof
        .previous_proofs()
        .iter()
        .map(|id| find_proof(all, id))
        .collect::<Result<_>>()?;
    // A chain's previous proofs are signed as an array in place of `proof` (DI 1.0 §4.3 step 5).
    let chain = (!previous.is_empty()).then(|| Value::Array(previous.into_iter().cloned().collect()));
    let proof_ctx = proof.members().get("@context");
    if let Some(ctx) = proof_ctx {
        check_context_prefix(doc.get("@context"), ctx)?;
    }
    // The JCS rule: the document is checked with the proof's `@context` (contexts appended
    // after signing are not signed); the RDFC suites hash the document's into the configuration.
    let doc_ctx = doc.get("@context");
    let config_ctx = match (proof_ctx, doc_ctx) {
        (None, Some(ctx)) if !proof.cryptosuite().proof_carries_context() => Some(ctx),
        _ => None,
    };
    let config: Members<'_> = proof
        .members()
        .iter()
        .filter(|(k, _)| *k != "proofValue" && *k != "jws")
        .map(|(k, v)| (k.as_str(), v))
        .chain(config_ctx.map(|ctx| ("@context", ctx)))
        .collect();
    let unsecured: Members<'_> = doc
        .iter()
        .filter(|(k, _)| *k != "proof" && !(*k == "@context" && proof_ctx.is_some()))
        .map(|(k, v)| (k.as_str(), v))
        .chain(proof_ctx.map(|ctx| ("@context", ctx)))
        .chain(chain.as_ref().map(|c| ("proof", c)))
        .collect();
    let data = proof
        .cryptosuite()
        .hash_members(key.key_type(), config, unsecured, &options.env)?;
    let data = proof.signing_input(data);
    key.verify(alg, &data, proof.proof_value()).map_err(|e| match e {
        Error::BadSignature => Error::DiBadSignature,
        other => other,
    })?;
    Ok(VerifiedProof { proof, key })
}

/// The JCS suites' rule: the document's `@context` must start with the proof's.
fn check_context_prefix(doc_ctx: Option<&Value>, proof_ctx: &Value) -> Result<()> {
    let theirs = context_list(Some(proof_ctx));
    let ours = context_list(doc_ctx);
    if ours.len() < theirs.len() || ours[..theirs.len()] != theirs[..] {
        return Err(Error::DiContextMismatch);
    }
    Ok(())
}

/// An `@context` as the list of its entries (one value is a list of one).
fn context_list(ctx: Option<&Value>) -> Vec<&Value> {
    match ctx {
        Some(Value::Array(entries)) => entries.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

fn check_time(proof: &Proof, options: &VerifyOptions<'_>) -> Result<()> {
    let now = options.clock.now_unix();
    let leeway = i64::try_from(options.leeway_secs).unwrap_or(i64::MAX);
    if let Some(created) = proof.created()
        && created.unix_timestamp() > now.saturating_add(leeway)
    {
        return Err(Error::DiProofInFuture(proof::format_date(created)));
    }
    if let Some(expires) = proof.expires()
        && expires.unix_timestamp() < now.saturating_sub(leeway)
    {
        return Err(Error::DiProofExpired(proof::format_date(expires)));
    }
    Ok(())
}

fn check_request(proof: &Proof, options: &VerifyOptions<'_>) -> Result<()> {
    if let Some(expected) = options.challenge
        && proof.challenge() != Some(expected)
    {
        return Err(Error::DiChallengeMismatch);
    }
    if let Some(expected) = options.domain
        && !proof.domains().iter().any(|d| d == expected)
    {
        return Err(Error::DiDomainMismatch);
    }
    Ok(())
}

/// The proofs of a document: none, one object, or an array (at most [`MAX_PROOFS`]).
fn proofs_of(doc: &Map<String, Value>) -> Result<Vec<&Value>> {
    let proofs: Vec<&Value> = match doc.get("proof") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    if proofs.len() > MAX_PROOFS {
        return Err(Error::DiMalformedProof(format!(
            "{} proofs exceed the limit of {MAX_PROOFS}",
            proofs.len()
        )));
    }
    Ok(proofs)
}

fn find_proof<'a>(all: &[&'a Value], id: &str) -> Result<&'a Value> {
    all.iter()
        .copied()
        .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| Error::DiPreviousProof(id.to_owned()))
}

/// The document without its proofs, or with only the previous proofs of a chain (as an array,
/// DI 1.0 §4.3 step 5).
fn unsecured(doc: &Map<String, Value>, previous: &[&Value]) -> Value {
    let mut out = doc.clone();
    out.remove("proof");
    if !previous.is_empty() {
        out.insert("proof".into(), previous.iter().map(|p| (*p).clone()).collect());
    }
    Value::Object(out)
}

/// The instant a clock reads, for proof `created` values.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// let t = inkan_core::di::now(&FixedClock::at_unix(0));
/// assert_eq!(t.unix_timestamp(), 0);
/// ```
pub fn now(clock: &dyn Clock) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(clock.now_unix()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests;
