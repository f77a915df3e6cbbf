"""JOSE oracle for the interop tests: jwcrypto (pinned in requirements.txt) signs, verifies,
encrypts and decrypts what inkan produces and consumes.

Subcommands (keys are JWK files; payloads and plaintexts are UTF-8 text arguments):
  verify-jws <jwk-file> <token>                      -> "valid:<payload>" or "invalid:<reason>"
  sign-jws <private-jwk-file> <alg> <payload>        -> compact JWS
  encrypt <jwk-file> <alg> <enc> <plaintext> [apu-b64url apv-b64url] -> compact JWE
  decrypt <private-jwk-file> <token>                 -> "valid:<plaintext>" or "invalid:<reason>"

A rejection is an answer, not a failure: the exit status is 0 unless the oracle itself breaks.
"""

import json
import sys

from jwcrypto import jwe, jwk, jws


def load_key(path):
    with open(path, encoding="utf-8") as f:
        return jwk.JWK.from_json(f.read())


def verify_jws(key_path, token):
    key = load_key(key_path)
    obj = jws.JWS()
    try:
        obj.deserialize(token)
        alg = obj.jose_header.get("alg")
        obj.verify(key, alg=alg)
    except Exception as e:  # noqa: BLE001 - every rejection is reported the same way
        return "invalid:" + type(e).__name__
    return "valid:" + obj.payload.decode("utf-8")


def sign_jws(key_path, alg, payload):
    key = load_key(key_path)
    obj = jws.JWS(payload.encode("utf-8"))
    obj.add_signature(key, alg=alg, protected=json.dumps({"alg": alg, "kid": key.get("kid")}))
    return obj.serialize(compact=True)


def encrypt(key_path, alg, enc, plaintext, apu=None, apv=None):
    key = load_key(key_path)
    header = {"alg": alg, "enc": enc}
    if apu is not None:
        header["apu"] = apu
    if apv is not None:
        header["apv"] = apv
    obj = jwe.JWE(plaintext.encode("utf-8"), protected=json.dumps(header))
    obj.add_recipient(key)
    return obj.serialize(compact=True)


def decrypt(key_path, token):
    key = load_key(key_path)
    obj = jwe.JWE()
    try:
        obj.deserialize(token, key=key)
    except Exception as e:  # noqa: BLE001
        return "invalid:" + type(e).__name__
    return "valid:" + obj.payload.decode("utf-8")


COMMANDS = {
    "verify-jws": verify_jws,
    "sign-jws": sign_jws,
    "encrypt": encrypt,
    "decrypt": decrypt,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.write(COMMANDS[argv[1]](*argv[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
