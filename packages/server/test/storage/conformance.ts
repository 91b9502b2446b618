import assert from 'node:assert/strict';
import { after, before, describe, it as nodeIt } from 'node:test';
import { sliceMembers } from '../../src/storage/compose.ts';
import type { Storage } from '../../src/storage/storage.ts';
import type { TestDatabase } from '../pg.ts';
import type {
  ConformanceTarget,
  OpenedStorage,
  RawAccess,
  StorageMember,
  SuiteContext,
  TestEnv,
} from './suite-context.ts';
import { accessTokenTests } from './suites/access-tokens.ts';
import { appTests } from './suites/apps.ts';
import { auditTests } from './suites/audit.ts';
import { authorizationStateTests } from './suites/authorization-state.ts';
import { clientAssertionTests } from './suites/client-assertions.ts';
import { companyTests } from './suites/companies.ts';
import { deviceAuthorizationTests } from './suites/device-authorizations.ts';
import { directoryLifecycleTests } from './suites/directory-lifecycle.ts';
import { emailTokenTests } from './suites/email-tokens.ts';
import { externalIdentityTests } from './suites/external-identities.ts';
import { grantTests } from './suites/grants.ts';
import { housekeepingTests } from './suites/housekeeping.ts';
import { idempotencyTests } from './suites/idempotency.ts';
import { invalidationTests } from './suites/invalidations.ts';
import { invitationTests } from './suites/invitations.ts';
import { lifecycleTests } from './suites/lifecycle.ts';
import { loginRequestTests } from './suites/login-requests.ts';
import { logoTests } from './suites/logos.ts';
import { logoutTests } from './suites/logout.ts';
import { managementTests } from './suites/management.ts';
import { outboxTests } from './suites/outbox.ts';
import { refreshRotationTests } from './suites/refresh-rotation.ts';
import { registrationTests } from './suites/registrations.ts';
import { revocationTests } from './suites/revocations.ts';
import { schemaTests } from './suites/schema.ts';
import { signingKeyTests } from './suites/signing-keys.ts';
import { tokenFamilyTests } from './suites/token-families.ts';
import { usageTests } from './suites/usage.ts';
import { webhookEndpointTests } from './suites/webhook-endpoints.ts';

export type { ConformanceTarget, OpenedStorage, RawAccess, StorageMember, SuiteContext, TestEnv };

/**
 * Registers the storage conformance suite: every member of every storage slice, typed against
 * the interfaces, on a real database of the target's dialect. Every adapter must pass all of
 * it; there is no mock.
 */
export function storageConformance(target: ConformanceTarget): void {
  describe(`Storage conformance (${target.dialect})`, () => {
    let db: TestDatabase | undefined;
    let shared: OpenedStorage | undefined;
    before(async () => {
      db = await target.createDatabase();
      shared = target.open(db.url);
      await shared.storage.migrate();
    });
    after(async () => {
      await shared?.storage.close();
      await db?.cleanup();
    });

    const covered = new Set<string>();
    const ctx: SuiteContext = {
      target,
      it(name, covers, fn) {
        for (const m of covers) covered.add(m);
        nodeIt(name, async () => {
          if (!shared) throw new Error('storage not open');
          const called = new Set<string>();
          const storages: Storage[] = [];
          const databases: TestDatabase[] = [];
          const env: TestEnv = {
            raw: shared.raw,
            target,
            async freshDatabase() {
              const database = await target.createDatabase();
              databases.push(database);
              return {
                open() {
                  const o = target.open(database.url);
                  storages.push(o.storage);
                  return { storage: recording(o.storage, called), raw: o.raw };
                },
              };
            },
            async fresh() {
              const o = (await env.freshDatabase()).open();
              // Unrecorded: migrating a fresh database is setup, not a test of migrate.
              await storages.at(-1)?.migrate();
              return o;
            },
          };
          try {
            await fn(recording(shared.storage, called), env);
          } finally {
            for (const storage of storages) await storage.close();
            for (const database of databases) await database.cleanup();
          }
          const uncalled = covers.filter((m) => !called.has(m));
          assert.deepEqual(uncalled, [], `"${name}" claims to cover members it never calls`);
        });
      },
    };

    lifecycleTests(ctx);
    companyTests(ctx);
    directoryLifecycleTests(ctx);
    appTests(ctx);
    grantTests(ctx);
    signingKeyTests(ctx);
    auditTests(ctx);
    invalidationTests(ctx);
    revocationTests(ctx);
    schemaTests(ctx);
    authorizationStateTests(ctx);
    tokenFamilyTests(ctx);
    accessTokenTests(ctx);
    logoTests(ctx);
    managementTests(ctx);
    webhookEndpointTests(ctx);
    outboxTests(ctx);
    usageTests(ctx);
    idempotencyTests(ctx);
    refreshRotationTests(ctx);
    externalIdentityTests(ctx);
    invitationTests(ctx);
    clientAssertionTests(ctx);
    loginRequestTests(ctx);
    emailTokenTests(ctx);
    deviceAuthorizationTests(ctx);
    logoutTests(ctx);
    registrationTests(ctx);
    // Last: it prunes with a clock two hours ahead.
    housekeepingTests(ctx);

    nodeIt('every member of every storage slice has a conformance test', () => {
      const members = Object.entries(target.slices).flatMap(([slice, cls]) =>
        sliceMembers(cls.prototype).map((m) => ({ slice, m })),
      );
      assert.ok(members.length > 80, `only ${members.length} members found: is the slice list complete?`);
      const untested = members.filter(({ m }) => !covered.has(m)).map(({ slice, m }) => `${slice}.${m}`);
      assert.deepEqual(untested, [], 'storage members without a conformance test');
      const absent = members
        .filter(({ m }) => shared && !(m in shared.storage))
        .map(({ slice, m }) => `${slice}.${m}`);
      assert.deepEqual(absent, [], 'slice members the composed storage lacks');
    });
  });
}

/** The storage as a test sees it: every member it reads (a method: calls) is noted in `called`. */
function recording(storage: Storage, called: Set<string>): Storage {
  return new Proxy(storage, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name);
      if (typeof name !== 'string') return value;
      if (typeof value !== 'function') {
        called.add(name);
        return value;
      }
      return (...args: unknown[]) => {
        called.add(name);
        return value.apply(target, args);
      };
    },
  });
}
