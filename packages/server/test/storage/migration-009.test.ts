import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from '../../src/storage/migrations/index.ts';
import { openStorage } from '../../src/storage/sql/storage.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';

async function database(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  if (dialect === 'postgres') return withTestPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-m009-'));
  return {
    url: `sqlite:${join(dir, 'g.db')}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function insertToken(db: Kysely<unknown>, hash: string, familyId: string, createdAt: number) {
  await sql`INSERT INTO refresh_tokens (token_hash, family_id, scopes, created_at, expires_at, rotated_at)
    VALUES (${hash}, ${familyId}, ${'users.read'}, ${createdAt}, ${createdAt + 3_600_000}, ${null})`.execute(
    db,
  );
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`migration 009 (refresh reuse window) on ${dialect}`, { skip: skip || false }, () => {
    it('a family left with two current refresh tokens keeps the newest, and the index then holds', async () => {
      const target = await database(dialect);
      const storage = openStorage(target.url);
      try {
        const db = storage.db as unknown as Kysely<unknown>;
        const before = new Migrator({ db, provider: migrationProvider({ dialect }) });
        assert.equal((await before.migrateTo('008-opaque-tokens')).error, undefined);
        // What the code before 009 would write, in the schema of 008.
        await storage.createCompany({ id: 'co_1', name: 'Old', plan: 'enterprise' });
        await sql`INSERT INTO apps (id, client_id, company_id, name, logo_url, type, client_type,
            grant_types, scopes, redirect_uris, token_ttl, signing_alg, token_format, grant_delivery,
            created_at, last_used_at, scope_policy)
          VALUES ('app_1', 'cl_1', 'co_1', 'Old', ${null}, 'partner', 'confidential',
            '["authorization_code","refresh_token"]', 'users.read', '[]', 3600, 'ES256', 'jwt', 'code',
            1, ${null}, 'strict')`.execute(db);
        for (const family of ['fam_1', 'fam_2'])
          await sql`INSERT INTO token_families (id, app_id, user_id, company_id, grant_id, created_at, expires_at)
            VALUES (${family}, 'app_1', 'usr_1', 'co_1', 'gr_1', 1, 9999999999999)`.execute(db);
        await insertToken(db, 'old', 'fam_1', 1000);
        await insertToken(db, 'new', 'fam_1', 2000);
        await insertToken(db, 'tie-a', 'fam_2', 1000);
        await insertToken(db, 'tie-b', 'fam_2', 1000);
        await storage.migrate();
        const current = await storage.db
          .selectFrom('refresh_tokens')
          .select('token_hash')
          .where('rotated_at', 'is', null)
          .orderBy('token_hash')
          .execute();
        assert.deepEqual(
          current.map((r) => r.token_hash),
          ['new', 'tie-b'],
        );
        await assert.rejects(insertToken(db, 'third', 'fam_1', 3000));
      } finally {
        await storage.close();
        await target.cleanup();
      }
    });
  });
});
