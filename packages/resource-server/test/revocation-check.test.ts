import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import { revocationHash as serverRevocationHash } from '../../server/src/tokens/revocation-keys.ts';
import { sha256Sync, sha256WebCrypto } from '../src/hash.ts';
import {
  createVerifier,
  ResourceServerError,
  type RevocationKind,
  revocationHash,
  type Verifier,
} from '../src/index.ts';

// The verifier hashes a token's ids only once the revocation list holds something, and keeps
// the hashes with a cached token: these tests show a revocation still reaches tokens verified
// while the list was empty, on the cached and the uncached path alike.
let gh: LiveGatehouse;
let app: { clientId: string; clientSecret: string };
const made: Verifier[] = [];

before(async () => {
  gh = await liveGatehouse();
  app = await gh.createApp({ scopes: ['users.read'] });
});
after(async () => {
  for (const v of made) v.close();
  await gh.close();
});

function verifiers(): { cached: Verifier; uncached: Verifier } {
  const opts = {
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { mode: 'poll' as const, pollIntervalMs: 20 },
  };
  const cached = createVerifier(opts);
  const uncached = createVerifier({ ...opts, cacheSize: 0 });
  made.push(cached, uncached);
  return { cached, uncached };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof ResourceServerError, String(err));
    return err.code;
  }
}

/** Puts one entry on Gatehouse's feed and waits until both verifiers hold it. */
async function revoke(kind: RevocationKind, value: string, vs: Verifier[]): Promise<void> {
  const sizes = vs.map((v) => v.revocations?.size ?? 0);
  await gh.ts.gh.storage.recordRevocations([
    { kind, hash: await revocationHash(kind, value), expiresAt: new Date(Date.now() + 3_600_000) },
  ]);
  const deadline = Date.now() + 5000;
  while (vs.some((v, i) => (v.revocations?.size ?? 0) <= (sizes[i] as number))) {
    assert.ok(Date.now() < deadline, 'the revocation never reached the verifiers');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A token signed by Gatehouse's own key with chosen grant and family ids. */
async function userToken(gid: string, fid: string, jti: string): Promise<string> {
  const key = gh.ts.gh.keys.signingKey('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: app.clientId, scope: 'users.read', gid, fid })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(gh.issuer)
    .setSubject('user-1')
    .setAudience(gh.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .setJti(jti)
    .sign(key.privateKey);
}

test('the SDK hashes feed keys exactly as the server writes them, with or without node:crypto', async () => {
  assert.ok(sha256Sync, 'Node has node:crypto, so the synchronous digest is the one in use');
  const kinds: RevocationKind[] = ['client', 'grant', 'guid', 'jti', 'family'];
  for (const kind of kinds)
    for (const value of ['gths_abc', 'at_Zx9-_', '7c1e0c9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', 'é✓ 漢字', ''])
      assert.equal(await revocationHash(kind, value), serverRevocationHash(kind, value), `${kind}:${value}`);
  for (const input of ['jti:at_1', 'client:é✓', ''])
    assert.equal(await sha256WebCrypto(input), sha256Sync(input));
});

test('a jti revoked after verification (list empty until then) is refused on both paths; a sibling is not', async () => {
  const { cached, uncached } = verifiers();
  const one = await gh.token(app);
  const two = await gh.token(app);
  for (const v of [cached, uncached]) {
    assert.equal((await v.verify(one)).client_id, app.clientId);
    assert.equal(v.revocations?.size, 0, 'the feed starts empty, so no ids were hashed');
  }
  const jti = (await cached.verify(one)).jti;
  await revoke('jti', jti, [cached, uncached]);
  // `one` is in the cached verifier's token cache: the hit must still be checked.
  assert.equal(await code(cached.verify(one)), 'token_revoked');
  assert.equal(await code(uncached.verify(one)), 'token_revoked');
  assert.equal(await code(cached.verify(two)), 'accepted');
  assert.equal(await code(uncached.verify(two)), 'accepted');
});

test('a revoked grant or refresh family refuses tokens that carry it, cached or not', async () => {
  const { cached, uncached } = verifiers();
  const both = [cached, uncached];
  const byGrant = await userToken('grant-a', 'family-a', 'at_grant_a');
  const byFamily = await userToken('grant-b', 'family-b', 'at_family_b');
  const untouched = await userToken('grant-c', 'family-c', 'at_untouched_c');
  for (const v of both)
    for (const t of [byGrant, byFamily, untouched]) assert.equal(await code(v.verify(t)), 'accepted');
  await revoke('grant', 'grant-a', both);
  await revoke('family', 'family-b', both);
  for (const v of both) {
    assert.equal(await code(v.verify(byGrant)), 'token_revoked');
    assert.equal(await code(v.verify(byFamily)), 'token_revoked');
    assert.equal(await code(v.verify(untouched)), 'accepted');
  }
  // A token first seen while the list is non-empty is checked before it is cached.
  const fresh = await userToken('grant-a', 'family-z', 'at_fresh');
  for (const v of both) assert.equal(await code(v.verify(fresh)), 'token_revoked');
});

test('a deleted app (client entry) refuses its tokens on both paths', async () => {
  const { cached, uncached } = verifiers();
  const other = await gh.createApp({ scopes: ['users.read'] });
  const token = await gh.token(other);
  for (const v of [cached, uncached]) assert.equal(await code(v.verify(token)), 'accepted');
  await revoke('client', other.clientId, [cached, uncached]);
  for (const v of [cached, uncached]) assert.equal(await code(v.verify(token)), 'token_revoked');
  assert.equal(await code(uncached.verify(await gh.token(app))), 'accepted');
});

test('typ and iss are checked before any key lookup: an unknown kid is not even looked up', async () => {
  const { uncached } = verifiers();
  const attacker = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const sign = (typ: string, iss: string) =>
    new SignJWT({ client_id: app.clientId, scope: 'users.read' })
      .setProtectedHeader({ alg: 'ES256', kid: 'never-published', typ })
      .setIssuer(iss)
      .setSubject(app.clientId)
      .setAudience(gh.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti('j')
      .sign(attacker.privateKey);
  // Were the key looked up first, each would be token_key_unknown.
  assert.equal(await code(uncached.verify(await sign('JWT', gh.issuer))), 'token_type_invalid');
  assert.equal(
    await code(uncached.verify(await sign('at+jwt', 'https://other.example'))),
    'token_issuer_mismatch',
  );
  assert.equal(await code(uncached.verify(await sign('at+jwt', gh.issuer))), 'token_key_unknown');
});
