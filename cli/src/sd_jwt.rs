//! `inkan sd-jwt issue|present`: SD-JWT VCs from claims JSON, and presentations of them.
//! Verification is `inkan verify`, which detects SD-JWTs.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::Signer;
use inkan_core::encoding::b64_encode;
use inkan_core::sdjwt::{ClaimPath, Limits, OsSalts, SdJwt};
use inkan_core::x509::Certificate;
use inkan_issuer::sd_jwt_vc::{DisclosurePolicy, SdJwtVcIssuer};
use serde_json::{Value, json};

use crate::CmdResult;
use crate::io::{
    Failure, MAX_INPUT, Output, read_input, read_public_key, read_signing_key, read_text, write_new,
};

#[derive(Debug, Subcommand)]
pub enum SdJwtCommand {
    /// Issue an SD-JWT VC (typ dc+sd-jwt) from claims JSON, signed with --key; prints
    /// {"sd_jwt": ...}.
    Issue(IssueArgs),
    /// Present an SD-JWT: keep the Disclosures of the --disclose paths, and with --key, --aud and
    /// --nonce add a Key Binding JWT; prints {"presentation": ...}.
    Present(PresentArgs),
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Claims JSON (an object; iss, vct, iat, exp, cnf and status are set from the flags): a
    /// path, or - for stdin.
    input: String,
    /// The issuer's private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// A disclosure policy JSON ({"vct", "iss", "sd": [paths], "decoys", "validity_secs",
    /// "status", "hash"}); the flags below add to or override it.
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// Credential type (vct).
    #[arg(long)]
    vct: Option<String>,
    /// Issuer identifier (iss).
    #[arg(long)]
    iss: Option<String>,
    /// A selectively disclosable claim, e.g. given_name, address.street_address,
    /// nationalities.0 (repeatable).
    #[arg(long = "sd", value_name = "PATH")]
    sd: Vec<String>,
    /// Decoy digests at the top level.
    #[arg(long)]
    decoys: Option<usize>,
    /// Lifetime in seconds (sets exp).
    #[arg(long, value_name = "SECS")]
    validity_secs: Option<i64>,
    /// The holder's public key (JWK or PEM), bound as cnf.jwk.
    #[arg(long, value_name = "FILE")]
    holder_key: Option<String>,
    /// The issuer's certificate chain (PEM, leaf first), sent in x5c.
    #[arg(long, value_name = "FILE")]
    x5c: Option<String>,
    /// Use this instant as "now" for iat (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the SD-JWT (no newline) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// The issued SD-JWT: a path, or - for stdin.
    input: String,
    /// A claim to disclose (with what is inside it and what leads to it), e.g. given_name or
    /// address.locality (repeatable; none discloses nothing selectively disclosable).
    #[arg(long, value_name = "PATH")]
    disclose: Vec<String>,
    /// The holder's private key, to sign the Key Binding JWT.
    #[arg(long, value_name = "FILE", requires_all = ["aud", "nonce"])]
    key: Option<String>,
    /// The verifier the Key Binding JWT is for (aud).
    #[arg(long, requires = "key")]
    aud: Option<String>,
    /// The verifier's nonce.
    #[arg(long, requires = "key")]
    nonce: Option<String>,
    /// Use this instant as the Key Binding JWT's iat (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the presentation (no newline) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: &SdJwtCommand) -> CmdResult {
    match command {
        SdJwtCommand::Issue(args) => issue(args),
        SdJwtCommand::Present(args) => present(args),
    }
}

fn clock(at: Option<&str>) -> Result<Box<dyn Clock>, Failure> {
    Ok(match at {
        Some(at) => {
            Box::new(FixedClock::from_rfc3339(at).map_err(|e| Failure::usage(format!("--at {at}: {e}")))?)
        }
        None => Box::new(SystemClock),
    })
}

fn policy(args: &IssueArgs) -> Result<DisclosurePolicy, Failure> {
    let mut policy = match &args.policy {
        Some(path) => DisclosurePolicy::from_json(&read_text(path)?)?,
        None => {
            let (Some(vct), Some(iss)) = (&args.vct, &args.iss) else {
                return Err(Failure::usage("give --vct and --iss, or a --policy file"));
            };
            DisclosurePolicy::new(vct, iss)
        }
    };
    if let Some(vct) = &args.vct {
        policy.vct = vct.clone();
    }
    if let Some(iss) = &args.iss {
        policy.iss = iss.clone();
    }
    policy.sd.extend(args.sd.iter().cloned());
    if let Some(n) = args.decoys {
        policy.decoys = n;
    }
    if args.validity_secs.is_some() {
        policy.validity_secs = args.validity_secs;
    }
    policy.frame()?;
    Ok(policy)
}

fn issue(args: &IssueArgs) -> CmdResult {
    let claims: Value =
        serde_json::from_slice(&read_input(&args.input, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
    let Value::Object(claims) = claims else {
        return Err(Failure::usage("the claims must be a JSON object"));
    };
    let key = read_signing_key(&args.key)?;
    let holder = args.holder_key.as_deref().map(read_public_key).transpose()?;
    let clock = clock(args.at.as_deref())?;
    let mut issuer = SdJwtVcIssuer::new(&key, clock.as_ref(), policy(args)?);
    if let Some(path) = &args.x5c {
        let certs = Certificate::from_pem_bundle(&read_text(path)?)?;
        issuer = issuer.with_x5c(certs.iter().map(|c| b64_encode(c.der())).collect());
    }
    let holder_jwk = holder.map(|k| k.to_jwk());
    let sd = issuer.issue(&claims, holder_jwk.as_ref(), &mut OsSalts)?;
    emit("sd_jwt", sd.serialize(), args.out.as_ref())
}

fn present(args: &PresentArgs) -> CmdResult {
    let text = String::from_utf8(read_input(&args.input, MAX_INPUT)?)
        .map_err(|_| inkan_core::Error::SdJwtMalformed("not UTF-8 text".into()))?;
    let sd = SdJwt::parse(&text, &Limits::default())?;
    let paths = args
        .disclose
        .iter()
        .map(|p| p.parse::<ClaimPath>())
        .collect::<Result<Vec<_>, _>>()?;
    let mut shown = sd.present(&paths)?;
    if let (Some(key), Some(aud), Some(nonce)) = (&args.key, &args.aud, &args.nonce) {
        let key = read_signing_key(key)?;
        let iat = clock(args.at.as_deref())?.now_unix();
        shown = shown.bind(&key as &dyn Signer, aud, nonce, iat)?;
    }
    emit("presentation", shown.serialize(), args.out.as_ref())
}

fn emit(name: &str, text: String, out: Option<&PathBuf>) -> CmdResult {
    if let Some(path) = out {
        write_new(path, text.as_bytes())?;
    }
    Ok(Output::ok(json!({ name: text })))
}
