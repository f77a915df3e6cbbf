"""Shared fixtures: the spec vector, its PNG, a verifier trusting the vector's key.

The generated module `inkan` (and libinkan next to it) must be on sys.path: scripts/test runs
pytest with PYTHONPATH=target/bindings/python after bindings/generate.sh.
"""

import base64
import json
import pathlib

import pytest

import inkan

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTOR = ROOT / "test-vectors/vectors/claim169/valid/ed25519-signed.json"
PNG = ROOT / "bindings/tests/fixtures/claim169-ed25519-signed.png"
# Before the vector's exp (1800000000) and after its iat (1700000000).
NOW = 1_767_225_600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="session")
def vector():
    return json.loads(VECTOR.read_text())


@pytest.fixture(scope="session")
def png_bytes():
    return PNG.read_bytes()


@pytest.fixture(scope="session")
def verifier(vector):
    public = bytes.fromhex(vector["signing_key"]["public_key_hex"])
    jwk = json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64url(public)})
    return inkan.Verifier(jwk, inkan.VerifierOptions(now_unix=NOW))


def pytest_terminal_summary(terminalreporter):
    """The plain `python: N passed, N failed` line scripts/test prints for every language."""
    passed = len(terminalreporter.stats.get("passed", []))
    failed = len(terminalreporter.stats.get("failed", [])) + len(terminalreporter.stats.get("error", []))
    terminalreporter.write_line(f"python: {passed} passed, {failed} failed")
