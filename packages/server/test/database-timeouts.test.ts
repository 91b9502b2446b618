import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS } from '../src/storage/sql/connect.ts';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import { isDatabaseUnavailable } from '../src/storage/unavailable.ts';
import { type PausableProxy, startPausableProxy } from './fixtures/pausable-proxy.ts';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

/**
 * Every wait on the database is bounded (issue 15, break 5). A pausable TCP proxy between
 * Gatehouse and PostgreSQL black-holes the traffic as a network partition does: sockets stay
 * open, nothing answers. A stopped server is the easy case (connections are refused at once);
 * this is the one that used to hang every request, /readyz included.
 */

/** Settles with `promise`, or fails the test when it takes longer than `ms` (a hang). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Slack for a loaded 2-core box on top of a configured timeout; a hang never ends. */
const SLACK_MS = 5_000;

function proxied(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the database call to fail');
}

await forDialects(['postgres'], (_dialect, skip) => {
  describe('PostgreSQL behind a partition', { skip }, () => {
    let pg: TestDatabase;
    let proxy: PausableProxy;
    let url: string;

    before(async () => {
      pg = await withTestPostgres();
      const target = new URL(pg.url);
      proxy = await startPausableProxy({ host: target.hostname, port: Number(target.port || 5432) });
      url = proxied(pg.url, proxy.port);
      // The schema once, straight to the server, so each test opens only the pool it studies.
      const direct = openStorage(pg.url, { poolSize: 1 });
      await direct.migrate();
      await direct.close();
    });

    after(async () => {
      await proxy?.close();
      await pg?.cleanup();
    });

    const small: DatabaseTimeouts = {
      ...DEFAULT_DATABASE_TIMEOUTS,
      connectMs: 1_000,
      queryMs: 1_000,
      statementMs: 800,
    };

    describe('over HTTP', () => {
      let t: TestServer;
      let storage: SqlStorage;

      before(async () => {
        storage = openStorage(url, { poolSize: 4, timeouts: small });
        t = await testServer({ storage, config: { readyzTimeoutMs: 500 } });
      });

      after(async () => {
        proxy.resume();
        await t?.close();
        await storage?.close();
      });

      const token = (app: { clientId: string; clientSecret: string }) =>
        t.http.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
          payload: 'grant_type=client_credentials',
        });

      test('requests answer 503 with Retry-After within the timeouts, /readyz within its deadline, and recover after', async () => {
        // Apps made before the partition and never used: the token endpoint must read them.
        const apps = [];
        for (let i = 0; i < 5; i++) apps.push(await t.createApp({ scopes: ['users.read'] }));
        const [first, second, third, fourth, last] = apps as [
          (typeof apps)[0],
          (typeof apps)[0],
          (typeof apps)[0],
          (typeof apps)[0],
          (typeof apps)[0],
        ];
        assert.equal((await t.http.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);

        proxy.pause();
        try {
          const ready = await within(
            500 + SLACK_MS,
            '/readyz',
            t.http.inject({ method: 'GET', url: '/readyz' }),
          );
          assert.equal(ready.statusCode, 503, ready.body);
          assert.match(String(ready.headers['retry-after']), /^[1-9]\d*$/);
          // The deadline cut it, not the pool's own (longer) timeouts.
          assert.equal(ready.json().error_description, 'the database did not answer in time');

          const bound = small.connectMs + small.queryMs + SLACK_MS;
          const res = await within(bound, 'token request', token(first));
          assert.equal(res.statusCode, 503, res.body);
          assert.equal(res.json().error, 'temporarily_unavailable');
          assert.match(String(res.headers['retry-after']), /^[1-9]\d*$/);

          // More requests at once than the pool has connections: those waiting for a
          // connection are bounded too (the pool's connection timeout).
          const burst = await within(
            bound + small.connectMs,
            'burst of token requests',
            Promise.all([second, third, fourth, second, third, fourth].map(token)),
          );
          for (const r of burst) {
            assert.equal(r.statusCode, 503, r.body);
            assert.match(String(r.headers['retry-after']), /^[1-9]\d*$/);
          }
        } finally {
          proxy.resume();
        }

        // Recovery without a restart: ready again, and a request that needs the database works.
        let status = 0;
        for (let i = 0; i < 100 && status !== 200; i++) {
          status = (await t.http.inject({ method: 'GET', url: '/readyz' })).statusCode;
          if (status !== 200) await sleep(100);
        }
        assert.equal(status, 200, '/readyz did not recover within 10 s of the partition healing');
        const ok = await within(SLACK_MS, 'token request after recovery', token(last));
        assert.equal(ok.statusCode, 200, ok.body);
      });
    });

    describe('the pool', () => {
      test('a connection whose query timed out is discarded, not reused; new connections during the partition are bounded', async () => {
        const storage = openStorage(url, {
          poolSize: 1,
          timeouts: { ...small, queryMs: 500, connectMs: 500 },
        });
        try {
          const acceptedBefore = proxy.accepted;
          await storage.ping();
          assert.equal(proxy.accepted, acceptedBefore + 1);

          proxy.pause();
          try {
            const timedOut = await within(500 + SLACK_MS, 'ping', rejection(storage.ping()));
            assert.match(timedOut.message, /Query read timeout/);
            assert.ok(isDatabaseUnavailable(timedOut), `not seen as unavailable: ${timedOut.message}`);
            // The pool's one connection was thrown away: the next call opens another, which
            // the partition swallows too, and its connection timeout ends the wait.
            const noConnection = await within(500 + SLACK_MS, 'ping', rejection(storage.ping()));
            assert.ok(
              isDatabaseUnavailable(noConnection),
              `not seen as unavailable: ${noConnection.message}`,
            );
          } finally {
            proxy.resume();
          }

          await within(SLACK_MS, 'ping after the partition', storage.ping());
          // Three connections: the first (discarded), the one that timed out connecting, and
          // a fresh one. Reusing the first would have kept this at one, and it would answer
          // only once the partition's held-back bytes arrived.
          assert.equal(proxy.accepted, acceptedBefore + 3);
          // What the pool discarded, it closed: only the fresh connection is left open.
          assert.equal(proxy.open, 1);
        } finally {
          await storage.close();
        }
      });

      test('a query that times out inside a transaction fails the transaction at once and releases its connection', async () => {
        // Long enough that waiting it out twice (the query, then a ROLLBACK queued behind it
        // on the same dead socket) stands well apart from waiting it out once.
        const queryMs = 4_000;
        const storage = openStorage(url, { poolSize: 1, timeouts: { ...small, queryMs } });
        try {
          await storage.ping();
          let started = 0;
          const failed = await within(
            3 * queryMs,
            'transaction',
            rejection(
              storage.db.transaction().execute(async (tx) => {
                await sql`SELECT 1`.execute(tx);
                proxy.pause();
                started = performance.now();
                await sql`SELECT 2`.execute(tx);
              }),
            ),
          );
          const waited = performance.now() - started;
          proxy.resume();
          assert.ok(isDatabaseUnavailable(failed), `not seen as unavailable: ${failed.message}`);
          // One query timeout, not two: the ROLLBACK fails at once on a connection known dead.
          assert.ok(waited < 1.5 * queryMs, `the transaction failed after ${Math.round(waited)} ms`);
          // The pool's only connection came back (discarded and replaced): queries go on.
          await within(SLACK_MS, 'ping after the transaction', storage.ping());
        } finally {
          proxy.resume();
          await storage.close();
        }
      });
    });
  });

  describe('PostgreSQL server-side timeouts', { skip }, () => {
    let pg: TestDatabase;

    before(async () => {
      pg = await withTestPostgres();
    });

    after(async () => {
      await pg?.cleanup();
    });

    test('statement_timeout cancels a slow statement (503 material) and keeps the connection', async () => {
      const storage = openStorage(pg.url, {
        poolSize: 1,
        timeouts: { ...DEFAULT_DATABASE_TIMEOUTS, statementMs: 200, idleInTransactionMs: 3_000 },
      });
      try {
        const settings = await sql<{
          statement_timeout: string;
          idle: string;
        }>`SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle`.execute(
          storage.db,
        );
        assert.deepEqual(settings.rows[0], { statement_timeout: '200ms', idle: '3s' });
        const pid = async () =>
          (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(storage.db)).rows[0]?.pid;
        const before = await pid();
        const err = await rejection(sql`SELECT pg_sleep(3)`.execute(storage.db));
        assert.equal((err as { code?: string }).code, '57014');
        assert.ok(isDatabaseUnavailable(err), `not seen as unavailable: ${err.message}`);
        // A server-reported error leaves the connection sound: the pool keeps it.
        assert.equal(await pid(), before);
      } finally {
        await storage.close();
      }
    });

    test('idle_in_transaction_session_timeout ends a transaction left open, and the pool recovers', async () => {
      const storage = openStorage(pg.url, {
        poolSize: 1,
        timeouts: { ...DEFAULT_DATABASE_TIMEOUTS, idleInTransactionMs: 300 },
      });
      try {
        const err = await rejection(
          storage.db.transaction().execute(async (tx) => {
            await sql`SELECT 1`.execute(tx);
            await sleep(1_500);
            await sql`SELECT 2`.execute(tx);
          }),
        );
        assert.equal((err as { code?: string }).code, '25P03', err.message);
        assert.ok(isDatabaseUnavailable(err), `not seen as unavailable: ${err.message}`);
        // The ended session was discarded; the pool's one slot opens a fresh one.
        const r = await within(
          SLACK_MS,
          'query after the session ended',
          sql`SELECT 1 AS one`.execute(storage.db),
        );
        assert.deepEqual(r.rows, [{ one: 1 }]);
      } finally {
        await storage.close();
      }
    });
  });
});

describe('SQLite', () => {
  test('busy_timeout comes from the configuration', async () => {
    const storage = openStorage('sqlite::memory:', {
      timeouts: { ...DEFAULT_DATABASE_TIMEOUTS, sqliteBusyMs: 1_234 },
    });
    try {
      const r = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(storage.db);
      assert.deepEqual(r.rows, [{ timeout: 1_234 }]);
    } finally {
      await storage.close();
    }
  });
});
