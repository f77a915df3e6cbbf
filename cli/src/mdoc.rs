//! `inkan mdoc issue|present|test-pki`: ISO 18013-5 mdocs from claims JSON, DeviceResponses
//! for a reader, and a test IACA + document signer pair. Verification is `inkan verify`, which
//! detects mdocs (`--transcript-hex` gives the session transcript).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::encoding::{b64url_decode, b64url_encode};
use inkan_core::mdoc::{DeviceRequest, IssuerSigned, ItemsRequest, SessionTranscript};
use inkan_core::x509::Certificate;
use inkan_issuer::mdoc::{MdocContent, MdocIssuer, pki};
use serde_json::{Value, json};

use crate::CmdResult;
use crate::io::{
    Failure, MAX_INPUT, Output, read_input, read_public_key, read_signing_key, read_text, write_new,
};

#[derive(Debug, Subcommand)]
pub enum MdocCommand {
    /// Issue an mdoc (IssuerSigned) from claims JSON {namespace: {element: value}}, signed with
    /// the document signer --key; prints {"issuer_signed": base64url CBOR}.
    Issue(IssueArgs),
    /// Present an mdoc: the --element items (or those of a --request DeviceRequest) with a
    /// deviceSignature over the session transcript; prints {"device_response": base64url CBOR,
    /// "session_transcript_hex"}.
    Present(PresentArgs),
    /// Make a test IACA root and document signer certificate (18013-5 profile); prints
    /// {"iaca_pem", "ds_pem"}.
    TestPki(TestPkiArgs),
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Claims JSON: a path, or - for stdin. Dates as {"$full-date": "YYYY-MM-DD"}, bytes as
    /// {"$bytes": base64url}.
    input: String,
    /// The docType, e.g. org.iso.18013.5.1.mDL or eu.europa.ec.eudi.pid.1.
    #[arg(long)]
    doctype: String,
    /// The document signer's private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The document signer certificate chain (PEM, DS first), sent in x5chain.
    #[arg(long, value_name = "FILE")]
    x5chain: String,
    /// The holder's device public key (JWK or PEM), bound in the MSO.
    #[arg(long, value_name = "FILE")]
    holder_key: String,
    /// MSO lifetime in seconds.
    #[arg(long, value_name = "SECS")]
    validity_secs: Option<i64>,
    /// Use this instant as "now" (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write the IssuerSigned CBOR to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PresentArgs {
    /// The issued mdoc (IssuerSigned: CBOR, base64url or hex): a path, or - for stdin.
    input: String,
    /// The device private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// An element to present, as NAMESPACE/ELEMENT (repeatable).
    #[arg(long, value_name = "NS/ELEMENT", conflicts_with = "request")]
    element: Vec<String>,
    /// A DeviceRequest (CBOR) to answer.
    #[arg(long, value_name = "FILE")]
    request: Option<String>,
    /// The session transcript (CBOR, hex).
    #[arg(long, value_name = "HEX", conflicts_with_all = ["client_id", "nonce", "response_uri"])]
    transcript_hex: Option<String>,
    /// OpenID4VP: the verifier's client_id (with --nonce and --response-uri builds the
    /// OpenID4VP 1.0 session transcript).
    #[arg(long, requires_all = ["nonce", "response_uri"])]
    client_id: Option<String>,
    /// OpenID4VP: the request's nonce.
    #[arg(long)]
    nonce: Option<String>,
    /// OpenID4VP: the response_uri.
    #[arg(long)]
    response_uri: Option<String>,
    /// Also write the DeviceResponse CBOR to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the session transcript's hex to this new file (for `verify --transcript-hex`).
    #[arg(long, value_name = "FILE")]
    transcript_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestPkiArgs {
    /// The IACA private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    iaca_key: String,
    /// The document signer private key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    ds_key: String,
    /// The issuing country's name.
    #[arg(long, default_value = "Utopia")]
    country: String,
    /// Use this instant as "now" (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also write iaca.pem and ds.pem (new files) into this directory.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

pub fn run(command: &MdocCommand) -> CmdResult {
    match command {
        MdocCommand::Issue(args) => issue(args),
        MdocCommand::Present(args) => present(args),
        MdocCommand::TestPki(args) => test_pki(args),
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

fn issue(args: &IssueArgs) -> CmdResult {
    let claims: Value =
        serde_json::from_slice(&read_input(&args.input, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
    let key = read_signing_key(&args.key)?;
    let chain = Certificate::from_pem_bundle(&read_text(&args.x5chain)?)?;
    let device = read_public_key(&args.holder_key)?;
    let content = MdocContent::from_json(&args.doctype, &claims, &device)?;
    let mut issuer = MdocIssuer::new(&key, chain.iter().map(|c| c.der().to_vec()).collect());
    if let Some(secs) = args.validity_secs {
        issuer = issuer.validity_secs(secs);
    }
    let signed = issuer.issue(&content, clock(args.at.as_deref())?.as_ref())?;
    emit("issuer_signed", &signed.encode()?, args.out.as_ref(), json!({}))
}

fn present(args: &PresentArgs) -> CmdResult {
    let held = IssuerSigned::decode(&cbor_input(&read_input(&args.input, MAX_INPUT)?)?)?;
    let key = read_signing_key(&args.key)?;
    let request = match &args.request {
        Some(path) => DeviceRequest::decode(&read_input(path, MAX_INPUT)?)?,
        None => DeviceRequest::new(vec![items(&held.mso.value().doc_type, &args.element)?])?,
    };
    let transcript = match (
        &args.transcript_hex,
        &args.client_id,
        &args.nonce,
        &args.response_uri,
    ) {
        (Some(hex), ..) => SessionTranscript::from_bytes(
            &hex::decode(hex.trim()).map_err(|e| Failure::usage(format!("--transcript-hex: {e}")))?,
        )?,
        (None, Some(client_id), Some(nonce), Some(uri)) => {
            SessionTranscript::openid4vp(client_id, nonce, None, uri)?
        }
        _ => {
            return Err(Failure::usage(
                "give --transcript-hex, or --client-id, --nonce and --response-uri",
            ));
        }
    };
    let response = inkan_wallet::mdoc::present(&[held], &request, &transcript, &key)?;
    let transcript_hex = hex::encode(transcript.bytes());
    if let Some(path) = &args.transcript_out {
        write_new(path, transcript_hex.as_bytes())?;
    }
    let extra = json!({ "session_transcript_hex": transcript_hex });
    emit("device_response", &response.encode()?, args.out.as_ref(), extra)
}

fn test_pki(args: &TestPkiArgs) -> CmdResult {
    let iaca_key = read_signing_key(&args.iaca_key)?;
    let ds_key = read_signing_key(&args.ds_key)?;
    let clock = clock(args.at.as_deref())?;
    let (iaca, ds) = pki::test_iaca_and_ds(&iaca_key, &ds_key, &args.country, clock.as_ref())?;
    if let Some(dir) = &args.out_dir {
        write_new(&dir.join("iaca.pem"), iaca.to_pem().as_bytes())?;
        write_new(&dir.join("ds.pem"), ds.to_pem().as_bytes())?;
    }
    Ok(Output::ok(
        json!({ "iaca_pem": iaca.to_pem(), "ds_pem": ds.to_pem() }),
    ))
}

/// An ItemsRequest for `doc_type` from NAMESPACE/ELEMENT arguments (the last `/` splits).
fn items(doc_type: &str, elements: &[String]) -> Result<ItemsRequest, Failure> {
    if elements.is_empty() {
        return Err(Failure::usage(
            "give --element NAMESPACE/ELEMENT (repeatable) or --request",
        ));
    }
    elements
        .iter()
        .try_fold(ItemsRequest::new(doc_type), |request, arg| {
            let (ns, element) = arg
                .rsplit_once('/')
                .ok_or_else(|| Failure::usage(format!("--element {arg}: expected NAMESPACE/ELEMENT")))?;
            Ok(request.element(ns, element, false))
        })
}

/// CBOR bytes as given, or decoded from hex / base64url text.
fn cbor_input(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    if bytes.first().is_some_and(|b| (0xa0..=0xbf).contains(b)) {
        return Ok(bytes.to_vec());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| inkan_core::Error::MdocMalformed("neither CBOR nor text".into()))?
        .trim();
    if text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex::decode(text).map_err(|e| Failure::usage(e.to_string()));
    }
    Ok(b64url_decode(text)?)
}

fn emit(name: &str, cbor: &[u8], out: Option<&PathBuf>, mut extra: Value) -> CmdResult {
    if let Some(path) = out {
        write_new(path, cbor)?;
    }
    if let Some(map) = extra.as_object_mut() {
        map.insert(name.into(), b64url_encode(cbor).into());
    }
    Ok(Output::ok(extra))
}
