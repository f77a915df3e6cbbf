//! Shared helpers for the vector and interop tests in `tests/`.
//!
//! Vector files live under `vectors/` (each set with its README and licence); independent
//! implementations (Python oracles, pinned in `interop/requirements.txt`) run from the virtual
//! environment that `scripts/setup-interop` creates; JavaScript ones (npm packages, pinned by
//! `interop/node/package-lock.json`) run under Node from `interop/node/node_modules`, which the
//! same script installs with `npm ci`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The folder holding the vector sets.
///
/// ```
/// assert!(inkan_test_vectors::vectors_dir().join("small-rfc-vectors").is_dir());
/// ```
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Reads and parses a JSON vector file relative to [`vectors_dir`].
///
/// Panics with the path on failure: a missing vector is a broken test, not a skip.
///
/// ```
/// let v = inkan_test_vectors::json("small-rfc-vectors/rfc8032-ed25519-and-rfc9285-base45.json");
/// assert!(v["ed25519_rfc8032"].is_array());
/// ```
pub fn json(rel: &str) -> serde_json::Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `*.json` file in a vector folder, sorted.
///
/// ```
/// assert!(!inkan_test_vectors::json_files("cose-wg-examples/sign1-tests").is_empty());
/// ```
pub fn json_files(rel: &str) -> Vec<PathBuf> {
    let dir = vectors_dir().join(rel);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Every `*.json` vector in a folder, parsed, with its file stem as the name; a folder with no
/// vectors fails the test.
///
/// ```
/// let cases = inkan_test_vectors::named_json("cose-wg-examples/sign1-tests");
/// assert!(cases.iter().any(|(name, _)| name == "sign-pass-01"));
/// ```
pub fn named_json(rel: &str) -> Vec<(String, serde_json::Value)> {
    let files = json_files(rel);
    assert!(!files.is_empty(), "no vectors in {rel}");
    files
        .iter()
        .map(|p| {
            let name = p
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let value = json(&format!("{rel}/{name}.json"));
            (name, value)
        })
        .collect()
}

/// The Python interpreter of the interop virtual environment.
///
/// `INKAN_INTEROP_PYTHON` overrides it; by default it is `.venv-interop/bin/python` at the
/// workspace root, created by `scripts/setup-interop`.
pub fn interop_python() -> PathBuf {
    std::env::var_os("INKAN_INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv-interop/bin/python"))
}

/// Runs `interop/<script>` with `args` under the interop Python and returns its stdout.
///
/// Panics with the oracle's stderr when it fails or when the environment is missing: the
/// interop tests are part of the suite and are never skipped.
pub fn run_oracle(script: &str, args: &[&str]) -> String {
    let python = interop_python();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop").join(script);
    let out = Command::new(&python)
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}); create the interop environment with scripts/setup-interop",
                python.display()
            )
        });
    if !out.status.success() {
        panic!(
            "oracle {script} {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `interop/node/<script>` under Node with `args`, writes `stdin` to it and returns its
/// stdout.
///
/// The packages it needs come from `interop/node/node_modules` (`npm ci` in
/// `scripts/setup-interop`). `INKAN_INTEROP_NODE` overrides the `node` found on `PATH`. Panics
/// with the oracle's stderr when it fails: like [`run_oracle`], never skipped.
///
/// ```
/// let request = r#"[{"data": "hello", "header": ""}]"#;
/// let out = inkan_test_vectors::run_node_oracle("pixelpass_oracle.js", &["encode"], request);
/// assert_eq!(out, r#"["NCFKVPV0QSIP600GP5L0"]"#);
/// ```
pub fn run_node_oracle(script: &str, args: &[&str], stdin: &str) -> String {
    run_node_oracle_in("node", script, args, stdin)
}

/// [`run_node_oracle`] for an oracle in its own folder `interop/<dir>/`, with its own
/// `package.json` and lock file (so one oracle's pins do not move another's).
///
/// ```no_run
/// let out = inkan_test_vectors::run_node_oracle_in("node-status", "status_list_oracle.js", &["decode"], "{}");
/// # let _ = out;
/// ```
pub fn run_node_oracle_in(dir: &str, script: &str, args: &[&str], stdin: &str) -> String {
    let node = std::env::var_os("INKAN_INTEROP_NODE").unwrap_or_else(|| "node".into());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop").join(dir);
    if !dir.join("node_modules").is_dir() {
        panic!(
            "{}/node_modules is missing; run scripts/setup-interop",
            dir.display()
        );
    }
    let mut child = Command::new(&node)
        .current_dir(&dir)
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} ({e})", node.to_string_lossy()));
    let mut input = child.stdin.take().expect("stdin is piped");
    // Written from a thread so a large answer cannot deadlock against a large request.
    let request = stdin.to_owned();
    let writer = std::thread::spawn(move || input.write_all(request.as_bytes()));
    let out = child.wait_with_output().expect("node oracle runs");
    writer.join().expect("writer thread").expect("request written");
    if !out.status.success() {
        panic!(
            "node oracle {script} {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A signing key from a W3C key-pair file (a Multikey `publicKeyMultibase` and a
/// multicodec-prefixed `privateKeyMultibase`/`secretKeyMultibase`, as the Data Integrity
/// cryptosuite vectors publish them), relative to [`vectors_dir`].
///
/// ```
/// let key = inkan_test_vectors::multikey_pair("w3c-vc-di-eddsa/TestVectors/keyPair.json");
/// assert_eq!(key.public_key().key_type(), inkan_core::crypto::KeyType::Ed25519);
/// ```
pub fn multikey_pair(rel: &str) -> inkan_core::crypto::SoftwareKey {
    use inkan_core::crypto::{KeyType, Secret, SoftwareKey};
    use inkan_core::encoding::{b64url_encode, multibase_decode, multikey_decode, varint_decode};
    let pair = json(rel);
    let public = multikey_decode(pair["publicKeyMultibase"].as_str().unwrap()).unwrap();
    let secret_mb = pair
        .get("privateKeyMultibase")
        .or_else(|| pair.get("secretKeyMultibase"))
        .and_then(serde_json::Value::as_str)
        .unwrap();
    let (_, bytes) = multibase_decode(secret_mb).unwrap();
    let (codec, secret) = varint_decode(&bytes).unwrap();
    // ed25519-priv 0x1300, p256-priv 0x1306, p384-priv 0x1307 (multiformats table.csv).
    let expected = match public.key_type() {
        KeyType::Ed25519 => 0x1300,
        KeyType::P256 => 0x1306,
        KeyType::P384 => 0x1307,
        KeyType::Rsa => panic!("{rel}: no RSA key pairs in the W3C vectors"),
    };
    assert_eq!(codec, expected);
    let mut jwk = public.to_jwk();
    jwk.d = Some(Secret::new(b64url_encode(secret)));
    SoftwareKey::from_jwk(&jwk).unwrap()
}
