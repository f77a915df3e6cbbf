//! End to end through the binary: keygen → claim169 encode → qr render → verify the image.

// Test helpers outside #[test] functions: a failed unwrap here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{assert_exit_2, code, inkan, json, p as s};

use inkan_core::encoding::{InflateLimit, base45_decode, base45_encode, zlib_compress, zlib_decompress};
use serde_json::Value;

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report}"))
}

struct Fixture {
    dir: tempfile::TempDir,
    public: PathBuf,
    qr_text: PathBuf,
}

impl Fixture {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// An issuer key, its public JWK, and a signed Claim 169 valid until 2030.
    fn new(alg: &str, key_name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join(key_name);
        let out = inkan(&["keygen", "--alg", alg, "--out", s(&key)]);
        assert_eq!(code(&out), 0);
        let public = dir.path().join("issuer.pub.jwk");
        std::fs::write(&public, &out.stdout).unwrap();
        let identity = dir.path().join("id.json");
        std::fs::write(
            &identity,
            r#"{"id": "3918592438", "fullName": "Janardhan BS", "dateOfBirth": "19840418", "gender": 1}"#,
        )
        .unwrap();
        let qr_text = dir.path().join("qr.txt");
        let out = inkan(&[
            "claim169",
            "encode",
            s(&identity),
            "--key",
            s(&key),
            "--iss",
            "https://id.example.gov",
            "--exp",
            "2030-01-01T00:00:00Z",
            "--at",
            "2026-01-01T00:00:00Z",
            "--out",
            s(&qr_text),
        ]);
        assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(json(&out)["qr_text"], std::fs::read_to_string(&qr_text).unwrap());
        Fixture { dir, public, qr_text }
    }

    fn render(&self, text_file: &Path, name: &str) -> PathBuf {
        let png = self.path(name);
        let out = inkan(&["qr", "render", s(text_file), "--out", s(&png)]);
        assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
        assert!(json(&out)["version"].as_u64().unwrap() >= 1);
        png
    }
}

/// Changes one byte of the signed payload ("Janardhan BS" → "Janardhan BZ") and re-packs it.
fn tamper(text: &str) -> String {
    let mut cose = zlib_decompress(&base45_decode(text).unwrap(), InflateLimit::DEFAULT).unwrap();
    let at = cose.windows(12).position(|w| w == b"Janardhan BS").unwrap() + 11;
    cose[at] = b'Z';
    base45_encode(&zlib_compress(&cose, 9))
}

#[test]
fn image_valid_tampered_garbage() {
    let f = Fixture::new("EdDSA", "issuer.jwk");
    let image = f.render(&f.qr_text, "qr.png");
    let out = inkan(&[
        "verify",
        s(&image),
        "--trust",
        s(&f.public),
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
    let report = json(&out);
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["format"], "claim169");
    assert_eq!(report["source"]["kind"], "qr_image");
    assert_eq!(report["issuer"], "https://id.example.gov");
    assert_eq!(report["claims"]["fullName"], "Janardhan BS");
    assert_eq!(check(&report, "signature")["outcome"], "passed");

    let tampered = f.path("tampered.txt");
    std::fs::write(&tampered, tamper(&std::fs::read_to_string(&f.qr_text).unwrap())).unwrap();
    let tampered_png = f.render(&tampered, "tampered.png");
    let out = inkan(&[
        "verify",
        s(&tampered_png),
        "--trust",
        s(&f.public),
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["verdict"], "invalid");
    assert_eq!(report["claims"]["fullName"], "Janardhan BZ");
    assert_eq!(check(&report, "signature")["code"], "crypto.bad_signature");

    let garbage = f.path("garbage.png");
    std::fs::write(&garbage, b"\x89PNG\r\n\x1a\nthis is not really a PNG").unwrap();
    assert_exit_2(
        &inkan(&["verify", s(&garbage), "--trust", s(&f.public)]),
        "image.malformed",
    );
    let words = f.path("words.txt");
    std::fs::write(&words, "no credential here").unwrap();
    assert_exit_2(&inkan(&["verify", s(&words)]), "verifier.unknown_format");
}

#[test]
fn text_untrusted_expired_and_decode() {
    let f = Fixture::new("ES256", "issuer.pem");
    let text = s(&f.qr_text);
    let at = "2026-06-01T00:00:00Z";
    assert_eq!(
        code(&inkan(&["verify", text, "--trust", s(&f.public), "--at", at])),
        0
    );
    let out = inkan(&["verify", text, "--at", at]);
    assert_eq!(code(&out), 1);
    assert_eq!(check(&json(&out), "trust")["code"], "trust.untrusted");
    let out = inkan(&[
        "verify",
        text,
        "--trust",
        s(&f.public),
        "--at",
        "2031-01-01T00:00:00Z",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(check(&json(&out), "validity")["code"], "jwt.expired");

    let out = inkan(&["claim169", "decode", text, "--trust", s(&f.public), "--at", at]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["claims"]["dateOfBirth"], "19840418");
}

#[test]
fn encrypted_needs_its_key() {
    let f = Fixture::new("EdDSA", "issuer.jwk");
    let aes = f.path("aes.hex");
    std::fs::write(&aes, "11".repeat(32)).unwrap();
    let identity = f.path("id2.json");
    std::fs::write(&identity, r#"{"id": "1", "fullName": "Ada"}"#).unwrap();
    let qr = f.path("enc.txt");
    let key = f.path("issuer.jwk");
    let out = inkan(&[
        "claim169",
        "encode",
        s(&identity),
        "--key",
        s(&key),
        "--encrypt-key",
        s(&aes),
        "--out",
        s(&qr),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert_exit_2(
        &inkan(&["verify", s(&qr), "--trust", s(&f.public)]),
        "claim169.needs_decryption_key",
    );
    let out = inkan(&[
        "verify",
        s(&qr),
        "--trust",
        s(&f.public),
        "--decrypt-key",
        s(&aes),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn encode_refuses_bad_input() {
    let f = Fixture::new("EdDSA", "issuer.jwk");
    let key = f.path("issuer.jwk");
    let bad = f.path("bad.json");
    std::fs::write(&bad, r#"{"fullName": 7}"#).unwrap();
    let out = inkan(&["claim169", "encode", s(&bad), "--key", s(&key)]);
    assert_eq!(code(&out), 2);
    let not_json = f.path("bad.txt");
    std::fs::write(&not_json, "{").unwrap();
    assert_exit_2(
        &inkan(&["claim169", "encode", s(&not_json), "--key", s(&key)]),
        "json.malformed",
    );
    let rsa = f.path("rsa.jwk");
    assert_eq!(code(&inkan(&["keygen", "--alg", "PS256", "--out", s(&rsa)])), 0);
    let identity = f.path("id.json");
    assert_exit_2(
        &inkan(&["claim169", "encode", s(&identity), "--key", s(&rsa)]),
        "crypto.unsupported_algorithm",
    );
    assert_exit_2(
        &inkan(&[
            "claim169",
            "encode",
            s(&identity),
            "--key",
            s(&key),
            "--exp",
            "soon",
        ]),
        "cli.bad_argument",
    );
    // decode accepts Claim 169 only.
    let pixel = f.path("pixel.txt");
    std::fs::write(&pixel, inkan_core::pixelpass::encode("hello", "").unwrap()).unwrap();
    assert_exit_2(
        &inkan(&["claim169", "decode", s(&pixel)]),
        "verifier.format_not_accepted",
    );
}

#[test]
fn qr_render_formats_and_scan() {
    let f = Fixture::new("EdDSA", "issuer.jwk");
    let svg = f.path("qr.svg");
    let out = inkan(&["qr", "render", s(&f.qr_text), "--out", s(&svg), "--ec", "q"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["ec_level"], "Q");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let out = inkan(&["qr", "render", s(&f.qr_text)]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains('█'));
    assert_exit_2(
        &inkan(&["qr", "render", s(&f.qr_text), "--format", "png"]),
        "cli.bad_argument",
    );
    let big = f.path("big.bin");
    std::fs::write(&big, vec![b'x'; 4000]).unwrap();
    let out = inkan(&["qr", "render", s(&big), "--out", s(&f.path("big.png"))]);
    assert_exit_2(&out, "qr.too_large");

    let png = f.render(&f.qr_text, "qr.png");
    let out = inkan(&["qr", "scan", s(&png), s(&png)]);
    assert_eq!(code(&out), 0);
    let scans = json(&out);
    assert_eq!(scans.as_array().unwrap().len(), 2);
    assert_eq!(
        scans[0]["codes"][0]["text"],
        std::fs::read_to_string(&f.qr_text).unwrap()
    );
    assert_exit_2(&inkan(&["qr", "scan", s(&f.qr_text)]), "image.malformed");
    assert_eq!(code(&inkan(&["qr", "scan"])), 2);
}
