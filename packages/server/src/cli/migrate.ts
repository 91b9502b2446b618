import { loadConfig } from '../config/index.ts';
import type { Command } from './command.ts';
import { summary } from './format.ts';

/** DATABASE_URL without credentials, for display. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres database';
  }
}

const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (the server also does this on start)',
  usage: '',
  help: [],
  options: {},
  example: 'DATABASE_URL=postgres://gatehouse@db/gatehouse gatehouse migrate',
  async run() {
    // Only the schema: migrating needs neither the server secret nor signing keys.
    const config = loadConfig();
    // Loaded here, not on top: --help should not wait for the database drivers.
    const { migrateDatabase } = await import('../database.ts');
    // A migration may rewrite a large table: an operator running it waits as long as it takes
    // (Ctrl-C stops it), so only the connection itself is bounded. The server, which also
    // migrates on start, keeps every limit.
    const timeouts = { ...config.databaseTimeouts, queryMs: 0, statementMs: 0, idleInTransactionMs: 0 };
    const dialect = await migrateDatabase(config.databaseUrl, {
      poolSize: 1,
      timeouts,
      preparedStatements: config.databasePreparedStatements,
    });
    const database = describeDatabase(config.databaseUrl);
    return {
      json: { migrated: true, dialect, database },
      text: summary([
        ['Database', `${database} (${dialect})`],
        ['Schema', 'up to date'],
      ]),
    };
  },
};

export const migrateCommands: Command[] = [migrate];
