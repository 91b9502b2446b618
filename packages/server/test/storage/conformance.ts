import { after, before, describe } from 'node:test';
import { openStorage, type SqlStorage } from '../../src/storage/sql/storage.ts';
import type { TestDatabase } from '../pg.ts';
import { accessTokenTests } from './suites/access-tokens.ts';
import { appTests } from './suites/apps.ts';
import { auditTests } from './suites/audit.ts';
import { companyTests } from './suites/companies.ts';
import { grantTests } from './suites/grants.ts';
import { housekeepingTests } from './suites/housekeeping.ts';
import { idempotencyTests } from './suites/idempotency.ts';
import { invalidationTests } from './suites/invalidations.ts';
import { logoTests } from './suites/logos.ts';
import { managementTests } from './suites/management.ts';
import { refreshRotationTests } from './suites/refresh-rotation.ts';
import { schemaTests } from './suites/schema.ts';
import { signingKeyTests } from './suites/signing-keys.ts';
import { usageTests } from './suites/usage.ts';

/** What a dialect must provide to run the suite: a way to make empty databases. */
export interface ConformanceTarget {
  dialect: 'sqlite' | 'postgres';
  createDatabase(): Promise<TestDatabase>;
}

/** The suite's view of the shared, migrated storage and the target it came from. */
export interface SuiteContext {
  storage(): SqlStorage;
  target: ConformanceTarget;
}

/**
 * Registers the storage conformance suite: every Storage method, on a real database of
 * the target's dialect. Every adapter must pass all of it; there is no mock.
 */
export function storageConformance(target: ConformanceTarget): void {
  describe(`Storage conformance (${target.dialect})`, () => {
    let db: TestDatabase | undefined;
    let storage: SqlStorage | undefined;
    before(async () => {
      db = await target.createDatabase();
      storage = openStorage(db.url);
      await storage.migrate();
    });
    after(async () => {
      await storage?.close();
      await db?.cleanup();
    });
    const ctx: SuiteContext = {
      target,
      storage: () => {
        if (!storage) throw new Error('storage not open');
        return storage;
      },
    };
    companyTests(ctx);
    appTests(ctx);
    grantTests(ctx);
    signingKeyTests(ctx);
    auditTests(ctx);
    invalidationTests(ctx);
    schemaTests(ctx);
    accessTokenTests(ctx);
    logoTests(ctx);
    managementTests(ctx);
    usageTests(ctx);
    idempotencyTests(ctx);
    refreshRotationTests(ctx);
    // Last: it prunes with a clock two hours ahead.
    housekeepingTests(ctx);
  });
}
