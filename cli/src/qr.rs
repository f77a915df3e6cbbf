//! `inkan qr render|scan`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use inkan_core::encoding::b64_encode;
use inkan_core::qr::{self, Content, EcLevel, QrCode, ScanOptions, Style};

use crate::CmdResult;
use crate::io::{EXIT_INVALID, Failure, MAX_INPUT, Output, read_input, write_new};

#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Render a payload as a QR code: PNG or SVG to --out (by its extension), or text blocks
    /// for a terminal on stdout; prints {"version", "ec_level", "modules", "out"}.
    Render(RenderArgs),
    /// Read every QR code in PNG/JPEG images; exit 0 if each image held one, 1 if one did not.
    Scan(ScanArgs),
}

/// Error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ec {
    /// About 7 % recoverable.
    L,
    /// About 15 % recoverable.
    M,
    /// About 25 % recoverable.
    Q,
    /// About 30 % recoverable.
    H,
}

impl From<Ec> for EcLevel {
    fn from(ec: Ec) -> Self {
        match ec {
            Ec::L => EcLevel::L,
            Ec::M => EcLevel::M,
            Ec::Q => EcLevel::Q,
            Ec::H => EcLevel::H,
        }
    }
}

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// PNG image.
    Png,
    /// SVG image.
    Svg,
    /// Unicode half blocks on stdout.
    Terminal,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The payload (a trailing newline is dropped): a path, or - for stdin.
    input: String,
    /// Write the image to this new file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format [default: svg if --out ends in .svg, png with --out, else terminal].
    #[arg(long, value_enum)]
    format: Option<RenderFormat>,
    /// Error-correction level.
    #[arg(long, value_enum, default_value = "m")]
    ec: Ec,
    /// Pixels per module (PNG/SVG).
    #[arg(long, default_value_t = 8)]
    module_px: u8,
    /// Quiet zone, in modules.
    #[arg(long, default_value_t = 4)]
    quiet_zone: u8,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// PNG or JPEG files (- for stdin).
    #[arg(required = true)]
    images: Vec<String>,
}

pub fn run(command: &QrCommand) -> CmdResult {
    match command {
        QrCommand::Render(args) => render(args),
        QrCommand::Scan(args) => scan(args),
    }
}

fn render(args: &RenderArgs) -> CmdResult {
    let mut payload = read_input(&args.input, MAX_INPUT)?;
    while payload.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        payload.pop();
    }
    let code = QrCode::encode(&payload, args.ec.into())?;
    let style = Style::default()
        .with_module_px(args.module_px)
        .with_quiet_zone(args.quiet_zone);
    let format = args.format.unwrap_or(match &args.out {
        Some(path) if path.extension().is_some_and(|e| e == "svg") => RenderFormat::Svg,
        Some(_) => RenderFormat::Png,
        None => RenderFormat::Terminal,
    });
    let summary = |out: Option<&PathBuf>| {
        serde_json::json!({
            "version": code.version(),
            "ec_level": code.ec_level().letter().to_string(),
            "modules": code.width(),
            "out": out.map(|p| p.display().to_string()),
        })
    };
    match (format, &args.out) {
        (RenderFormat::Terminal, _) => {
            print!("{}", code.to_terminal(args.quiet_zone));
            Ok(Output::silent())
        }
        (_, None) => Err(Failure::usage("PNG and SVG need --out FILE")),
        (RenderFormat::Png, Some(out)) => {
            write_new(out, &code.to_png(style)?)?;
            Ok(Output::ok(summary(Some(out))))
        }
        (RenderFormat::Svg, Some(out)) => {
            write_new(out, code.to_svg(style).as_bytes())?;
            Ok(Output::ok(summary(Some(out))))
        }
    }
}

fn scan(args: &ScanArgs) -> CmdResult {
    let mut results = Vec::new();
    let mut all_found = true;
    for path in &args.images {
        let bytes = read_input(path, MAX_INPUT)?;
        match qr::scan_image(&bytes, &ScanOptions::default()) {
            Ok(codes) => {
                let codes: Vec<_> = codes.iter().map(code_json).collect();
                results.push(serde_json::json!({ "image": path, "codes": codes }));
            }
            Err(e @ inkan_core::Error::QrNotFound) => {
                all_found = false;
                results.push(serde_json::json!({ "image": path, "codes": [],
                    "error": { "code": e.code(), "message": e.to_string() } }));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Output {
        json: serde_json::Value::Array(results),
        status: if all_found { 0 } else { EXIT_INVALID },
    })
}

fn code_json(code: &qr::Decoded) -> serde_json::Value {
    let corners: Vec<_> = code.corners.iter().map(|p| [p.x, p.y]).collect();
    let mut json = serde_json::json!({
        "version": code.version,
        "ec_level": code.ec_level.letter().to_string(),
        "corners": corners,
    });
    match &code.content {
        Content::Text(text) => json["text"] = text.clone().into(),
        Content::Bytes(bytes) => json["bytes_base64"] = b64_encode(bytes).into(),
    }
    json
}
