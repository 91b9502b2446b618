import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStorage } from '../../../src/storage/sql/storage.ts';
import type { SuiteContext } from '../conformance.ts';
import { newApp, newCompany } from '../fixtures.ts';

export function schemaTests(ctx: SuiteContext): void {
  describe('schema', () => {
    it('refuses any change to an app’s scopes, even by raw SQL', async () => {
      const s = ctx.storage();
      const co = await newCompany(s);
      const { app } = await newApp(s, co.id, { scopes: ['users.read'] });
      await assert.rejects(
        sql`UPDATE apps SET scopes = ${'users.read admin'} WHERE id = ${app.id}`.execute(s.db),
        /scopes cannot be changed/,
      );
      await assert.rejects(
        s.db.updateTable('apps').set({ scopes: '' }).where('id', '=', app.id).execute(),
        /scopes cannot be changed/,
      );
      // Other columns stay writable, so the trigger is not simply blocking updates.
      await sql`UPDATE apps SET name = ${'Renamed'} WHERE id = ${app.id}`.execute(s.db);
      const after = await s.getApp(co.id, app.id);
      assert.equal(after?.name, 'Renamed');
      assert.deepEqual(after?.scopes, ['users.read']);
    });

    it('answers ping', async () => {
      await ctx.storage().ping();
    });

    it('migrates twice and concurrently without harm', async () => {
      const db = await ctx.target.createDatabase();
      const [a, b] = [openStorage(db.url), openStorage(db.url)];
      try {
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        await a.migrate();
        await b.migrate();
        const co = await newCompany(a);
        assert.equal((await b.getCompany(co.id))?.id, co.id);
        const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(a.db);
        const names = applied.rows.map((r) => r.name);
        assert.equal(new Set(names).size, names.length, 'each migration recorded once');
        assert.ok(names.includes('001-foundation'));
      } finally {
        await a.close();
        await b.close();
        await db.cleanup();
      }
    });
  });
}
