import assert from 'node:assert/strict';
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { type JwsKey, JwsSigner } from '../src/keys/jws.ts';
import { SIGNING_ALGS, type SigningAlg } from '../src/storage/types.ts';

async function keyPair(alg: SigningAlg): Promise<{ key: JwsKey; publicKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = (await exportJWK(privateKey)) as JsonWebKey;
  return {
    key: { alg, kid: `kid-${alg}`, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) },
    publicKey,
  };
}

// Claims as JSON can carry them: any string (including non-ASCII), numbers, nesting.
const claimValue = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);
const claims = fc.dictionary(
  fc.string({ minLength: 1 }).filter((k) => !['iss', 'aud', 'exp', 'nbf', 'iat'].includes(k)),
  claimValue,
  { maxKeys: 8 },
);

describe('JwsSigner: compact JWS that jose verifies', () => {
  for (const alg of SIGNING_ALGS) {
    test(`${alg}: jose verifies the signature and reads back the exact header and claims`, async () => {
      const { key, publicKey } = await keyPair(alg);
      const signer = new JwsSigner();
      await fc.assert(
        fc.asyncProperty(claims, async (extra) => {
          const now = Math.floor(Date.now() / 1000);
          const sent = { ...extra, iss: 'https://issuer.test', aud: 'api', iat: now, exp: now + 60 };
          const token = await signer.sign(key, 'at+jwt', sent);
          const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
            algorithms: [alg],
            issuer: 'https://issuer.test',
            audience: 'api',
            typ: 'at+jwt',
          });
          assert.deepEqual(protectedHeader, { alg, kid: key.kid, typ: 'at+jwt' });
          assert.deepEqual(payload, JSON.parse(JSON.stringify(sent)));
        }),
        { numRuns: alg === 'RS256' ? 40 : 150 },
      );
    });
  }

  test('each typ gets its own header; a changed byte breaks the signature', async () => {
    const { key, publicKey } = await keyPair('ES256');
    const signer = new JwsSigner();
    const at = await signer.sign(key, 'at+jwt', { sub: 'a' });
    const id = await signer.sign(key, 'JWT', { sub: 'a' });
    assert.equal(decodeProtectedHeader(at).typ, 'at+jwt');
    assert.equal(decodeProtectedHeader(id).typ, 'JWT');
    const [h, p, s] = at.split('.') as [string, string, string];
    // ES256 signatures are R || S, 64 bytes (RFC 7518 3.4), not DER.
    assert.equal(Buffer.from(s, 'base64url').length, 64);
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'b' })).toString('base64url')}.${s}`;
    await assert.rejects(compactVerify(tampered, publicKey));
    await compactVerify(`${h}.${p}.${s}`, publicKey);
  });

  test('two signatures of the same claims differ (ECDSA draws a fresh nonce)', async () => {
    const { key } = await keyPair('ES256');
    const signer = new JwsSigner();
    const a = await signer.sign(key, 'at+jwt', { sub: 'same' });
    const b = await signer.sign(key, 'at+jwt', { sub: 'same' });
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
  });
});
