/**
 * Seeds a Gatehouse database for the scale scenario: 100,000 apps (each with one hashed
 * secret) in 10,000 companies, and 1,000,000 grants. Bulk inserts through Kysely in large
 * transactions (the storage API creates one row per call with an audit event: right for
 * the product, hours for a million rows). Writes the credentials of the first
 * `activeClients` apps to a JSON file for the load generator.
 *
 * Standalone: node --import tsx bench/seed-scale.ts <DATABASE_URL> <credentials.json>
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { openStorage } from '../packages/server/src/index.ts';
import { connect } from '../packages/server/src/storage/sql/connect.ts';
import { BENCH_SCOPE_PARAM } from './lib/constants.ts';

export interface SeedOptions {
  apps: number;
  grants: number;
  companies: number;
  /** How many apps' raw secrets to keep for the load (the rest exist only as hashes). */
  activeClients: number;
}

export const SCALE: SeedOptions = {
  apps: 100_000,
  grants: 1_000_000,
  companies: 10_000,
  activeClients: 10_000,
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const pad = (n: number) => n.toString(36).padStart(8, '0');

export async function seedScale(
  databaseUrl: string,
  opts: SeedOptions = SCALE,
): Promise<{ seconds: number; clients: { clientId: string; clientSecret: string }[] }> {
  const started = performance.now();
  const storage = openStorage(databaseUrl);
  await storage.migrate();
  await storage.close();
  const { db } = connect(databaseUrl);
  const now = Date.now();
  const clients: { clientId: string; clientSecret: string }[] = [];
  const inBatches = async (
    total: number,
    size: number,
    write: (from: number, to: number) => Promise<unknown>,
  ) => {
    for (let from = 0; from < total; from += size) await write(from, Math.min(total, from + size));
  };
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

  await db.transaction().execute(async (tx) => {
    await inBatches(opts.companies, 2000, (a, b) =>
      tx
        .insertInto('companies')
        .values(
          range(a, b).map((i) => ({
            id: `co_scale${pad(i)}`,
            name: `Company ${i}`,
            plan: 'enterprise',
            created_at: now,
          })),
        )
        .execute(),
    );
    await inBatches(opts.apps, 1000, async (a, b) => {
      const ids = range(a, b);
      await tx
        .insertInto('apps')
        .values(
          ids.map((i) => ({
            id: `app_scale${pad(i)}`,
            client_id: `cl_scale${pad(i)}`,
            company_id: `co_scale${pad(i % opts.companies)}`,
            name: `App ${i}`,
            logo_url: null,
            type: i % 2 === 0 ? 'internal' : 'partner',
            client_type: 'confidential',
            grant_types: JSON.stringify(
              i % 2 === 0
                ? ['client_credentials']
                : ['client_credentials', 'authorization_code', 'refresh_token'],
            ),
            scopes: BENCH_SCOPE_PARAM,
            redirect_uris: JSON.stringify(i % 2 === 0 ? [] : ['https://partner.example/callback']),
            token_ttl: 3600,
            signing_alg: 'ES256',
            token_format: 'jwt',
            grant_delivery: 'code',
            scope_policy: 'strict',
            created_at: now,
            last_used_at: null,
          })),
        )
        .execute();
      await tx
        .insertInto('app_secrets')
        .values(
          ids.map((i) => {
            const secret = `gths_${randomBytes(32).toString('base64url')}`;
            if (i < opts.activeClients) clients.push({ clientId: `cl_scale${pad(i)}`, clientSecret: secret });
            return {
              id: `sec_scale${pad(i)}`,
              app_id: `app_scale${pad(i)}`,
              secret_hash: sha256(secret),
              last4: secret.slice(-4),
              created_at: now,
              expires_at: null,
            };
          }),
        )
        .execute();
    });
  });
  const perTx = 100_000;
  for (let t = 0; t < opts.grants; t += perTx) {
    await db.transaction().execute((tx) =>
      inBatches(Math.min(perTx, opts.grants - t), 2000, (a, b) =>
        tx
          .insertInto('grants')
          .values(
            range(t + a, t + b).map((i) => ({
              id: `gr_scale${pad(i)}`,
              guid: `guid-scale-${pad(i)}`,
              app_id: `app_scale${pad(i % opts.apps)}`,
              company_id: `co_scale${pad((i * 7 + Math.floor(i / opts.apps)) % opts.companies)}`,
              scopes: BENCH_SCOPE_PARAM,
              granted_by: null,
              created_at: now,
              updated_at: now,
              revoked_at: null,
              last_used_at: null,
            })),
          )
          .execute(),
      ),
    );
  }
  await db.destroy();
  return { seconds: (performance.now() - started) / 1000, clients };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, out] = process.argv.slice(2);
  if (!url || !out) throw new Error('usage: seed-scale.ts <DATABASE_URL> <credentials.json>');
  const { seconds, clients } = await seedScale(url);
  writeFileSync(out, JSON.stringify(clients));
  console.log(`seeded ${SCALE.apps} apps and ${SCALE.grants} grants in ${seconds.toFixed(1)} s`);
}
