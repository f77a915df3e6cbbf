//! `inkan vc issue|present`: W3C VCDM 2.0 credentials and presentations with Data Integrity
//! proofs (`ldp_vc`), signed with a chosen cryptosuite. Checking them is `inkan verify`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::{KeyType, Signer as _, SoftwareKey};
use inkan_core::di::Cryptosuite;
use inkan_core::vcdm::parse_document;
use inkan_issuer::data_integrity::{DiIssueOptions, PresentOptions, issue, present};
use inkan_issuer::jwt_vc::DidMethod;
use serde_json::{Value, json};

use crate::CmdResult;
use crate::claim169::instant;
use crate::io::{Failure, MAX_INPUT, Output, read_input, read_public_key, read_signing_key, write_new};
use crate::jwt_vc::Did;

#[derive(Debug, Subcommand)]
pub enum VcCommand {
    /// Issue a VCDM 2.0 credential from a claims JSON (a template with at least
    /// `credentialSubject`) with a Data Integrity proof made with --key; prints
    /// {"credential": {...}, "issuer", "verificationMethod"}.
    Issue(IssueArgs),
    /// Present credentials in a VCDM 2.0 presentation signed with the holder's --key for --nonce
    /// (challenge) and --aud (domain); prints {"presentation": {...}, "holder"}.
    Present(PresentArgs),
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Claims JSON: a path, or - for stdin.
    input: String,
    /// The issuer's private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The cryptosuite: eddsa-jcs-2022 (Ed25519) or ecdsa-jcs-2019 (P-256, P-384); by default
    /// the one that fits the key.
    #[arg(long)]
    suite: Option<String>,
    /// The issuer's identifier and the verification method to name, instead of the DID of --key
    /// (see --did): `--iss URL --vm URL`.
    #[arg(long, requires = "vm")]
    iss: Option<String>,
    /// The verification method the proof names (with --iss).
    #[arg(long, requires = "iss")]
    vm: Option<String>,
    /// The DID method to derive the issuer from --key with, when --iss is absent.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
    /// Subject (credentialSubject.id), usually the holder's DID.
    #[arg(long, conflicts_with = "holder_key")]
    sub: Option<String>,
    /// The holder's key (public or private JWK, or PEM): the subject is its DID (see --did).
    #[arg(long, value_name = "FILE")]
    holder_key: Option<String>,
    /// End of validity, validUntil (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Credential id.
    #[arg(long)]
    id: Option<String>,
    /// Issue as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the credential JSON to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// Credentials (JSON with proofs) to present: paths, or - for stdin (once).
    #[arg(required = true)]
    credentials: Vec<String>,
    /// The holder's private key (JWK or PKCS#8 PEM); the holder is its DID (see --did).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The cryptosuite (by default the one that fits the key).
    #[arg(long)]
    suite: Option<String>,
    /// The DID method of the holder's key.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
    /// The verifier's nonce (the proof's challenge).
    #[arg(long)]
    nonce: String,
    /// The verifier's identifier (the proof's domain).
    #[arg(long)]
    aud: Option<String>,
    /// Sign as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the presentation JSON to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: &VcCommand) -> CmdResult {
    match command {
        VcCommand::Issue(args) => issue_vc(args),
        VcCommand::Present(args) => present_vp(args),
    }
}

fn clock(at: Option<&str>) -> Result<FixedClock, Failure> {
    let unix = match at {
        Some(at) => instant(at)?,
        None => SystemClock.now_unix(),
    };
    Ok(FixedClock::at_unix(unix))
}

/// The suite named, or the one that fits the key.
fn suite(name: Option<&str>, key: &SoftwareKey) -> Result<Cryptosuite, Failure> {
    match name {
        Some(name) => Ok(Cryptosuite::from_name(name)?),
        None => Ok(match key.algorithm().key_type() {
            KeyType::Ed25519 => Cryptosuite::EddsaJcs2022,
            _ => Cryptosuite::EcdsaJcs2019,
        }),
    }
}

fn issue_vc(args: &IssueArgs) -> CmdResult {
    let text = String::from_utf8(read_input(&args.input, MAX_INPUT)?)
        .map_err(|e| Failure::usage(format!("{}: {e}", args.input)))?;
    let template = parse_document(&text)?;
    let key = read_signing_key(&args.key)?;
    let suite = suite(args.suite.as_deref(), &key)?;
    let (issuer, vm) = match (&args.iss, &args.vm) {
        (Some(iss), Some(vm)) => (iss.clone(), vm.clone()),
        _ => DidMethod::from(args.did).identify(key.public_key()),
    };
    let clock = clock(args.at.as_deref())?;
    let mut options = DiIssueOptions::new(issuer.clone(), vm.clone(), suite);
    options.subject = match &args.holder_key {
        Some(path) => Some(DidMethod::from(args.did).identify(&read_public_key(path)?).0),
        None => args.sub.clone(),
    };
    options.id = args.id.clone();
    if let Some(exp) = &args.exp {
        options.valid_for_secs = Some(instant(exp)?.saturating_sub(clock.now_unix()));
    }
    let credential = issue(&template, &options, &key, &clock)?;
    write_out(args.out.as_ref(), &credential)?;
    Ok(Output::ok(json!({
        "credential": credential,
        "issuer": issuer,
        "verificationMethod": vm,
    })))
}

fn present_vp(args: &PresentArgs) -> CmdResult {
    let credentials = args
        .credentials
        .iter()
        .map(|path| {
            let text = String::from_utf8(read_input(path, MAX_INPUT)?)
                .map_err(|e| Failure::usage(format!("{path}: {e}")))?;
            Ok(parse_document(&text)?)
        })
        .collect::<Result<Vec<Value>, Failure>>()?;
    let key = read_signing_key(&args.key)?;
    let suite = suite(args.suite.as_deref(), &key)?;
    let (holder, vm) = DidMethod::from(args.did).identify(key.public_key());
    let mut options = PresentOptions::new(holder.clone(), vm, suite).challenge(args.nonce.clone());
    if let Some(aud) = &args.aud {
        options = options.domain(aud.clone());
    }
    let presentation = present(&credentials, &options, &key, &clock(args.at.as_deref())?)?;
    write_out(args.out.as_ref(), &presentation)?;
    Ok(Output::ok(json!({
        "presentation": presentation,
        "holder": holder,
    })))
}

fn write_out(out: Option<&PathBuf>, doc: &Value) -> Result<(), Failure> {
    match out {
        Some(path) => write_new(path, doc.to_string().as_bytes()),
        None => Ok(()),
    }
}
