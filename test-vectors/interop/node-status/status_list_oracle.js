// Interop oracle for the IETF Token Status List, driven by test-vectors/tests/status_list.rs.
// Uses @sd-jwt/jwt-status-list (list encoding, pako zlib) and Node's own crypto (ES256), so
// nothing here shares code with inkan. One JSON request on stdin, one JSON answer on stdout.
//
//   node status_list_oracle.js decode   {"jwt": "...", "jwk": {public JWK}}
//     -> {"typ", "sub", "iat", "exp", "ttl", "bits", "len", "non_valid": [[idx, value], ...]}
//        (fails if the ES256 signature does not verify with jwk)
//   node status_list_oracle.js encode   {"bits", "len", "set": [[idx, value], ...], "claims": {...}, "jwk": {private JWK}}
//     -> {"jwt": "..."} signed ES256 with typ statuslist+jwt
'use strict';
const crypto = require('node:crypto');
const {
  StatusList,
  createHeaderAndPayload,
  getListFromStatusListJWT,
} = require('@sd-jwt/jwt-status-list');

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function decode(req) {
  const [h, p, s] = req.jwt.split('.');
  const key = crypto.createPublicKey({ key: req.jwk, format: 'jwk' });
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('ES256 signature does not verify');
  const header = json(h);
  const payload = json(p);
  const list = getListFromStatusListJWT(req.jwt);
  const nonValid = [];
  list.statusList.forEach((v, i) => { if (v !== 0) nonValid.push([i, v]); });
  return {
    typ: header.typ, sub: payload.sub, iat: payload.iat, exp: payload.exp, ttl: payload.ttl,
    bits: list.getBitsPerStatus(), len: list.statusList.length, non_valid: nonValid,
  };
}

function encode(req) {
  const list = new StatusList(new Array(req.len).fill(0), req.bits);
  for (const [i, v] of req.set) list.setStatus(i, v);
  const { header, payload } = createHeaderAndPayload(list, req.claims, { alg: 'ES256', typ: 'statuslist+jwt' });
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const key = crypto.createPrivateKey({ key: req.jwk, format: 'jwk' });
  const sig = crypto.sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return { jwt: `${signingInput}.${b64url(sig)}` };
}

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = { decode, encode }[process.argv[2]](req);
  process.stdout.write(JSON.stringify(out));
});
