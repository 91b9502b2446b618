import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { Dialect } from './connect.ts';

/** Applies pending migrations, atomically and once even when several processes start together. */
export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') return runMigrations(db, dialect);
  // Kysely runs SQLite migrations outside a transaction and without a lock, so a crash
  // mid-way would leave a half-built schema and two processes (server and CLI) starting
  // together would both build it. BEGIN IMMEDIATE takes SQLite's write lock up front
  // (waiting out the other writer through busy_timeout) and makes the whole run atomic.
  await db.connection().execute(async (conn) => {
    await beginImmediate(conn);
    try {
      await runMigrations(conn, dialect);
      await sql`COMMIT`.execute(conn);
    } catch (err) {
      await sql`ROLLBACK`.execute(conn);
      throw err;
    }
  });
}

/**
 * BEGIN IMMEDIATE, retried asynchronously: better-sqlite3 waits for a lock synchronously,
 * which would freeze a process whose other connection holds the lock; so wait on the
 * event loop instead, for up to a minute.
 */
async function beginImmediate(conn: Kysely<Database>): Promise<void> {
  const saved = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(conn);
  await sql`PRAGMA busy_timeout = 0`.execute(conn);
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${Number(saved.rows[0]?.timeout ?? 5000)}`).execute(conn);
  }
}

async function runMigrations(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  // Unordered: migrations are numbered by feature and may land out of order on a dev database.
  const migrator = new Migrator({
    db,
    provider: migrationProvider({ dialect }),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}
