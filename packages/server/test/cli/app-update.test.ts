import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_SECRET } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { runCli } from './run-cli.ts';

const OLD = 'https://partner.example/old';
const NEW = 'https://partner.example/new';

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`gatehouse app update, and apps by client_id (${dialect})`, { skip: skip || false }, () => {
    let dir: string;
    let db: TestDatabase | undefined;
    let env: Record<string, string>;
    let gh: Gatehouse;
    let companyId: string;
    const cli = (args: string[]) => runCli(args, env);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-update-'));
      if (dialect === 'postgres') db = await withTestPostgres();
      const databaseUrl = db?.url ?? `sqlite:${join(dir, 'cli.db')}`;
      env = { DATABASE_URL: databaseUrl, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_SECRET: TEST_SECRET };
      gh = await Gatehouse.open(
        loadConfig({ env: {}, overrides: { databaseUrl, dataDir: dir, serverSecret: TEST_SECRET } }),
        { logger: createLogger('silent', { pretty: false }) },
      );
      companyId = (await gh.companies.createCompany({ name: 'Acme' }, 'test')).id;
    });
    after(async () => {
      await gh?.close();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    const partner = async () =>
      (
        await gh.apps.create(
          {
            companyId,
            name: 'Partner',
            type: 'partner',
            grantTypes: ['authorization_code'],
            scopes: ['users.read'],
            redirectUris: [OLD],
          },
          'test',
        )
      ).app;

    it('changes every editable field by client_id, prints the app, and audits it as the CLI', async () => {
      const app = await partner();
      const res = await cli([
        'app',
        'update',
        app.clientId,
        '--name',
        'Partner, renamed',
        '--add-redirect-uri',
        NEW,
        '--remove-redirect-uri',
        OLD,
        '--logo-url',
        'https://partner.example/logo.png',
        '--token-ttl',
        '900',
        '--alg',
        'EdDSA',
        '--token-format',
        'opaque',
        '--grant-delivery',
        'company_grant',
        '--implicit',
        'on',
        '--remembered-consent',
        'on',
        '--json',
      ]);
      assert.equal(res.code, 0, res.stderr);
      const out = res.json();
      assert.equal(out.id, app.id);
      assert.equal(out.client_id, app.clientId);
      assert.equal(out.name, 'Partner, renamed');
      assert.deepEqual(out.redirect_uris, [NEW]);
      assert.equal(out.logo_url, 'https://partner.example/logo.png');
      assert.equal(out.token_ttl, 900);
      assert.equal(out.signing_alg, 'EdDSA');
      assert.equal(out.token_format, 'opaque');
      assert.equal(out.grant_delivery, 'company_grant');
      assert.deepEqual(out.grant_types, ['authorization_code', 'implicit']);
      assert.equal(out.skip_consent, true);
      assert.deepEqual(out.scopes, ['users.read']);
      const [event] = (await gh.audit.list(companyId, { action: 'app.updated', target: `app:${app.id}` }))
        .items;
      assert.equal(event?.actor, 'cli');

      const text = await cli(['app', 'update', app.id, '--implicit', 'off', '--logo-url', '']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /Partner, renamed/);
      assert.match(text.stdout, /Logo:\s+\(none\)/);
      const after = await gh.apps.get(companyId, app.id);
      assert.deepEqual(after.grantTypes, ['authorization_code']);
      assert.equal(after.logoUrl, null);

      // The device authorization grant (RFC 8628), on and off; a company-grant app may not have it.
      await gh.apps.update(companyId, app.id, { grantDelivery: 'code' }, 'test');
      const device = await cli(['app', 'update', app.id, '--device-code', 'on', '--json']);
      assert.equal(device.code, 0, device.stderr);
      assert.deepEqual(device.json().grant_types, [
        'authorization_code',
        'urn:ietf:params:oauth:grant-type:device_code',
      ]);
      assert.equal((await cli(['app', 'update', app.id, '--device-code', 'off'])).code, 0);
      assert.deepEqual((await gh.apps.get(companyId, app.id)).grantTypes, ['authorization_code']);
    });

    it('sets the client authentication method, the public keys and require-par', async () => {
      const app = await partner();
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const file = join(dir, 'jwks.json');
      writeFileSync(file, JSON.stringify({ keys: [await exportJWK(publicKey)] }));
      const res = await cli([
        'app',
        'update',
        app.clientId,
        '--auth-method',
        'private_key_jwt',
        '--jwks-file',
        file,
        '--require-par',
        'on',
        '--json',
      ]);
      assert.equal(res.code, 0, res.stderr);
      const out = res.json();
      assert.equal(out.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal((out.jwks as { keys: unknown[] }).keys.length, 1);
      assert.equal(out.require_pushed_authorization_requests, true);
      const moved = await cli([
        'app',
        'update',
        app.id,
        '--jwks-file',
        '',
        '--jwks-uri',
        'https://keys.example/jwks',
      ]);
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(
        moved.stdout,
        /Client authentication:\s+private_key_jwt, https:\/\/keys.example\/jwks, pushed/,
      );
      const missing = await cli(['app', 'update', app.id, '--jwks-uri', '', '--json']);
      assert.equal(missing.code, 1);
      assert.match(JSON.parse(missing.stderr).fields.jwksUri, /needs the public keys/);
    });

    it('refuses scope changes, invalid fields, unknown apps and empty updates, naming what is wrong', async () => {
      const app = await partner();
      const scopes = await cli(['app', 'update', app.id, '--scopes', 'users.read users.write', '--json']);
      assert.equal(scopes.code, 1);
      const err = JSON.parse(scopes.stderr);
      assert.equal(err.error, 'validation_failed');
      assert.match(err.fields.scopes, /create a new app/);

      const bad = await cli([
        'app',
        'update',
        app.id,
        '--add-redirect-uri',
        'http://partner.example/cb',
        '--json',
      ]);
      assert.equal(bad.code, 1);
      assert.match(JSON.parse(bad.stderr).fields.redirectUris, /https/);

      const ttl = await cli(['app', 'update', app.id, '--token-ttl', 'soon']);
      assert.equal(ttl.code, 2);
      assert.match(ttl.stderr, /--token-ttl/);

      const implicit = await cli(['app', 'update', app.id, '--implicit', 'yes']);
      assert.equal(implicit.code, 2);
      assert.match(implicit.stderr, /--implicit must be one of on, off/);

      const nothing = await cli(['app', 'update', app.id]);
      assert.equal(nothing.code, 2);
      assert.match(nothing.stderr, /nothing to change/);

      const unknown = await cli(['app', 'update', 'cl_doesnotexist', '--name', 'x', '--json']);
      assert.equal(unknown.code, 1);
      assert.equal(JSON.parse(unknown.stderr).error, 'not_found');
      assert.deepEqual((await gh.apps.get(companyId, app.id)).redirectUris, [OLD]);
    });

    it('show, rotate-secret and delete take the client_id as well as the id', async () => {
      const { app } = await gh.apps.create({ companyId, name: 'Internal', scopes: ['users.read'] }, 'test');
      const shown = await cli(['app', 'show', app.clientId, '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(shown.json().id, app.id);
      const rotated = await cli(['app', 'rotate-secret', app.clientId, '--json']);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.equal(rotated.json().id, app.id);
      const deleted = await cli(['app', 'delete', app.clientId, '--json']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.json().id, app.id);
      const again = await cli(['app', 'show', app.clientId, '--json']);
      assert.equal(again.code, 1);
      assert.equal(JSON.parse(again.stderr).error, 'not_found');
    });
  });
});
