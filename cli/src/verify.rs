//! `inkan verify`: the verifier's report for one input.

use std::sync::Arc;

use clap::Args;
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_verifier::{DecryptionKey, JsonTrustStore, Policy, Verification, Verifier, VerifyRequest};

use crate::CmdResult;
use crate::io::{EXIT_INVALID, Failure, MAX_INPUT, Output, read_input, read_public_key, read_symmetric_key};

/// The trust and time flags every checking subcommand shares.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Trusted issuers: a trust-store JSON, a JWK, a JWKS, or PEM certificates (repeatable).
    #[arg(long, value_name = "FILE")]
    trust: Vec<String>,
    /// Check as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

impl TrustArgs {
    pub fn trust_store(&self) -> Result<JsonTrustStore, Failure> {
        let mut store = JsonTrustStore::empty();
        for path in &self.trust {
            store = store.merge(JsonTrustStore::from_file(path)?)?;
        }
        Ok(store)
    }

    pub fn clock(&self) -> Result<Arc<dyn Clock>, Failure> {
        Ok(match &self.at {
            Some(at) => {
                Arc::new(FixedClock::from_rfc3339(at).map_err(|e| Failure::usage(format!("--at {at}: {e}")))?)
            }
            None => Arc::new(SystemClock),
        })
    }
}

/// The holder-binding expectations every presentation-checking subcommand shares.
#[derive(Debug, Args)]
pub struct HolderArgs {
    /// Expected audience of the holder's proof.
    #[arg(long)]
    aud: Option<String>,
    /// Expected nonce of the holder's proof.
    #[arg(long)]
    nonce: Option<String>,
    /// mdoc session transcript (CBOR, hex).
    #[arg(long, value_name = "HEX")]
    transcript_hex: Option<String>,
    /// The public key (JWK or PEM) the credential must be bound to.
    #[arg(long, value_name = "FILE")]
    holder_key: Option<String>,
}

impl HolderArgs {
    pub fn apply(&self, mut request: VerifyRequest) -> Result<VerifyRequest, Failure> {
        if let Some(aud) = &self.aud {
            request = request.audience(aud);
        }
        if let Some(nonce) = &self.nonce {
            request = request.nonce(nonce);
        }
        if let Some(hex) = &self.transcript_hex {
            request = request.session_transcript(decode_hex(hex)?);
        }
        if let Some(path) = &self.holder_key {
            request = request.holder_key(read_public_key(path)?);
        }
        Ok(request)
    }
}

fn decode_hex(text: &str) -> Result<Vec<u8>, Failure> {
    hex::decode(text.trim()).map_err(|e| Failure::usage(format!("--transcript-hex: {e}")))
}

/// Keys for encrypted credentials.
#[derive(Debug, Args)]
pub struct DecryptArgs {
    /// A symmetric key (a file holding its hex) to open encrypted credentials (repeatable).
    #[arg(long, value_name = "FILE")]
    decrypt_key: Vec<String>,
}

impl DecryptArgs {
    pub fn apply(&self, mut request: VerifyRequest) -> Result<VerifyRequest, Failure> {
        for path in &self.decrypt_key {
            request = request.decryption_key(DecryptionKey::Symmetric(read_symmetric_key(path)?));
        }
        Ok(request)
    }
}

/// The report on stdout; exit 0 if valid, 1 if not.
pub fn report_output(report: Verification) -> CmdResult {
    Ok(Output {
        status: if report.is_valid() { 0 } else { EXIT_INVALID },
        json: report.to_json(),
    })
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The credential or an image of its QR code: a path, or - for stdin.
    input: String,
    #[command(flatten)]
    trust: TrustArgs,
    #[command(flatten)]
    holder: HolderArgs,
    #[command(flatten)]
    decrypt: DecryptArgs,
}

pub fn run(args: &VerifyArgs) -> CmdResult {
    let verifier = Verifier::builder(
        Arc::new(args.trust.trust_store()?),
        Policy::default(),
        args.trust.clock()?,
    )
    .build();
    let request = VerifyRequest::bytes(read_input(&args.input, MAX_INPUT)?);
    let request = args.decrypt.apply(args.holder.apply(request)?)?;
    report_output(verifier.verify(&request)?)
}
