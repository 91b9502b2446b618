import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { AppCache } from '../src/apps/app-cache.ts';
import { AppService } from '../src/apps/app-service.ts';
import { InvalidationBus } from '../src/cache/invalidation-bus.ts';
import { DEFAULT_APP_CACHE_SIZE, loadConfig } from '../src/config/index.ts';
import type { Storage } from '../src/storage/storage.ts';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

test('GATEHOUSE_APP_CACHE_SIZE is parsed and bounded', () => {
  const base = { GATEHOUSE_SECRET: 'x'.repeat(32), GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse' };
  assert.equal(loadConfig({ env: base }).appCacheSize, DEFAULT_APP_CACHE_SIZE);
  assert.equal(loadConfig({ env: { ...base, GATEHOUSE_APP_CACHE_SIZE: '200000' } }).appCacheSize, 200_000);
  for (const bad of ['0', '-1', '1.5', 'lots'])
    assert.throws(
      () => loadConfig({ env: { ...base, GATEHOUSE_APP_CACHE_SIZE: bad } }),
      /GATEHOUSE_APP_CACHE_SIZE/,
    );
});

test('the app cache holds at most its size, dropping the least recently used', async () => {
  const t = await testServer();
  try {
    const [a, b, c] = await Promise.all([t.createApp(), t.createApp(), t.createApp()]);
    const loads: string[] = [];
    // Counts the database reads the cache makes; everything else goes to the real storage.
    const storage = new Proxy(t.gh.storage, {
      get(target, prop, receiver) {
        if (prop === 'findAppByClientId')
          return (clientId: string) => {
            loads.push(clientId);
            return target.findAppByClientId(clientId);
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Storage;
    const cache = new AppCache(storage, new InvalidationBus(storage, 1000), 2);
    assert.equal((await cache.get(a!.clientId))?.id, a!.appId);
    assert.equal((await cache.get(b!.clientId))?.id, b!.appId);
    assert.equal((await cache.get(a!.clientId))?.id, a!.appId); // hit; b is now the oldest
    assert.deepEqual(loads, [a!.clientId, b!.clientId]);
    assert.equal((await cache.get(c!.clientId))?.id, c!.appId); // evicts b
    assert.equal((await cache.get(a!.clientId))?.id, a!.appId); // still cached
    assert.equal((await cache.get(b!.clientId))?.id, b!.appId); // loaded again
    assert.deepEqual(loads, [a!.clientId, b!.clientId, c!.clientId, b!.clientId]);
  } finally {
    await t.close();
  }
});

test('with a cache smaller than the busy apps, tokens and secret rotation stay correct', async () => {
  const t = await testServer({ config: { appCacheSize: 1 } });
  try {
    const apps = await Promise.all([t.createApp(), t.createApp(), t.createApp()]);
    const token = (id: string, secret: string) =>
      t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(id, secret) },
        payload: 'grant_type=client_credentials',
      });
    for (let round = 0; round < 2; round++)
      for (const app of apps) assert.equal((await token(app.clientId, app.clientSecret)).statusCode, 200);
    const [first] = apps;
    const rotated = await t.gh.apps.rotateSecret(t.companyId, first!.appId, 'test', 0);
    assert.equal((await token(first!.clientId, first!.clientSecret)).statusCode, 401);
    assert.equal((await token(first!.clientId, rotated.clientSecret)).statusCode, 200);
    assert.equal((await token(first!.clientId, 'gths_wrong')).statusCode, 401);
  } finally {
    await t.close();
  }
});

/** Counts the app reads that reach the database; everything goes to the real storage. */
function countAppReads(storage: Storage): { storage: Storage; reads: string[] } {
  const reads: string[] = [];
  const counted = new Proxy(storage, {
    get(target, prop, receiver) {
      if (prop === 'findAppByClientId')
        return (clientId: string) => {
          reads.push(clientId);
          return target.findAppByClientId(clientId);
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Storage;
  return { storage: counted, reads };
}

test('a wrong secret re-reads the app at most once per client per second, however many arrive', async () => {
  const t = await testServer();
  try {
    const a = await t.createApp();
    const b = await t.createApp();
    const { storage, reads } = countAppReads(t.gh.storage);
    let now = 1_000_000;
    const bus = new InvalidationBus(storage, 3_600_000);
    const apps = new AppService(storage, new AppCache(storage, bus, 100, () => now), bus);
    assert.equal((await apps.authenticateConfidential(a.clientId, a.clientSecret))?.id, a.appId);
    assert.equal(reads.length, 1);
    for (let i = 0; i < 50; i++)
      assert.equal(await apps.authenticateConfidential(a.clientId, `gths_w${i}`), null);
    assert.equal(reads.length, 2, 'one re-read for fifty wrong secrets');
    const parallel = await Promise.all(
      Array.from({ length: 50 }, (_, i) => apps.authenticateConfidential(b.clientId, `gths_p${i}`)),
    );
    assert.ok(parallel.every((x) => x === null));
    // b: its first load, then one re-read that every concurrent wrong secret shared.
    assert.deepEqual(reads.slice(2), [b.clientId, b.clientId]);
    now += 999;
    assert.equal(await apps.authenticateConfidential(a.clientId, 'gths_again'), null);
    assert.equal(reads.length, 4, 'still braked within the second');
    now += 1;
    assert.equal(await apps.authenticateConfidential(a.clientId, 'gths_again'), null);
    assert.equal(reads.length, 5, 'one more re-read a second later');
    // The right secret never needs one.
    for (let i = 0; i < 10; i++) await apps.authenticateConfidential(a.clientId, a.clientSecret);
    assert.equal(reads.length, 5);
  } finally {
    await t.close();
  }
});

test('wrong secrets at the token endpoint cause at most one app read per client per second', async () => {
  // The failure budgets off, so that every wrong secret reaches the secret check.
  const off = { perSecond: 0, burst: 1 };
  const t = await testServer({ config: { clientAuthThrottle: { perClientAddress: off, perIp: off } } });
  try {
    const app = await t.createApp();
    const reads: string[] = [];
    const storage = t.gh.storage;
    const find = storage.findAppByClientId.bind(storage);
    // A counting wrapper on the live storage object the app cache reads through.
    storage.findAppByClientId = (clientId) => {
      reads.push(clientId);
      return find(clientId);
    };
    const token = (secret: string) =>
      t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(app.clientId, secret) },
        payload: 'grant_type=client_credentials',
      });
    assert.equal((await token(app.clientSecret)).statusCode, 200);
    const started = Date.now();
    const codes = (await Promise.all(Array.from({ length: 60 }, (_, i) => token(`gths_wrong_${i}`)))).map(
      (r) => r.statusCode,
    );
    for (let i = 0; i < 40; i++) codes.push((await token(`gths_more_${i}`)).statusCode);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    assert.ok(codes.every((c) => c === 401));
    // The first load, then at most one re-read per second begun (a slow box takes longer).
    assert.ok(reads.length >= 2, 'a wrong secret re-reads the app');
    assert.ok(reads.length <= 2 + seconds, `${reads.length} reads in ${seconds} s for 100 wrong secrets`);
  } finally {
    await t.close();
  }
});

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`a secret rotated on another node works here at once (${dialect})`, {
    skip: skip || false,
  }, () => {
    let db: TestDatabase | undefined;
    let here: TestServer;
    let other: TestServer;
    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      // This node never polls for invalidations: only the re-read can make it see the rotation.
      here = await testServer({
        config: { invalidationPollMs: 3_600_000, ...(db ? { databaseUrl: db.url } : {}) },
      });
      other = await testServer({ config: { databaseUrl: here.config.databaseUrl } });
      assert.notEqual(here.gh.storage, other.gh.storage);
    });
    after(async () => {
      await other?.close();
      await here?.close();
      await db?.cleanup();
    });

    const token = (id: string, secret: string, form: 'basic' | 'post') =>
      here.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: form === 'basic' ? { ...FORM, authorization: basic(id, secret) } : FORM,
        payload:
          form === 'basic'
            ? 'grant_type=client_credentials'
            : `grant_type=client_credentials&client_id=${id}&client_secret=${secret}`,
      });

    for (const form of ['basic', 'post'] as const) {
      it(`the new secret is accepted on the very next request (client_secret_${form})`, async () => {
        const app = await here.createApp();
        assert.equal((await token(app.clientId, app.clientSecret, form)).statusCode, 200); // cached here
        // What `gatehouse app rotate-secret` or another node does: the database only.
        const rotated = await other.gh.apps.rotateSecret(here.companyId, app.appId, 'cli', 0);
        assert.equal((await token(app.clientId, rotated.clientSecret, form)).statusCode, 200);
        // The re-read refreshed the cache: the old secret (no grace) is refused here now too.
        assert.equal((await token(app.clientId, app.clientSecret, form)).statusCode, 401);
        assert.equal((await token(app.clientId, rotated.clientSecret, form)).statusCode, 200);
      });
    }
  });
});
