import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createVerifier, type Verifier } from '@gatehouse/resource-server';
import { RETIRED_KEY_PUBLISH_MS } from '../src/keys/schedule.ts';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const POLICY = { intervalMs: 30 * DAY, prepublishMs: 24 * HOUR };

const kidOf = (jwt: string): string =>
  JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).kid;

/**
 * The acceptance test of scheduled rotation (docs/security.md, "Signing keys"): two nodes on
 * one database, the schedule read on a clock the test moves; resource servers using
 * @gatehouse/resource-server against the first node's JWKS, on the real clock.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`scheduled signing-key rotation with pre-publication (${dialect})`, {
    skip: skip || false,
  }, () => {
    let db: TestDatabase | undefined;
    let a: TestServer;
    let b: TestServer;
    let jwksUrl: string;
    let app: { clientId: string; clientSecret: string };
    const clock = { now: Date.now() };
    const jwksFetches = new Map<string, number>();
    const realFetch = globalThis.fetch;

    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      const config = { keyRotation: POLICY, ...(db ? { databaseUrl: db.url } : {}) };
      a = await testServer({ config, keyClock: () => clock.now });
      b = await testServer({
        config: { ...config, databaseUrl: a.config.databaseUrl },
        keyClock: () => clock.now,
      });
      await a.http.listen({ host: '127.0.0.1', port: 0 });
      jwksUrl = `http://127.0.0.1:${(a.http.server.address() as AddressInfo).port}/.well-known/jwks.json`;
      app = await a.createApp();
      // Counts the JWKS fetches of each resource server (each has its own query string).
      globalThis.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        jwksFetches.set(url, (jwksFetches.get(url) ?? 0) + 1);
        return realFetch(input, init);
      };
      // Each node looked at the schedule when it started; let those passes end.
      await Promise.all([a.gh.keyRotation.tick(), b.gh.keyRotation.tick()]);
    });
    after(async () => {
      globalThis.fetch = realFetch;
      await b?.close();
      await a?.close();
      await db?.cleanup();
    });

    const resourceServer = (name: string, jwksMaxAgeMs?: number): Verifier =>
      createVerifier({
        issuer: a.config.issuer,
        audience: a.config.audience,
        jwksUri: `${jwksUrl}?rs=${name}`,
        revocation: { mode: 'off' },
        // A token naming an unknown key within ten minutes of a fetch is refused.
        jwksCooldownMs: 600_000,
        ...(jwksMaxAgeMs !== undefined ? { jwksMaxAgeMs } : {}),
      });
    const fetchesOf = (name: string) => jwksFetches.get(`${jwksUrl}?rs=${name}`) ?? 0;

    const token = async (t: TestServer): Promise<string> => {
      const r = await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
        payload: 'grant_type=client_credentials',
      });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().access_token;
    };
    const published = async (t: TestServer): Promise<string[]> =>
      (await t.http.inject({ url: '/.well-known/jwks.json' })).json().keys.map((k: { kid: string }) => k.kid);
    const activeKid = async (t: TestServer, alg = 'ES256') =>
      (await t.gh.keys.list()).find((k) => k.alg === alg && k.status === 'active')?.kid;

    /** Both nodes look at the schedule at once: exactly one acts; both then follow the feed. */
    const tickBoth = async () => {
      const [ra, rb] = await Promise.all([a.gh.keyRotation.tick(), b.gh.keyRotation.tick()]);
      const acted = [ra, rb].filter((r) => r !== undefined);
      assert.equal(acted.length, 1, 'exactly one node holds the lease');
      for (const t of [a, b]) {
        await t.gh.bus.poll();
        await t.gh.keys.settled();
      }
      return (acted[0] ?? []).map((s) => s.step).sort();
    };

    it('every token verifies before, during and after the rotation, with no refetch at the switch', async () => {
      const start = clock.now;
      const oldKid = await activeKid(a);
      assert.ok(oldKid);
      // A resource server that fetched the JWKS before anything happened, with a cache far
      // shorter than the pre-publication period (here: 200 ms of real time).
      const early = resourceServer('early', 200);
      const before = [await token(a), await token(b)];
      for (const t of before) assert.equal(kidOf(t), oldKid);
      for (const t of before) await early.verify(t);
      assert.equal(fetchesOf('early'), 1);

      // Nothing is due until the active key has only the pre-publication period left.
      clock.now = start + POLICY.intervalMs - POLICY.prepublishMs - 1;
      assert.deepEqual(await tickBoth(), []);

      // Pre-publication: the next keys appear in the JWKS of both nodes; the old ones sign.
      clock.now = start + POLICY.intervalMs - POLICY.prepublishMs;
      assert.deepEqual(await tickBoth(), ['prepublish', 'prepublish', 'prepublish']);
      const next = (await a.gh.keys.list()).find((k) => k.alg === 'ES256' && k.status === 'next');
      assert.ok(next);
      assert.equal(next.activatesAt?.getTime(), start + POLICY.intervalMs);
      for (const t of [a, b]) assert.ok((await published(t)).includes(next.kid));
      const during = [await token(a), await token(b)];
      for (const t of during) assert.equal(kidOf(t), oldKid);
      // The early resource server's cache ages out during the pre-publication period, as any
      // cache shorter than it does: it refetches and so learns the next key.
      await new Promise((r) => setTimeout(r, 250));
      for (const t of during) await early.verify(t);
      assert.equal(fetchesOf('early'), 2);
      // A resource server that fetched during the pre-publication period and then keeps its
      // cache (ten minutes, the default) the whole time.
      const steady = resourceServer('steady');
      for (const t of [...before, ...during]) await steady.verify(t);
      assert.equal(fetchesOf('steady'), 1);

      // The switch: one node makes the next keys sign; the other follows the feed at once.
      clock.now = start + POLICY.intervalMs - 1;
      assert.deepEqual(await tickBoth(), []);
      clock.now = start + POLICY.intervalMs;
      assert.deepEqual(await tickBoth(), ['activate', 'activate', 'activate']);
      assert.equal(await activeKid(b), next.kid);
      const afterSwitch = [await token(a), await token(b)];
      for (const t of afterSwitch) assert.equal(kidOf(t), next.kid);
      for (const t of [...before, ...during, ...afterSwitch]) {
        await early.verify(t);
        await steady.verify(t);
      }
      assert.equal(fetchesOf('steady'), 1, 'the new key was already cached: no refetch');

      // The retired key stays published until the longest token lifetime plus skew has passed.
      const switched = clock.now;
      clock.now = switched + RETIRED_KEY_PUBLISH_MS - 1;
      assert.deepEqual(await tickBoth(), []);
      for (const t of [a, b]) assert.ok((await published(t)).includes(oldKid));
      clock.now = switched + RETIRED_KEY_PUBLISH_MS;
      assert.deepEqual(await tickBoth(), ['remove', 'remove', 'remove']);
      for (const t of [a, b]) {
        const kids = await published(t);
        assert.ok(!kids.includes(oldKid), 'the retired key left the JWKS');
        assert.ok(kids.includes(next.kid));
        assert.equal(kids.length, 3, 'one key per algorithm');
      }
      for (const t of afterSwitch) await steady.verify(t);
      assert.equal(fetchesOf('steady'), 1);
    });

    it('the emergency rotation (--now) skips pre-publication: a cached JWKS misses the new key; --withdraw unpublishes the old', async () => {
      const cached = resourceServer('cached');
      const old = await token(a);
      await cached.verify(old);
      const { kid, retired } = await b.gh.keys.rotateNow('ES256');
      assert.equal(retired.length, 1);
      await a.gh.bus.poll();
      await a.gh.keys.settled();
      const fresh = await token(a);
      assert.equal(kidOf(fresh), kid, 'the other node signs with it after the feed');
      // The cost documented in docs/security.md: within its refetch cooldown the resource
      // server refuses the new key's tokens; after it (here, a new verifier) it refetches.
      await assert.rejects(cached.verify(fresh), { code: 'token_key_unknown' });
      await resourceServer('later').verify(fresh);
      await cached.verify(old); // the retired key is still published

      // --withdraw: the replaced key leaves the JWKS at once (tokens forged with it stop verifying).
      const withdrawn = await a.gh.keys.rotateNow('ES256', { withdraw: true });
      assert.deepEqual(withdrawn.retired, [kid]);
      await b.gh.bus.poll();
      await b.gh.keys.settled();
      for (const t of [a, b]) {
        const kids = await published(t);
        assert.ok(!kids.includes(kid), 'withdrawn');
        assert.ok(kids.includes(withdrawn.kid));
      }
      await assert.rejects(resourceServer('after-withdrawal').verify(fresh), { code: 'token_key_unknown' });
    });
  });
});
