"""Oracle for the encoding interop tests: CPython's zlib module (the reference zlib library)
and point compression by `cryptography` (OpenSSL).

  zlib-compress LEVEL HEX   -> hex of zlib.compress(data, LEVEL)
  zlib-decompress HEX       -> hex of zlib.decompress(data)
  ec-compress JWK_JSON      -> hex of the compressed SEC1 point of an EC public JWK
"""
import base64
import json
import sys
import zlib

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ec_compress(jwk):
    curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}[jwk["crv"]]
    x = int.from_bytes(b64url(jwk["x"]), "big")
    y = int.from_bytes(b64url(jwk["y"]), "big")
    key = ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    return key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def main(args):
    cmd = args[0]
    if cmd == "zlib-compress":
        out = zlib.compress(bytes.fromhex(args[2]), int(args[1]))
    elif cmd == "zlib-decompress":
        out = zlib.decompress(bytes.fromhex(args[1]))
    elif cmd == "ec-compress":
        out = ec_compress(json.loads(args[1]))
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(out.hex())


if __name__ == "__main__":
    main(sys.argv[1:])
