import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import { sha256 } from '../src/util/hash.ts';
import { newId } from '../src/util/random.ts';

const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh PostgreSQL database, or undefined when none is reachable (and not required). */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (err) {
    if (process.env.GATEHOUSE_TEST_PG === 'required') throw err;
    return undefined;
  }
  const name = `gh_authz_${newId('t', 12).slice(2)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function suite(dialect: 'sqlite' | 'postgres') {
  describe(`authorization storage on ${dialect}`, () => {
    let storage: SqlStorage | undefined;
    let cleanup: () => Promise<void> = async () => {};
    let seed: { appId: string; companyId: string; userId: string; grantId: string };
    let pgUrl: string | undefined;

    before(async () => {
      if (dialect === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'gh-authz-'));
        storage = openStorage(`sqlite:${join(dir, 'db.sqlite')}`);
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const db = await freshPostgres();
        if (!db) return;
        storage = openStorage(db.url, { poolSize: 8 });
        pgUrl = db.url;
        cleanup = db.drop;
      }
      await storage.migrate();
      const companyId = newId('co');
      await storage.createCompany({ id: companyId, name: 'Acme', plan: 'enterprise' });
      const userId = newId('usr');
      await storage.createUser({ id: userId, email: `${userId}@x.test`, name: 'U', passwordHash: null });
      const appId = newId('app');
      await storage.createApp(
        {
          id: appId,
          clientId: newId('cl'),
          companyId,
          name: 'A',
          logoUrl: null,
          type: 'partner',
          clientType: 'confidential',
          grantTypes: ['authorization_code', 'refresh_token'],
          scopes: ['a'],
          redirectUris: ['https://x.test/cb'],
          tokenTtl: 3600,
          signingAlg: 'ES256',
          tokenFormat: 'jwt',
          grantDelivery: 'code',
          skipConsent: false,
          refreshIdleTtl: 86_400,
          refreshAbsoluteTtl: 7 * 86_400,
          refreshReuseWindow: null,
          scopePolicy: 'strict',
        },
        { id: newId('sec'), secretHash: 'h', last4: 'abcd' },
      );
      const grant = await storage.upsertGrant({
        id: newId('gr'),
        guid: crypto.randomUUID(),
        appId,
        companyId,
        scopes: ['a'],
        grantedBy: userId,
      });
      seed = { appId, companyId, userId, grantId: grant.id };
    });
    after(async () => {
      await storage?.close();
      await cleanup();
    });

    async function newCode() {
      const raw = newId('code', 30);
      await storage!.createAuthorizationCode({
        codeHash: sha256(raw),
        ...seed,
        redirectUri: 'https://x.test/cb',
        redirectUriGiven: true,
        scopes: ['a'],
        nonce: null,
        codeChallenge: null,
        authTime: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      });
      return sha256(raw);
    }

    test('concurrent redemption of one code: exactly one wins', async (t) => {
      if (!storage) return t.skip('PostgreSQL not reachable');
      const hash = await newCode();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          storage!.consumeAuthorizationCode(hash, {
            id: newId('fam'),
            expiresAt: new Date(Date.now() + 86_400_000),
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'consumed').length, 1);
      assert.equal(results.filter((r) => r.status === 'replayed').length, 7);
      assert.equal(
        (await storage.consumeAuthorizationCode(sha256('nope'), { id: newId('fam'), expiresAt: new Date() }))
          .status,
        'unknown',
      );
    });

    test('refresh rotation: one concurrent winner, reuse revokes the family and its access tokens', async (t) => {
      if (!storage) return t.skip('PostgreSQL not reachable');
      const consumed = await storage.consumeAuthorizationCode(await newCode(), {
        id: newId('fam'),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      assert.equal(consumed.status, 'consumed');
      if (consumed.status !== 'consumed') return;
      const familyId = consumed.family.id;
      await storage.recordFamilyAccessToken(familyId, 'jti-1', new Date(Date.now() + 3600_000));
      await storage.createRefreshToken({
        tokenHash: sha256('r0'),
        familyId,
        scopes: ['a'],
        expiresAt: new Date(Date.now() + 3600_000),
      });
      const rotations = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map((n) =>
          storage!.rotateRefreshToken(sha256('r0'), {
            tokenHash: sha256(n),
            expiresAt: new Date(Date.now() + 3600_000),
          }),
        ),
      );
      assert.equal(rotations.filter((r) => r.status === 'rotated').length, 1);
      // The losers presented a rotated token: that is reuse, so the family is gone.
      const family = (await storage.getRefreshToken(sha256('r0')))?.family;
      assert.notEqual(family?.revokedAt, null);
      const revoked = await storage.listRevokedAccessTokens();
      assert.ok(revoked.some((r) => r.jti === 'jti-1'));
      // An access token recorded after revocation is born revoked.
      await storage.recordFamilyAccessToken(familyId, 'jti-2', new Date(Date.now() + 3600_000));
      assert.ok((await storage.listRevokedAccessTokens()).some((r) => r.jti === 'jti-2'));
    });

    test('a rotation racing a family revocation waits for it and fails: no access token outlives its family', async (t) => {
      if (!storage) return t.skip('PostgreSQL not reachable');
      // SQLite runs one write transaction at a time: the two cannot interleave there.
      if (!pgUrl) return t.skip('only PostgreSQL runs writers side by side');
      const consumed = await storage.consumeAuthorizationCode(await newCode(), {
        id: newId('fam'),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      if (consumed.status !== 'consumed') return assert.fail(consumed.status);
      const familyId = consumed.family.id;
      await storage.createRefreshToken({
        tokenHash: sha256('race-0'),
        familyId,
        scopes: ['a'],
        expiresAt: new Date(Date.now() + 3600_000),
      });
      // Another node revokes the family: its first statement takes the family row, and its
      // transaction is still open while the rotation runs.
      const other = new pg.Client({ connectionString: pgUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('UPDATE token_families SET revoked_at = $1 WHERE id = $2', [Date.now(), familyId]);
        let settled = false;
        const rotation = storage
          .rotateRefreshToken(
            sha256('race-0'),
            { tokenHash: sha256('race-1'), expiresAt: new Date(Date.now() + 3600_000) },
            new Date(),
            { accessToken: { jti: 'jti-race', expiresAt: new Date(Date.now() + 3600_000) } },
          )
          .finally(() => {
            settled = true;
          });
        // Unlocked, the rotation would read the family as live (the revocation is not committed),
        // finish, and record an access token the revocation never saw.
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(settled, false, 'the rotation must wait for the family row');
        await other.query('COMMIT');
        assert.equal((await rotation).status, 'invalid');
      } finally {
        await other.end();
      }
    });

    test('sessions and flows: bound to the session, moved on sign-in, claimed once', async (t) => {
      if (!storage) return t.skip('PostgreSQL not reachable');
      const anon = await storage.createSession({
        idHash: sha256('s1'),
        userId: null,
        authTime: null,
        expiresAt: new Date(Date.now() + 60_000),
      });
      await storage.createAuthorizationFlow({
        id: 'flow-1',
        sessionHash: anon.idHash,
        appId: seed.appId,
        request: '{}',
        companyId: null,
        grantGuid: null,
        expiresAt: new Date(Date.now() + 60_000),
      });
      assert.equal(await storage.getAuthorizationFlow('flow-1', sha256('other')), undefined);
      const signed = await storage.replaceSession(anon.idHash, {
        idHash: sha256('s2'),
        userId: seed.userId,
        authTime: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      });
      assert.equal(await storage.getSession(anon.idHash), undefined);
      assert.equal((await storage.getSession(signed.idHash))?.userId, seed.userId);
      assert.ok(await storage.setAuthorizationFlowCompany('flow-1', signed.idHash, seed.companyId));
      const claims = await Promise.all(
        [1, 2, 3].map(() => storage!.claimAuthorizationFlow('flow-1', signed.idHash)),
      );
      assert.equal(claims.filter((c) => c !== undefined).length, 1);
      assert.equal(await storage.getSession(signed.idHash, new Date(Date.now() + 120_000)), undefined);
      await storage.deleteSession(signed.idHash);
      assert.equal(await storage.getSession(signed.idHash), undefined);
    });
  });
}

suite('sqlite');
suite('postgres');
