import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../../src/gatehouse.ts';
import { openCliServer } from './cli-server.ts';
import { runCli } from './run-cli.ts';

/** admin-key, audit and webhook commands: a few spawns, checked against an in-process server. */
describe('gatehouse admin-key, audit and webhook commands', () => {
  let dir: string;
  let env: Record<string, string>;
  let gh: Gatehouse;
  let http: FastifyInstance;
  let companyId: string;
  const cli = (args: string[]) => runCli(args, env);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-mgmt-'));
    ({ env, gh, http } = await openCliServer(dir, `sqlite:${join(dir, 'cli.db')}`));
    companyId = (await gh.companies.createCompany({ name: 'Acme' }, 'test')).id;
  });
  after(async () => {
    await http.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an admin key shown once, lists it without the key, audits it and revokes it', async () => {
    const created = await cli([
      'admin-key',
      'create',
      '--company',
      companyId,
      '--name',
      'Terraform',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.json<{ id: string; key: string; last4: string }>();
    assert.match(key.key, /^gtha_/);
    assert.equal(key.last4, key.key.slice(-4));
    assert.match(created.stderr, /will not show it again/);
    const auth = { authorization: `Bearer ${key.key}` };
    assert.equal((await http.inject({ url: '/api/v1/company', headers: auth })).json().id, companyId);

    const listed = await cli(['admin-key', 'list', '--company', companyId, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(key.key));
    assert.deepEqual(
      listed
        .json<{ admin_keys: Array<{ id: string; name: string }> }>()
        .admin_keys.map((k) => [k.id, k.name]),
      [[key.id, 'Terraform']],
    );

    const audit = await cli([
      'audit',
      'list',
      '--company',
      companyId,
      '--action',
      'admin_key.created',
      '--json',
    ]);
    assert.equal(audit.code, 0, audit.stderr);
    const events = audit.json<{ events: Array<{ actor: string; target: string }>; next: null }>();
    assert.deepEqual(
      events.events.map((e) => [e.actor, e.target]),
      [['cli', `admin_key:${key.id}`]],
    );

    const revoked = await cli(['admin-key', 'revoke', key.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await http.inject({ url: '/api/v1/company', headers: auth })).statusCode, 401);
    const again = await cli(['admin-key', 'revoke', key.id, '--json']);
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stderr).error, 'not_found');
  });

  it('creates, lists and deletes webhook endpoints and lists deliveries with attempts', async () => {
    const created = await cli([
      'webhook',
      'create',
      '--company',
      companyId,
      '--url',
      'https://hooks.example/in',
      '--events',
      'app.secret_rotated,app.deleted',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const hook = created.json<{ id: string; secret: string; events: string[] }>();
    assert.match(hook.secret, /^whsec_/);
    assert.deepEqual(hook.events, ['app.secret_rotated', 'app.deleted']);

    const { app } = await gh.apps.create({ companyId, name: 'Sync', scopes: ['users.read'] }, 'test');
    await gh.apps.rotateSecret(companyId, app.id, 'test');
    const deliveries = await cli([
      'webhook',
      'deliveries',
      '--company',
      companyId,
      '--endpoint',
      hook.id,
      '--json',
    ]);
    assert.equal(deliveries.code, 0, deliveries.stderr);
    const d = deliveries.json<{
      deliveries: Array<{ event_type: string; status: string; attempts: unknown[] }>;
    }>();
    assert.deepEqual(
      d.deliveries.map((x) => [x.event_type, x.status, x.attempts.length]),
      [['app.secret_rotated', 'pending', 0]],
    );

    const listed = await cli(['webhook', 'list', '--company', companyId]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${hook.id}\\s+https://hooks.example/in`));
    assert.ok(!listed.stdout.includes(hook.secret));

    const deleted = await cli(['webhook', 'delete', hook.id, '--company', companyId, '--json']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(await gh.webhooks.list(companyId), []);
  });

  it('prints apps, audit events, admin keys and webhook endpoints as the management API does, with company_id', async () => {
    const { secret } = await gh.adminKeys.create({ companyId, name: 'Same JSON' }, 'test');
    const { app } = await gh.apps.create({ companyId, name: 'Same JSON', scopes: ['users.read'] }, 'test');
    await gh.webhooks.create({ companyId, url: 'https://hooks.example/same', events: ['*'] }, 'test');
    const api = async (url: string) => {
      const r = await http.inject({ url: `/api/v1${url}`, headers: { authorization: `Bearer ${secret}` } });
      assert.equal(r.statusCode, 200, r.body);
      return r.json<Record<string, unknown> & { items: Record<string, unknown>[] }>();
    };
    const printed = async (args: string[]) => {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return r.json<Record<string, Record<string, unknown>[]> & Record<string, unknown>>();
    };
    // The CLI works across companies, so it says whose each record is; the API's response
    // schemas leave company_id out (there it is always the caller's company).
    const withoutCompany = (records: Record<string, unknown>[]) =>
      records.map(({ company_id, ...rest }) => {
        assert.equal(company_id, companyId);
        return rest;
      });

    const apiApp = await api(`/apps/${app.id}`);
    assert.equal('company_id' in apiApp, false);
    assert.deepEqual(withoutCompany([await printed(['app', 'show', app.id])]), [apiApp]);
    const apiKeys = (await api('/admin-keys')).items;
    assert.deepEqual(
      withoutCompany((await printed(['admin-key', 'list', '--company', companyId])).admin_keys ?? []),
      apiKeys,
    );
    const apiHooks = (await api('/webhooks')).items;
    assert.deepEqual(
      withoutCompany((await printed(['webhook', 'list', '--company', companyId])).webhooks ?? []),
      apiHooks,
    );
    const apiEvents = (await api('/audit-events?limit=200')).items;
    assert.deepEqual(
      (await printed(['audit', 'list', '--company', companyId, '--limit', '200'])).events,
      apiEvents,
    );
  });
});
