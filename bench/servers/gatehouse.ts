/**
 * Gatehouse as the benchmark runs it: loadConfig() from the environment (NODE_ENV=production,
 * LOG_LEVEL=warn, DATABASE_URL, PORT set by the harness) and startServer(), exactly as the
 * production entry point does. It then registers the clients the scenarios use through
 * Gatehouse's own services and announces their credentials on stdout.
 * bench/lib/build.ts bundles this file (esbuild) so the benchmark runs built JavaScript.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { announceListening, leaveCluster, stopRequested } from '../../packages/server/src/cluster/worker.ts';
import {
  clusterSize,
  Gatehouse,
  isClusterWorker,
  loadConfig,
  startCluster,
  startServer,
  workerConfig,
} from '../../packages/server/src/index.ts';
import { announceReady, exitOnSignal } from '../lib/child.ts';
import { BENCH_REDIRECT_URI, BENCH_SCOPES } from '../lib/constants.ts';
import { sampleHeap } from '../lib/heap-sample.ts';
import { recordPauses } from '../lib/pauses.ts';

if (process.env.BENCH_PAUSES_FILE) recordPauses(process.env.BENCH_PAUSES_FILE);
if (process.env.BENCH_HEAP_FILE)
  sampleHeap(process.env.BENCH_HEAP_FILE, process.env.BENCH_HEAP_MODE ?? 'promoted');

/**
 * BENCH_WORKERS=N: as `gatehouse serve --workers N`. The primary registers the clients through
 * a Gatehouse it then closes (so the database is migrated and the keys made before any worker
 * starts, as the first worker would), then runs the cluster; each worker serves.
 */
const workers = Number(process.env.BENCH_WORKERS ?? 1);
if (isClusterWorker()) {
  const server = await startServer(workerConfig(loadConfig(), clusterSize()), { clusterWorker: true });
  announceListening(server.url);
  await stopRequested();
  await server.close();
  leaveCluster();
} else if (workers > 1) {
  const config = loadConfig();
  const gh = await Gatehouse.open(config);
  const info = await register(gh);
  await gh.close();
  const cluster = await startCluster(config, { workers });
  exitOnSignal(() => cluster.close());
  announceReady({ ...info, url: cluster.url, workers: cluster.pids() });
} else {
  const server = await startServer(loadConfig());
  const info = await register(server.gatehouse);
  exitOnSignal(() => server.close());
  announceReady({ ...info, url: server.url });
}

/** The clients every scenario uses, registered through Gatehouse's own services. */
async function register(gh: Gatehouse) {
  const company = await gh.companies.createCompany({ name: 'Bench Co' }, 'bench');
  const cc = await gh.apps.create(
    {
      companyId: company.id,
      name: 'Bench machine client',
      scopes: BENCH_SCOPES,
      grantTypes: ['client_credentials'],
    },
    'bench',
  );
  const opaque = await gh.apps.create(
    {
      companyId: company.id,
      name: 'Bench opaque client',
      scopes: BENCH_SCOPES,
      grantTypes: ['client_credentials'],
      tokenFormat: 'opaque',
    },
    'bench',
  );
  const partner = await gh.apps.create(
    {
      companyId: company.id,
      name: 'Bench partner',
      type: 'partner',
      scopes: BENCH_SCOPES,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [BENCH_REDIRECT_URI],
    },
    'bench',
  );
  // The private_key_jwt client: its public key registered with the app, its private key announced
  // to the harness (which signs the assertions); the same key shape as oidc-provider's client.
  const clientKey = await generateKeyPair('ES256', { extractable: true });
  const keyedJwk = { ...(await exportJWK(clientKey.publicKey)), kid: 'bench-client', alg: 'ES256' };
  const keyed = await gh.apps.create(
    {
      companyId: company.id,
      name: 'Bench keyed client',
      scopes: BENCH_SCOPES,
      grantTypes: ['client_credentials'],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [keyedJwk] },
    },
    'bench',
  );
  const password = 'bench-password-0123456789';
  const email = 'admin@bench.test';
  await gh.companies.createUser({ email, password, companyId: company.id, role: 'admin' }, 'bench');

  return {
    companyId: company.id,
    clients: {
      jwt: { clientId: cc.app.clientId, clientSecret: cc.clientSecret },
      opaque: { clientId: opaque.app.clientId, clientSecret: opaque.clientSecret },
      keyed: {
        clientId: keyed.app.clientId,
        privateJwk: { ...(await exportJWK(clientKey.privateKey)), kid: 'bench-client', alg: 'ES256' },
      },
      partner: {
        clientId: partner.app.clientId,
        clientSecret: partner.clientSecret,
        redirectUri: BENCH_REDIRECT_URI,
      },
    },
    user: { email, password },
  };
}
