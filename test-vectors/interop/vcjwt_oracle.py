"""VC-JWT / VP-JWT oracle for the interop tests: jwcrypto (pinned in requirements.txt) signs and
verifies, and this script applies the VCDM 1.1 JWT encoding (section 6.3.1) on its own, in the
style that moves the properties out of `vc` (issuer -> iss, issuanceDate -> nbf,
expirationDate -> exp, id -> jti, credentialSubject.id -> sub), so inkan is checked against a
second reading of the mapping, not only against its own.

Subcommands (keys are JWK files):
  sign-vc <private-jwk-file> <alg> <kid> <credential-json>            -> compact VC-JWT
  verify-vc <jwk-file> <token>                                        -> decoded credential JSON or "invalid:<reason>"
  sign-vp <private-jwk-file> <alg> <kid> <holder> <aud> <nonce> <iat> [vc-jwt ...] -> compact VP-JWT
  verify-vp <jwk-file> <token> <aud> <nonce>                          -> JSON list of embedded VC-JWTs or "invalid:<reason>"

A rejection is an answer, not a failure: the exit status is 0 unless the oracle itself breaks.
"""

import calendar
import json
import sys
from datetime import datetime, timezone

from jwcrypto import jwk, jwt

V1 = "https://www.w3.org/2018/credentials/v1"


def load_key(path):
    with open(path, encoding="utf-8") as f:
        return jwk.JWK.from_json(f.read())


def to_unix(text):
    return calendar.timegm(datetime.fromisoformat(text.replace("Z", "+00:00")).utctimetuple())


def to_date(unix):
    return datetime.fromtimestamp(unix, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(key_path, alg, kid, claims):
    key = load_key(key_path)
    token = jwt.JWT(header={"alg": alg, "kid": kid, "typ": "JWT"}, claims=claims)
    token.make_signed_token(key)
    return token.serialize()


def sign_vc(key_path, alg, kid, credential_json):
    vc = json.loads(credential_json)
    claims = {}
    issuer = vc.pop("issuer")
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    if isinstance(issuer, dict) and len(issuer) > 1:
        vc["issuer"] = {k: v for k, v in issuer.items() if k != "id"}
    if "issuanceDate" in vc:
        claims["nbf"] = to_unix(vc.pop("issuanceDate"))
    if "expirationDate" in vc:
        claims["exp"] = to_unix(vc.pop("expirationDate"))
    if "id" in vc:
        claims["jti"] = vc.pop("id")
    subject = vc.get("credentialSubject", {})
    if isinstance(subject, dict) and "id" in subject:
        claims["sub"] = subject.pop("id")
    claims["vc"] = vc
    return sign(key_path, alg, kid, claims)


def verified_claims(key_path, token):
    key = load_key(key_path)
    # check_claims=False: time checks are inkan's subject under test, the clock is the test's.
    obj = jwt.JWT(jwt=token, key=key, algs=["ES256", "ES384", "EdDSA", "RS256", "PS256"], check_claims=False)
    return json.loads(obj.claims)


def verify_vc(key_path, token):
    try:
        claims = verified_claims(key_path, token)
    except Exception as e:  # noqa: BLE001 - every rejection is reported the same way
        return "invalid:" + type(e).__name__
    vc = dict(claims.get("vc") or {})
    if not vc or (vc.get("@context") or [None])[0] != V1:
        return "invalid:not a VCDM 1.1 vc claim"
    issuer = vc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id is not None and issuer_id != claims.get("iss"):
        return "invalid:iss mismatch"
    if isinstance(issuer, dict):
        vc["issuer"] = dict(issuer, id=claims["iss"])
    else:
        vc["issuer"] = claims["iss"]
    for claim, prop, conv in (("nbf", "issuanceDate", to_date), ("exp", "expirationDate", to_date),
                              ("jti", "id", str)):
        if claim in claims:
            if prop in vc and vc[prop] != conv(claims[claim]) and to_unix(vc[prop]) != claims[claim]:
                return "invalid:" + claim + " mismatch"
            vc[prop] = conv(claims[claim])
    subject = vc.get("credentialSubject")
    if "sub" in claims and isinstance(subject, dict):
        if subject.get("id", claims["sub"]) != claims["sub"]:
            return "invalid:sub mismatch"
        vc["credentialSubject"] = dict(subject, id=claims["sub"])
    return json.dumps(vc, sort_keys=True)


def sign_vp(key_path, alg, kid, holder, aud, nonce, iat, credentials):
    iat = int(iat)
    claims = {
        "iss": holder, "aud": aud, "nonce": nonce, "iat": iat, "nbf": iat, "exp": iat + 300,
        "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": credentials},
    }
    return sign(key_path, alg, kid, claims)


def verify_vp(key_path, token, aud, nonce):
    try:
        claims = verified_claims(key_path, token)
    except Exception as e:  # noqa: BLE001
        return "invalid:" + type(e).__name__
    vp = claims.get("vp") or {}
    if "VerifiablePresentation" not in vp.get("type", []):
        return "invalid:not a presentation"
    auds = claims.get("aud")
    if aud not in (auds if isinstance(auds, list) else [auds]):
        return "invalid:aud mismatch"
    if claims.get("nonce") != nonce:
        return "invalid:nonce mismatch"
    creds = vp.get("verifiableCredential", [])
    return json.dumps(creds if isinstance(creds, list) else [creds])


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "sign-vc":
        print(sign_vc(*args))
    elif cmd == "verify-vc":
        print(verify_vc(*args))
    elif cmd == "sign-vp":
        print(sign_vp(*args[:7], args[7:]))
    elif cmd == "verify-vp":
        print(verify_vp(*args))
    else:
        raise SystemExit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main(sys.argv)
