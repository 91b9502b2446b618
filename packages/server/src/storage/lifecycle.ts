/** The storage itself: which database it is, its schema, and whether it answers. */
export interface StorageLifecycle {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations. Safe to call on every start and from several nodes at once. */
  migrate(): Promise<void>;
  /** Cheap liveness probe (the health endpoint). */
  ping(): Promise<void>;
  /** The connection pool's use (PostgreSQL); undefined where there is none (SQLite). */
  poolStats(): PoolStats | undefined;
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
