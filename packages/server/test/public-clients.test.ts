import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from './cli/run-cli.ts';
import { cliEnv, type TestServer, testServer } from './helpers.ts';
import { signedIn, type Tenant, tenant } from './management-api/fixtures.ts';

const SPA = {
  name: 'SPA',
  type: 'partner',
  client_type: 'public',
  grant_types: ['authorization_code', 'refresh_token'],
  scopes: ['users.read'],
  redirect_uris: ['https://spa.example/cb'],
};

/** A public client authenticates with PKCE; a secret for it would never work, so none is made. */
describe('public clients have no client secret, at every way in', () => {
  let t: TestServer;
  let x: Tenant;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${x.key}` },
      ...(payload ? { payload } : {}),
    });
  const env = () => cliEnv(t);
  /** A public partner SPA of the tenant, created through the service. */
  const serviceSpa = (name: string) =>
    t.gh.apps.create(
      {
        companyId: x.companyId,
        name,
        type: 'partner',
        clientType: 'public',
        grantTypes: ['authorization_code'],
        scopes: ['users.read'],
        redirectUris: ['https://spa.example/cb'],
      },
      'test',
    );
  /** `gatehouse app create` of a public partner SPA named `name`. */
  const createSpa = (name: string, ...more: string[]) =>
    runCli(
      [
        'app',
        'create',
        '--company',
        x.companyId,
        '--name',
        name,
        '--type',
        'partner',
        '--client-type',
        'public',
        '--grant-types',
        'authorization_code',
        '--scopes',
        'users.read',
        '--redirect-uri',
        'https://spa.example/cb',
        ...more,
      ],
      env(),
    );

  before(async () => {
    t = await testServer();
    x = await tenant(t, 'P');
  });
  after(() => t.close());

  it('the service creates none and refuses to rotate one (409)', async () => {
    const { app, clientSecret } = await serviceSpa('Service SPA');
    assert.equal(clientSecret, null);
    assert.deepEqual(app.secrets, []);
    await assert.rejects(t.gh.apps.rotateSecret(x.companyId, app.id, 'test'), {
      code: 'conflict',
      status: 409,
      message: /public client: it has no client secret to rotate/,
    });
    assert.deepEqual((await t.gh.apps.get(x.companyId, app.id)).secrets, [], 'nothing was written');
  });

  it('management API: no client_secret on create, none listed, rotate-secret answers 409', async () => {
    const created = await api('POST', '/api/v1/apps', SPA);
    assert.equal(created.statusCode, 201);
    const body = created.json();
    assert.equal(body.client_type, 'public');
    assert.equal('client_secret' in body, false);
    const shown = (await api('GET', `/api/v1/apps/${body.id}`)).json();
    assert.deepEqual(shown.secrets ?? [], []);
    const rotated = await api('POST', `/api/v1/apps/${body.id}/rotate-secret`, {});
    assert.equal(rotated.statusCode, 409);
    assert.equal(rotated.json().error, 'conflict');
    assert.match(rotated.json().error_description, /public client/);
    assert.doesNotMatch(rotated.body, /gths_/);
    // A confidential app still gets its secret, once.
    const confidential = await api('POST', '/api/v1/apps', {
      ...SPA,
      name: 'Server app',
      client_type: 'confidential',
    });
    assert.match(confidential.json().client_secret, /^gths_/);
  });

  it('console: no secret shown, no rotate action, and rotate answers 409', async () => {
    const { app } = await serviceSpa('Console SPA');
    const admin = await signedIn(t, x.companyId, 'admin');
    const base = `/console/c/${x.companyId}/apps/${app.id}`;
    const detail = await t.http.inject({ url: base, headers: { cookie: admin.cookie } });
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /a public client has no secret/);
    assert.doesNotMatch(detail.body, /Rotate secret|\/rotate"|secret-last4/);
    const page = await t.http.inject({ url: `${base}/rotate`, headers: { cookie: admin.cookie } });
    assert.equal(page.statusCode, 409);
    const post = await t.http.inject({
      method: 'POST',
      url: `${base}/rotate`,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf_token: admin.csrf, grace_seconds: '0' }).toString(),
    });
    assert.equal(post.statusCode, 409);
    assert.match(post.body, /No secret to rotate/);
    assert.doesNotMatch(post.body, /gths_/);
    // The "shown once" page has nothing to show: it sends the admin to the app.
    const secretPage = await t.http.inject({ url: `${base}/secret`, headers: { cookie: admin.cookie } });
    assert.equal(secretPage.statusCode, 303);
    // Deleting it is offered as for any app.
    const remove = await t.http.inject({ url: `${base}/delete`, headers: { cookie: admin.cookie } });
    assert.equal(remove.statusCode, 200);
    assert.match(detail.body, /\/delete"/);
  });

  it('CLI: create prints no secret; rotate-secret fails with a clear message', async () => {
    const created = await createSpa('CLI SPA', '--json');
    assert.equal(created.code, 0, created.stderr);
    const app = created.json<{ id: string; client_secret?: string }>();
    assert.equal('client_secret' in app, false);
    assert.doesNotMatch(created.stdout + created.stderr, /gths_/);
    const text = await createSpa('CLI SPA 2');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Public client: no client secret/);
    assert.doesNotMatch(text.stdout + text.stderr, /gths_|Store the client secret/);
    const rotated = await runCli(['app', 'rotate-secret', app.id], env());
    assert.equal(rotated.code, 1);
    assert.match(rotated.stderr, /public client: it has no client secret to rotate/);
  });
});
