#!/usr/bin/env python3
"""Claim 169 oracle for inkan's interop tests: the reference implementation, PyPI claim169 0.3.0
(idpass/claim-169, pinned in requirements.txt).

Identity data travels as inkan's JSON view (the specification's field names: fullName,
dateOfBirth, ...; bytes as standard base64; biometrics as lists of {data, format, subFormat,
issuer}). Keys are hex on the command line.

  decode <qr-file> <EdDSA|ES256> <public-key-hex> [aes-key-hex]
      -> {"claim169": {...}, "cwtMeta": {...}, "status": "...", "algorithm": "...", "kid": hex|null}
         Signature verification is required; a failure exits non-zero.
  encode <identity-json-file> <meta-json-file> <EdDSA|ES256> <private-key-hex> [aes-key-hex]
      -> QR text (Base45). With an AES key the signed credential is encrypted (A256GCM for 32
         bytes, A128GCM for 16; signed with Ed25519, the only signer claim169 0.3.0 combines with
         encryption).
"""

import base64
import json
import sys

import claim169
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

TEXT = [
    ("id", "id"), ("version", "version"), ("language", "language"), ("fullName", "full_name"),
    ("firstName", "first_name"), ("middleName", "middle_name"), ("lastName", "last_name"),
    ("dateOfBirth", "date_of_birth"), ("address", "address"), ("email", "email"), ("phone", "phone"),
    ("nationality", "nationality"), ("guardian", "guardian"), ("secondaryFullName", "secondary_full_name"),
    ("secondaryLanguage", "secondary_language"), ("locationCode", "location_code"),
    ("legalStatus", "legal_status"), ("countryOfIssuance", "country_of_issuance"),
]
CODES = [("gender", "gender"), ("maritalStatus", "marital_status"), ("photoFormat", "photo_format")]
BIOMETRICS = [
    ("rightThumb", "right_thumb"), ("rightPointerFinger", "right_pointer_finger"),
    ("rightMiddleFinger", "right_middle_finger"), ("rightRingFinger", "right_ring_finger"),
    ("rightLittleFinger", "right_little_finger"), ("leftThumb", "left_thumb"),
    ("leftPointerFinger", "left_pointer_finger"), ("leftMiddleFinger", "left_middle_finger"),
    ("leftRingFinger", "left_ring_finger"), ("leftLittleFinger", "left_little_finger"),
    ("rightIris", "right_iris"), ("leftIris", "left_iris"), ("face", "face"),
    ("rightPalm", "right_palm"), ("leftPalm", "left_palm"), ("voice", "voice"),
]


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def to_json(claim):
    out = {}
    for name, attr in TEXT + CODES:
        value = getattr(claim, attr)
        if value is not None:
            out[name] = int(value) if (name, attr) in CODES else value
    if claim.photo is not None:
        out["photo"] = b64(claim.photo)
    if claim.best_quality_fingers is not None:
        out["bestQualityFingers"] = list(claim.best_quality_fingers)
    for name, attr in BIOMETRICS:
        samples = getattr(claim, attr)
        if samples:
            out[name] = [biometric_json(s) for s in samples]
    return out


def biometric_json(sample):
    out = {"data": b64(sample.data)}
    for name, attr in [("format", "format"), ("subFormat", "sub_format"), ("issuer", "issuer")]:
        value = getattr(sample, attr)
        if value is not None:
            out[name] = value
    return out


def from_json(data):
    claim = claim169.Claim169Input()
    for name, attr in TEXT + CODES:
        if name in data:
            setattr(claim, attr, data[name])
    if "photo" in data:
        claim.photo = base64.b64decode(data["photo"])
    for name, attr in BIOMETRICS:
        if name in data:
            setattr(claim, attr, [
                claim169.Biometric(base64.b64decode(s["data"]), s.get("format"), s.get("subFormat"), s.get("issuer"))
                for s in data[name]
            ])
    unsupported = set(data) - {n for n, _ in TEXT + CODES + BIOMETRICS} - {"photo"}
    if unsupported:
        sys.exit(f"claim169 0.3.0 cannot encode {sorted(unsupported)}")
    return claim


def meta_json(meta):
    fields = [("issuer", "issuer"), ("subject", "subject"), ("expiresAt", "expires_at"),
              ("notBefore", "not_before"), ("issuedAt", "issued_at")]
    return {name: getattr(meta, attr) for name, attr in fields if getattr(meta, attr) is not None}


def verifier_for(alg, public_hex):
    public = bytes.fromhex(public_hex)

    def verify(algorithm, _key_id, data, signature):
        if algorithm != alg:
            raise ValueError(f"expected {alg}, got {algorithm}")
        if alg == "EdDSA":
            Ed25519PublicKey.from_public_bytes(public).verify(bytes(signature), bytes(data))
        else:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), bytes(data), ec.ECDSA(hashes.SHA256()))

    return verify


def decode(qr_file, alg, public_hex, aes_hex=None):
    qr = open(qr_file).read().strip()
    if aes_hex:
        result = claim169.decode_encrypted_aes(qr, bytes.fromhex(aes_hex), verifier=verifier_for(alg, public_hex))
    elif alg == "EdDSA":
        result = claim169.decode_with_ed25519(qr, bytes.fromhex(public_hex), validate_timestamps=False)
    else:
        result = claim169.decode_with_ecdsa_p256(qr, bytes.fromhex(public_hex), validate_timestamps=False)
    if not result.is_verified():
        sys.exit(f"signature not verified: {result.verification_status}")
    kid = result.key_id
    print(json.dumps({
        "claim169": to_json(result.claim169),
        "cwtMeta": meta_json(result.cwt_meta),
        "status": result.verification_status,
        "algorithm": result.algorithm,
        "kid": bytes(kid).hex() if kid is not None else None,
    }))


def encode(identity_file, meta_file, alg, private_hex, aes_hex=None):
    claim = from_json(json.load(open(identity_file)))
    meta_in = json.load(open(meta_file))
    meta = claim169.CwtMetaInput()
    for name, attr in [("issuer", "issuer"), ("subject", "subject"), ("expiresAt", "expires_at"),
                       ("notBefore", "not_before"), ("issuedAt", "issued_at")]:
        if name in meta_in:
            setattr(meta, attr, meta_in[name])
    private = bytes.fromhex(private_hex)
    if aes_hex:
        if alg != "EdDSA":
            sys.exit("claim169 0.3.0 encrypts only Ed25519-signed credentials")
        aes = bytes.fromhex(aes_hex)
        encrypt = claim169.encode_signed_encrypted if len(aes) == 32 else claim169.encode_signed_encrypted_aes128
        print(encrypt(claim, meta, private, aes))
    elif alg == "EdDSA":
        print(claim169.encode_with_ed25519(claim, meta, private))
    else:
        print(claim169.encode_with_ecdsa_p256(claim, meta, private))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"decode": decode, "encode": encode}[command](*args)
