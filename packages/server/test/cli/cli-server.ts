import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_SECRET } from '../helpers.ts';

export interface CliServer {
  /** The environment the `gatehouse` bin runs with, on the same database and data dir. */
  env: Record<string, string>;
  gh: Gatehouse;
  http: FastifyInstance;
}

/**
 * A Gatehouse and its HTTP app in this process, on the database the CLI under test uses, to
 * see what the commands did (and to seed what they act on).
 */
export async function openCliServer(dir: string, databaseUrl: string): Promise<CliServer> {
  const env = { DATABASE_URL: databaseUrl, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: TEST_SECRET };
  const config = loadConfig({
    env: {},
    overrides: { databaseUrl, dataDir: dir, serverSecret: TEST_SECRET, issuer: 'http://gh.test' },
  });
  const logger = createLogger('silent', { pretty: false });
  const gh = await Gatehouse.open(config, { logger });
  const http = await buildHttpApp(gh, logger);
  return { env, gh, http };
}
