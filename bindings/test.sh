#!/usr/bin/env bash
# Runs the generated bindings for real: builds libinkan (debug), generates Kotlin, Swift and
# Python in one pass, then
#   python: pytest over the generated module (the pinned venv of scripts/setup-interop),
#   kotlin: kotlinc + JUnit on the JVM through JNA,
#   swift:  header compile check and deterministic regeneration (no Swift compiler on Linux).
# Each prints `LANGUAGE: N passed, N failed`; the script fails if any does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$root/target/bindings
bindings/generate.sh "$out"

status=0
PYTHONPATH="$out/python" "$root/.venv-interop/bin/python" -m pytest -q -p no:cacheprovider \
  bindings/python/tests || status=1
bindings/kotlin/run-tests.sh "$out" || status=1
BINDGEN="$root/target/debug/uniffi-bindgen" bindings/swift/check-header.sh "$out" || status=1
exit $status
