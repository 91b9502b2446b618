import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { Config } from '../../src/config/index.ts';
import { SqlStorage } from '../../src/storage/sql/storage.ts';
import { sha256 } from '../../src/util/hash.ts';
import { type TestServer, testServer } from '../helpers.ts';
import { type Dialect, forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { type Creds, delegatedTokens, introspect, partnerApp, refresh } from './helpers.ts';

type Pair = { access_token: string; refresh_token: string };

/**
 * A Gatehouse on its own database of the dialect, webhooks recorded but never sent. The
 * refresh grant's clock stands still (at the start), so that "within the window" holds
 * however slow the machine: only stepClock moves it.
 */
async function server(dialect: Dialect, config: Partial<Config> = {}) {
  const db: TestDatabase | undefined = dialect === 'postgres' ? await withTestPostgres() : undefined;
  const frozen = Date.now();
  const clock = { aheadMs: 0 };
  const t = await testServer({
    clock: () => frozen + clock.aheadMs,
    config: {
      ...config,
      ...(db ? { databaseUrl: db.url } : {}),
      webhooks: {
        enabled: false,
        network: 'allow-loopback',
        timeoutMs: 1000,
        pollMs: 500,
        retryScheduleSeconds: [1],
      },
    },
  });
  await t.gh.webhooks.create(
    { companyId: t.companyId, url: 'http://localhost:9/h', events: ['refresh_token.reuse_detected'] },
    'test',
  );
  return Object.assign(t, {
    clock,
    async closeAll() {
      await t.close();
      await db?.cleanup();
    },
  });
}

/** Steps the refresh grant's clock ahead of where it stands until `restore`. */
function stepClock(t: TestServer & { clock: { aheadMs: number } }, aheadMs: number) {
  t.clock.aheadMs = aheadMs;
  return () => {
    t.clock.aheadMs = 0;
  };
}

async function familyRevoked(t: TestServer, refreshToken: string): Promise<boolean> {
  const found = await t.gh.storage.getRefreshToken(sha256(refreshToken));
  assert.ok(found, 'the refresh token is on record');
  return found.family.revokedAt !== null;
}

async function reuseReports(t: TestServer): Promise<number> {
  const page = await t.gh.storage.listWebhookDeliveries(t.companyId, { limit: 200 });
  return page.items.filter((d) => d.eventType === 'refresh_token.reuse_detected').length;
}

async function ok(t: TestServer, app: Creds, token: string): Promise<Pair> {
  const res = await refresh(t, app, token);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Pair;
}

async function refused(t: TestServer, app: Creds, token: string) {
  const res = await refresh(t, app, token);
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().error, 'invalid_grant');
  return res.json().error_description as string;
}

const active = async (t: TestServer, app: Creds, token: string) => (await introspect(t, app, token)).active;

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`refresh reuse window through the token endpoint (${dialect})`, { skip: skip || false }, () => {
    describe('server default window (10 s)', () => {
      let t: Awaited<ReturnType<typeof server>>;
      let app: Creds;
      before(async () => {
        t = await server(dialect);
        app = await partnerApp(t, { name: 'Tabs' });
      });
      after(() => t?.closeAll());

      it('a retry of the predecessor within the window: 200, a valid pair, the family lives', async () => {
        const first = await delegatedTokens(t, app);
        const lost = await ok(t, app, first.refresh_token);
        const retry = await ok(t, app, first.refresh_token);
        assert.notEqual(retry.refresh_token, lost.refresh_token);
        assert.equal(decodeJwt(retry.access_token).fid, decodeJwt(first.access_token).fid);
        assert.equal(await familyRevoked(t, first.refresh_token), false);
        // The retry's pair is the live one; the lost answer's refresh token is superseded.
        assert.equal(await active(t, app, retry.access_token), true);
        assert.equal(await active(t, app, retry.refresh_token), true);
        assert.equal(await active(t, app, lost.refresh_token), false);
        assert.equal(await active(t, app, lost.access_token), true);
        // And the chain goes on.
        const next = await ok(t, app, retry.refresh_token);
        assert.equal(await active(t, app, next.refresh_token), true);
        assert.equal(await reuseReports(t), 0);
      });

      it('after the window: the family is revoked and refresh_token.reuse_detected fires', async () => {
        const first = await delegatedTokens(t, app);
        const second = await ok(t, app, first.refresh_token);
        const before = await reuseReports(t);
        const restore = stepClock(t, 10_001);
        try {
          assert.match(await refused(t, app, first.refresh_token), /already used/);
        } finally {
          restore();
        }
        assert.equal(await familyRevoked(t, first.refresh_token), true);
        assert.equal(await reuseReports(t), before + 1);
        await refused(t, app, second.refresh_token);
        assert.equal(await active(t, app, second.access_token), false);
      });

      it('an older ancestor within the window: revoked', async () => {
        const first = await delegatedTokens(t, app);
        const second = await ok(t, app, first.refresh_token);
        const third = await ok(t, app, second.refresh_token);
        const before = await reuseReports(t);
        await refused(t, app, first.refresh_token);
        assert.equal(await familyRevoked(t, first.refresh_token), true);
        assert.equal(await reuseReports(t), before + 1);
        await refused(t, app, third.refresh_token);
        for (const pair of [first, second, third])
          assert.equal(await active(t, app, pair.access_token), false);
      });

      it('per-app override: 0 turns the window off for that app alone', async () => {
        const strict = await partnerApp(t, { name: 'Strict', refreshReuseWindow: 0 });
        const first = await delegatedTokens(t, strict);
        await ok(t, strict, first.refresh_token);
        await refused(t, strict, first.refresh_token);
        assert.equal(await familyRevoked(t, first.refresh_token), true);
      });

      it('per-app override: a longer window than the server default', async () => {
        const patient = await partnerApp(t, { name: 'Patient', refreshReuseWindow: 60 });
        const first = await delegatedTokens(t, patient);
        await ok(t, patient, first.refresh_token);
        const restore = stepClock(t, 30_000);
        try {
          await ok(t, patient, first.refresh_token);
        } finally {
          restore();
        }
        assert.equal(await familyRevoked(t, first.refresh_token), false);
      });

      it('two refreshes of one token at once, 20 times: both answered, one live chain, no revocation', async () => {
        const first = await delegatedTokens(t, app);
        const before = await reuseReports(t);
        let current = first.refresh_token;
        for (let round = 0; round < 20; round++) {
          const answers = await Promise.all([refresh(t, app, current), refresh(t, app, current)]);
          const pairs = answers.map((res) => {
            assert.equal(res.statusCode, 200, res.body);
            return res.json() as Pair;
          });
          for (const pair of pairs) assert.equal(await active(t, app, pair.access_token), true);
          // Exactly one of the two refresh tokens is the family's current one.
          const live = [];
          for (const pair of pairs)
            if (await active(t, app, pair.refresh_token)) live.push(pair.refresh_token);
          assert.equal(live.length, 1, `round ${round}`);
          current = live[0] as string;
        }
        assert.equal(await familyRevoked(t, current), false);
        assert.equal(await reuseReports(t), before);
        const found = await t.gh.storage.getRefreshToken(sha256(current));
        const storage = t.gh.storage;
        assert.ok(storage instanceof SqlStorage);
        const currentTokens = await storage.db
          .selectFrom('refresh_tokens')
          .select('token_hash')
          .where('family_id', '=', found?.family.id ?? '')
          .where('rotated_at', 'is', null)
          .execute();
        assert.deepEqual(
          currentTokens.map((r) => r.token_hash),
          [sha256(current)],
        );
      });
    });

    describe('server window 0', () => {
      let t: Awaited<ReturnType<typeof server>>;
      before(async () => {
        t = await server(dialect, { refreshReuseWindowSeconds: 0 });
      });
      after(() => t?.closeAll());

      it('the old behaviour: presenting a rotated token at once revokes the family', async () => {
        const app = await partnerApp(t, { name: 'Old' });
        const first = await delegatedTokens(t, app);
        const second = await ok(t, app, first.refresh_token);
        await refused(t, app, first.refresh_token);
        assert.equal(await familyRevoked(t, first.refresh_token), true);
        assert.equal(await reuseReports(t), 1);
        await refused(t, app, second.refresh_token);
      });

      it('an app may still turn a window on for itself', async () => {
        const app = await partnerApp(t, { name: 'Opted in', refreshReuseWindow: 5 });
        const first = await delegatedTokens(t, app);
        await ok(t, app, first.refresh_token);
        await ok(t, app, first.refresh_token);
        assert.equal(await familyRevoked(t, first.refresh_token), false);
      });
    });
  });
});
