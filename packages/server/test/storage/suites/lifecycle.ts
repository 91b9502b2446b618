import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function lifecycleTests({ it }: SuiteContext): void {
  describe('lifecycle', () => {
    it('names its dialect and answers ping', ['dialect', 'ping'], async (s, { target }) => {
      assert.equal(s.dialect, target.dialect);
      await s.ping();
    });

    it('reports its connection pool where it has one', ['poolStats'], async (s, { target }) => {
      await s.ping();
      const stats = s.poolStats();
      if (target.dialect === 'sqlite') assert.equal(stats, undefined);
      else {
        assert.ok(stats, 'PostgreSQL has a pool');
        assert.ok(stats.total >= 1 && stats.total <= stats.max, `total ${stats.total} of ${stats.max}`);
        assert.ok(stats.idle <= stats.total);
        assert.equal(stats.waiting, 0);
      }
    });

    it('migrates twice and concurrently without harm', ['migrate'], async (_s, env) => {
      const database = await env.freshDatabase();
      const [a, b] = [database.open(), database.open()];
      await Promise.all([a.storage.migrate(), b.storage.migrate(), a.storage.migrate()]);
      await a.storage.migrate();
      await b.storage.migrate();
      const co = await newCompany(a.storage);
      assert.equal((await b.storage.getCompany(co.id))?.id, co.id);
      const names = await a.raw.appliedMigrations();
      assert.equal(new Set(names).size, names.length, 'each migration recorded once');
      assert.ok(names.includes('001-foundation'));
    });

    it(
      'runs its background work beside reads and writes, and close() stops it',
      ['startBackgroundWork'],
      async (_s, env) => {
        const { storage } = await env.fresh();
        const errors: unknown[] = [];
        storage.startBackgroundWork((err) => errors.push(err));
        storage.startBackgroundWork((err) => errors.push(err)); // a second call changes nothing
        const ids: string[] = [];
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 20; i++) ids.push((await newCompany(storage)).id);
          // Longer than a checkpoint interval (200 ms): the thread runs between the writes.
          await new Promise((r) => setTimeout(r, 250));
        }
        for (const id of ids) assert.equal((await storage.getCompany(id))?.id, id);
        assert.deepEqual(errors, []);
        // Resolves: the thread (SQLite) is stopped, and nothing holds the process open.
        await storage.close();
      },
    );

    it('refuses every call once closed', ['close'], async (_s, env) => {
      const { storage } = await env.fresh();
      await storage.ping();
      await storage.close();
      await assert.rejects(storage.ping());
      await assert.rejects(storage.getCompany('co_after_close'));
    });
  });
}
