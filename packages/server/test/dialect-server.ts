import { Writable } from 'node:stream';
import pino from 'pino';
import { AdminKeyService } from '../src/companies/admin-key-service.ts';
import type { Config } from '../src/config/index.ts';
import { openStorage } from '../src/storage/sql/storage.ts';
import { type TestServer, testServer } from './helpers.ts';
import type { Dialect, TestDatabase } from './pg.ts';
import { withTestPostgres } from './pg.ts';

/** A test server on the given dialect, an admin key of its company, and every log line it wrote. */
export interface DialectServer extends TestServer {
  adminKey: string;
  /** Parsed pino lines, in order. */
  logs: { level: number; msg?: string; err?: { stack?: string } }[];
}

/**
 * testServer() on SQLite or on a fresh PostgreSQL database, logging at debug into memory so
 * tests can say what was (and was not) logged at error level.
 */
export async function dialectServer(dialect: Dialect, config: Partial<Config> = {}): Promise<DialectServer> {
  const logs: DialectServer['logs'] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  let db: TestDatabase | undefined;
  if (dialect === 'postgres') db = await withTestPostgres();
  const t = await testServer({ logger, config, ...(db ? { storage: openStorage(db.url) } : {}) });
  const { secret } = await new AdminKeyService(t.gh.storage).create(
    { companyId: t.companyId, name: 'tests' },
    'test',
  );
  return {
    ...t,
    adminKey: secret,
    logs,
    async close() {
      await t.close();
      await db?.cleanup();
    },
  };
}

/** Log lines at error level or above (pino: 50 error, 60 fatal). */
export const errorLines = (s: DialectServer) => s.logs.filter((l) => l.level >= 50);
