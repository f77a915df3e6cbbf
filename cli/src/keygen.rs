//! `inkan keygen`: a new signing key.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use inkan_core::crypto::{Algorithm, SoftwareKey};

use crate::CmdResult;
use crate::io::{Failure, Output, write_secret};

/// How the private key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// A private JWK (with `kid` and `alg`).
    Jwk,
    /// PKCS#8 PEM.
    Pem,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Signature algorithm: EdDSA, ES256, ES384, PS256 or RS256.
    #[arg(long, default_value = "EdDSA", value_parser = parse_alg)]
    alg: Algorithm,
    /// Write the private key to this new file (mode 0600; never overwritten) and print the
    /// public JWK; without it, the private key is printed.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Private key encoding [default: pem if --out ends in .pem, else jwk].
    #[arg(long, value_enum)]
    format: Option<KeyFormat>,
    /// Key identifier [default: the RFC 7638 thumbprint].
    #[arg(long)]
    kid: Option<String>,
}

fn parse_alg(name: &str) -> Result<Algorithm, String> {
    Algorithm::from_jose(name).map_err(|_| {
        let names: Vec<_> = Algorithm::ALL.iter().map(|a| a.jose_name()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

pub fn run(args: &KeygenArgs) -> CmdResult {
    let key = SoftwareKey::generate(args.alg)?;
    let kid = args.kid.clone().unwrap_or_else(|| key.public_key().thumbprint());
    let key = key.with_kid(kid);
    let private = key.to_jwk()?;
    let public = private.to_public();
    let format = args.format.unwrap_or(match &args.out {
        Some(path) if path.extension().is_some_and(|e| e == "pem") => KeyFormat::Pem,
        _ => KeyFormat::Jwk,
    });
    let Some(out) = &args.out else {
        return match format {
            KeyFormat::Jwk => Ok(Output::ok(
                serde_json::to_value(&private).map_err(inkan_core::Error::from)?,
            )),
            KeyFormat::Pem => Err(Failure::usage("--format pem needs --out (stdout carries JSON)")),
        };
    };
    let content = match format {
        KeyFormat::Jwk => zeroize::Zeroizing::new(private.to_json()),
        KeyFormat::Pem => key.to_pkcs8_pem()?,
    };
    write_secret(out, content.as_bytes())?;
    Ok(Output::ok(
        serde_json::to_value(&public).map_err(inkan_core::Error::from)?,
    ))
}
