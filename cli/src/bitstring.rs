//! `inkan bitstring new|set|show|sign`: W3C Bitstring Status Lists kept in a list file
//! (`{"statusPurpose", "statusSize", "encodedList"}`) and published as a
//! `BitstringStatusListCredential` secured as `vc+jwt` (or `--cose`), mirroring `status-list`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use inkan_core::bitstring::{Bitstring, StatusListCredential, StatusPurpose, StatusSize};
use inkan_core::clock::Clock as _;
use inkan_core::crypto::Signer as _;
use inkan_core::vcjose::Secured;
use inkan_issuer::bitstring::{IssuerBitstringList, ListValidity};
use inkan_issuer::vc_jose::Securing;
use serde_json::{Value, json};

use crate::CmdResult;
use crate::claim169::instant;
use crate::io::{Failure, MAX_INPUT, Output, read_input, read_signing_key, write_new};
use crate::status_list::replace;
use crate::vc_jose::clock_at;

#[derive(Debug, Subcommand)]
pub enum BitstringCommand {
    /// Create a list file of --size entries (at least 131,072), all 0, for --purpose.
    New(NewArgs),
    /// Set entry INDEX of a list file to VALUE (0..2^statusSize-1; revoked/suspended = 1, valid = 0).
    Set(SetArgs),
    /// Show a list file or a status list credential (vc+jwt / vc+cose, unverified): one entry
    /// with --index, else counts per value.
    Show(ShowArgs),
    /// Publish a list file as a BitstringStatusListCredential at --url, signed with --key.
    Sign(SignArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// revocation, suspension, message or refresh.
    #[arg(long, default_value = "revocation")]
    purpose: String,
    /// How many entries (at least 131,072, the spec's minimum).
    #[arg(long, default_value_t = inkan_core::bitstring::MIN_ENTRIES)]
    size: u64,
    /// Bits per entry (statusSize), 1 to 8.
    #[arg(long, default_value_t = 1)]
    status_size: u64,
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
    /// The value.
    value: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A list file or a secured status list credential: a path, or - for stdin.
    input: String,
    /// Show only this entry.
    #[arg(long)]
    index: Option<u64>,
    /// Bits per entry when showing a credential (statusSize lives in the entries, not the list).
    #[arg(long, default_value_t = 1)]
    status_size: u64,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The list file.
    list: String,
    /// The signing key (JWK or PKCS#8 PEM); its kid names the key (a DID URL of --iss).
    #[arg(long, value_name = "FILE")]
    key: String,
    /// The URL the credential is published at (its id; entries' statusListCredential).
    #[arg(long, value_name = "URL")]
    url: String,
    /// The issuer (a URL or DID).
    #[arg(long)]
    iss: String,
    /// How long verifiers may cache it, in seconds (credentialSubject.ttl, written in ms).
    #[arg(long, value_name = "SECS")]
    ttl: Option<u64>,
    /// validUntil (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    exp: Option<String>,
    /// Use this instant as "now" for validFrom (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Secure as vc+cose (printed as hex) instead of vc+jwt.
    #[arg(long)]
    cose: bool,
    /// Also write the secured credential to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: &BitstringCommand) -> CmdResult {
    match command {
        BitstringCommand::New(args) => new(args),
        BitstringCommand::Set(args) => set(args),
        BitstringCommand::Show(args) => show(args),
        BitstringCommand::Sign(args) => sign(args),
    }
}

/// A list file: purpose, size and the bitstring.
struct ListFile {
    purpose: StatusPurpose,
    size: StatusSize,
    list: Bitstring,
}

impl ListFile {
    fn read(path: &str) -> Result<Self, Failure> {
        let value: Value =
            serde_json::from_slice(&read_input(path, MAX_INPUT)?).map_err(inkan_core::Error::from)?;
        let bad = |what: &str| inkan_core::Error::BitstringMalformed(format!("a list file needs {what}"));
        let purpose = value["statusPurpose"]
            .as_str()
            .ok_or_else(|| bad("statusPurpose"))?;
        let size = value["statusSize"].as_u64().ok_or_else(|| bad("statusSize"))?;
        let encoded = value["encodedList"].as_str().ok_or_else(|| bad("encodedList"))?;
        Ok(Self {
            purpose: StatusPurpose::parse(purpose)?,
            size: StatusSize::new(size)?,
            list: Bitstring::decode(encoded)?,
        })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut text = json!({
            "statusPurpose": self.purpose.as_str(),
            "statusSize": self.size.bits(),
            "encodedList": self.list.encode(),
        })
        .to_string();
        text.push('\n');
        text.into_bytes()
    }
}

fn new(args: &NewArgs) -> CmdResult {
    let size = StatusSize::new(args.status_size)?;
    let file = ListFile {
        purpose: StatusPurpose::parse(&args.purpose)?,
        size,
        list: Bitstring::new(args.size, size)?,
    };
    write_new(&args.out, &file.bytes())?;
    Ok(Output::ok(summary(&file.list, size, None)))
}

fn set(args: &SetArgs) -> CmdResult {
    let path = args.list.to_string_lossy().into_owned();
    let mut file = ListFile::read(&path)?;
    let value = match args.value.to_ascii_lowercase().as_str() {
        "valid" => 0,
        "revoked" | "suspended" | "invalid" => 1,
        number => number.parse().map_err(|_| {
            Failure::usage(format!(
                "status value {:?}: use a number or revoked/suspended/valid",
                args.value
            ))
        })?,
    };
    file.list.set(args.index, file.size, value)?;
    replace(Path::new(&args.list), &file.bytes())?;
    Ok(Output::ok(json!({"index": args.index, "status": value})))
}

fn show(args: &ShowArgs) -> CmdResult {
    let bytes = read_input(&args.input, MAX_INPUT)?;
    let (list, size, credential) = if bytes.trim_ascii_start().starts_with(b"{") {
        let path = args.input.clone();
        let file = if path == "-" {
            return Err(Failure::usage("show a list file by path, not from stdin"));
        } else {
            ListFile::read(&path)?
        };
        (file.list, file.size, None)
    } else {
        let secured = Secured::parse(&bytes)?;
        let parsed = StatusListCredential::from_credential(&Value::Object(secured.document().clone()))?;
        let about = json!({
            "id": parsed.id, "issuer": secured.issuer(),
            "purposes": parsed.purposes.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "validFrom": parsed.valid_from, "validUntil": parsed.valid_until, "ttl_ms": parsed.ttl_ms,
            "signature_checked": false,
        });
        (parsed.list, StatusSize::new(args.status_size)?, Some(about))
    };
    let out = match args.index {
        Some(index) => json!({"index": index, "status": list.get(index, size)?}),
        None => summary(&list, size, credential),
    };
    Ok(Output::ok(out))
}

fn sign(args: &SignArgs) -> CmdResult {
    let file = ListFile::read(&args.list)?;
    let key = read_signing_key(&args.key)?;
    let clock = clock_at(args.at.as_deref())?;
    let lifetime = match &args.exp {
        Some(exp) => Some(u64::try_from(instant(exp)?.saturating_sub(clock.now_unix())).unwrap_or(0)),
        None => None,
    };
    let list = IssuerBitstringList::from_list(&args.url, file.purpose, file.size, Vec::new(), file.list)?;
    let validity = ListValidity {
        lifetime_secs: lifetime,
        ttl_secs: args.ttl,
    };
    let securing = if args.cose { Securing::Cose } else { Securing::Jose };
    let secured = list.sign(&args.iss, securing, &key, &clock, validity)?;
    if let Some(out) = &args.out {
        write_new(out, &secured)?;
    }
    Ok(Output::ok(match securing {
        Securing::Jose => {
            json!({"credential": String::from_utf8_lossy(&secured), "typ": "vc+jwt", "kid": key.key_id()})
        }
        Securing::Cose => {
            json!({"credential_hex": hex::encode(&secured), "typ": "application/vc+cose", "kid": key.key_id()})
        }
    }))
}

/// Entries and how many hold each value.
fn summary(list: &Bitstring, size: StatusSize, credential: Option<Value>) -> Value {
    let len = list.entries(size);
    let mut counts = std::collections::BTreeMap::<u8, u64>::new();
    for index in 0..len {
        *counts.entry(list.get(index, size).unwrap_or(0)).or_default() += 1;
    }
    let counts: serde_json::Map<String, Value> = counts
        .into_iter()
        .map(|(v, n)| (v.to_string(), n.into()))
        .collect();
    let mut out = json!({"statusSize": size.bits(), "len": len, "counts": counts});
    if let Some(credential) = credential {
        out["credential"] = credential;
    }
    out
}
