import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';

/**
 * PostgreSQL for tests. Every run gets its own database (`gh_test_<random>`), created from
 * GATEHOUSE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test) and dropped after.
 *
 * GATEHOUSE_TEST_PG decides what happens when the server cannot be reached:
 * - `required` (CI): the suite fails;
 * - `off`: PostgreSQL suites are skipped without trying;
 * - anything else: they are skipped with a message saying why.
 */
export const TEST_PG_URL = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresMode = 'required' | 'auto' | 'off';

export function postgresMode(): PostgresMode {
  const v = (process.env.GATEHOUSE_TEST_PG ?? '').toLowerCase();
  if (v === 'required' || v === '1' || v === 'true') return 'required';
  if (v === 'off' || v === '0' || v === 'false') return 'off';
  return 'auto';
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let reachable: Promise<string | undefined> | undefined;

/** Undefined when PostgreSQL answers; otherwise why not. Checked once per process. */
export function postgresProblem(): Promise<string | undefined> {
  reachable ??= withAdmin(async (c) => {
    await c.query('SELECT 1');
    return undefined;
  }).catch((err: unknown) => `${TEST_PG_URL.replace(/\/\/[^@/]*@/, '//')}: ${(err as Error).message}`);
  return reachable;
}

/**
 * What a PostgreSQL suite should do: `false` to run, a skip message, or (when PostgreSQL
 * is required but unreachable) an Error for the caller to fail a test with.
 */
export async function postgresSkip(): Promise<false | string | Error> {
  const mode = postgresMode();
  if (mode === 'off') return 'GATEHOUSE_TEST_PG=off';
  const problem = await postgresProblem();
  if (problem === undefined) return false;
  if (mode === 'required')
    return new Error(`GATEHOUSE_TEST_PG=required but PostgreSQL is unreachable: ${problem}`);
  return `PostgreSQL unreachable (${problem}); set GATEHOUSE_TEST_PG=required to make this fail`;
}

export type Dialect = 'sqlite' | 'postgres';

/**
 * Registers a suite once per dialect. SQLite always runs; PostgreSQL runs when it answers, is
 * registered with `skip` (the reason) when it does not, and is replaced by a failing test when
 * GATEHOUSE_TEST_PG=required and it does not.
 */
export async function forDialects(
  dialects: readonly Dialect[],
  register: (dialect: Dialect, skip: string | false) => void,
): Promise<void> {
  for (const dialect of dialects) {
    const skip = dialect === 'postgres' ? await postgresSkip() : false;
    if (skip instanceof Error) {
      it('PostgreSQL is reachable (GATEHOUSE_TEST_PG=required)', () => {
        throw skip;
      });
      continue;
    }
    register(dialect, skip);
  }
}

export interface TestDatabase {
  /** A DATABASE_URL for the new, empty database. */
  url: string;
  /** Drops the database, ending any connection still open to it. */
  cleanup(): Promise<void>;
}

/** Creates an empty database for this run. */
export async function withTestPostgres(): Promise<TestDatabase> {
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cleanup: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
