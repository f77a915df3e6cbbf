#!/usr/bin/env python3
"""COSE/CWT oracle for inkan's interop tests: pycose 1.1.0 and cwt 3.3.0 (pinned in requirements.txt).

Keys are JWK files (private or public); symmetric keys and messages are hex on the command line.
Every subcommand prints one line on stdout. Verification failures are an answer, not an error:
they print "invalid: <reason>" and exit 0, so the Rust side can assert on them.

  verify-sign1   <jwk-file> <cose-hex> [aad-hex]     -> "valid <payload-hex>" | "invalid: ..."
  sign-sign1     <jwk-file> <payload-hex> [aad-hex]  -> tagged COSE_Sign1 hex (alg protected, kid unprotected)
  verify-cwt     <jwk-file> <cwt-hex>                -> claims as JSON (keys as strings, bstr as hex) | "invalid: ..."
  sign-cwt       <jwk-file> <claims-json> <tagged>   -> CWT hex; claims JSON keys are integers as strings
  verify-mac0    <key-hex> <cose-hex>                -> "valid <payload-hex>" | "invalid: ..."
  mac-mac0       <key-hex> <payload-hex> <alg>       -> tagged COSE_Mac0 hex (alg 4 or 5)
  decrypt-encrypt0 <key-hex> <cose-hex>              -> "valid <plaintext-hex>" | "invalid: ..."
  encrypt-encrypt0 <key-hex> <plaintext-hex>         -> tagged COSE_Encrypt0 hex, A256GCM, random IV
"""

import base64
import json
import os
import sys

import cwt
from pycose.algorithms import A256GCM, EdDSA, Es256, Es384, HMAC256, HMAC25664
from pycose.headers import IV, KID, Algorithm
from pycose.keys import EC2Key, OKPKey, SymmetricKey
from pycose.messages import CoseMessage, Enc0Message, Mac0Message, Sign1Message


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_jwk(path):
    with open(path) as f:
        return json.load(f)


def pycose_key(jwk):
    """The JWK as a pycose key and the COSE algorithm it signs with."""
    d = b64url(jwk["d"]) if "d" in jwk else b""
    if jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519":
        return OKPKey(crv="ED25519", x=b64url(jwk["x"]), d=d), EdDSA
    if jwk["kty"] == "EC" and jwk["crv"] in ("P-256", "P-384"):
        crv, alg = ("P_256", Es256) if jwk["crv"] == "P-256" else ("P_384", Es384)
        return EC2Key(crv=crv, x=b64url(jwk["x"]), y=b64url(jwk["y"]), d=d), alg
    raise SystemExit(f"unsupported JWK {jwk['kty']}/{jwk.get('crv')}")


def decode_message(cls, data):
    """Decodes tagged or untagged COSE bytes as `cls`."""
    try:
        msg = CoseMessage.decode(data)
    except Exception:
        msg = cls.decode(data)
    if not isinstance(msg, cls):
        raise ValueError(f"expected {cls.__name__}, got {type(msg).__name__}")
    return msg


def answer(check):
    try:
        print("valid " + check().hex())
    except Exception as e:  # any refusal is the oracle's verdict
        print(f"invalid: {type(e).__name__}: {e}")


def verify_sign1(jwk_file, cose_hex, aad_hex=""):
    key, _ = pycose_key(load_jwk(jwk_file))

    def check():
        msg = decode_message(Sign1Message, bytes.fromhex(cose_hex))
        msg.key = key
        msg.external_aad = bytes.fromhex(aad_hex)
        if not msg.verify_signature():
            raise ValueError("signature does not verify")
        return msg.payload

    answer(check)


def sign_sign1(jwk_file, payload_hex, aad_hex=""):
    jwk = load_jwk(jwk_file)
    key, alg = pycose_key(jwk)
    msg = Sign1Message(
        phdr={Algorithm: alg},
        uhdr={KID: jwk.get("kid", "pycose").encode()},
        payload=bytes.fromhex(payload_hex),
        external_aad=bytes.fromhex(aad_hex),
    )
    msg.key = key
    print(msg.encode(tag=True).hex())


def cwt_key(jwk):
    jwk = dict(jwk)
    jwk.setdefault("alg", {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}[jwk["crv"]])
    return cwt.COSEKey.from_jwk(jwk)


def jsonable(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def verify_cwt(jwk_file, cwt_hex):
    try:
        claims = cwt.decode(bytes.fromhex(cwt_hex), cwt_key(load_jwk(jwk_file)))
        print(json.dumps(jsonable(claims), sort_keys=True))
    except Exception as e:
        print(f"invalid: {type(e).__name__}: {e}")


def sign_cwt(jwk_file, claims_json, tagged):
    claims = {int(k): v for k, v in json.loads(claims_json).items()}
    if 7 in claims:
        claims[7] = bytes.fromhex(claims[7])
    token = cwt.encode_and_sign(claims, cwt_key(load_jwk(jwk_file)), tagged=tagged == "true")
    print(token.hex())


def verify_mac0(key_hex, cose_hex):
    def check():
        msg = decode_message(Mac0Message, bytes.fromhex(cose_hex))
        msg.key = SymmetricKey(k=bytes.fromhex(key_hex))
        if not msg.verify_tag():
            raise ValueError("tag does not verify")
        return msg.payload

    answer(check)


def mac_mac0(key_hex, payload_hex, alg):
    msg = Mac0Message(
        phdr={Algorithm: {"4": HMAC25664, "5": HMAC256}[alg]},
        uhdr={},
        payload=bytes.fromhex(payload_hex),
    )
    msg.key = SymmetricKey(k=bytes.fromhex(key_hex))
    print(msg.encode(tag=True).hex())


def decrypt_encrypt0(key_hex, cose_hex):
    def check():
        msg = decode_message(Enc0Message, bytes.fromhex(cose_hex))
        msg.key = SymmetricKey(k=bytes.fromhex(key_hex))
        return msg.decrypt()

    answer(check)


def encrypt_encrypt0(key_hex, plaintext_hex):
    msg = Enc0Message(
        phdr={Algorithm: A256GCM},
        uhdr={IV: os.urandom(12)},
        payload=bytes.fromhex(plaintext_hex),
    )
    msg.key = SymmetricKey(k=bytes.fromhex(key_hex))
    print(msg.encode(tag=True).hex())


COMMANDS = {
    "verify-sign1": verify_sign1,
    "sign-sign1": sign_sign1,
    "verify-cwt": verify_cwt,
    "sign-cwt": sign_cwt,
    "verify-mac0": verify_mac0,
    "mac-mac0": mac_mac0,
    "decrypt-encrypt0": decrypt_encrypt0,
    "encrypt-encrypt0": encrypt_encrypt0,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
