import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../src/errors.ts';
import { runCli } from './cli/run-cli.ts';
import { type DialectServer, dialectServer } from './dialect-server.ts';
import { cliEnv } from './helpers.ts';
import { NO_WEBHOOK_DELIVERY } from './management-api/fixtures.ts';

const OUT = 'https://partner.example/signed-out';
const BC = 'https://partner.example/backchannel';

/** An app's logout settings through the app service, the management API and the CLI. */
describe('app logout settings: post_logout_redirect_uris and backchannel_logout_uri', () => {
  let t: DialectServer;
  const api = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: Record<string, unknown>) =>
    t.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${t.adminKey}` },
      ...(payload ? { payload } : {}),
    });

  before(async () => {
    t = await dialectServer('sqlite', NO_WEBHOOK_DELIVERY);
  });
  after(() => t.close());

  it('the redirect URI rules apply to both; an app without them has none', async () => {
    const plain = await t.createApp({ type: 'partner', grantTypes: ['authorization_code'] });
    const app = await t.gh.apps.get(t.companyId, plain.appId);
    assert.deepEqual(app.postLogoutRedirectUris, []);
    assert.equal(app.backchannelLogoutUri, null);
    for (const [field, value] of [
      ['postLogoutRedirectUris', ['http://partner.example/out']],
      ['postLogoutRedirectUris', ['https://partner.example/out#x']],
      ['postLogoutRedirectUris', ['HTTPS://partner.example/out']],
      ['backchannelLogoutUri', 'http://partner.example/bc'],
      ['backchannelLogoutUri', 'javascript:alert(1)'],
      ['backchannelLogoutUri', 'https://user:pw@partner.example/bc'],
    ] as const) {
      await assert.rejects(
        t.createApp({ type: 'partner', grantTypes: ['authorization_code'], [field]: value }),
        (err: unknown) => err instanceof ValidationError && field in err.fields,
        `${field} ${JSON.stringify(value)}`,
      );
    }
    // Loopback http is allowed, as for redirect URIs.
    await t.createApp({
      type: 'partner',
      grantTypes: ['authorization_code'],
      postLogoutRedirectUris: ['http://127.0.0.1:8080/out'],
      backchannelLogoutUri: 'http://localhost:8080/bc',
    });
  });

  it('the management API creates, shows and changes them; app.updated names them', async () => {
    const created = await api('POST', '/api/v1/apps', {
      name: 'Partner',
      type: 'partner',
      scopes: ['users.read'],
      grant_types: ['authorization_code'],
      redirect_uris: ['https://partner.example/cb'],
      post_logout_redirect_uris: [OUT],
      backchannel_logout_uri: BC,
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.deepEqual(body.post_logout_redirect_uris, [OUT]);
    assert.equal(body.backchannel_logout_uri, BC);

    const bad = await api('PATCH', `/api/v1/apps/${body.id}`, {
      post_logout_redirect_uris: ['http://evil.example/'],
    });
    assert.equal(bad.statusCode, 400);
    const changed = await api('PATCH', `/api/v1/apps/${body.id}`, {
      post_logout_redirect_uris: [OUT, 'https://partner.example/bye'],
      backchannel_logout_uri: null,
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json().post_logout_redirect_uris, [OUT, 'https://partner.example/bye']);
    assert.equal(changed.json().backchannel_logout_uri, null);
    const [event] = (await t.gh.audit.list(t.companyId, { action: 'app.updated' })).items;
    assert.ok(event);
    assert.deepEqual(Object.keys((event.data as { changes: object }).changes).sort(), [
      'backchannel_logout_uri',
      'post_logout_redirect_uris',
    ]);
  });

  it('the CLI sets and removes them', async () => {
    const app = await t.createApp({ type: 'partner', grantTypes: ['authorization_code'] });
    const set = await runCli(
      [
        'app',
        'update',
        app.clientId,
        '--post-logout-redirect-uri',
        OUT,
        '--backchannel-logout-uri',
        BC,
        '--json',
      ],
      cliEnv(t),
    );
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(set.json().post_logout_redirect_uris, [OUT]);
    assert.equal(set.json().backchannel_logout_uri, BC);
    const cleared = await runCli(
      ['app', 'update', app.clientId, '--backchannel-logout-uri', '', '--json'],
      cliEnv(t),
    );
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.json().backchannel_logout_uri, null);
    assert.deepEqual(cleared.json().post_logout_redirect_uris, [OUT]);
  });
});
