"""The generated Python bindings, run for real against libinkan."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import claim169
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import inkan
from conftest import NOW, b64url


def test_verifies_a_claim169_qr_from_a_png_file(verifier, png_bytes, vector):
    report = verifier.verify(png_bytes)
    assert report.verdict == inkan.ReportVerdict.VALID
    assert report.format == "claim169"
    assert report.source == inkan.ReportSource.QR_IMAGE(code_index=0, codes_found=1)
    assert report.issuer == vector["expected_cwt_meta"]["issuer"]
    assert json.loads(report.claims_json)["fullName"] == vector["expected_claim169"]["fullName"]
    checks = {c.check: c.outcome for c in report.checks}
    assert checks["signature"] == inkan.CheckOutcome.PASSED()
    assert json.loads(report.report_json)["schema"] == "inkan.verification/1"


def test_a_wrong_key_gives_an_invalid_report_not_an_exception(png_bytes):
    other = inkan.SigningKey.generate(inkan.SignatureAlgorithm.ED_DSA)
    report = inkan.Verifier(other.public_jwk(), inkan.VerifierOptions(now_unix=NOW)).verify(png_bytes)
    assert report.verdict == inkan.ReportVerdict.INVALID
    failed = [c for c in report.checks if isinstance(c.outcome, inkan.CheckOutcome.FAILED)]
    assert failed and failed[0].outcome.code.startswith(("trust.", "crypto."))


@pytest.mark.parametrize(
    "call, domain, code",
    [
        (lambda: inkan.claim169_decode("not base45!", None), inkan.InkanError.Claim169, "encoding.bad_base45"),
        (lambda: inkan.claim169_decode("ABC", None), inkan.InkanError.Claim169, "encoding.bad_zlib"),
        (lambda: inkan.pixelpass_decode("NCFKVPV0QSIP600GP5L0", "hdr://"), inkan.InkanError.PixelPass, "pixelpass.missing_header"),
        (lambda: inkan.Verifier("{not json", inkan.VerifierOptions()), inkan.InkanError.TrustStore, "json.malformed"),
        (lambda: inkan.Verifier('{"issuers": 7}', inkan.VerifierOptions()), inkan.InkanError.TrustStore, "trust_store.malformed"),
        (lambda: inkan.Verifier("{}", inkan.VerifierOptions(extra_required_checks=["x"])), inkan.InkanError.TrustStore, "bindings.bad_argument"),
        (lambda: inkan.qr_scan_frame(inkan.LumaImage(data=b"\0" * 10, width=4, height=4, stride=4)), inkan.InkanError.Qr, "image.malformed"),
        (lambda: inkan.qr_scan_image(b"\x89PNG\r\n\x1a\n broken"), inkan.InkanError.Qr, "image.malformed"),
        (lambda: inkan.SigningKey.from_jwk('{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"AA"}'), inkan.InkanError.Key, "crypto.invalid_key"),
    ],
)
def test_decode_errors_surface_as_exceptions_with_codes(call, domain, code):
    with pytest.raises(domain) as raised:
        call()
    assert raised.value.code == code
    assert raised.value.detail
    assert isinstance(raised.value, inkan.InkanError)


def test_unknown_input_is_a_verify_error(verifier):
    with pytest.raises(inkan.InkanError.Verify) as raised:
        verifier.verify_text("hello")
    assert raised.value.code == "verifier.unknown_format"


class CryptographySigner(inkan.ForeignSigner):
    """A platform-keystore stand-in: the private key lives in `cryptography`, never in Rust, and
    signatures come back DER-encoded, as Android Keystore and Secure Enclave return them."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.calls = 0

    def public_jwk(self):
        numbers = self.key.public_key().public_numbers()
        return json.dumps({
            "kty": "EC", "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")), "y": b64url(numbers.y.to_bytes(32, "big")),
        })

    def sec1(self):
        return self.key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def sign(self, message):
        self.calls += 1
        return self.key.sign(bytes(message), ec.ECDSA(hashes.SHA256()))


def foreign_key(signer, encoding=inkan.SignatureEncoding.DER):
    return inkan.SigningKey.foreign(inkan.SignatureAlgorithm.ES256, signer.public_jwk(), "py-keystore-1", encoding, signer)


def test_a_python_foreign_signer_signs_a_claim169_credential():
    signer = CryptographySigner()
    key = foreign_key(signer)
    meta = inkan.CwtMeta(iss="https://issuer.example", iat=NOW - 60, exp=NOW + 3600)
    identity = json.dumps({"id": "3918592438", "fullName": "Janardhan BS"})
    qr_text = inkan.claim169_encode(identity, meta, key, inkan.Claim169EncodeOptions())
    assert signer.calls == 1

    report = inkan.Verifier(key.public_jwk(), inkan.VerifierOptions(now_unix=NOW)).verify_text(qr_text)
    assert report.verdict == inkan.ReportVerdict.VALID, report.report_json
    assert json.loads(report.claims_json)["fullName"] == "Janardhan BS"

    # The independent implementation (PyPI claim169, pinned) accepts it too.
    decoded = claim169.decode_with_ecdsa_p256(qr_text, signer.sec1(), validate_timestamps=False)
    assert decoded.is_verified()
    assert decoded.claim169.full_name == "Janardhan BS"
    assert bytes(decoded.key_id) == b"py-keystore-1"

    # The QR round-trips through a rendered PNG.
    png = inkan.qr_render_png(qr_text.encode(), inkan.QrStyle(ec_level=inkan.QrEcLevel.L, module_px=4, quiet_zone=4))
    assert [c.text for c in inkan.qr_scan_image(png)] == [qr_text]


def test_foreign_signer_failures_keep_their_codes():
    class Refusing(CryptographySigner):
        def sign(self, message):
            raise inkan.InkanError.Signer("keystore.user_not_authenticated", "biometric prompt cancelled")

    class Crashing(CryptographySigner):
        def sign(self, message):
            raise ValueError("boom")

    class Garbage(CryptographySigner):
        def sign(self, message):
            return b"\x30\x02\x01"

    class WrongKey(CryptographySigner):
        def sign(self, message):
            return ec.generate_private_key(ec.SECP256R1()).sign(bytes(message), ec.ECDSA(hashes.SHA256()))

    cases = [
        (Refusing, "keystore.user_not_authenticated"),
        (Crashing, "bindings.foreign_callback"),
        (Garbage, "bindings.foreign_signature"),
        (WrongKey, "bindings.foreign_signature"),
    ]
    for cls, code in cases:
        key = foreign_key(cls())
        with pytest.raises(inkan.InkanError.Signer) as raised:
            inkan.claim169_encode('{"id": "1"}', inkan.CwtMeta(), key, inkan.Claim169EncodeOptions())
        assert raised.value.code == code, cls.__name__
        with pytest.raises(inkan.InkanError.Signer):
            key.sign(b"x")


def test_raw_encoding_and_software_keys():
    signer = CryptographySigner()

    class Raw(inkan.ForeignSigner):
        def sign(self, message):
            from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
            r, s = decode_dss_signature(signer.key.sign(bytes(message), ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    raw_key = inkan.SigningKey.foreign(inkan.SignatureAlgorithm.ES256, signer.public_jwk(), None, inkan.SignatureEncoding.RAW, Raw())
    assert len(raw_key.sign(b"hello")) == 64
    with pytest.raises(inkan.InkanError.Key) as raised:
        raw_key.private_jwk()
    assert raised.value.code == "bindings.bad_argument"

    software = inkan.SigningKey.generate(inkan.SignatureAlgorithm.ED_DSA)
    again = inkan.SigningKey.from_jwk(software.private_jwk())
    assert again.public_jwk() == software.public_jwk()
    assert software.algorithm() == inkan.SignatureAlgorithm.ED_DSA


def test_pixelpass_and_svg():
    text = inkan.pixelpass_encode('{"name":"Janardhan"}', "")
    assert json.loads(inkan.pixelpass_decode(text, "")) == {"name": "Janardhan"}
    assert "<svg" in inkan.qr_render_svg(b"hello", inkan.QrStyle(ec_level=inkan.QrEcLevel.M, module_px=2, quiet_zone=1))


def test_scans_a_camera_frame_with_stride():
    png = inkan.qr_render_png(b"HELLO FRAME", inkan.QrStyle(ec_level=inkan.QrEcLevel.M, module_px=4, quiet_zone=4))
    from io import BytesIO
    from PIL import Image
    image = Image.open(BytesIO(png)).convert("L")
    width, height = image.size
    stride = width + 16
    pixels = image.tobytes()
    plane = b"".join(pixels[y * width:(y + 1) * width] + b"\x7f" * 16 for y in range(height))
    codes = inkan.qr_scan_frame(inkan.LumaImage(data=plane, width=width, height=height, stride=stride))
    assert [c.text for c in codes] == ["HELLO FRAME"]


def test_concurrent_verification_from_8_threads(verifier, png_bytes, vector):
    start = threading.Barrier(8)

    def work(i):
        start.wait()
        reports = [verifier.verify(png_bytes) for _ in range(3)]
        reports.append(verifier.verify_text(vector["qr_data"]))
        return [(r.verdict, json.loads(r.claims_json)["id"]) for r in reports]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert len(results) == 8
    expected = (inkan.ReportVerdict.VALID, vector["expected_claim169"]["id"])
    assert all(r == expected for rs in results for r in rs)


def test_sd_jwt_presented_with_a_python_keystore_key():
    """An SD-JWT VC issued by the independent sd-jwt (PyPI) to a holder whose key lives in
    `cryptography`; inkan presents one claim with a KB-JWT signed through the foreign signer, and
    both inkan's verifier and sd-jwt's verifier accept it."""
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.issuer import SDJWTIssuer
    from sd_jwt.verifier import SDJWTVerifier

    issuer_key = JWK.generate(kty="EC", crv="P-256")
    holder = CryptographySigner()
    claims = {
        "iss": "https://issuer.example", "vct": "urn:example:pid:1", "iat": NOW - 60,
        SDObj("given_name"): "Ada", SDObj("family_name"): "Lovelace",
    }
    issued = SDJWTIssuer(
        claims, issuer_key, holder_key=JWK.from_json(holder.public_jwk()), sign_alg="ES256",
        extra_header_parameters={"typ": "dc+sd-jwt"},
    ).sd_jwt_issuance

    contents = inkan.sd_jwt_contents(issued)
    assert sorted(contents.disclosable_paths) == ["family_name", "given_name"]
    presented = inkan.sd_jwt_present_bound(
        issued, ["given_name"], foreign_key(holder), "https://verifier.example", "n-0S6", NOW
    )
    assert holder.calls == 1

    verifier = inkan.Verifier(issuer_key.export_public(), inkan.VerifierOptions(now_unix=NOW + 5))
    report = verifier.verify_with(
        presented.encode(), inkan.VerifyOptions(audience="https://verifier.example", nonce="n-0S6")
    )
    assert report.verdict == inkan.ReportVerdict.VALID, report.report_json
    assert report.format == "sd-jwt"
    shown = json.loads(report.claims_json)
    assert shown["given_name"] == "Ada" and "family_name" not in shown

    independent = SDJWTVerifier(
        presented, lambda _iss, _header: issuer_key, expected_aud="https://verifier.example", expected_nonce="n-0S6"
    ).get_verified_payload()
    assert independent["given_name"] == "Ada" and "family_name" not in independent

    with pytest.raises(inkan.InkanError.SdJwt) as raised:
        inkan.sd_jwt_present(issued, ["a..b"])
    assert raised.value.code == "sdjwt.bad_frame"
