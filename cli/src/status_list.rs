//! `inkan status-list new|set|show|sign`: IETF Token Status Lists kept in a list file (the
//! spec's `status_list` JSON object, `{"bits": 1, "lst": "…"}`) and signed as a
//! `statuslist+jwt` (or CWT).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::status::{Bits, StatusList, StatusListToken, StatusValue, UnverifiedStatusList};
use serde_json::{Value, json};

use crate::CmdResult;
use crate::io::{Failure, MAX_INPUT, Output, read_input, read_signing_key, write_new};

#[derive(Debug, Subcommand)]
pub enum StatusListCommand {
    /// Create a list file of --size entries, all VALID, with --bits per entry.
    New(NewArgs),
    /// Set entry INDEX of a list file to VALUE (valid, invalid, suspended, or 0-255).
    Set(SetArgs),
    /// Show a list file or a status list token (unverified): one entry with --index, else a
    /// summary (entries per status).
    Show(ShowArgs),
    /// Sign a list file as a statuslist+jwt (or --cwt) published at --sub.
    Sign(SignArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// How many entries (rounded up to whole bytes).
    #[arg(long)]
    size: usize,
    /// Bits per entry: 1, 2, 4 or 8.
    #[arg(long, default_value_t = 1)]
    bits: u64,
    /// The new list file (never overwritten).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The list file, replaced atomically.
    list: PathBuf,
    /// The entry's index.
    index: u64,
    /// valid, invalid (or revoked), suspended, or a number 0-255 that fits the list's bits.
    value: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A list file, or a statuslist+jwt / CWT token (its signature is not checked here): a
    /// path, or - for stdin.
    input: String,
    /// Show only this entry.
    #[arg(long)]
    index: Option<u64>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The list file.
    list: String,
    /// The signing key (JWK or PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The URI the list is published at (its `sub`; referenced tokens carry it as `uri`).
    #[arg(long, value_name = "URI")]
    sub: String,
    /// Issuer (`iss`), if the list should name one.
    #[arg(long)]
    iss: Option<String>,
    /// How long relying parties may cache the list, in seconds (`ttl`).
    #[arg(long, value_name = "SECS")]
    ttl: Option<u64>,
    /// Expiry (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Use this instant as "now" for `iat` (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Sign as an application/statuslist+cwt (printed as hex) instead of a JWT.
    #[arg(long)]
    cwt: bool,
    /// Also write the token (the JWT text, or the CWT bytes) to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: &StatusListCommand) -> CmdResult {
    match command {
        StatusListCommand::New(args) => new(args),
        StatusListCommand::Set(args) => set(args),
        StatusListCommand::Show(args) => show(args),
        StatusListCommand::Sign(args) => sign(args),
    }
}

fn new(args: &NewArgs) -> CmdResult {
    let list = StatusList::new(Bits::try_from(args.bits)?, args.size)?;
    write_new(&args.out, &list_file(&list))?;
    Ok(Output::ok(summary(&list)))
}

fn set(args: &SetArgs) -> CmdResult {
    let mut list = read_list(&path_text(&args.list))?;
    let value = parse_value(&args.value)?;
    list.set(args.index, value)?;
    replace(&args.list, &list_file(&list))?;
    Ok(Output::ok(entry(&list, args.index)?))
}

fn show(args: &ShowArgs) -> CmdResult {
    let bytes = read_input(&args.input, MAX_INPUT)?;
    let (list, token) = if bytes.trim_ascii_start().starts_with(b"{") {
        (list_from_json(&bytes)?, None)
    } else {
        let token = UnverifiedStatusList::parse(&bytes)?.into_token();
        (token.list.clone(), Some(token))
    };
    let mut out = match args.index {
        Some(index) => entry(&list, index)?,
        None => summary(&list),
    };
    if let (Some(token), Some(object)) = (token, out.as_object_mut()) {
        let claims =
            json!({"sub": token.sub, "iss": token.iss, "iat": token.iat, "exp": token.exp, "ttl": token.ttl});
        object.insert("token".into(), claims);
        object.insert("signature_checked".into(), false.into());
    }
    Ok(Output::ok(out))
}

fn sign(args: &SignArgs) -> CmdResult {
    let list = read_list(&args.list)?;
    let key = read_signing_key(&args.key)?;
    let iat = match &args.at {
        Some(at) => instant(at)?,
        None => SystemClock.now_unix(),
    };
    let token = StatusListToken {
        iss: args.iss.clone(),
        exp: args.exp.as_deref().map(instant).transpose()?,
        ttl: args.ttl,
        ..StatusListToken::new(args.sub.clone(), iat, list)
    };
    let (bytes, out) = if args.cwt {
        let kid = inkan_core::crypto::Signer::key_id(&key).map(|k| k.as_bytes().to_vec());
        let cwt = token.sign_cwt(&key, kid)?;
        let out = json!({"cwt_hex": hex::encode(&cwt), "typ": inkan_core::status::CWT_TYP});
        (cwt, out)
    } else {
        let jwt = token.sign_jwt(&key)?;
        let out = json!({"jwt": jwt, "typ": inkan_core::status::JWT_TYP});
        (jwt.into_bytes(), out)
    };
    if let Some(path) = &args.out {
        write_new(path, &bytes)?;
    }
    Ok(Output::ok(out))
}

/// The list file's content: the spec's `status_list` JSON object.
fn list_file(list: &StatusList) -> Vec<u8> {
    let mut text = json!({"bits": list.bits().get(), "lst": list.to_lst()}).to_string();
    text.push('\n');
    text.into_bytes()
}

fn read_list(path: &str) -> Result<StatusList, Failure> {
    list_from_json(&read_input(path, MAX_INPUT)?)
}

fn list_from_json(bytes: &[u8]) -> Result<StatusList, Failure> {
    let value: Value = serde_json::from_slice(bytes).map_err(inkan_core::Error::from)?;
    let bad = |what: &str| inkan_core::Error::StatusMalformed(format!("a list file needs {what}"));
    let bits = value["bits"].as_u64().ok_or_else(|| bad("an integer bits"))?;
    let lst = value["lst"].as_str().ok_or_else(|| bad("a string lst"))?;
    Ok(StatusList::from_lst(Bits::try_from(bits)?, lst)?)
}

fn parse_value(text: &str) -> Result<u8, Failure> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "valid" => StatusValue::Valid.into(),
        "invalid" | "revoked" => StatusValue::Invalid.into(),
        "suspended" => StatusValue::Suspended.into(),
        number => number.parse().map_err(|_| {
            Failure::usage(format!(
                "status value {text:?}: use valid, invalid, suspended or 0-255"
            ))
        })?,
    })
}

fn meaning(value: u8) -> &'static str {
    match StatusValue::from(value) {
        StatusValue::Valid => "valid",
        StatusValue::Invalid => "invalid",
        StatusValue::Suspended => "suspended",
        StatusValue::ApplicationSpecific(_) => "application_specific",
    }
}

fn entry(list: &StatusList, index: u64) -> Result<Value, Failure> {
    let value = list.get(index)?;
    Ok(json!({"index": index, "status": value, "meaning": meaning(value)}))
}

fn summary(list: &StatusList) -> Value {
    let mut counts = std::collections::BTreeMap::<u8, usize>::new();
    for (_, value) in list.non_valid() {
        *counts.entry(value).or_default() += 1;
    }
    let non_valid: usize = counts.values().sum();
    counts.insert(0, list.len() - non_valid);
    let counts: serde_json::Map<String, Value> = counts
        .into_iter()
        .map(|(v, n)| (v.to_string(), n.into()))
        .collect();
    json!({"bits": list.bits().get(), "len": list.len(), "counts": counts})
}

fn instant(text: &str) -> Result<i64, Failure> {
    FixedClock::from_rfc3339(text)
        .map(|c| c.now_unix())
        .map_err(|e| Failure::usage(format!("{text}: {e}")))
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Replaces `path` atomically: a new file beside it, then a rename, so a crash never leaves a
/// half-written list.
pub(crate) fn replace(path: &Path, content: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let io = |e: std::io::Error| {
        Failure::from(inkan_verifier::Error::Io {
            path: path_text(path),
            message: e.to_string(),
        })
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| f.write_all(content).and_then(|()| f.sync_all()));
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(io(e));
    }
    Ok(())
}
