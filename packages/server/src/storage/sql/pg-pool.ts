import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
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
 */
export function discardingBrokenClients(pool: pg.Pool): PostgresPool {
  // Kysely keys its connection objects by client, so each pg client keeps one guard.
  const guards = new WeakMap<pg.PoolClient, GuardedClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let guard = guards.get(client);
      if (!guard) {
        const g = new GuardedClient(client);
        client.on('error', (err) => g.fail(err));
        guards.set(client, g);
        guard = g;
      }
      return guard;
    },
    end: () => pool.end(),
  };
}

class GuardedClient implements PostgresPoolClient {
  /** The failure that left this connection in an unknown state; set once, never cleared. */
  private broken: Error | undefined;

  constructor(private readonly client: pg.PoolClient) {}

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's overloads (SQL text or a cursor) are passed through as is.
  query(...args: [any, any?]): any {
    const [text, parameters] = args;
    if (typeof text !== 'string') return this.client.query(text);
    // A transaction's ROLLBACK after a timed-out query fails at once: sending it would only
    // wait out another query timeout on a socket that no longer answers.
    if (this.broken) return Promise.reject(this.broken);
    return this.client
      .query(text, parameters as unknown[])
      .catch((err: unknown): PostgresQueryResult<unknown> => {
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
