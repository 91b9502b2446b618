import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Lru } from '@gatehouse/cache';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { PoolStats } from '../lifecycle.ts';
import type { Database } from '../schema.ts';
import { discardingBrokenClients } from './pg-pool.ts';
import { WalCheckpoints } from './wal-checkpoints.ts';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(url: string): Dialect {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  if (url.startsWith('sqlite:') || url === ':memory:') return 'sqlite';
  throw new Error(`DATABASE_URL must start with postgres:// or sqlite: (got "${url.split(':')[0]}:...")`);
}

/** `sqlite:/abs/path.db`, `sqlite:relative.db` or `sqlite::memory:` */
function sqlitePath(url: string): string {
  const path = url === ':memory:' ? ':memory:' : url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path === '' ? ':memory:' : path;
}

/** Distinct SQL texts kept prepared; queries with variable-length lists make more. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query afresh (`db.prepare(sql)` per execution), which
 * was as costly as running it. Prepared statements are reusable: this keeps the most recent
 * ones by SQL text. Safe because Kysely runs one query at a time on the single connection
 * (its mutex), this codebase never streams (an open iterator would keep a statement busy),
 * and SQLite re-prepares a cached statement by itself after a schema change.
 */
function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Lru<string, SQLite.Statement>(STATEMENT_CACHE_SIZE);
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * How long the storage layer waits on the database, in milliseconds. 0 turns a limit off
 * (for the two PostgreSQL enforces, it leaves the role's or the server's own). Past any
 * of them the error is one that `isDatabaseUnavailable` recognises, so the request is
 * answered 503 with Retry-After instead of hanging. See docs/deployment.md, "Timeouts".
 */
export interface DatabaseTimeouts {
  /** PostgreSQL: to open a connection, or to wait for a free one in the pool. */
  connectMs: number;
  /**
   * PostgreSQL, client side: for a query's answer. The only bound that holds when the
   * network drops packets (the server cannot cancel what it never hears about).
   */
  queryMs: number;
  /** PostgreSQL `statement_timeout`: the server cancels a statement running this long. */
  statementMs: number;
  /** PostgreSQL `idle_in_transaction_session_timeout`: the server ends a session left idle inside a transaction. */
  idleInTransactionMs: number;
  /** SQLite `busy_timeout`: how long a write waits for another writer's lock (0: not at all). */
  sqliteBusyMs: number;
}

/**
 * The statement timeout sits below the query timeout: a slow query on a healthy network is
 * cancelled by the server (a clean error, the connection kept), and the client-side limit is
 * left for a network that does not answer at all.
 */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 5_000,
  queryMs: 10_000,
  statementMs: 8_000,
  idleInTransactionMs: 30_000,
  sqliteBusyMs: 5_000,
};

export function connect(
  url: string,
  opts: { poolSize?: number; timeouts?: DatabaseTimeouts; preparedStatements?: boolean } = {},
): { db: Kysely<Database>; dialect: Dialect; poolStats?: () => PoolStats; checkpoints?: WalCheckpoints } {
  const timeouts = opts.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const dialect = dialectOf(url);
  if (dialect === 'sqlite') {
    const path = sqlitePath(url);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    // WAL lets the CLI and the server share the file; NORMAL is durable across app crashes
    // (only an OS crash can lose the last transactions); busy_timeout waits out a writer.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // A WAL reset after a checkpoint truncates the file to this (it would keep its largest size).
    sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    sqlite.pragma(`busy_timeout = ${Math.trunc(timeouts.sqliteBusyMs)}`);
    sqlite.pragma('foreign_keys = ON');
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) }),
      dialect,
      ...(path === ':memory:' ? {} : { checkpoints: new WalCheckpoints(sqlite, path) }),
    };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // pg reads 0 (or false) as "no limit" for each of these.
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // BIGINT (int8) timestamps are epoch milliseconds: well inside Number's safe range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return {
    db: new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: discardingBrokenClients(pool, { preparedStatements: opts.preparedStatements }),
      }),
    }),
    dialect,
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? 10,
    }),
  };
}
