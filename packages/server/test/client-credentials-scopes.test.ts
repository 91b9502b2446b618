import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';

const ENTITY = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
const CULTURE_AMP = `target-entity:${ENTITY}:employees-read,performance-evaluations-read`;

describe('client_credentials with every scope shape', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
  });
  after(() => t.close());

  async function token(
    creds: { clientId: string; clientSecret: string },
    scope?: string,
    viaBody = false,
  ): Promise<{ status: number; body: Record<string, string>; claims?: Record<string, unknown> }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) form.set('scope', scope);
    if (viaBody) {
      form.set('client_id', creds.clientId);
      form.set('client_secret', creds.clientSecret);
    }
    const res = await t.http.inject({
      method: 'POST',
      url: viaBody ? '/v1/oauth2/token' : '/oauth2/token',
      headers: viaBody ? FORM : { ...FORM, authorization: basic(creds.clientId, creds.clientSecret) },
      payload: form.toString(),
    });
    const body = res.json() as Record<string, string>;
    return {
      status: res.statusCode,
      body,
      ...(body.access_token ? { claims: decodeJwt(body.access_token) } : {}),
    };
  }

  test('Culture Amp: the requested target-entity scope comes back exactly, in the response and the token', async () => {
    const app = await t.createApp({ scopes: [CULTURE_AMP] });
    const r = await token(app, CULTURE_AMP, true);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.scope, CULTURE_AMP);
    assert.equal(r.claims?.scope, CULTURE_AMP);
  });

  test('Culture Amp, narrow policy: the token inherits the credential permissions', async () => {
    const app = await t.createApp({
      scopes: [`target-entity:${ENTITY}:employees-read`],
      scopePolicy: 'narrow',
    });
    const r = await token(app, CULTURE_AMP);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.scope, `target-entity:${ENTITY}:employees-read`);
    assert.equal(r.claims?.scope, `target-entity:${ENTITY}:employees-read`);
    // Another entity shares nothing with what the app holds: still invalid_scope.
    const other = await token(app, 'target-entity:00000000-0000-4000-8000-000000000000:employees-read');
    assert.equal(other.status, 400);
    assert.equal(other.body.error, 'invalid_scope');
  });

  test('Culture Amp, strict policy: more permissions than held is invalid_scope naming the excess', async () => {
    const app = await t.createApp({ scopes: [`target-entity:${ENTITY}:employees-read`] });
    const r = await token(app, CULTURE_AMP);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_scope');
    assert.match(r.body.error_description ?? '', /performance-evaluations-read/);
    assert.doesNotMatch(r.body.error_description ?? '', /employees-read,/);
    // A subset of the held permissions is fine, and permissions merge per entity.
    const app2 = await t.createApp({ scopes: [CULTURE_AMP] });
    const sub = await token(app2, `target-entity:${ENTITY}:performance-evaluations-read`);
    assert.equal(sub.body.scope, `target-entity:${ENTITY}:performance-evaluations-read`);
    const split = await token(
      app2,
      `target-entity:${ENTITY}:performance-evaluations-read target-entity:${ENTITY}:employees-read`,
    );
    assert.equal(split.body.scope, CULTURE_AMP);
  });

  test('unknown template permissions and malformed entity ids are invalid_scope', async () => {
    const app = await t.createApp({ scopes: [CULTURE_AMP], scopePolicy: 'narrow' });
    const perm = await token(app, `target-entity:${ENTITY}:payroll-read`);
    assert.equal(perm.body.error, 'invalid_scope');
    assert.match(perm.body.error_description ?? '', /payroll-read/);
    const ent = await token(app, 'target-entity:not-a-uuid:employees-read');
    assert.equal(ent.body.error, 'invalid_scope');
  });

  test('Connecteam feature scopes: subset, default and beyond', async () => {
    const app = await t.createApp({ scopes: ['users.read', 'users.write', 'schedule.read'] });
    assert.equal((await token(app)).body.scope, 'schedule.read users.read users.write');
    const r = await token(app, 'users.write users.read');
    assert.equal(r.body.scope, 'users.read users.write');
    assert.equal(r.claims?.scope, 'users.read users.write');
    const beyond = await token(app, 'users.read users.delete');
    assert.equal(beyond.status, 400);
    assert.equal(beyond.body.error, 'invalid_scope');
    assert.match(beyond.body.error_description ?? '', /"users\.delete" is not granted/);
  });

  test('7shifts v1_access with feature scopes, and PERSCOM view:user', async () => {
    const app = await t.createApp({ scopes: ['v1_access', 'shifts_read', 'view:user', 'update:user'] });
    assert.equal((await token(app, 'v1_access shifts_read', true)).body.scope, 'shifts_read v1_access');
    const p = await token(app, 'view:user');
    assert.equal(p.body.scope, 'view:user');
    assert.equal(p.claims?.scope, 'view:user');
    assert.equal((await token(app, 'delete:user')).body.error, 'invalid_scope');
  });

  test('* means every scope the app holds', async () => {
    const app = await t.createApp({ scopes: ['users.read', CULTURE_AMP, 'v1_access'] });
    const r = await token(app, '*');
    assert.equal(r.status, 200);
    assert.equal(r.body.scope, `${CULTURE_AMP} users.read v1_access`);
    assert.equal(r.claims?.scope, r.body.scope);
    assert.equal((await token(app, '* users.read')).body.scope, r.body.scope);
  });

  test('unknown scopes are invalid_scope even under the narrow policy', async () => {
    const app = await t.createApp({ scopes: ['users.read'], scopePolicy: 'narrow' });
    const r = await token(app, 'users.read admin.everything');
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_scope');
    assert.match(r.body.error_description ?? '', /admin\.everything/);
    // Known but not held is dropped silently under narrow.
    assert.equal((await token(app, 'users.read users.write')).body.scope, 'users.read');
    assert.equal((await token(app, 'users.write')).body.error, 'invalid_scope');
    assert.equal((await token(app, 'users.read "x"')).body.error, 'invalid_scope');
  });
});

describe('* disabled by the catalog', () => {
  test('* is an unknown scope', async () => {
    const t = await testServer({
      config: {
        scopeCatalog: { plain: [{ name: 'v1_access', description: 'API' }], features: [], wildcard: false },
      },
    });
    try {
      const app = await t.createApp({ scopes: ['v1_access'] });
      const res = await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
        payload: 'grant_type=client_credentials&scope=*',
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'invalid_scope');
      assert.match(res.json().error_description, /not enabled/);
    } finally {
      await t.close();
    }
  });
});
