import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { LastUsedRecorder } from '../src/apps/last-used.ts';
import { openStorage } from '../src/storage/sql/storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { type TestServer, testServer } from './helpers.ts';

/** Records what the recorder writes; `fail` makes the next write throw. */
function spyStorage() {
  const writes: [string, number][][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const spy = {
    writes,
    fail: false,
    get maxInFlight() {
      return maxInFlight;
    },
    async touchApps(stamps: ReadonlyMap<string, Date>) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (spy.fail) {
        spy.fail = false;
        throw new Error('database unavailable');
      }
      writes.push([...stamps].map(([id, at]) => [id, at.getTime()]));
    },
  };
  return spy;
}

// Near the wall clock: the recorder forgets what it wrote longer than resolutionMs ago by it.
const T0 = Date.now();

describe('LastUsedRecorder', () => {
  it('writes pending stamps in chunks, each id once with its latest time', async () => {
    const spy = spyStorage();
    const r = new LastUsedRecorder(spy as unknown as Storage, { chunk: 2 });
    r.record('a', new Date(T0));
    r.record('b', new Date(T0 + 1));
    r.record('a', new Date(T0 + 2));
    r.record('c', new Date(T0 + 3));
    await r.flush();
    assert.deepEqual(spy.writes, [
      [
        ['a', T0 + 2],
        ['b', T0 + 1],
      ],
      [['c', T0 + 3]],
    ]);
    await r.flush();
    assert.equal(spy.writes.length, 2, 'nothing pending, nothing written');
  });

  it('does not rewrite a stamp it wrote less than resolutionMs ago', async () => {
    const spy = spyStorage();
    const r = new LastUsedRecorder(spy as unknown as Storage, { resolutionMs: 60_000 });
    r.record('a', new Date(T0));
    await r.flush();
    r.record('a', new Date(T0 + 59_000));
    r.record('b', new Date(T0 + 59_000));
    await r.flush();
    r.record('a', new Date(T0 + 60_000));
    await r.flush();
    assert.deepEqual(spy.writes, [[['a', T0]], [['b', T0 + 59_000]], [['a', T0 + 60_000]]]);
  });

  it('a failed write is not remembered as written', async () => {
    const spy = spyStorage();
    const r = new LastUsedRecorder(spy as unknown as Storage);
    spy.fail = true;
    r.record('a', new Date(T0));
    await r.flush();
    assert.deepEqual(spy.writes, []);
    r.record('a', new Date(T0 + 1000));
    await r.flush();
    assert.deepEqual(spy.writes, [[['a', T0 + 1000]]]);
  });

  it('never runs two flushes at once', async () => {
    const spy = spyStorage();
    const r = new LastUsedRecorder(spy as unknown as Storage, { chunk: 1 });
    r.record('a', new Date(T0));
    const first = r.flush();
    r.record('b', new Date(T0));
    await Promise.all([first, r.flush(), r.stop()]);
    assert.equal(spy.maxInFlight, 1);
    assert.deepEqual(spy.writes.flat(), [
      ['a', T0],
      ['b', T0],
    ]);
  });
});

const PG_ADMIN = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresStorage(): Promise<{ storage: Storage; drop(): Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `gatehouse_last_used_${process.pid}_${Date.now()}`;
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

/** Five apps stamped through the recorder in chunks of two land in the database. */
async function checkRecorder(t: TestServer): Promise<void> {
  const apps = await Promise.all(Array.from({ length: 5 }, () => t.createApp()));
  const r = new LastUsedRecorder(t.gh.storage, { chunk: 2 });
  for (const [i, a] of apps.entries()) r.record(a.appId, new Date(T0 + i));
  await r.stop();
  for (const [i, a] of apps.entries())
    assert.equal((await t.gh.storage.getApp(t.companyId, a.appId))?.lastUsedAt?.getTime(), T0 + i);
}

describe('LastUsedRecorder against storage', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('stamps apps on SQLite', async () => {
    const t = await testServer();
    cleanups.push(() => t.close());
    await checkRecorder(t);
  });

  it('stamps apps on PostgreSQL', async (ctx) => {
    const pgs = await postgresStorage();
    if (!pgs) return ctx.skip('PostgreSQL is not reachable');
    const t = await testServer({ storage: pgs.storage });
    cleanups.push(async () => {
      await t.close();
      await pgs.drop();
    });
    await checkRecorder(t);
  });
});
