import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCache } from '../src/apps/app-cache.ts';
import { InvalidationBus } from '../src/cache/invalidation-bus.ts';
import { DEFAULT_APP_CACHE_SIZE, loadConfig } from '../src/config/index.ts';
import type { Storage } from '../src/storage/storage.ts';
import { basic, FORM, testServer } from './helpers.ts';

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
