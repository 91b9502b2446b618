import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStorage } from '../src/storage/sql/storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { type TestServer, testServer } from './helpers.ts';

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh PostgreSQL database, or undefined when none is reachable (CI requires one). */
async function postgresStorage(): Promise<{ storage: Storage; drop(): Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `gatehouse_touch_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const storage = openStorage(url.toString());
  return {
    storage,
    async drop() {
      await storage.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function checkTouchApps(t: TestServer): Promise<void> {
  const apps = await Promise.all([t.createApp(), t.createApp(), t.createApp()]);
  const [a, b, c] = apps.map((x) => x.appId) as [string, string, string];
  const stamps = new Map([
    [a, new Date(1_700_000_000_123)],
    [b, new Date(1_700_000_500_456)],
    ['app_that_does_not_exist', new Date(1_700_000_900_000)],
  ]);
  await t.gh.storage.touchApps(stamps);
  assert.equal((await t.gh.storage.getApp(t.companyId, a))?.lastUsedAt?.getTime(), 1_700_000_000_123);
  assert.equal((await t.gh.storage.getApp(t.companyId, b))?.lastUsedAt?.getTime(), 1_700_000_500_456);
  assert.equal((await t.gh.storage.getApp(t.companyId, c))?.lastUsedAt, null);
  // A later flush overwrites; an empty one is a no-op.
  await t.gh.storage.touchApps(new Map([[a, new Date(1_800_000_000_000)]]));
  await t.gh.storage.touchApps(new Map());
  assert.equal((await t.gh.storage.getApp(t.companyId, a))?.lastUsedAt?.getTime(), 1_800_000_000_000);
  assert.equal((await t.gh.storage.getApp(t.companyId, b))?.lastUsedAt?.getTime(), 1_700_000_500_456);
}

describe('storage.touchApps: batched last-used stamps', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('stamps each app with its own time on SQLite', async () => {
    const t = await testServer();
    cleanups.push(() => t.close());
    await checkTouchApps(t);
  });

  it('stamps each app with its own time on PostgreSQL', async (ctx) => {
    const pgs = await postgresStorage();
    if (!pgs) return ctx.skip('PostgreSQL is not reachable');
    const t = await testServer({ storage: pgs.storage });
    cleanups.push(async () => {
      await t.close();
      await pgs.drop();
    });
    await checkTouchApps(t);
  });
});
