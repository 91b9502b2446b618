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

    it('refuses every call once closed', ['close'], async (_s, env) => {
      const { storage } = await env.fresh();
      await storage.ping();
      await storage.close();
      await assert.rejects(storage.ping());
      await assert.rejects(storage.getCompany('co_after_close'));
    });
  });
}
