"""VC-JOSE-COSE oracle for inkan's interop tests: jwcrypto 1.6.1 (JWS) and pycose 1.1.0
(COSE_Sign1), both pinned in requirements.txt. The envelope rules of "Securing Verifiable
Credentials using JOSE and COSE" (typ vc+jwt / application/vc+cose, content type
application/vc, payload = the VCDM 2.0 credential itself) are applied here on their own, so
inkan is checked against a second reading of the spec.

Subcommands (keys are JWK files):
  sign-jwt    <private-jwk-file> <alg> <kid> <typ> <document-json>  -> compact JWS
  verify-jwt  <jwk-file> <token>                                    -> "valid <payload-json>" | "invalid: ..."
  sign-cose   <private-jwk-file> <kid> <typ> <document-json>        -> tagged COSE_Sign1, hex
  verify-cose <jwk-file> <cose-hex>                                 -> "valid <payload-json>" | "invalid: ..."
  bitstring-encode <status-size> <entries> [index=value ...]        -> encodedList (u + base64url of gzip)
  bitstring-decode <status-size> <encodedList> [index ...]          -> JSON {"entries": n, "values": [...]}

The bitstring commands use CPython's own gzip and bit arithmetic (MSB first), independent of
inkan's flate2-based code.

A rejection is an answer, not a failure: the exit status is 0 unless the oracle itself breaks.
"""

import base64
import gzip
import json
import sys

from jwcrypto import jwk, jws
from pycose.headers import KID, Algorithm, ContentType
from pycose.messages import Sign1Message

from cose_oracle import decode_message, load_jwk, pycose_key

V2 = "https://www.w3.org/ns/credentials/v2"
COSE_TYP = 16
JOSE_TYPES = {"vc+jwt": "VerifiableCredential", "vp+jwt": "VerifiablePresentation"}
COSE_TYPES = {
    "application/vc+cose": ("application/vc", "VerifiableCredential"),
    "application/vp+cose": ("application/vp", "VerifiablePresentation"),
}


def check_document(payload, wanted_type):
    doc = json.loads(payload)
    context = doc.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first != V2:
        raise ValueError("@context does not start with the VCDM 2.0 context")
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    if wanted_type not in types:
        raise ValueError(f"type does not include {wanted_type}")
    return doc


def answer(check):
    try:
        print("valid " + json.dumps(check(), sort_keys=True))
    except Exception as e:  # any refusal is the oracle's verdict
        print(f"invalid: {type(e).__name__}: {e}")


def sign_jwt(key_file, alg, kid, typ, document_json):
    with open(key_file, encoding="utf-8") as f:
        key = jwk.JWK.from_json(f.read())
    token = jws.JWS(document_json.encode())
    token.add_signature(key, alg=None, protected=json.dumps({"alg": alg, "kid": kid, "typ": typ}))
    print(token.serialize(compact=True))


def verify_jwt(key_file, token):
    with open(key_file, encoding="utf-8") as f:
        key = jwk.JWK.from_json(f.read())

    def check():
        obj = jws.JWS()
        obj.deserialize(token)
        obj.verify(key)  # jwcrypto refuses alg none and algorithms that do not fit the key
        header = obj.jose_header
        wanted = JOSE_TYPES.get(header.get("typ"))
        if wanted is None:
            raise ValueError(f"typ {header.get('typ')!r} is not vc+jwt / vp+jwt")
        if "cty" in header and header["cty"] not in ("vc", "vp", "application/vc", "application/vp"):
            raise ValueError(f"cty {header['cty']!r}")
        return check_document(obj.payload, wanted)

    answer(check)


def sign_cose(key_file, kid, typ, document_json):
    key, alg = pycose_key(load_jwk(key_file))
    content_type, _ = COSE_TYPES[typ]
    msg = Sign1Message(
        phdr={Algorithm: alg, COSE_TYP: typ, ContentType: content_type, KID: kid.encode()},
        payload=document_json.encode(),
    )
    msg.key = key
    print(msg.encode(tag=True).hex())


def verify_cose(key_file, cose_hex):
    key, _ = pycose_key(load_jwk(key_file))

    def check():
        msg = decode_message(Sign1Message, bytes.fromhex(cose_hex))
        msg.key = key
        if not msg.verify_signature():
            raise ValueError("signature does not verify")
        typ = msg.phdr.get(COSE_TYP)
        if typ not in COSE_TYPES:
            raise ValueError(f"protected typ {typ!r}")
        content_type, wanted = COSE_TYPES[typ]
        found = msg.phdr.get(ContentType)
        if found is not None and found != content_type:
            raise ValueError(f"content type {found!r}")
        return check_document(msg.payload, wanted)

    answer(check)


def bitstring_encode(size, entries, *assignments):
    size, entries = int(size), int(entries)
    bits = bytearray((entries * size + 7) // 8)
    for assignment in assignments:
        index, value = (int(x) for x in assignment.split("="))
        for k in range(size):
            if (value >> (size - 1 - k)) & 1:
                bit = index * size + k
                bits[bit // 8] |= 0x80 >> (bit % 8)
    packed = gzip.compress(bytes(bits))
    print("u" + base64.urlsafe_b64encode(packed).decode().rstrip("="))


def bitstring_decode(size, encoded, *indices):
    size = int(size)
    text = encoded[1:] if encoded.startswith("u") else encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    values = []
    for index in indices:
        value = 0
        for k in range(size):
            bit = int(index) * size + k
            value = (value << 1) | ((bits[bit // 8] >> (7 - bit % 8)) & 1)
        values.append(value)
    print(json.dumps({"entries": len(bits) * 8 // size, "values": values}))


COMMANDS = {
    "bitstring-encode": bitstring_encode,
    "bitstring-decode": bitstring_decode,
    "sign-jwt": sign_jwt,
    "verify-jwt": verify_jwt,
    "sign-cose": sign_cose,
    "verify-cose": verify_cose,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
