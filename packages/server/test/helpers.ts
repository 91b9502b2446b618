import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppInput } from '../src/apps/validation.ts';
import { type Config, loadConfig } from '../src/config/index.ts';
import { Gatehouse } from '../src/gatehouse.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import type { Storage } from '../src/storage/storage.ts';

export const TEST_SECRET = 'test-server-secret-0123456789abcdef';

export interface TestServer {
  gh: Gatehouse;
  http: FastifyInstance;
  config: Config;
  companyId: string;
  /** Creates an app in the test company (or `companyId`) and returns its credentials. */
  createApp(input?: Partial<AppInput>): Promise<{ appId: string; clientId: string; clientSecret: string }>;
  close(): Promise<void>;
}

/**
 * The configuration of a test Gatehouse keeping its data in `dataDir`: the test secret, the
 * issuer http://gatehouse.test, no logs and a fast invalidation poll, then `overrides`.
 */
export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return loadConfig({
    env: {},
    overrides: {
      dataDir,
      serverSecret: TEST_SECRET,
      issuer: 'http://gatehouse.test',
      logLevel: 'silent',
      invalidationPollMs: 50,
      ...overrides,
    },
  });
}

/** A Gatehouse on a fresh SQLite file (or the given storage), driven in-process via inject. */
export async function testServer(
  opts: {
    storage?: Storage;
    config?: Partial<Config>;
    logger?: Logger;
    /** The refresh grant's clock (GatehouseOptions.clock). */
    clock?: () => number;
    /** The signing keys' clock (GatehouseOptions.keyClock). */
    keyClock?: () => number;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = testConfig(dir, opts.config);
  const logger = opts.logger ?? createLogger('silent', { pretty: false });
  const gh = await Gatehouse.open(config, {
    logger,
    ...(opts.storage ? { storage: opts.storage } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.keyClock ? { keyClock: opts.keyClock } : {}),
  });
  await gh.start();
  const http = await buildHttpApp(gh, logger);
  await http.ready();
  const company = await gh.companies.createCompany({ name: 'Acme' }, 'test');
  return {
    gh,
    http,
    config,
    companyId: company.id,
    async createApp(input = {}) {
      const { app, clientSecret } = await gh.apps.create(
        { companyId: company.id, name: 'Test app', scopes: ['users.read', 'users.write'], ...input },
        'test',
      );
      // '' for a public client, which has no secret.
      return { appId: app.id, clientId: app.clientId, clientSecret: clientSecret ?? '' };
    },
    async close() {
      await http.close();
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment the `gatehouse` CLI needs to work on the data of test server `t`. */
export function cliEnv(t: TestServer): Record<string, string> {
  return {
    GATEHOUSE_DATA_DIR: t.config.dataDir,
    DATABASE_URL: t.config.databaseUrl,
    GATEHOUSE_SECRET: TEST_SECRET,
  };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
