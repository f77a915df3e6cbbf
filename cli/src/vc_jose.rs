//! `inkan vc-jose issue`: a VCDM 2.0 credential from a claims JSON, secured as a `vc+jwt` or
//! (`--cose`) a `vc+cose`. Checking it is `inkan verify`.

use std::path::PathBuf;

use clap::Args;
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::Signer as _;
use inkan_issuer::jwt_vc::{DidMethod, IssueOptions};
use inkan_issuer::vc_jose::{Securing, issue};
use serde_json::json;

use crate::CmdResult;
use crate::claim169::instant;
use crate::io::{Failure, MAX_INPUT, Output, read_input, read_signing_key, write_new};
use crate::jwt_vc::Did;

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Claims JSON (a VCDM 2.0 template with at least `credentialSubject`): a path, or - for stdin.
    input: String,
    /// The issuer's private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// Issuer identifier (a URL, or a did:web); the key's own kid is used (for a did:web, the
    /// DID URL of its method). Without it the issuer is the DID of --key (see --did).
    #[arg(long)]
    iss: Option<String>,
    /// The DID method to derive the issuer from --key with, when --iss is absent.
    #[arg(long, value_enum, default_value = "key")]
    did: Did,
    /// Subject (credentialSubject.id), usually the holder's DID.
    #[arg(long)]
    sub: Option<String>,
    /// validUntil (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Credential id.
    #[arg(long)]
    id: Option<String>,
    /// Issue as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Secure as a COSE_Sign1 (application/vc+cose, printed as hex) instead of a vc+jwt.
    #[arg(long)]
    cose: bool,
    /// Also write the secured credential (JWT text or COSE bytes) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The clock for `--at`, else the system's.
pub(crate) fn clock_at(at: Option<&str>) -> Result<FixedClock, Failure> {
    let unix = match at {
        Some(at) => instant(at)?,
        None => SystemClock.now_unix(),
    };
    Ok(FixedClock::at_unix(unix))
}

pub fn run(args: &IssueArgs) -> CmdResult {
    let template: serde_json::Value =
        serde_json::from_slice(&read_input(&args.input, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
    let key = read_signing_key(&args.key)?;
    let (key, issuer) = match &args.iss {
        Some(iss) => (key, iss.clone()),
        None => {
            let (did, kid) = DidMethod::from(args.did).identify(key.public_key());
            (key.with_kid(kid), did)
        }
    };
    let clock = clock_at(args.at.as_deref())?;
    let mut options = IssueOptions::new(issuer.clone());
    options.subject = args.sub.clone();
    options.id = args.id.clone();
    if let Some(exp) = &args.exp {
        options.valid_for_secs = Some(instant(exp)?.saturating_sub(clock.now_unix()));
    }
    let securing = if args.cose { Securing::Cose } else { Securing::Jose };
    let secured = issue(&template, &options, securing, &key, &clock)?;
    if let Some(out) = &args.out {
        write_new(out, &secured)?;
    }
    let credential = match securing {
        Securing::Jose => json!({"credential": String::from_utf8_lossy(&secured), "typ": "vc+jwt"}),
        Securing::Cose => json!({"credential_hex": hex::encode(&secured), "typ": "application/vc+cose"}),
    };
    let mut out = credential;
    out["issuer"] = issuer.into();
    out["kid"] = key.key_id().into();
    Ok(Output::ok(out))
}
