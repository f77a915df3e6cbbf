//! What every CLI test needs: run the built `inkan`, read its JSON, check its exit.

// Test helpers outside #[test] functions: a failed unwrap here is a failed test. Not every test
// file uses every helper.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `inkan ARGS` with an empty stdin.
pub fn inkan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inkan"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `inkan ARGS` with `stdin` on its standard input.
pub fn inkan_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkan"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Its stdout as JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Its exit code.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// A path as the argument text.
pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Exit 2 with `{"error": {"code": expected}}` on stdout and one line on stderr.
pub fn assert_exit_2(out: &Output, expected: &str) {
    assert_eq!(code(out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(out)["error"]["code"], expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
