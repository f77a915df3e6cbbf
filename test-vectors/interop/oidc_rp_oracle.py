"""A relying party built on authlib, run against a live inkan-idp OIDC provider.

Usage: oidc_rp_oracle.py BASE CLIENT_ID PRIVATE_JWK_FILE REDIRECT_URI UIN OTP_FILE

authlib does discovery, PAR with private_key_jwt client authentication (RFC 7523), the
authorization code grant with PKCE S256, ID token validation (signature against the published
JWKS, iss, aud, nonce, exp) and the signed userinfo JWT. The person's part (sign-in form, OTP read
from the provider's file notifier, consent) is posted with `requests`, as a browser would.
Prints a JSON object: the validated ID token claims and userinfo claims.
"""

import json
import re
import sys
import time
import urllib.parse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwk as joserfc_jwk  # authlib's own JOSE dependency: the key type it signs with


class ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """authlib's private_key_jwt with a 60 s assertion (authlib's default is an hour, longer than
    the provider accepts) and a fresh jti every time."""

    def sign(self, auth, token_endpoint):
        self.claims = {"exp": int(time.time()) + 60}
        return super().sign(auth, token_endpoint)


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    if not m:
        raise SystemExit("no %s in page: %s" % (name, html[:500]))
    return m.group(1)


def last_otp(path):
    with open(path) as f:
        line = f.read().strip().splitlines()[-1]
    return re.search(r"\b(\d{6})\b", json.loads(line)["body"]).group(1)


def main():
    base, client_id, jwk_file, redirect_uri, uin, otp_file = sys.argv[1:7]
    meta = requests.get(base + "/.well-known/openid-configuration", timeout=10).json()
    assert meta["issuer"] == base, meta
    jwks = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    with open(jwk_file) as f:
        private_jwk = json.load(f)

    session = OAuth2Session(
        client_id,
        client_secret=joserfc_jwk.import_key(private_jwk),
        scope="openid profile",
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="private_key_jwt",
    )
    session.register_client_auth_method(ShortLivedPrivateKeyJWT(alg=private_jwk["alg"], headers={"kid": private_jwk["kid"]}))

    # PAR (RFC 9126), authenticated with private_key_jwt (aud = the PAR endpoint).
    verifier = generate_token(48)
    state, nonce = generate_token(16), generate_token(16)
    par_params = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid profile",
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        "acr_values": "mosip:idp:acr:generated-code",
        "claims": json.dumps({"userinfo": {"birthdate": {"essential": True}}}),
    }
    r = session.post(
        meta["pushed_authorization_request_endpoint"],
        data=par_params,
        auth=session.client_auth("private_key_jwt"),
        withhold_token=True,
    )
    assert r.status_code == 201, r.text
    request_uri = r.json()["request_uri"]

    # The person, in a browser.
    browser = requests.Session()
    url = meta["authorization_endpoint"] + "?" + urllib.parse.urlencode(
        {"client_id": client_id, "request_uri": request_uri}
    )
    r = browser.get(url, allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    r = browser.get(urllib.parse.urljoin(base, r.headers["location"]), timeout=10)
    tx, csrf = hidden(r.text, "tx"), hidden(r.text, "csrf")
    form = {"tx": tx, "csrf": csrf, "individual_id": uin}
    r = browser.post(base + "/oidc/login/otp", data=form, timeout=10)
    assert r.status_code == 200, r.text
    form["otp"] = last_otp(otp_file)
    r = browser.post(base + "/oidc/login/otp/verify", data=form, allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    r = browser.get(urllib.parse.urljoin(base, r.headers["location"]), timeout=10)
    claims = re.findall(r'name="claim" value="([^"]+)"', r.text)
    consent = [("tx", tx), ("csrf", csrf), ("decision", "allow")]
    consent += [("claim", c) for c in claims if c != "gender"]
    r = browser.post(base + "/oidc/consent", data=consent, allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    callback = r.headers["location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(callback).query))
    assert query.get("iss") == base, query  # RFC 9207

    # Back at the relying party: state check, code + PKCE + private_key_jwt at /token.
    token = session.fetch_token(
        meta["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )
    id_claims = jwt.decode(
        token["id_token"],
        jwks,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": base}},
        claims_params={"nonce": nonce, "client_id": client_id},
    )
    id_claims.validate()

    # Signed userinfo.
    r = session.get(meta["userinfo_endpoint"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/jwt", r.headers
    info = jwt.decode(
        r.text,
        jwks,
        claims_options={
            "iss": {"essential": True, "value": base},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True, "value": id_claims["sub"]},
        },
    )
    info.validate()
    print(json.dumps({"id_token": dict(id_claims), "userinfo": dict(info), "consent_offered": claims}))


if __name__ == "__main__":
    main()
