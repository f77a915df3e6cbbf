"""Data Integrity JCS cryptosuites oracle for the interop tests: an independent implementation of
eddsa-jcs-2022 and ecdsa-jcs-2019 (W3C vc-di-eddsa / vc-di-ecdsa, section 3.3) on Trail of Bits'
`rfc8785` (JCS), `cryptography` (Ed25519, ECDSA P-256/P-384) and `base58`, all pinned in
requirements.txt. It follows the spec's steps on its own: proof options + the document's
@context -> JCS -> hash (SHA-256, or SHA-384 for P-384) and JCS(document without proof) -> hash,
signature over proofHash || docHash, proofValue = "z" + base58btc.

Subcommands (keys are JWK files, documents JSON files):
  canon <json-file-holding-an-array-of-documents>           -> JSON array of their JCS texts
  sign <private-jwk-file> <suite> <verification-method> <created> <document-json-file> -> signed JSON
  verify <public-jwk-file> <signed-json-file>               -> "ok" or "invalid:<reason>"

A rejection is an answer, not a failure: the exit status is 0 unless the oracle itself breaks.
"""

import base64
import hashlib
import json
import sys

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

CURVES = {"P-256": (ec.SECP256R1(), hashes.SHA256(), hashlib.sha256, 32),
          "P-384": (ec.SECP384R1(), hashes.SHA384(), hashlib.sha384, 48)}


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def private_key(jwk):
    if jwk["kty"] == "OKP":
        return ed25519.Ed25519PrivateKey.from_private_bytes(b64(jwk["d"]))
    curve = CURVES[jwk["crv"]][0]
    return ec.derive_private_key(int.from_bytes(b64(jwk["d"]), "big"), curve)


def public_key(jwk):
    if jwk["kty"] == "OKP":
        return ed25519.Ed25519PublicKey.from_public_bytes(b64(jwk["x"]))
    curve = CURVES[jwk["crv"]][0]
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(b64(jwk["x"]), "big"),
                                            int.from_bytes(b64(jwk["y"]), "big"), curve)
    return numbers.public_key()


def hash_for(jwk):
    return hashlib.sha256 if jwk["kty"] == "OKP" else CURVES[jwk["crv"]][2]


def hash_data(jwk, proof_config, document):
    h = hash_for(jwk)
    return h(rfc8785.dumps(proof_config)).digest() + h(rfc8785.dumps(document)).digest()


def sign(key_path, suite, vm, created, doc_path):
    jwk = load(key_path)
    document = load(doc_path)
    document.pop("proof", None)
    proof = {"type": "DataIntegrityProof", "cryptosuite": suite, "created": created,
             "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    if "@context" in document:
        proof["@context"] = document["@context"]
    data = hash_data(jwk, proof, document)
    key = private_key(jwk)
    if jwk["kty"] == "OKP":
        signature = key.sign(data)
    else:
        _, algorithm, _, size = CURVES[jwk["crv"]]
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(algorithm)))
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    document["proof"] = proof
    return json.dumps(document)


def verify(key_path, signed_path):
    jwk = load(key_path)
    document = load(signed_path)
    proof = document.pop("proof", None)
    if not isinstance(proof, dict):
        return "invalid:no single proof"
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") not in ("eddsa-jcs-2022", "ecdsa-jcs-2019"):
        return "invalid:unsupported proof"
    value = proof.pop("proofValue", "")
    if not value.startswith("z"):
        return "invalid:proofValue is not base58btc"
    signature = base58.b58decode(value[1:])
    if "@context" in proof:
        ctx = proof["@context"]
        if document.get("@context", [])[: len(ctx)] != ctx:
            return "invalid:@context mismatch"
        document["@context"] = ctx
    data = hash_data(jwk, proof, document)
    key = public_key(jwk)
    try:
        if jwk["kty"] == "OKP":
            key.verify(signature, data)
        else:
            _, algorithm, _, size = CURVES[jwk["crv"]]
            if len(signature) != 2 * size:
                return "invalid:signature length"
            der = encode_dss_signature(int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big"))
            key.verify(der, data, ec.ECDSA(algorithm))
    except InvalidSignature:
        return "invalid:bad signature"
    return "ok"


def main(argv):
    if argv[0] == "canon":
        print(json.dumps([rfc8785.dumps(doc).decode("utf-8") for doc in load(argv[1])]))
    elif argv[0] == "sign":
        print(sign(*argv[1:6]))
    elif argv[0] == "verify":
        print(verify(argv[1], argv[2]))
    else:
        raise SystemExit(f"unknown subcommand {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
