import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { grantedPartnerApp } from '../fixtures/partner-grant.ts';
import { TEST_SECRET } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { runCli } from './run-cli.ts';

/**
 * The directory commands (company update|delete, user update|set-password|disable|enable|delete,
 * membership add|set-role|remove, operator-key create|list|revoke) as child processes, with a
 * server in this process on the same database to see what they did.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`gatehouse directory commands (${dialect})`, { skip: skip || false }, () => {
    let dir: string;
    let db: TestDatabase | undefined;
    let env: Record<string, string>;
    let gh: Gatehouse;
    let http: FastifyInstance;
    const cli = (args: string[], input?: string) => runCli(args, env, input);
    const errorOf = (stderr: string) => JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}');

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-dir-'));
      if (dialect === 'postgres') db = await withTestPostgres();
      const databaseUrl = db?.url ?? `sqlite:${join(dir, 'cli.db')}`;
      env = { DATABASE_URL: databaseUrl, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: TEST_SECRET };
      const config = loadConfig({
        env: {},
        overrides: { databaseUrl, dataDir: dir, serverSecret: TEST_SECRET, issuer: 'http://gh.test' },
      });
      const logger = createLogger('silent', { pretty: false });
      gh = await Gatehouse.open(config, { logger });
      http = await buildHttpApp(gh, logger);
    });
    after(async () => {
      await http?.close();
      await gh?.close();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('operator-key create shows the key once; list never does; revoke stops it at once', async () => {
      const created = await cli(['operator-key', 'create', '--name', 'Backend', '--json']);
      assert.equal(created.code, 0, created.stderr);
      const key = created.json<{ id: string; key: string; last4: string; name: string }>();
      assert.match(key.key, /^gtho_/);
      assert.equal(key.name, 'Backend');
      assert.match(created.stderr, /will not show it again/);
      const auth = { authorization: `Bearer ${key.key}` };
      assert.equal((await http.inject({ url: '/api/v1/companies', headers: auth })).statusCode, 200);
      const listed = await cli(['operator-key', 'list', '--json']);
      assert.ok(!listed.stdout.includes(key.key), 'the key is never listed');
      const row = listed.json<{ operator_keys: Array<{ id: string; last4: string }> }>().operator_keys;
      assert.deepEqual(
        row.map((k) => [k.id, k.last4]),
        [[key.id, key.last4]],
      );
      const revoked = await cli(['operator-key', 'revoke', key.id, '--json']);
      assert.deepEqual(revoked.json(), { id: key.id, revoked: true });
      assert.equal((await http.inject({ url: '/api/v1/companies', headers: auth })).statusCode, 401);
      const again = await cli(['operator-key', 'revoke', key.id, '--json']);
      assert.equal(again.code, 1);
      assert.equal(errorOf(again.stderr).error, 'not_found');
    });

    it('company create, update (plan at once) and delete; the repeat and a duplicate external id fail', async () => {
      const created = await cli([
        'company',
        'create',
        '--name',
        'Globex',
        '--external-id',
        'crm-1',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const co = created.json<{ id: string; external_id: string }>();
      assert.equal(co.external_id, 'crm-1');
      const updated = await cli([
        'company',
        'update',
        co.id,
        '--plan',
        'free',
        '--name',
        'Globex Corp',
        '--json',
      ]);
      assert.equal(updated.code, 0, updated.stderr);
      assert.deepEqual(
        { name: updated.json().name, plan: updated.json().plan, external_id: updated.json().external_id },
        { name: 'Globex Corp', plan: 'free', external_id: 'crm-1' },
      );
      assert.equal((await gh.companies.getCompany(co.id)).plan, 'free');
      const dup = await cli(['company', 'create', '--name', 'Other', '--external-id', 'crm-1', '--json']);
      assert.equal(dup.code, 1);
      assert.equal(errorOf(dup.stderr).error, 'conflict');
      const nothing = await cli(['company', 'update', co.id, '--json']);
      assert.equal(nothing.code, 2);
      const badPlan = await cli(['company', 'update', co.id, '--plan', 'gold']);
      assert.equal(badPlan.code, 2);
      assert.match(badPlan.stderr, /--plan must be one of/);
      const cleared = await cli(['company', 'update', co.id, '--clear-external-id', '--json']);
      assert.equal(cleared.json().external_id, null);
      const deleted = await cli(['company', 'delete', co.id, '--json']);
      assert.deepEqual(deleted.json(), { id: co.id, deleted: true });
      const twice = await cli(['company', 'delete', co.id, '--json']);
      assert.equal(twice.code, 1);
      assert.equal(errorOf(twice.stderr).error, 'not_found');
      // Its audit log is kept, every event marked.
      const kept = await cli(['audit', 'list', '--company', co.id, '--json']);
      assert.equal(kept.code, 0, kept.stderr);
      const events = kept.json<{ events: Array<{ action: string; company_deleted?: true }> }>().events;
      assert.deepEqual(
        events.map((e) => [e.action, e.company_deleted]),
        [
          ['company.deleted', true],
          ['company.updated', true],
          ['company.updated', true],
          ['company.created', true],
        ],
      );
    });

    it('company delete refuses while others rely on its partner app, naming it; --force deletes', async () => {
      const vendor = await gh.companies.createCompany({ name: 'Vendor' }, 'test');
      const customer = await gh.companies.createCompany({ name: 'Customer' }, 'test');
      const { app } = await grantedPartnerApp(gh, vendor.id, customer.id, 'Vendor sync');
      const refused = await cli(['company', 'delete', vendor.id]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /Vendor sync/);
      assert.match(refused.stderr, /force/);
      const forced = await cli(['company', 'delete', vendor.id, '--force', '--json']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(await gh.storage.getAppById(app.id), undefined);
    });

    it('user update, set-password, disable, enable and delete', async () => {
      const user = await gh.companies.createUser({ email: `${crypto.randomUUID()}@cli.test` }, 'test');
      const email = `moved-${crypto.randomUUID()}@cli.test`;
      const updated = await cli([
        'user',
        'update',
        user.id,
        '--email',
        email,
        '--name',
        'Moved',
        '--external-id',
        `ext-${user.id}`,
        '--json',
      ]);
      assert.equal(updated.code, 0, updated.stderr);
      assert.equal(updated.json().email, email);
      assert.equal(updated.json().external_id, `ext-${user.id}`);
      assert.equal(updated.json().has_password, false);
      const badEmail = await cli(['user', 'update', user.id, '--email', 'nope', '--json']);
      assert.equal(badEmail.code, 1);
      assert.ok('email' in errorOf(badEmail.stderr).fields);
      const noStdin = await cli(['user', 'set-password', user.id]);
      assert.equal(noStdin.code, 2);
      const set = await cli(
        ['user', 'set-password', user.id, '--password-stdin', '--json'],
        'a long enough password\n',
      );
      assert.equal(set.code, 0, set.stderr);
      assert.equal(
        (await gh.passwordSignIn.attempt(email, 'a long enough password', '198.51.100.7')).kind,
        'signed-in',
      );
      const disabled = await cli(['user', 'disable', user.id, '--json']);
      assert.equal(disabled.json().disabled, true);
      assert.equal(
        (await gh.passwordSignIn.attempt(email, 'a long enough password', '198.51.100.7')).kind,
        'invalid',
      );
      const enabled = await cli(['user', 'enable', user.id, '--json']);
      assert.equal(enabled.json().disabled, false);
      const deleted = await cli(['user', 'delete', user.id, '--json']);
      assert.deepEqual(deleted.json(), { id: user.id, deleted: true });
      const twice = await cli(['user', 'delete', user.id, '--json']);
      assert.equal(twice.code, 1);
      assert.equal(errorOf(twice.stderr).error, 'not_found');
      const audit = await cli(['audit', 'list', '--operator', '--target', `user:${user.id}`, '--json']);
      assert.deepEqual(
        audit
          .json<{ events: Array<{ action: string; actor: string }> }>()
          .events.map((e) => [e.action, e.actor]),
        [
          ['user.deleted', 'cli'],
          ['user.enabled', 'cli'],
          ['user.disabled', 'cli'],
          ['user.password_set', 'cli'],
          ['user.updated', 'cli'],
          ['user.created', 'test'],
        ],
      );
    });

    it('membership add, set-role and remove; the last admin stays', async () => {
      const co = await gh.companies.createCompany({ name: 'Members' }, 'test');
      const a = await gh.companies.createUser({ email: `${crypto.randomUUID()}@cli.test` }, 'test');
      const b = await gh.companies.createUser({ email: `${crypto.randomUUID()}@cli.test` }, 'test');
      const added = await cli([
        'membership',
        'add',
        '--user',
        a.id,
        '--company',
        co.id,
        '--role',
        'admin',
        '--json',
      ]);
      assert.equal(added.code, 0, added.stderr);
      assert.equal(added.json().role, 'admin');
      const last = await cli([
        'membership',
        'set-role',
        '--user',
        a.id,
        '--company',
        co.id,
        '--role',
        'member',
      ]);
      assert.equal(last.code, 1);
      assert.match(last.stderr, /last admin/);
      await cli(['membership', 'add', '--user', b.id, '--company', co.id, '--role', 'admin']);
      const demoted = await cli([
        'membership',
        'set-role',
        '--user',
        a.id,
        '--company',
        co.id,
        '--role',
        'member',
        '--json',
      ]);
      assert.equal(demoted.json().role, 'member');
      const removed = await cli(['membership', 'remove', '--user', a.id, '--company', co.id, '--json']);
      assert.deepEqual(removed.json(), { user_id: a.id, company_id: co.id, removed: true });
      const again = await cli(['membership', 'remove', '--user', a.id, '--company', co.id, '--json']);
      assert.equal(again.code, 1);
      assert.equal(errorOf(again.stderr).error, 'not_found');
      const noRole = await cli(['membership', 'set-role', '--user', b.id, '--company', co.id]);
      assert.equal(noRole.code, 2);
    });
  });
});
