import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, dropPostgresDatabase } from '../lib/postgres.ts';
import type { BenchOptions, RunningTarget } from '../lib/types.ts';
import { SCALE, seedScale } from '../seed-scale.ts';
import { startGatehouse } from './index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const CACHE_DIR = join(here, '..', '.cache');

/**
 * What the seeded file depends on: the seed script, the scope list it writes, the schema
 * (every migration) and the seed sizes. Any change to one of them seeds afresh.
 */
function seedKey(): string {
  const h = createHash('sha256');
  const migrations = join(root, 'packages/server/src/storage/migrations');
  const files = [
    join(here, '..', 'seed-scale.ts'),
    join(here, '..', 'lib', 'constants.ts'),
    ...readdirSync(migrations)
      .sort()
      .map((f) => join(migrations, f)),
  ];
  for (const f of files) h.update(f.slice(root.length)).update('\0').update(readFileSync(f)).update('\0');
  h.update(JSON.stringify(SCALE));
  return h.digest('hex').slice(0, 16);
}

type Clients = { clientId: string; clientSecret: string }[];

/**
 * Writes the files' dirty pages to disk now. A copied or freshly seeded database leaves
 * hundreds of MB of dirty pages that the kernel would otherwise write back about 30 s
 * later, in the middle of the first scenario's measured rounds (the copy alone: 300 MB
 * dirty, flushed in about 0.2 s here).
 */
function flushToDisk(files: string[]): void {
  for (const f of files) {
    if (!existsSync(f)) continue;
    const fd = openSync(f, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * A seeded SQLite file for this run. The first run seeds into bench/.cache (kept, keyed by
 * seedKey()); later runs copy that pristine file, since the server writes to its own copy
 * (last-used stamps). Delete bench/.cache to force a reseed. PostgreSQL always seeds afresh.
 */
async function seededSqlite(
  path: string,
  log: (m: string) => void,
): Promise<{ clients: Clients; seconds: number; cached: boolean }> {
  const key = seedKey();
  const cachedDb = join(CACHE_DIR, `scale-${key}.db`);
  const cachedClients = join(CACHE_DIR, `scale-${key}.json`);
  if (existsSync(cachedDb) && existsSync(cachedClients)) {
    const started = performance.now();
    copyFileSync(cachedDb, path);
    flushToDisk([path]);
    const clients = JSON.parse(readFileSync(cachedClients, 'utf8')) as Clients;
    return { clients, seconds: (performance.now() - started) / 1000, cached: true };
  }
  const { seconds, clients } = await seedScale(`sqlite:${path}`);
  flushToDisk([path, `${path}-wal`]);
  // Closed connection: the WAL is checkpointed into the main file, which is all we copy.
  if (existsSync(`${path}-wal`)) return { clients, seconds, cached: false };
  mkdirSync(CACHE_DIR, { recursive: true });
  for (const f of readdirSync(CACHE_DIR)) if (f.startsWith('scale-')) rmSync(join(CACHE_DIR, f));
  // Write under temporary names and rename, so an interrupted copy is never taken for a seed.
  copyFileSync(path, `${cachedDb}.tmp`);
  writeFileSync(`${cachedClients}.tmp`, JSON.stringify(clients));
  flushToDisk([`${cachedDb}.tmp`]);
  renameSync(`${cachedDb}.tmp`, cachedDb);
  renameSync(`${cachedClients}.tmp`, cachedClients);
  log(`kept the seeded database in ${cachedDb} for later runs`);
  return { clients, seconds, cached: false };
}

/** Gatehouse on a database seeded with 100,000 apps and 1,000,000 grants. */
export async function startScaleTarget(
  options: BenchOptions,
  log: (m: string) => void,
): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scale-'));
  let url: string;
  let seeded: { clients: Clients; seconds: number; cached: boolean };
  log(
    `seeding ${SCALE.apps.toLocaleString('en-US')} apps and ${SCALE.grants.toLocaleString('en-US')} grants`,
  );
  if (options.db === 'postgres') {
    url = await createPostgresDatabase();
    seeded = { ...(await seedScale(url)), cached: false };
  } else {
    const path = join(dir, 'gatehouse.db');
    url = `sqlite:${path}`;
    seeded = await seededSqlite(path, log);
  }
  const { seconds, clients, cached } = seeded;
  log(cached ? `copied the cached seed in ${seconds.toFixed(1)} s` : `seeded in ${seconds.toFixed(1)} s`);
  const target = await startGatehouse(
    options,
    { databaseUrl: url, profileName: 'gatehouse-scale' },
    'gatehouse-scale',
  );
  return {
    ...target,
    info: { ...target.info, scaleClients: clients, seedSeconds: seconds, seedCached: cached },
    async stop() {
      await target.stop();
      if (options.db === 'postgres') await dropPostgresDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
