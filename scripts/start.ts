/**
 * `npm start`: migrate, seed the demo once, serve Gatehouse and the demo API beside it,
 * print the next steps. SIGINT/SIGTERM close both and exit 0.
 */

import { fileURLToPath } from 'node:url';
import { startDemoApi } from '@gatehouse/demo-api';
import { createLogger, loadConfig, seedDemo, startServer } from '@gatehouse/server';
import type { FastifyBaseLogger } from 'fastify';
import { demoBanner } from './demo-banner.ts';

function demoApiPort(value: string | undefined): number {
  if (value === undefined || value === '') return 4001;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`DEMO_API_PORT must be 0-65535, got "${value}"`);
  return n;
}

/** The demo wears a SaaS's brand (docs/branding.md) unless GATEHOUSE_THEME names another. */
const DEMO_THEME = fileURLToPath(new URL('demo-theme/theme.json', import.meta.url));
const config = loadConfig({ env: { GATEHOUSE_THEME: DEMO_THEME, ...process.env } });
const logger = createLogger(config.logLevel);

async function main(): Promise<void> {
  const server = await startServer(config, { logger });
  let demoApi: Awaited<ReturnType<typeof startDemoApi>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await demoApi?.close();
      await server.close();
      logger.info('stopped');
      logger.flush();
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));

  const seed = await seedDemo(server.gatehouse);
  if (seed.created)
    logger.info(
      { companyId: seed.credentials.companyId, clientId: seed.credentials.clientId },
      'demo seeded',
    );
  // The demo API introspects opaque tokens with its own app, allowed to see every access token.
  const resourceServer = seed.credentials.resourceServer;
  if (resourceServer) server.gatehouse.resourceServers.add(resourceServer.clientId);
  demoApi = await startDemoApi({
    issuer: config.issuer,
    audience: config.audience,
    // Behind a proxy the public issuer may not be reachable from here: fetch keys locally.
    ...(config.issuer !== server.url ? { jwksUri: `${server.url}/.well-known/jwks.json` } : {}),
    host: config.host,
    port: demoApiPort(process.env.DEMO_API_PORT),
    logger: logger.child({ service: 'demo-api' }) as FastifyBaseLogger,
    ...(resourceServer
      ? {
          verifier: {
            introspection: {
              clientId: resourceServer.clientId,
              clientSecret: resourceServer.clientSecret,
              // As the JWKS: the public issuer may not be reachable from here.
              ...(config.issuer !== server.url ? { endpoint: `${server.url}/oauth2/introspect` } : {}),
            },
          },
        }
      : {}),
  });
  logger.info({ gatehouse: server.url, demoApi: demoApi.url }, 'listening');
  const tokenPath = config.tokenPathAliases.includes('/oauth/v1/token') ? '/oauth/v1/token' : '/oauth2/token';
  process.stdout.write(
    demoBanner({
      seed,
      serverUrl: server.url,
      demoApiUrl: demoApi.url,
      tokenPath,
      mailToLog: server.gatehouse.mailer.logOnly,
    }),
  );
}

main().catch((err) => {
  logger.error({ err }, 'start failed');
  logger.flush();
  process.exitCode = 1;
  // Listening sockets would keep the process alive.
  setImmediate(() => process.exit(1));
});
