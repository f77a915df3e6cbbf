// Oracle for the SD-JWT JWS JSON interop tests: the real @sd-jwt/core (sd-jwt-js) from npm,
// pinned by package-lock.json, with hashing and ES256 from Node's crypto. Reads one JSON request
// on stdin, writes one JSON answer.
//
//   verify-json  {json, issuer_jwk, nonce?}
//       -> {ok: true, claims, kb} | {ok: false, error}: a flattened or general JWS JSON SD-JWT
//          (RFC 9901 §8); with nonce, its KB-JWT must verify against cnf.jwk
//   issue-json   {claims, frame, issuer_jwk, holder_jwk, presentation_frame, aud, nonce}
//       -> {flattened, general, general_with_kid}: an SD-JWT issued by sd-jwt-js, presented with
//          a KB-JWT, in both JSON serializations
'use strict';
const crypto = require('crypto');
const { SDJwtInstance, SDJwtGeneralJSONInstance, FlattenJSON, GeneralJSON } = require('@sd-jwt/core');

const hasher = (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest());
const saltGenerator = (length) => crypto.randomBytes(length).toString('base64url');
const signer = (jwk) => (data) =>
  crypto
    .sign('sha256', Buffer.from(data), { key: crypto.createPrivateKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' })
    .toString('base64url');
const verify = (jwk, data, sig) =>
  crypto.verify(
    'sha256',
    Buffer.from(data),
    { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig, 'base64url'),
  );
const kbVerifier = (data, sig, payload) => verify(payload.cnf.jwk, data, sig);

function config(issuerJwk, holderJwk) {
  return {
    hasher,
    hashAlg: 'sha-256',
    saltGenerator,
    signAlg: 'ES256',
    signer: issuerJwk.d ? signer(issuerJwk) : undefined,
    verifier: (data, sig) => verify(issuerJwk, data, sig),
    kbSignAlg: 'ES256',
    kbSigner: holderJwk && holderJwk.d ? signer(holderJwk) : undefined,
    kbVerifier,
  };
}

const commands = {
  'verify-json': async ({ json, issuer_jwk, nonce }) => {
    try {
      const options = nonce ? { keyBindingNonce: nonce } : {};
      if (json.signatures) {
        const sd = new SDJwtGeneralJSONInstance(config(issuer_jwk));
        const out = await sd.verify(GeneralJSON.fromSerialized(json), options);
        return { ok: true, claims: out.payload, kb: out.kb ? out.kb.payload : null };
      }
      const sd = new SDJwtInstance(config(issuer_jwk));
      const out = await sd.verify(FlattenJSON.fromSerialized(json).toEncoded(), options);
      return { ok: true, claims: out.payload, kb: out.kb ? out.kb.payload : null };
    } catch (e) {
      return { ok: false, error: String(e.message) };
    }
  },
  'issue-json': async ({ claims, frame, issuer_jwk, holder_jwk, presentation_frame, aud, nonce }) => {
    const { d, ...holderPublic } = holder_jwk;
    const payload = { ...claims, cnf: { jwk: holderPublic } };
    const kb = { kb: { payload: { iat: Math.floor(Date.now() / 1000), aud, nonce } } };
    const compact = new SDJwtInstance(config(issuer_jwk, holder_jwk));
    const issued = await compact.issue(payload, frame, { header: { typ: 'dc+sd-jwt' } });
    const presented = await compact.present(issued, presentation_frame, kb);
    const flattened = FlattenJSON.fromEncode(presented).toJson();
    const general = async (kid) => {
      const sd = new SDJwtGeneralJSONInstance(config(issuer_jwk, holder_jwk));
      const sigs = [{ signer: signer(issuer_jwk), alg: 'ES256', kid, header: { typ: 'dc+sd-jwt' } }];
      const issued = await sd.issue(payload, frame, { sigs });
      return (await sd.present(issued, presentation_frame, kb)).toJson();
    };
    // With a kid, sd-jwt-js writes it into both the protected and the unprotected header.
    return { flattened, general: await general(undefined), general_with_kid: await general('issuer-key') };
  },
};

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const answer = await commands[process.argv[2]](JSON.parse(input));
  process.stdout.write(JSON.stringify(answer));
});
