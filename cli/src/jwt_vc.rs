//! `inkan jwt-vc issue|present`: VC-JWTs (`jwt_vc_json`, VCDM 1.1) and VP-JWTs. Checking them
//! is `inkan verify`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::{Signer as _, SoftwareKey};
use inkan_core::vcjwt::{self, PresentationOptions};
use inkan_issuer::jwt_vc::{DidMethod, IssueOptions, issue};

use crate::CmdResult;
use crate::claim169::instant;
use crate::io::{
    Failure, MAX_INPUT, Output, read_input, read_public_key, read_signing_key, read_text, write_new,
};

#[derive(Debug, Subcommand)]
pub enum JwtVcCommand {
    /// Issue a VC-JWT from a claims JSON (a credential template with at least
    /// `credentialSubject`), signed with --key; prints {"credential": ...}.
    Issue(IssueArgs),
    /// Present VC-JWTs as a VP-JWT signed with the holder's --key for --aud and --nonce; prints
    /// {"presentation": ...}.
    Present(PresentArgs),
    /// The DID of a key and the kid to sign with: {"did": ..., "kid": ...}.
    Did(DidArgs),
}

/// The DID derived from --key when no --iss is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Did {
    /// did:key (Multikey).
    Key,
    /// did:jwk.
    Jwk,
}

impl From<Did> for DidMethod {
    fn from(did: Did) -> Self {
        match did {
            Did::Key => DidMethod::Key,
            Did::Jwk => DidMethod::Jwk,
        }
    }
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Claims JSON: a path, or - for stdin.
    input: String,
    /// The issuer's private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// Issuer identifier (iss); the key's own kid is used. Without it the issuer is the DID of
    /// --key (see --did) and the kid its verification method.
    #[arg(long)]
    iss: Option<String>,
    /// The DID method to derive the issuer from --key with, when --iss is absent.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
    /// Subject (sub = credentialSubject.id), usually the holder's DID.
    #[arg(long, conflicts_with = "holder_key")]
    sub: Option<String>,
    /// The holder's key (public or private JWK, or PEM): the subject is its DID (see --did).
    #[arg(long, value_name = "FILE")]
    holder_key: Option<String>,
    /// Expiry (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Credential id (jti = id).
    #[arg(long)]
    id: Option<String>,
    /// Issue as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the VC-JWT (no newline) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// VC-JWTs to present: paths, or - for stdin (once).
    #[arg(required = true)]
    credentials: Vec<String>,
    /// The holder's private key (JWK or PKCS#8 PEM); the holder is its DID (see --did).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The DID method of the holder's key.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
    /// The verifier's client identifier (aud).
    #[arg(long)]
    aud: String,
    /// The verifier's nonce.
    #[arg(long)]
    nonce: String,
    /// Sign as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the VP-JWT (no newline) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DidArgs {
    /// A private or public key (JWK or PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The DID method.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
}

pub fn run(command: &JwtVcCommand) -> CmdResult {
    match command {
        JwtVcCommand::Issue(args) => issue_vc(args),
        JwtVcCommand::Present(args) => present(args),
        JwtVcCommand::Did(args) => {
            let key = read_public_key(&args.key)?;
            let (did, kid) = DidMethod::from(args.did).identify(&key);
            Ok(Output::ok(serde_json::json!({"did": did, "kid": kid})))
        }
    }
}

fn now(at: Option<&str>) -> Result<FixedClock, Failure> {
    let unix = match at {
        Some(at) => instant(at)?,
        None => SystemClock.now_unix(),
    };
    Ok(FixedClock::at_unix(unix))
}

/// The key with its DID's method as kid, and that DID.
fn with_did(key: SoftwareKey, did: Did) -> (SoftwareKey, String) {
    let (did, kid) = DidMethod::from(did).identify(key.public_key());
    (key.with_kid(kid), did)
}

fn issue_vc(args: &IssueArgs) -> CmdResult {
    let template: serde_json::Value =
        serde_json::from_slice(&read_input(&args.input, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
    let key = read_signing_key(&args.key)?;
    let (key, issuer) = match &args.iss {
        Some(iss) => (key, iss.clone()),
        None => with_did(key, args.did),
    };
    let clock = now(args.at.as_deref())?;
    let mut options = IssueOptions::new(issuer.clone());
    options.subject = match &args.holder_key {
        Some(path) => Some(DidMethod::from(args.did).identify(&read_public_key(path)?).0),
        None => args.sub.clone(),
    };
    options.id = args.id.clone();
    if let Some(exp) = &args.exp {
        options.valid_for_secs = Some(instant(exp)?.saturating_sub(clock.now_unix()));
    }
    let credential = issue(&template, &options, &key, &clock)?;
    if let Some(out) = &args.out {
        write_new(out, credential.as_bytes())?;
    }
    Ok(Output::ok(serde_json::json!({
        "credential": credential,
        "issuer": issuer,
        "kid": key.key_id(),
    })))
}

fn present(args: &PresentArgs) -> CmdResult {
    let credentials = args
        .credentials
        .iter()
        .map(|path| read_text(path).map(|t| t.trim().to_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    let (key, holder) = with_did(read_signing_key(&args.key)?, args.did);
    let issued_at = now(args.at.as_deref())?.now_unix();
    let options = PresentationOptions::new(args.aud.clone(), args.nonce.clone(), issued_at);
    let refs: Vec<&str> = credentials.iter().map(String::as_str).collect();
    let presentation = vcjwt::sign_vp(&holder, &refs, &options, &key)?;
    if let Some(out) = &args.out {
        write_new(out, presentation.as_bytes())?;
    }
    Ok(Output::ok(serde_json::json!({
        "presentation": presentation,
        "holder": holder,
    })))
}
