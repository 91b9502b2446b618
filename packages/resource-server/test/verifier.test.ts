import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { base64url, exportSPKI, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import { createVerifier, type Verifier, type VerifierOptions } from '../src/index.ts';
import { rejection } from './helpers.ts';

let gh: LiveGatehouse;
let app: { clientId: string; clientSecret: string };

before(async () => {
  gh = await liveGatehouse();
  app = await gh.createApp({ scopes: ['users.read', 'users.write'] });
});
const made: Verifier[] = [];
after(async () => {
  for (const v of made) v.close();
  await gh.close();
});

const verifier = (opts: Partial<VerifierOptions> = {}) => {
  const v = createVerifier({ issuer: gh.issuer, audience: gh.audience, ...opts });
  made.push(v);
  return v;
};

/**
 * Signs claims with Gatehouse's own ES256 key (or `signWith`, an attacker's, under Gatehouse's
 * kid unless the header names another), so only the deliberate defect differs.
 */
async function forge(
  opts: { claims?: Record<string, unknown>; header?: Record<string, unknown>; signWith?: CryptoKey } = {},
) {
  const key = gh.ts.gh.keys.signingKey('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: gh.issuer,
    sub: app.clientId,
    aud: gh.audience,
    client_id: app.clientId,
    scope: 'users.read',
    iat: now,
    exp: now + 600,
    jti: 'at_forged',
    ...opts.claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...opts.header })
    .sign(opts.signWith ?? key.privateKey);
}

test('a token from the token endpoint verifies, with discovery of the JWKS', async () => {
  const token = await gh.token(app);
  const claims = await verifier().verify(token);
  assert.equal(claims.iss, gh.issuer);
  assert.equal(claims.aud, gh.audience);
  assert.equal(claims.client_id, app.clientId);
  assert.equal(claims.sub, app.clientId);
  assert.deepEqual(claims.scope, ['users.read', 'users.write']);
  assert.equal(claims.company_id, gh.ts.companyId);
  assert.equal(claims.gid, undefined);
  assert.equal(claims.exp - claims.iat, 3600);
  assert.match(claims.jti, /^at_/);
});

test('the forging helper itself yields a valid token (so the defects below are the only cause)', async () => {
  const claims = await verifier({ jwksUri: gh.jwksUri }).verify(await forge());
  assert.equal(claims.jti, 'at_forged');
  assert.ok(await verifier().verify(await forge({ header: { typ: 'application/at+jwt' } })));
});

test('typ other than at+jwt is token_type_invalid', async () => {
  assert.equal(
    await rejection(verifier().verify(await forge({ header: { typ: 'JWT' } }))),
    'token_type_invalid',
  );
  const noTyp = await forge({ header: { typ: undefined } });
  assert.equal(await rejection(verifier().verify(noTyp)), 'token_type_invalid');
});

test('alg none is refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  const token = `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc({
    iss: gh.issuer,
    aud: gh.audience,
    sub: 'x',
    client_id: 'x',
    scope: 'users.read',
    iat: now,
    exp: now + 60,
    jti: 'j',
  })}.`;
  assert.equal(await rejection(verifier().verify(token)), 'token_algorithm_not_allowed');
});

test('HS256 signed with the public key (algorithm confusion) is refused', async () => {
  const jwk = gh.ts.gh.keys.publicJwks().keys.find((k) => k.alg === 'RS256') as JWK;
  const pem = await exportSPKI((await importJWK(jwk, 'RS256')) as CryptoKey);
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ client_id: 'x', scope: 'users.read' })
    .setProtectedHeader({ alg: 'HS256', kid: jwk.kid as string, typ: 'at+jwt' })
    .setIssuer(gh.issuer)
    .setSubject('x')
    .setAudience(gh.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti('j')
    .sign(new TextEncoder().encode(pem));
  assert.equal(await rejection(verifier().verify(token)), 'token_algorithm_not_allowed');
  assert.throws(
    () => createVerifier({ issuer: gh.issuer, audience: gh.audience, algorithms: ['HS256'] }),
    TypeError,
  );
  assert.throws(
    () => createVerifier({ issuer: gh.issuer, audience: gh.audience, algorithms: ['none'] }),
    TypeError,
  );
});

test('an algorithm outside a narrowed allow-list is refused', async () => {
  const code = await rejection(verifier({ algorithms: ['RS256'] }).verify(await gh.token(app)));
  assert.equal(code, 'token_algorithm_not_allowed');
});

test('an expired token is token_expired', async () => {
  const past = Math.floor(Date.now() / 1000) - 7200;
  const token = await forge({ claims: { iat: past, exp: past + 3600 } });
  assert.equal(await rejection(verifier().verify(token)), 'token_expired');
  const noExp = await forge({ claims: { exp: undefined } });
  assert.notEqual(noExp.split('.')[1], undefined);
  assert.equal(await rejection(verifier().verify(noExp)), 'token_claims_invalid');
});

test('another audience is token_audience_mismatch', async () => {
  const token = await forge({ claims: { aud: 'https://other.example/api' } });
  assert.equal(await rejection(verifier().verify(token)), 'token_audience_mismatch');
  assert.equal(
    await rejection(verifier({ audience: `${gh.audience}/x` }).verify(await gh.token(app))),
    'token_audience_mismatch',
  );
});

test('a token of another Gatehouse is token_issuer_mismatch; our iss with a foreign key is refused', async () => {
  const other = await liveGatehouse();
  try {
    const foreignApp = await other.createApp();
    const foreign = await other.token(foreignApp);
    assert.equal(await rejection(verifier().verify(foreign)), 'token_issuer_mismatch');
  } finally {
    await other.close();
  }
  const { privateKey: signWith } = await generateKeyPair('ES256');
  assert.equal(
    await rejection(
      verifier({ jwksCooldownMs: 0 }).verify(await forge({ signWith, header: { kid: 'unknown-kid' } })),
    ),
    'token_key_unknown',
  );
  assert.equal(await rejection(verifier().verify(await forge({ signWith }))), 'token_signature_invalid');
});

test('once a key id has verified, its tokens skip the unverified iss read but none of the checks', async () => {
  const v = verifier();
  assert.equal((await v.verify(await gh.token(app))).client_id, app.clientId);
  const { privateKey: signWith } = await generateKeyPair('ES256');
  assert.equal(
    await rejection(v.verify(await forge({ signWith, header: { typ: 'JWT' } }))),
    'token_type_invalid',
  );
  // The signature is checked before the issuer is read: a foreign token naming our key fails there.
  const foreignIss = await forge({ signWith, claims: { iss: 'https://other.example' } });
  assert.equal(await rejection(v.verify(foreignIss)), 'token_signature_invalid');
  assert.equal(await rejection(v.verify(await forge({ signWith }))), 'token_signature_invalid');
  assert.equal((await v.verify(await gh.token(app))).client_id, app.clientId);
});

test('malformed tokens are token_malformed', async () => {
  for (const t of ['abc', 'a.b.c', 'a.b', '....', `${(await gh.token(app)).slice(0, -3)}x.y`])
    assert.equal(await rejection(verifier().verify(t)), 'token_malformed', t);
  const [h, p, s] = (await gh.token(app)).split('.');
  const tampered = `${h}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(p as string))), scope: 'admin' }))}.${s}`;
  assert.equal(await rejection(verifier().verify(tampered)), 'token_signature_invalid');
});

test('an unknown kid refetches the JWKS (key rotation), but not within the cooldown', async () => {
  const fast = verifier({ jwksCooldownMs: 0 });
  const slow = verifier({ jwksCooldownMs: 600_000 });
  const before = await gh.token(app);
  await fast.verify(before);
  await slow.verify(before);
  const { kid: newKid } = await gh.ts.gh.keys.rotateNow('ES256');
  const rotated = await gh.token(app);
  assert.equal(
    JSON.parse(new TextDecoder().decode(base64url.decode(rotated.split('.')[0] as string))).kid,
    newKid,
  );
  assert.equal((await fast.verify(rotated)).client_id, app.clientId);
  assert.equal(await rejection(slow.verify(rotated)), 'token_key_unknown');
  // The retired key stays published, so tokens signed before the rotation still verify.
  assert.ok(await verifier().verify(before));
});

test('verified tokens are served from the cache until exp; forget() drops them', async () => {
  const gh2 = await liveGatehouse();
  const app2 = await gh2.createApp();
  const v = createVerifier({
    issuer: gh2.issuer,
    audience: gh2.audience,
    jwksMaxAgeMs: 0,
    revocation: { mode: 'off' },
  });
  const first = await gh2.token(app2);
  const second = await gh2.token(app2);
  const claims = await v.verify(first);
  await gh2.close();
  // Keys are never fresh (max age 0) and the server is gone: only a cache hit can succeed.
  assert.deepEqual(await v.verify(first), claims);
  assert.equal(await rejection(v.verify(second)), 'jwks_unavailable');
  v.forget(claims.jti);
  assert.equal(await rejection(v.verify(first)), 'jwks_unavailable');
});

test('discovery failures are jwks_unavailable (a server fault), every time', async () => {
  const wrong = verifier({ issuer: `${gh.issuer}/tenant`, revocation: { mode: 'off' } });
  assert.equal(
    await rejection(wrong.verify(await forge({ claims: { iss: `${gh.issuer}/tenant` } }))),
    'jwks_unavailable',
  );
  const unreachable = verifier({
    issuer: 'http://127.0.0.1:1',
    audience: 'a',
    timeoutMs: 2000,
    revocation: { mode: 'off' },
  });
  const t = await forge({ claims: { iss: 'http://127.0.0.1:1' } });
  assert.equal(await rejection(unreachable.verify(t)), 'jwks_unavailable');
  assert.equal(await rejection(unreachable.verify(t)), 'jwks_unavailable');
});
