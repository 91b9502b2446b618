import pg from 'pg';

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The admin URL without its password, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Why no PostgreSQL database can be made for a run (the server down, refused, or no
 * CREATEDB right), or undefined when one can. Gives up after a few seconds, so that an
 * unreachable host costs the run little.
 */
export async function postgresUnavailable(timeoutMs = 3000): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: ADMIN_URL,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT rolcreatedb OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user',
    );
    if (rows[0]?.ok !== true) return `PostgreSQL at ${shown(ADMIN_URL)}: this role may not create databases`;
    return undefined;
  } catch (err) {
    const e = err as Error & { code?: string };
    const why = e.message || e.code || String(err);
    return `PostgreSQL is not reachable at ${shown(ADMIN_URL)} (${why}; set BENCH_POSTGRES_URL)`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database for one run (`--db postgres`), so runs never see each other's rows. */
export async function createPostgresDatabase(): Promise<string> {
  const name = `gatehouse_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^gatehouse_bench_\d+_\d+$/.test(name)) return;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Leaves a bench database with no background work pending: VACUUM ANALYZE (so autovacuum has
 * nothing left to start on the rows a scenario just wrote) and a CHECKPOINT (so the dirty
 * pages are written now rather than by the checkpointer later). PostgreSQL shares the two
 * cores with every target: its catching up after one target's writes would otherwise land in
 * the next target's measured run. Failures are ignored (a role without the CHECKPOINT right
 * still vacuums).
 */
export async function settlePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('VACUUM ANALYZE').catch(() => undefined);
    await client.query('CHECKPOINT').catch(() => undefined);
  } catch {
    // Unreachable: nothing to settle.
  } finally {
    await client.end().catch(() => undefined);
  }
}
