/** The storage itself: which database it is, its schema, and whether it answers. */
export interface StorageLifecycle {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations. Safe to call on every start and from several nodes at once. */
  migrate(): Promise<void>;
  /** Cheap liveness probe (the health endpoint). */
  ping(): Promise<void>;
  /** The connection pool's use (PostgreSQL); undefined where there is none (SQLite). */
  poolStats(): PoolStats | undefined;
  /**
   * Starts the storage's own background work, for a long-running server: on a SQLite file,
   * WAL checkpoints move off the event loop to a thread of their own (sql/wal-checkpoints.ts);
   * on PostgreSQL and in memory, nothing. `onError` hears of a failure there (the work then
   * falls back to the default, never stops). close() stops it.
   */
  startBackgroundWork(onError?: (err: unknown) => void): void;
  /** Closes the connections; every later call fails. */
  close(): Promise<void>;
}

/** Connections open, idle, and callers waiting for one; `max` is the pool's size. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}
