import { it } from 'node:test';
import { forDialects, withTestPostgres } from '../pg.ts';
import { storageConformance } from './conformance.ts';

await forDialects(['postgres'], (_dialect, skip) => {
  if (skip) it('Storage conformance (postgres)', { skip }, () => {});
  else storageConformance({ dialect: 'postgres', createDatabase: withTestPostgres });
});
