import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';

/**
 * The pool Kysely sees: pg's, except that a connection on which a query failed without an
 * answer from the server is thrown away on release instead of going back to the pool.
 *
 * Why: pg's `query_timeout` rejects the query but leaves it outstanding on the socket. On a
 * black-holed connection (a network partition: the socket stays open, nothing comes back)
 * pg still counts that client as healthy, so the pool would hand it out again and every
 * later query on it would queue behind the one that never ends. A server-reported error
 * (`pg.DatabaseError`: a constraint, a cancelled statement) leaves the connection in a
 * known state and it is kept.
 *
 * It also listens for errors on a client while Kysely holds it. pg-pool only listens while a
 * client is idle in the pool, and pg emits an `error` event when the server ends a session
 * between two queries (a transaction left idle past `idle_in_transaction_session_timeout`,
 * an administrator's shutdown): with no listener, that event would end the process.
 *
 * And it runs queries as named prepared statements (see StatementNames), unless told not to.
 */
export function discardingBrokenClients(
  pool: pg.Pool,
  opts: { preparedStatements?: boolean } = {},
): PostgresPool {
  // Kysely keys its connection objects by client, so each pg client keeps one guard.
  const guards = new WeakMap<pg.PoolClient, GuardedClient>();
  const statements = opts.preparedStatements === false ? undefined : new StatementNames();
  return {
    async connect() {
      const client = await pool.connect();
      let guard = guards.get(client);
      if (!guard) {
        const g = new GuardedClient(client, statements);
        client.on('error', (err) => g.fail(err));
        guards.set(client, g);
        guard = g;
      }
      return guard;
    },
    end: () => pool.end(),
  };
}

/** Distinct SQL texts given a name; queries with lists of varying length make more. */
const NAMED_STATEMENTS = 500;

/**
 * A query with more parameters than this runs unnamed: it is a batch (the group commit's
 * multi-row insert, up to 200 rows of 13 values), whose text changes with its length, and
 * its work, not its planning, is its cost. Naming each length would fill the server's memory
 * with plans used once in a while.
 */
const MAX_NAMED_PARAMETERS = 64;

/**
 * Names for SQL texts, shared by a pool's connections, so that each connection parses and
 * plans a statement once and then only binds and executes it: pg sends Parse for a named
 * query only the first time a connection sees the name. Unnamed, PostgreSQL parsed and
 * planned all of a refresh rotation's statements on every rotation, a large part of the CPU
 * its backends spent (docs/benchmarks.md, "PostgreSQL: the write paths").
 *
 * A prepared statement keeps the row type it was planned with. When a migration changes a
 * table under a running server (`select *` gains a column), PostgreSQL refuses to run it
 * ("cached plan must not change result type", SQLSTATE 0A000); the text then gets a fresh
 * name, so every connection prepares it again, and the query is retried once when it ran
 * outside a transaction (inside one, the transaction has failed and its caller sees the
 * error; its next attempt prepares afresh).
 *
 * Only queries with parameters are named, and not batches (MAX_NAMED_PARAMETERS): the rest
 * (DDL, a migration's several statements in one text) keep the simple protocol. Texts beyond
 * the first NAMED_STATEMENTS run unnamed, so a stream of distinct texts cannot
 * grow the server's memory per connection without bound.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private next = 0;

  constructor(private readonly capacity = NAMED_STATEMENTS) {}

  /** The name to run `text` under, or undefined to run it unnamed. */
  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.capacity) return name;
    return this.rename(text);
  }

  /** Gives `text` a name no connection has prepared yet. */
  rename(text: string): string {
    const name = `gh_${++this.next}`;
    this.names.set(text, name);
    return name;
  }
}

/** PostgreSQL refused a prepared statement because the table's columns changed since it was planned. */
function isStalePlan(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '0A000' && /cached plan/.test(err.message);
}

class GuardedClient implements PostgresPoolClient {
  /** The failure that left this connection in an unknown state; set once, never cleared. */
  private broken: Error | undefined;
  /** Between Kysely's `begin` and its `commit` or `rollback`. */
  private inTransaction = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly statements: StatementNames | undefined,
  ) {}

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's overloads (SQL text or a cursor) are passed through as is.
  query(...args: [any, any?]): any {
    const [text, parameters] = args;
    if (typeof text !== 'string') return this.client.query(text);
    // A transaction's ROLLBACK after a timed-out query fails at once: sending it would only
    // wait out another query timeout on a socket that no longer answers.
    if (this.broken) return Promise.reject(this.broken);
    const values = parameters as unknown[];
    const control = transactionControl(text);
    if (control === 'open' || control === 'close') this.inTransaction = control === 'open';
    // Without parameters pg uses the simple protocol, which also runs several statements in
    // one text (migrations do); a name would move it to the extended one, which cannot.
    const named = control === undefined && values?.length && values.length <= MAX_NAMED_PARAMETERS;
    const name = named ? this.statements?.nameOf(text) : undefined;
    if (name === undefined) return this.send(this.client.query(text, values));
    const inTransaction = this.inTransaction;
    return this.send(this.client.query({ name, text, values })).catch((err: unknown) => {
      if (!isStalePlan(err) || !this.statements) throw err;
      const renamed = this.statements.rename(text);
      if (inTransaction) throw err;
      return this.send(this.client.query({ name: renamed, text, values }));
    });
  }

  private send<T>(query: Promise<T>): Promise<T> {
    return query.catch((err: unknown): T => {
      if (!(err instanceof pg.DatabaseError)) this.fail(err as Error);
      throw err;
    });
  }

  /** Marks the connection unusable: later queries fail at once, and release discards it. */
  fail(err: Error): void {
    this.broken ??= err;
  }

  release(): void {
    // A truthy argument makes pg-pool end the client (destroying a socket with a query
    // still outstanding) and open a fresh one when next needed.
    this.client.release(this.broken);
  }
}

/**
 * Transaction control, which is never named: `open` and `close` for the statements that begin
 * and end a transaction, `other` for savepoints; undefined for everything else.
 */
function transactionControl(text: string): 'open' | 'close' | 'other' | undefined {
  const m = /^\s*(\w+)(?:\s+(\w+))?/.exec(text);
  const word = m?.[1]?.toLowerCase();
  if (word === 'begin' || word === 'start') return 'open';
  if (word === 'rollback' && m?.[2]?.toLowerCase() === 'to') return 'other';
  if (word === 'commit' || word === 'rollback' || word === 'end' || word === 'abort') return 'close';
  if (word === 'savepoint' || word === 'release') return 'other';
  return undefined;
}
