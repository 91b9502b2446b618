import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, dropPostgresDatabase } from '../lib/postgres.ts';
import type { BenchOptions, RunningTarget } from '../lib/types.ts';
import { SCALE, seedScale } from '../seed-scale.ts';
import { startGatehouse } from './index.ts';

/** Gatehouse on a database seeded with 100,000 apps and 1,000,000 grants. */
export async function startScaleTarget(
  options: BenchOptions,
  log: (m: string) => void,
): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scale-'));
  const url =
    options.db === 'postgres' ? await createPostgresDatabase() : `sqlite:${join(dir, 'gatehouse.db')}`;
  log(
    `seeding ${SCALE.apps.toLocaleString('en-US')} apps and ${SCALE.grants.toLocaleString('en-US')} grants`,
  );
  const { seconds, clients } = await seedScale(url);
  log(`seeded in ${seconds.toFixed(1)} s`);
  const target = await startGatehouse(
    options,
    { databaseUrl: url, profileName: 'gatehouse-scale' },
    'gatehouse-scale',
  );
  return {
    ...target,
    info: { ...target.info, scaleClients: clients, seedSeconds: seconds },
    async stop() {
      await target.stop();
      if (options.db === 'postgres') await dropPostgresDatabase(url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
