//! Reading inputs, writing outputs, and turning errors into exit code 2.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use inkan_core::crypto::{Jwk, PublicKey, SoftwareKey};
use zeroize::Zeroizing;

/// Largest input file (or stdin) read, in bytes; the verifier's policy caps it again.
pub const MAX_INPUT: usize = inkan_verifier::DEFAULT_MAX_INPUT;

/// Exit status for "checked and invalid".
pub const EXIT_INVALID: u8 = 1;
/// Exit status for bad usage or unreadable input.
pub const EXIT_USAGE: u8 = 2;

/// What a successful subcommand prints: JSON on stdout (unless it printed something else
/// itself, like `qr render` for a terminal), and the exit status (0 or 1).
#[derive(Debug)]
pub struct Output {
    pub json: serde_json::Value,
    pub status: u8,
}

impl Output {
    pub fn ok(json: serde_json::Value) -> Self {
        Self { json, status: 0 }
    }

    /// Success, with stdout already written.
    pub fn silent() -> Self {
        Self::ok(serde_json::Value::Null)
    }

    pub fn emit(&self, pretty: bool) -> ExitCode {
        if !self.json.is_null() {
            print_json(&self.json, pretty);
        }
        ExitCode::from(self.status)
    }
}

/// Why a subcommand could not do its job: exit 2, a one-line reason on stderr and
/// `{"error": {"code", "message"}}` on stdout.
#[derive(Debug)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: "cli.bad_argument",
            message: message.into(),
        }
    }

    pub fn emit(&self, pretty: bool) -> ExitCode {
        eprintln!("inkan: {} ({})", self.message.replace('\n', " "), self.code);
        print_json(
            &serde_json::json!({"error": {"code": self.code, "message": self.message}}),
            pretty,
        );
        ExitCode::from(EXIT_USAGE)
    }
}

impl From<inkan_verifier::Error> for Failure {
    fn from(err: inkan_verifier::Error) -> Self {
        Self {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

impl From<inkan_core::Error> for Failure {
    fn from(err: inkan_core::Error) -> Self {
        inkan_verifier::Error::from(err).into()
    }
}

fn print_json(value: &serde_json::Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`inkan ... | head -c0`) is not worth a panic; the exit code still tells.
    let _ = writeln!(stdout, "{}", text.unwrap_or_default());
}

fn unreadable(path: &str, err: impl std::fmt::Display) -> Failure {
    inkan_verifier::Error::Io {
        path: path.to_owned(),
        message: err.to_string(),
    }
    .into()
}

/// Reads a path, or stdin for `-`, refusing more than `limit` bytes.
pub fn read_input(path: &str, limit: usize) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let read = if path == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(cap).read_to_end(&mut bytes))
    };
    read.map_err(|e| unreadable(path, e))?;
    if bytes.len() > limit {
        return Err(inkan_core::Error::TooLarge {
            size: bytes.len(),
            limit,
        }
        .into());
    }
    Ok(bytes)
}

/// Reads a small text file (a key), as UTF-8.
pub fn read_text(path: &str) -> Result<String, Failure> {
    let bytes = read_input(path, Jwk::MAX_JSON.max(64 * 1024))?;
    String::from_utf8(bytes).map_err(|e| unreadable(path, e))
}

/// A public key from a JWK or a PEM `PUBLIC KEY` file.
pub fn read_public_key(path: &str) -> Result<PublicKey, Failure> {
    let text = read_text(path)?;
    let text = text.trim();
    if text.starts_with('{') {
        Ok(PublicKey::from_jwk(&Jwk::from_json(text)?)?)
    } else {
        Ok(PublicKey::from_pem(text)?)
    }
}

/// A symmetric key from a file holding its hex (16, 24 or 32 bytes).
pub fn read_symmetric_key(path: &str) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let text = Zeroizing::new(read_text(path)?);
    let key = Zeroizing::new(
        hex::decode(text.trim()).map_err(|e| Failure::usage(format!("{path}: not a hex key: {e}")))?,
    );
    if ![16, 24, 32].contains(&key.len()) {
        return Err(Failure::usage(format!(
            "{path}: a {}-byte key; AES keys are 16, 24 or 32 bytes",
            key.len()
        )));
    }
    Ok(key)
}

/// A private key (JWK or PEM) to sign with.
pub fn read_signing_key(path: &str) -> Result<SoftwareKey, Failure> {
    let text = Zeroizing::new(read_text(path)?);
    let text = text.trim();
    if text.starts_with('{') {
        Ok(SoftwareKey::from_jwk(&Jwk::from_json(text)?)?)
    } else {
        Ok(SoftwareKey::from_pem(text)?)
    }
}

/// Writes a new file; never overwrites.
pub fn write_new(path: &Path, content: &[u8]) -> Result<(), Failure> {
    write_file(path, content, 0o644)
}

/// Writes a new file readable by its owner only; never overwrites.
pub fn write_secret(path: &Path, content: &[u8]) -> Result<(), Failure> {
    write_file(path, content, 0o600)
}

fn write_file(
    path: &Path,
    content: &[u8],
    #[cfg_attr(not(unix), allow(unused_variables))] mode: u32,
) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let shown = path.display().to_string();
    let mut file = options.open(path).map_err(|e| unreadable(&shown, e))?;
    file.write_all(content).map_err(|e| unreadable(&shown, e))
}
