import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { postgresSkip, withTestPostgres } from '../pg.ts';
import { cliSuite } from './cli-suite.ts';

cliSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-db-'));
  return {
    url: `sqlite:${join(dir, 'cli.db')}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const skip = await postgresSkip();
if (skip instanceof Error) {
  it('gatehouse CLI (postgres): PostgreSQL is reachable', () => {
    throw skip;
  });
} else if (skip) {
  it('gatehouse CLI (postgres)', { skip }, () => {});
} else {
  // Once on PostgreSQL: the dialect-specific parts are storage's, covered by its own suite.
  cliSuite('postgres', withTestPostgres, { lifecycleOnly: true });
}
