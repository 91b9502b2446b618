import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGatehouse } from '../lib/build.ts';
import { freePort, startChild } from '../lib/child.ts';
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  postgresUnavailable,
  settlePostgres,
} from '../lib/postgres.ts';
import type { BenchOptions, RunningTarget, TargetName } from '../lib/types.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const THREADPOOL = here('../../packages/server/bin/threadpool.cjs');
export const BENCH_SERVER_SECRET = 'bench-server-secret-0123456789abcdef';

export interface GatehouseStart {
  /** Use this (already seeded) database instead of a fresh one. */
  databaseUrl?: string;
  /** Tag for CPU profile file names. */
  profileName?: string;
  /** Worker processes (`gatehouse serve --workers N`); unset: one process, no cluster. */
  workers?: number;
}

/** Starts Gatehouse from the built bundle (or through tsx) on a fresh database. */
export async function startGatehouse(
  options: BenchOptions,
  start: GatehouseStart = {},
  name: TargetName = 'gatehouse',
): Promise<RunningTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'gatehouse-prof-'));
  let dropDb: string | undefined;
  // A server that fails to start leaves no directory or database behind (gatehouse-pg's
  // failure is a skip, and the run goes on).
  const cleanUp = async () => {
    rmSync(profileDir, { recursive: true, force: true });
    if (dropDb) await dropPostgresDatabase(dropDb);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let dbUrl = start.databaseUrl;
    if (dbUrl === undefined) {
      if (options.db === 'postgres') {
        dbUrl = await createPostgresDatabase();
        dropDb = dbUrl;
      } else dbUrl = `sqlite:${join(dataDir, 'gatehouse.db')}`;
    }
    return await launch(options, start, name, { dataDir, profileDir, dbUrl, cleanUp });
  } catch (err) {
    await cleanUp().catch(() => undefined);
    throw err;
  }
}

async function launch(
  options: BenchOptions,
  start: GatehouseStart,
  name: TargetName,
  dirs: { dataDir: string; profileDir: string; dbUrl: string; cleanUp(): Promise<void> },
): Promise<RunningTarget> {
  const { dataDir, profileDir, dbUrl } = dirs;
  // BENCH_GATEHOUSE_ENTRY: another build's bundle (an older commit's, for an A/B of two builds
  // through the same scenarios; docs/benchmarks.md, "Comparing two builds").
  const entry = process.env.BENCH_GATEHOUSE_ENTRY
    ? [process.env.BENCH_GATEHOUSE_ENTRY]
    : options.runtime === 'built'
      ? [await buildGatehouse()]
      : ['--import', 'tsx', here('../servers/gatehouse.ts')];
  // Every thread writes a profile (the sign-in hashing thread too), so each run gets a
  // directory of its own and the main thread's profile is kept under the target's name.
  const profileName = start.profileName ?? name;
  const prof = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const port = await freePort();
  const target = await startChild(
    name,
    [
      ...prof,
      // As bin/gatehouse.cjs does in production: libuv's pool sized before anything uses it.
      '--require',
      THREADPOOL,
      ...(process.env.BENCH_GATEHOUSE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(options.runtime === 'built' ? ['--enable-source-maps'] : []),
      ...entry,
    ],
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbUrl,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_SECRET: BENCH_SERVER_SECRET,
      // The flood brake (10,000 req/s per client by default) stays on and is paid for on every
      // request, but set above what one load generator can send, so it never answers 429.
      GATEHOUSE_TOKEN_RATE_CLIENT: '1000000,2000000',
      GATEHOUSE_TOKEN_RATE_IP: '1000000,2000000',
      ...(start.workers ? { BENCH_WORKERS: String(start.workers) } : {}),
    },
  );
  const stop = target.stop;
  return {
    ...target,
    ...(dbUrl.startsWith('postgres') ? { settle: () => settlePostgres(dbUrl) } : {}),
    async stop() {
      await stop();
      if (options.profile) keepMainThreadProfile(profileDir, profileName);
      await dirs.cleanUp();
    },
  };
}

/**
 * A bench server run through tsx. The bare limit gets Gatehouse's thread-pool sizing, so that
 * Gatehouse / limit measures only Gatehouse's own overhead; node-oidc-provider runs as it ships,
 * with Node's default pool (it measured slower with Gatehouse's; docs/benchmarks.md).
 */
/** Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>: thread 0 is the main one. */
function keepMainThreadProfile(dir: string, name: string): void {
  const main = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!main) return;
  const out = here('../results/profiles');
  mkdirSync(out, { recursive: true });
  copyFileSync(join(dir, main), join(out, `${name}.cpuprofile`));
}

async function startScript(name: TargetName, script: string, sizedPool = false): Promise<RunningTarget> {
  const port = await freePort();
  return startChild(
    name,
    [...(sizedPool ? ['--require', THREADPOOL] : []), '--import', 'tsx', here(script)],
    {
      NODE_ENV: 'production',
      PORT: String(port),
    },
  );
}

export interface TargetStarter {
  name: TargetName;
  /**
   * Why this target cannot run here, printed and kept in latest.json's skips; undefined when it
   * can. A target that has it is optional: if it then fails to start, that is a skip too, and
   * the rest of the run goes on.
   */
  unavailable?(o: BenchOptions): Promise<string | undefined>;
  start(o: BenchOptions): Promise<RunningTarget>;
}

/** The HTTP targets in the order they start. */
export const HTTP_TARGETS: TargetStarter[] = [
  { name: 'gatehouse', start: (o) => startGatehouse(o) },
  {
    // The same build on a fresh PostgreSQL database beside the SQLite one, in the same rounds.
    name: 'gatehouse-pg',
    async unavailable(o) {
      if (o.db === 'postgres')
        return '--db postgres already runs the gatehouse target on PostgreSQL (its rows are the PostgreSQL figures)';
      return postgresUnavailable();
    },
    start: (o) => startGatehouse({ ...o, db: 'postgres' }, {}, 'gatehouse-pg'),
  },
  {
    // The same build as `gatehouse serve --workers N`, one worker per core: a primary and N
    // processes on one port (node:cluster). CPU and memory are the whole process tree's.
    name: 'gatehouse-workers',
    start: (o) => startGatehouse(o, { workers: availableParallelism() }, 'gatehouse-workers'),
  },
  { name: 'oidc-provider', start: () => startScript('oidc-provider', '../servers/oidc-provider.ts') },
  { name: 'bare-limit', start: () => startScript('bare-limit', '../servers/bare-limit.ts', true) },
];
