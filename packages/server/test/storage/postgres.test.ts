import { it } from 'node:test';
import { postgresSkip, withTestPostgres } from '../pg.ts';
import { storageConformance } from './conformance.ts';

const skip = await postgresSkip();
if (skip instanceof Error) {
  it('PostgreSQL is reachable (GATEHOUSE_TEST_PG=required)', () => {
    throw skip;
  });
} else if (skip) {
  it('Storage conformance (postgres)', { skip }, () => {});
} else {
  storageConformance({ dialect: 'postgres', createDatabase: withTestPostgres });
}
