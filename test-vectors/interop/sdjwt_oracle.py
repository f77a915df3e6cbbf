"""SD-JWT oracle for the interop tests: sd-jwt (openwallet-foundation-labs/sd-jwt-python, the
reference implementation the RFC 9901 examples were generated with; pinned in requirements.txt)
issues, presents and verifies compact SD-JWTs against inkan.

Every subcommand takes one JSON argument and prints one line:
  issue   {"claims", "sd": [[step, ...], ...], "issuer_jwk", "holder_jwk"?, "typ"?}
          -> the issued SD-JWT (compact). Object members and array positions named by the paths
             are made selectively disclosable (nested paths give recursive Disclosures).
  present {"sd_jwt", "disclose", "holder_jwk"?, "aud"?, "nonce"?}
          -> the presentation; "disclose" is sd-jwt-python's holder_disclosed_claims form
             ({"name": true, "list": [true, false], ...}); with holder_jwk/aud/nonce a KB-JWT.
  verify  {"presentation", "issuer_jwk", "aud"?, "nonce"?}
          -> {"ok": true, "claims": {...}} or {"ok": false, "error": "..."}

sd-jwt-python 0.10.4 writes the JWS JSON serialization of an earlier draft (disclosures at the
top level instead of in the unprotected header), so only the compact form is compared with it.
"""

import json
import sys

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def key(jwk_dict):
    return JWK.from_json(json.dumps(jwk_dict))


def locate(container, step):
    """The member or element at step, looking through SDObj wrappers made earlier."""
    if isinstance(container, dict):
        for k in container:
            name = k.value if isinstance(k, SDObj) else k
            if name == step:
                return container, k
        raise KeyError(step)
    return container, int(step)


def unwrap(value):
    return value.value if isinstance(value, SDObj) else value


def mark(claims, sd_paths):
    # Deepest first, so a parent is wrapped only after everything inside it.
    for path in sorted(sd_paths, key=len, reverse=True):
        node = claims
        for step in path[:-1]:
            parent, k = locate(unwrap(node), step)
            node = parent[k]
        parent, k = locate(unwrap(node), path[-1])
        if isinstance(parent, dict):
            parent[SDObj(k)] = parent.pop(k)
        else:
            parent[k] = SDObj(parent[k])
    return claims


def issue(req):
    extra = {"typ": req["typ"]} if req.get("typ") else {}
    holder = key(req["holder_jwk"]) if req.get("holder_jwk") else None
    issuer = SDJWTIssuer(
        mark(req["claims"], req["sd"]),
        key(req["issuer_jwk"]),
        holder_key=holder,
        sign_alg=req["issuer_jwk"].get("alg", "ES256"),
        extra_header_parameters=extra,
    )
    return issuer.sd_jwt_issuance


def present(req):
    holder = SDJWTHolder(req["sd_jwt"])
    hk = key(req["holder_jwk"]) if req.get("holder_jwk") else None
    holder.create_presentation(req["disclose"], nonce=req.get("nonce"), aud=req.get("aud"), holder_key=hk)
    return holder.sd_jwt_presentation


def verify(req):
    issuer_key = key(req["issuer_jwk"])
    try:
        v = SDJWTVerifier(
            req["presentation"],
            lambda _iss, _header: issuer_key,
            expected_aud=req.get("aud"),
            expected_nonce=req.get("nonce"),
        )
        return json.dumps({"ok": True, "claims": v.get_verified_payload()})
    except Exception as e:  # noqa: BLE001 - every rejection is reported the same way
        return json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"})


def main():
    command, arg = sys.argv[1], json.loads(sys.argv[2])
    out = {"issue": issue, "present": present, "verify": verify}[command](arg)
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
