import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LastUsedRecorder } from '../src/apps/last-used.ts';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import type { Storage } from '../src/storage/storage.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';
import { newApp, newCompany } from './storage/fixtures.ts';
import { sqliteDatabase } from './storage/sql-target.ts';

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

/**
 * Five apps stamped through the recorder in chunks of two land in the database, on every
 * dialect (under GATEHOUSE_TEST_PG=required an unreachable PostgreSQL fails, never skips).
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`LastUsedRecorder against storage (${dialect})`, { skip }, () => {
    let database: TestDatabase | undefined;
    let storage: SqlStorage | undefined;
    before(async () => {
      database = dialect === 'postgres' ? await withTestPostgres() : await sqliteDatabase();
      storage = openStorage(database.url);
      await storage.migrate();
    });
    after(async () => {
      await storage?.close();
      await database?.cleanup();
    });

    it('stamps apps', async () => {
      const s = storage as SqlStorage;
      const co = await newCompany(s);
      const apps = [];
      for (let i = 0; i < 5; i++) apps.push((await newApp(s, co.id)).app);
      const r = new LastUsedRecorder(s, { chunk: 2 });
      for (const [i, a] of apps.entries()) r.record(a.id, new Date(T0 + i));
      await r.stop();
      for (const [i, a] of apps.entries())
        assert.equal((await s.getApp(co.id, a.id))?.lastUsedAt?.getTime(), T0 + i);
    });
  });
});
