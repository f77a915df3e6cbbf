"""ISO 18013-5 mdoc oracle: pymdoccbor (issuer signature, x5chain to the IACA, value digests,
issuance) with pycose + cbor2 for device authentication, which pymdoccbor does not do.

Commands (a JSON request as the second argument, a JSON answer on stdout):

  verify  {"response_hex", "iaca_der_hex", "transcript_hex"}
          -> {"pymdoccbor_valid", "hashes_total", "hashes_verified", "disclosed",
              "device_signature_valid"}
          pymdoccbor's MdocCbor.verify(trusted_root_certs=[IACA]) checks issuerAuth, the DS
          certificate's signature by the IACA and every element digest; the deviceSignature is
          checked with pycose over DeviceAuthenticationBytes built here with cbor2.

  issue   {"doc_type", "claims": {namespace: {element: value}}, "transcript_hex"}
          -> {"response_hex", "iaca_der_hex"}
          An IACA + DS pair made with `cryptography` (18013-5 Annex B extensions), the mdoc
          issued by pymdoccbor's MdocCborIssuer with the DS key and x5chain [DS], and a
          DeviceResponse whose deviceSignature pycose makes with a fresh device key.
"""

import datetime
import json
import sys

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier
from pycose.algorithms import Es256
from pycose.headers import Algorithm
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message
from pymdoccbor.mdoc.issuer import MdocCborIssuer
from pymdoccbor.mdoc.verifier import MdocCbor

MDL_DS = ObjectIdentifier("1.0.18013.5.1.2")


def device_authentication(transcript: bytes, doc_type: str, device_ns: cbor2.CBORTag) -> bytes:
    session_transcript = cbor2.loads(transcript)
    if isinstance(session_transcript, cbor2.CBORTag):  # SessionTranscriptBytes
        session_transcript = cbor2.loads(session_transcript.value)
    da = ["DeviceAuthentication", session_transcript, doc_type, device_ns]
    return cbor2.dumps(cbor2.CBORTag(24, cbor2.dumps(da)))


def cose_ec2(cose_key: dict) -> EC2Key:
    return EC2Key(crv=P256, x=cose_key[-2], y=cose_key[-3])


def jsonable(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": value.hex()}
    if isinstance(value, cbor2.CBORTag):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def verify(req: dict) -> dict:
    response = bytes.fromhex(req["response_hex"])
    iaca = x509.load_der_x509_certificate(bytes.fromhex(req["iaca_der_hex"]))
    mdoc = MdocCbor()
    mdoc.loads(response)
    valid = mdoc.verify(trusted_root_certs=[iaca])
    hashes_total = sum(d.hash_verification["total"] for d in mdoc.documents if d.hash_verification)
    hashes_verified = sum(d.hash_verification["verified"] for d in mdoc.documents if d.hash_verification)

    device_ok = True
    parsed = cbor2.loads(response)
    for doc in parsed["documents"]:
        mso = cbor2.loads(cbor2.loads(bytes(doc["issuerSigned"]["issuerAuth"][2])).value)
        device_key = cose_ec2(mso["deviceKeyInfo"]["deviceKey"])
        signed = doc["deviceSigned"]
        payload = device_authentication(bytes.fromhex(req["transcript_hex"]), doc["docType"], signed["nameSpaces"])
        sig = list(signed["deviceAuth"]["deviceSignature"])
        msg = Sign1Message.decode(cbor2.dumps(cbor2.CBORTag(18, sig)))
        msg.payload = payload
        msg.key = device_key
        device_ok = device_ok and msg.verify_signature()
    return {
        "pymdoccbor_valid": valid,
        "hashes_total": hashes_total,
        "hashes_verified": hashes_verified,
        "disclosed": jsonable(mdoc.disclosure_map),
        "device_signature_valid": device_ok,
    }


def certificate(subject, issuer, public_key, signing_key, ca: bool, now) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.IssuerAlternativeName([x509.UniformResourceIdentifier("https://iaca.oracle.example")]),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        builder = builder.add_extension(x509.ExtendedKeyUsage([MDL_DS]), critical=True)
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
        )
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(content_commitment=False, key_encipherment=False, data_encipherment=False,
                      key_agreement=False, encipher_only=False, decipher_only=False, **usage),
        critical=True,
    )
    return builder.sign(signing_key, hashes.SHA256())


def issue(req: dict) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc)
    iaca_key = ec.generate_private_key(ec.SECP256R1())
    ds_key = ec.generate_private_key(ec.SECP256R1())
    device_key = ec.generate_private_key(ec.SECP256R1())
    iaca_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "UT"),
                           x509.NameAttribute(NameOID.COMMON_NAME, "oracle iaca")])
    ds_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "UT"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "oracle ds")])
    iaca = certificate(iaca_name, iaca_name, iaca_key.public_key(), iaca_key, True, now)
    ds = certificate(ds_name, iaca_name, ds_key.public_key(), iaca_key, False, now)

    d = ds_key.private_numbers().private_value.to_bytes(32, "big")
    issuer = MdocCborIssuer(private_key={"KTY": "EC2", "CURVE": "P_256", "ALG": "ES256", "D": d}, alg="ES256")
    numbers = device_key.public_key().public_numbers()
    device_cose = {1: 2, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
    signed = issuer.new(
        data=req["claims"],
        doctype=req["doc_type"],
        validity={"issuance_date": now.strftime("%Y-%m-%d"),
                  "expiry_date": (now + datetime.timedelta(days=30)).strftime("%Y-%m-%d")},
        devicekeyinfo=device_cose,
        x509_chain=[ds.public_bytes(serialization.Encoding.DER)],
    )
    doc = signed["documents"][0]
    device_ns = cbor2.CBORTag(24, cbor2.dumps({}))
    payload = device_authentication(bytes.fromhex(req["transcript_hex"]), doc["docType"], device_ns)
    d_dev = device_key.private_numbers().private_value.to_bytes(32, "big")
    msg = Sign1Message(phdr={Algorithm: Es256}, payload=payload)
    msg.key = EC2Key(crv=P256, d=d_dev, x=device_cose[-2], y=device_cose[-3])
    encoded = cbor2.loads(msg.encode(tag=False))
    encoded[2] = None  # detached payload (18013-5 §9.1.3.6)
    doc["deviceSigned"] = {"nameSpaces": device_ns, "deviceAuth": {"deviceSignature": encoded}}
    return {
        "response_hex": cbor2.dumps(signed).hex(),
        "iaca_der_hex": iaca.public_bytes(serialization.Encoding.DER).hex(),
    }


def main() -> None:
    request = json.loads(sys.argv[2])
    command = sys.argv[1]
    answer = {"verify": verify, "issue": issue}[command](request)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
