import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { sql } from 'kysely';
import { openStorage, SQL_SLICES, type SqlStorage } from '../../src/storage/sql/storage.ts';
import { type Dialect, forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { type ConformanceTarget, type RawAccess, storageConformance } from './conformance.ts';

/** The conformance target for the Kysely storage on one dialect. */
export function sqlTarget(dialect: Dialect): ConformanceTarget {
  return {
    dialect,
    createDatabase: dialect === 'postgres' ? withTestPostgres : sqliteDatabase,
    open(url) {
      const storage = openStorage(url);
      return { storage, raw: rawAccess(storage) };
    },
    slices: SQL_SLICES,
    concurrentWriters: dialect === 'postgres',
  };
}

/** An empty SQLite file in a directory of its own. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-storage-'));
  return {
    url: `sqlite:${join(dir, 'gatehouse.db')}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function rawAccess(storage: SqlStorage): RawAccess {
  const { db } = storage;
  /** Another node mid-revocation: `table`'s row `id` marked revoked by a transaction held open until `commit`. */
  async function holdRevocation(table: 'token_families' | 'grants', id: string) {
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let held = () => {};
    const holding = new Promise<void>((r) => {
      held = r;
    });
    const done = db.transaction().execute(async (tx) => {
      await tx.updateTable(table).set({ revoked_at: Date.now() }).where('id', '=', id).execute();
      held();
      await released;
    });
    // Either the row is held, or the transaction failed before it could be.
    await Promise.race([holding, done]);
    return {
      async commit() {
        release();
        await done;
      },
    };
  }
  return {
    async appSecretIds(appId) {
      const rows = await db.selectFrom('app_secrets').select('id').where('app_id', '=', appId).execute();
      return rows.map((r) => r.id);
    },
    async currentRefreshTokens(familyId) {
      const rows = await db
        .selectFrom('refresh_tokens')
        .select('token_hash')
        .where('family_id', '=', familyId)
        .where('rotated_at', 'is', null)
        .execute();
      return rows.map((r) => r.token_hash);
    },
    async writeAppColumn(appId, column, value) {
      await sql`UPDATE apps SET ${sql.ref(column)} = ${value} WHERE id = ${appId}`.execute(db);
    },
    async appliedMigrations() {
      const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
      return applied.rows.map((r) => r.name);
    },
    holdFamilyRevocation: (familyId) => holdRevocation('token_families', familyId),
    holdGrantRevocation: (grantId) => holdRevocation('grants', grantId),
  };
}

/**
 * Registers the conformance suite on `dialect` through forDialects: under
 * GATEHOUSE_TEST_PG=required an unreachable PostgreSQL fails instead of skipping.
 */
export function conformanceOn(dialect: Dialect): Promise<void> {
  return forDialects([dialect], (d, skip) => {
    if (skip) it(`Storage conformance (${d})`, { skip }, () => {});
    else storageConformance(sqlTarget(d));
  });
}
