//! `inkan`: the command-line face of inkan (DESIGN.md §4).
//!
//! Machine-readable JSON on stdout (`--pretty` for people), diagnostics on stderr; exit 0 =
//! valid / ok, 1 = checked and invalid, 2 = bad usage or unreadable input. Inputs are a path
//! or `-` for stdin.

mod bitstring;
mod claim169;
mod io;
mod jwt_vc;
mod keygen;
mod mdoc;
mod qr;
mod sd_jwt;
mod status_list;
mod vc;
mod vc_jose;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::io::{Failure, Output};

/// inkan: national digital identity credentials — keys, verification, QR codes.
#[derive(Debug, Parser)]
#[command(name = "inkan", version, about, propagate_version = true)]
struct Cli {
    /// Indent the JSON written to stdout.
    #[arg(long, global = true)]
    pretty: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a signing key: the private key goes to --out (or stdout without it), the public
    /// JWK to stdout.
    Keygen(keygen::KeygenArgs),
    /// Verify a credential (or an image of its QR code): the report on stdout; exit 0 if valid,
    /// 1 if invalid, 2 if the input cannot be read.
    Verify(verify::VerifyArgs),
    /// MOSIP Claim 169 QR text: encode identity data, decode and verify.
    #[command(subcommand)]
    Claim169(claim169::Claim169Command),
    /// QR codes: render a payload, scan images.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// IETF Token Status Lists: create, set entries, show, sign as statuslist+jwt.
    #[command(subcommand)]
    StatusList(status_list::StatusListCommand),
    /// SD-JWT VCs: issue from claims JSON, present with selected Disclosures and key binding.
    #[command(subcommand, name = "sd-jwt")]
    SdJwt(sd_jwt::SdJwtCommand),
    /// VC-JWT / VP-JWT (jwt_vc_json): issue a credential from claims JSON, present credentials.
    #[command(subcommand)]
    JwtVc(jwt_vc::JwtVcCommand),
    /// VC-JOSE-COSE: issue a VCDM 2.0 credential as vc+jwt (or --cose: vc+cose).
    #[command(subcommand, name = "vc-jose")]
    VcJose(VcJoseCommand),
    /// W3C Bitstring Status Lists: create, set entries, show, sign as a status list credential.
    #[command(subcommand)]
    Bitstring(bitstring::BitstringCommand),
    /// W3C credentials with Data Integrity proofs (ldp_vc): issue with a cryptosuite, present.
    #[command(subcommand)]
    Vc(vc::VcCommand),
    /// ISO 18013-5 mdocs: issue from claims JSON, present as a DeviceResponse, test IACA + DS.
    #[command(subcommand)]
    Mdoc(mdoc::MdocCommand),
}

/// `inkan vc-jose` subcommands.
#[derive(Debug, Subcommand)]
enum VcJoseCommand {
    /// Issue from a claims JSON, signed with --key; prints {"credential": ...} (or credential_hex).
    Issue(vc_jose::IssueArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Claim169(command) => claim169::run(command),
        Command::Qr(command) => qr::run(command),
        Command::StatusList(command) => status_list::run(command),
        Command::SdJwt(command) => sd_jwt::run(command),
        Command::JwtVc(command) => jwt_vc::run(command),
        Command::VcJose(VcJoseCommand::Issue(args)) => vc_jose::run(args),
        Command::Bitstring(command) => bitstring::run(command),
        Command::Vc(command) => vc::run(command),
        Command::Mdoc(command) => mdoc::run(command),
    };
    match result {
        Ok(output) => output.emit(cli.pretty),
        Err(failure) => failure.emit(cli.pretty),
    }
}

/// Outcome of one subcommand: what to print and how to exit.
type CmdResult = Result<Output, Failure>;
