import { type Kysely, Migrator, sql, type Transaction } from 'kysely';
import { migrationProvider } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { AuditEventInput } from '../types.ts';
import type { Dialect } from './connect.ts';
import { wroteRevocations } from './revocations.ts';
import { insertAudit } from './tx.ts';

/**
 * The connection and the schema, shared by the storage classes that follow. Storage is one
 * class chain, one file per group of domain methods: base, directory (companies, users,
 * keys, audit), apps (apps, grants, webhooks), and SqlStorage (feed, tokens, sessions,
 * logos, management), which implements Storage.
 */
export class SqlStorageBase {
  private readonly revocationListeners = new Set<() => void>();

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  async migrate(): Promise<void> {
    if (this.dialect === 'postgres') return runMigrations(this.db, this.dialect);
    // Kysely runs SQLite migrations outside a transaction and without a lock, so a crash
    // mid-way would leave a half-built schema and two processes (server and CLI) starting
    // together would both build it. BEGIN IMMEDIATE takes SQLite's write lock up front
    // (waiting out the other writer through busy_timeout) and makes the whole run atomic.
    await this.db.connection().execute(async (conn) => {
      await beginImmediate(conn);
      try {
        await runMigrations(conn, this.dialect);
        await sql`COMMIT`.execute(conn);
      } catch (err) {
        await sql`ROLLBACK`.execute(conn);
        throw err;
      }
    });
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('companies').select('id').limit(1).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  onRevocationsCommitted(listener: () => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /**
   * A transaction that may append to the revocation feed: once it has committed, and before
   * the caller goes on, this process's listeners hear of it (when it did append).
   */
  protected async revoking<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    let used: Transaction<Database> | undefined;
    const out = await this.db.transaction().execute((tx) => {
      used = tx;
      return fn(tx);
    });
    if (used && wroteRevocations.has(used)) for (const l of this.revocationListeners) l();
    return out;
  }

  protected async audited<T>(fn: (tx: Kysely<Database>) => Promise<T>, audit?: AuditEventInput): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const out = await fn(tx);
      if (audit) await insertAudit(tx, audit);
      return out;
    });
  }
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
