"""JSON-LD oracle: pyld (pinned in requirements.txt) canonicalizes and signs, fully offline.

Usage: jsonld_oracle.py COMMAND CONTEXTS_JSON REQUEST_JSON

CONTEXTS_JSON is a file holding {url: context document text}: the contexts inkan bundles, handed
over by the Rust test so both sides read the very same bytes. pyld gets them through a custom
document loader; any other URL raises, so nothing is fetched.

Commands (REQUEST_JSON is a file):
  canon     REQUEST = a JSON-LD document         -> its URDNA2015/RDFC-1.0 canonical N-Quads
  sign2020  REQUEST = {"doc", "seed_hex", "verificationMethod", "created"}
            -> the document with an Ed25519Signature2020 proof (the legacy suite Inji Certify
               issues): proofValue = multibase base58btc of Ed25519(sha256(canon(proof options
               with the document's @context)) || sha256(canon(document)))
  sign2018  same request -> an Ed25519Signature2018 proof: detached JWS, header
            {"alg":"EdDSA","b64":false,"crit":["b64"]}, signing input = header + "." + the same
            64 hash bytes
"""

import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def loader_for(contexts):
    def load(url, options=None):
        if url not in contexts:
            raise jsonld.JsonLdError(
                "context not bundled: " + url, "jsonld.LoadDocumentError", code="loading document failed"
            )
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(contexts[url])}

    return load


def canon(doc, loader):
    return jsonld.normalize(
        doc, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    )


def hashes(doc, proof_options, loader):
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    config = dict(proof_options)
    config["@context"] = doc["@context"]
    proof_hash = hashlib.sha256(canon(config, loader).encode()).digest()
    doc_hash = hashlib.sha256(canon(unsigned, loader).encode()).digest()
    return proof_hash + doc_hash


def sign(request, loader, suite):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(request["seed_hex"]))
    doc = request["doc"]
    options = {
        "type": suite,
        "created": request["created"],
        "verificationMethod": request["verificationMethod"],
        "proofPurpose": "assertionMethod",
    }
    data = hashes(doc, options, loader)
    proof = dict(options)
    if suite == "Ed25519Signature2020":
        proof["proofValue"] = "z" + b58encode(key.sign(data))
    else:
        header = base64.urlsafe_b64encode(
            json.dumps({"alg": "EdDSA", "b64": False, "crit": ["b64"]}, separators=(",", ":")).encode()
        ).rstrip(b"=")
        signature = key.sign(header + b"." + data)
        proof["jws"] = header.decode() + ".." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    signed = dict(doc)
    signed["proof"] = proof
    return json.dumps(signed)


def main():
    command, contexts_path, request_path = sys.argv[1:4]
    with open(contexts_path) as f:
        loader = loader_for(json.load(f))
    with open(request_path) as f:
        request = json.load(f)
    if command == "canon":
        sys.stdout.write(canon(request, loader))
    elif command == "sign2020":
        sys.stdout.write(sign(request, loader, "Ed25519Signature2020"))
    elif command == "sign2018":
        sys.stdout.write(sign(request, loader, "Ed25519Signature2018"))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main()
