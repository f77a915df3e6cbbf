// VC-JWT / VP-JWT oracle for the interop tests: did-jwt-vc (pinned in package-lock.json), an
// independent implementation of the VCDM 1.1 JWT encoding, with a did:jwk resolver written here
// (did-jwt resolves keys through DID documents; did:jwk needs no network).
//
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   issue-vc   {jwk, did, kid, credential}            -> {"jwt": ...}
//   verify-vc  {jwt, now}                              -> {"ok": true, "credential": ...} | {"ok": false, "error": ...}
//   present    {jwk, did, kid, credentials, aud, nonce} -> {"jwt": ...}
//   verify-vp  {jwt, now, aud, nonce}                  -> {"ok": true, "credentials": [...]} | {"ok": false, "error": ...}
// A rejection is an answer, not a failure: the exit status is 0 unless the oracle itself breaks.

import { Resolver } from 'did-resolver'
import { EdDSASigner, ES256Signer } from 'did-jwt'
import {
  createVerifiableCredentialJwt,
  createVerifiablePresentationJwt,
  verifyCredential,
  verifyPresentation,
} from 'did-jwt-vc'

const b64url = (text) => Buffer.from(text, 'base64url')

/** did:jwk (spec: one JsonWebKey2020 method `#0`). */
const jwkResolver = {
  jwk: async (did, parsed) => {
    const jwk = JSON.parse(b64url(parsed.id).toString('utf8'))
    const vm = { id: `${did}#0`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }
    return {
      didResolutionMetadata: { contentType: 'application/did+json' },
      didDocumentMetadata: {},
      didDocument: {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        verificationMethod: [vm],
        assertionMethod: [vm.id],
        authentication: [vm.id],
      },
    }
  },
}
const resolver = new Resolver(jwkResolver)

function signerFor(jwk) {
  const d = b64url(jwk.d)
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { signer: EdDSASigner(d), alg: 'EdDSA' }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return { signer: ES256Signer(d), alg: 'ES256' }
  throw new Error(`unsupported key ${jwk.kty}/${jwk.crv}`)
}

async function answer(cmd, req) {
  switch (cmd) {
    case 'issue-vc': {
      const { signer, alg } = signerFor(req.jwk)
      const jwt = await createVerifiableCredentialJwt(req.credential, { did: req.did, signer, alg }, {
        header: { kid: req.kid, typ: 'JWT' },
      })
      return { jwt }
    }
    case 'present': {
      const { signer, alg } = signerFor(req.jwk)
      const payload = { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiablePresentation'], verifiableCredential: req.credentials } }
      const jwt = await createVerifiablePresentationJwt(payload, { did: req.did, signer, alg }, {
        header: { kid: req.kid, typ: 'JWT' }, domain: req.aud, challenge: req.nonce,
      })
      return { jwt }
    }
    case 'verify-vc':
      try {
        const v = await verifyCredential(req.jwt, resolver, { policies: { now: req.now } })
        const { proof, ...credential } = v.verifiableCredential
        return { ok: true, credential }
      } catch (e) {
        return { ok: false, error: String(e.message || e) }
      }
    case 'verify-vp':
      try {
        const v = await verifyPresentation(req.jwt, resolver, {
          policies: { now: req.now }, domain: req.aud, challenge: req.nonce,
        })
        return { ok: true, credentials: v.payload.vp.verifiableCredential }
      } catch (e) {
        return { ok: false, error: String(e.message || e) }
      }
    default:
      throw new Error(`unknown subcommand ${cmd}`)
  }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const out = await answer(process.argv[2], JSON.parse(Buffer.concat(chunks).toString('utf8')))
process.stdout.write(JSON.stringify(out))
