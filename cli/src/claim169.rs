//! `inkan claim169 encode|decode`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use inkan_core::claim169::{self, EncodeOptions, Encryption, IdentityData};
use inkan_core::clock::{Clock, FixedClock};
use inkan_core::cose::EncAlgorithm;
use inkan_core::cose::cwt::CwtClaims;
use inkan_core::crypto::Signer;
use inkan_verifier::{Policy, Verifier, VerifyRequest};

use crate::CmdResult;
use crate::io::{MAX_INPUT, Output, read_input, read_signing_key, read_symmetric_key, write_new};
use crate::verify::{DecryptArgs, TrustArgs, report_output};

#[derive(Debug, Subcommand)]
pub enum Claim169Command {
    /// Encode identity JSON (the specification's field names) as Claim 169 QR text, signed with
    /// --key; prints {"qr_text": ...}.
    Encode(EncodeArgs),
    /// Decode and verify Claim 169 QR text: the report on stdout; exit 0 if valid, 1 if invalid.
    Decode(DecodeArgs),
}

/// Content encryption for `--encrypt-key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Enc {
    /// AES-256-GCM (32-byte key).
    A256gcm,
    /// AES-128-GCM (16-byte key).
    A128gcm,
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Identity JSON (e.g. {"id": "...", "fullName": "..."}): a path, or - for stdin.
    input: String,
    /// The issuer's private key (JWK or PKCS#8 PEM), EdDSA or ES256.
    #[arg(long, value_name = "FILE")]
    key: String,
    /// CWT issuer (iss).
    #[arg(long)]
    iss: Option<String>,
    /// CWT subject (sub).
    #[arg(long)]
    sub: Option<String>,
    /// Expiry (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Not before (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    nbf: Option<String>,
    /// Issued at (RFC 3339) [default: now, or --at].
    #[arg(long, value_name = "RFC3339")]
    iat: Option<String>,
    /// Use this instant as "now" (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Key id for the COSE header [default: the key's kid].
    #[arg(long)]
    kid: Option<String>,
    /// Encrypt with this symmetric key (a file holding its hex).
    #[arg(long, value_name = "FILE")]
    encrypt_key: Option<String>,
    /// Content encryption algorithm.
    #[arg(long, value_enum, default_value = "a256gcm")]
    enc: Enc,
    /// Also write the QR text (no newline) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Claim 169 QR text: a path, or - for stdin.
    input: String,
    #[command(flatten)]
    trust: TrustArgs,
    #[command(flatten)]
    decrypt: DecryptArgs,
}

pub fn run(command: &Claim169Command) -> CmdResult {
    match command {
        Claim169Command::Encode(args) => encode(args),
        Claim169Command::Decode(args) => decode(args),
    }
}

pub(crate) fn instant(text: &str) -> Result<i64, crate::io::Failure> {
    FixedClock::from_rfc3339(text)
        .map(|c| c.now_unix())
        .map_err(|e| crate::io::Failure::usage(format!("{text}: {e}")))
}

fn encode(args: &EncodeArgs) -> CmdResult {
    let json: serde_json::Value =
        serde_json::from_slice(&read_input(&args.input, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
    let identity = IdentityData::from_json(&json)?;
    let key = read_signing_key(&args.key)?;
    let now = match &args.at {
        Some(at) => instant(at)?,
        None => inkan_core::clock::SystemClock.now_unix(),
    };
    let meta = CwtClaims {
        iss: args.iss.clone(),
        sub: args.sub.clone(),
        exp: args.exp.as_deref().map(instant).transpose()?,
        nbf: args.nbf.as_deref().map(instant).transpose()?,
        iat: Some(args.iat.as_deref().map(instant).transpose()?.unwrap_or(now)),
        ..CwtClaims::default()
    };
    let kid = args
        .kid
        .as_deref()
        .or(key.key_id())
        .map(|k| k.as_bytes().to_vec());
    let encryption = match &args.encrypt_key {
        Some(path) => {
            let alg = match args.enc {
                Enc::A256gcm => EncAlgorithm::A256Gcm,
                Enc::A128gcm => EncAlgorithm::A128Gcm,
            };
            Some(Encryption::new(alg, read_symmetric_key(path)?.to_vec()))
        }
        None => None,
    };
    let options = EncodeOptions {
        kid,
        encryption,
        ..EncodeOptions::default()
    };
    let qr_text = claim169::encode(&identity, &meta, &key, &options)?;
    if let Some(out) = &args.out {
        write_new(out, qr_text.as_bytes())?;
    }
    Ok(Output::ok(
        serde_json::json!({ "qr_text": qr_text, "length": qr_text.len() }),
    ))
}

fn decode(args: &DecodeArgs) -> CmdResult {
    let verifier = Verifier::builder(
        Arc::new(args.trust.trust_store()?),
        Policy::default().accept_formats([inkan_verifier::formats::claim169::ID]),
        args.trust.clock()?,
    )
    .build();
    let request = args
        .decrypt
        .apply(VerifyRequest::bytes(read_input(&args.input, MAX_INPUT)?))?;
    report_output(verifier.verify(&request)?)
}
