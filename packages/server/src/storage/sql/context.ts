import type { Kysely, Transaction } from 'kysely';
import type { PoolStats } from '../lifecycle.ts';
import type { Database } from '../schema.ts';
import type { AuditEventInput } from '../types.ts';
import type { Dialect } from './connect.ts';
import { wroteRevocations } from './revocations.ts';
import { insertAudit } from './tx.ts';
import type { WalCheckpoints } from './wal-checkpoints.ts';

/**
 * What every SQL slice shares: the Kysely handle, the dialect, and the transaction helpers.
 * The slices (one class per storage interface) each hold this one context, so a transaction
 * helper or a revocation listener means the same thing whichever slice uses it.
 */
export class SqlContext {
  private readonly revocationListeners = new Set<() => void>();
  private readonly closing: (() => Promise<void>)[] = [];

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    /** The PostgreSQL pool's use; absent for SQLite. */
    readonly poolStats?: () => PoolStats,
    /** A SQLite file's checkpoint thread, started by startBackgroundWork; absent otherwise. */
    readonly checkpoints?: WalCheckpoints,
  ) {}

  /** Runs `fn` in one transaction: everything it writes commits, or none of it. */
  transaction<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * A transaction that may append to the revocation feed: once it has committed, and before
   * the caller goes on, this process's listeners hear of it (when it did append).
   */
  async revoking<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    let used: Transaction<Database> | undefined;
    const out = await this.db.transaction().execute((tx) => {
      used = tx;
      return fn(tx);
    });
    if (used && wroteRevocations.has(used)) for (const l of this.revocationListeners) l();
    return out;
  }

  /** A transaction that also writes `audit`, when given, so the change and its record commit together. */
  audited<T>(fn: (tx: Kysely<Database>) => Promise<T>, audit?: AuditEventInput): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const out = await fn(tx);
      if (audit) await insertAudit(tx, audit);
      return out;
    });
  }

  /** Work a slice must finish before the connection closes (writes still batched). */
  beforeClose(fn: () => Promise<void>): void {
    this.closing.push(fn);
  }

  /** Runs every beforeClose hook; the lifecycle slice calls it, then closes the connection. */
  async settle(): Promise<void> {
    await Promise.all(this.closing.map((fn) => fn()));
  }

  /** See RevocationLog.onRevocationsCommitted. */
  onRevocationsCommitted(listener: () => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }
}
