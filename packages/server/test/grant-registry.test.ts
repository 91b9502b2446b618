import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { GRANT_TYPES } from '../src/apps/validation.ts';
import { ValidationError } from '../src/errors.ts';
import { InvalidRequest } from '../src/oauth/errors.ts';
import type { GrantHandler } from '../src/oauth/grants/grant-handler.ts';
import {
  AUTHORIZATION_ENDPOINT_GRANT_TYPES,
  BUILT_IN_GRANTS,
  GrantRegistry,
} from '../src/oauth/grants/registry.ts';
import { formatScope } from '../src/oauth/scopes/index.ts';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

const TEST_GRANT = 'urn:example:params:oauth:grant-type:test';

/**
 * A custom grant as docs/grant-types.md describes one: it declares the slice of the grant
 * context it uses, validates its own parameter and issues a token for the subject it names.
 */
const testGrant: GrantHandler<'tokens' | 'scopes'> = {
  grantType: TEST_GRANT,
  async handle(req, { app }, { tokens, scopes }) {
    const subject = req.params.require('subject');
    if (!/^device-[0-9]{1,10}$/.test(subject))
      throw new InvalidRequest('parameter "subject" is not a device');
    const granted = scopes.grant(app.scopes, req.params.get('scope'), app.scopePolicy);
    const issued = await tokens.issueAccessToken({ app, subject, scopes: granted });
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: formatScope(granted),
    };
  },
};

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`grant registry: a custom grant through the built-ins’ call (${dialect})`, { skip }, () => {
    let t: TestServer;
    let db: TestDatabase | undefined;
    before(async () => {
      db = dialect === 'postgres' ? await withTestPostgres() : undefined;
      t = await testServer(db ? { config: { databaseUrl: db.url } } : {});
    });
    after(async () => {
      await t.close();
      await db?.cleanup();
    });

    const token = (payload: string, auth: { clientId: string; clientSecret: string }) =>
      t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(auth.clientId, auth.clientSecret) },
        payload,
      });

    it('an app may not be allowed a grant type no registered handler serves: 400 naming grantTypes', async () => {
      await assert.rejects(
        t.gh.apps.create(
          { companyId: t.companyId, name: 'Too early', scopes: ['users.read'], grantTypes: [TEST_GRANT] },
          'test',
        ),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError);
          assert.equal(err.status, 400);
          assert.match(
            err.fields.grantTypes ?? '',
            /unknown grant type "urn:example:params:oauth:grant-type:test"/,
          );
          return true;
        },
      );
      const res = await token(`grant_type=${encodeURIComponent(TEST_GRANT)}&subject=device-1`, {
        clientId: 'cl_nobody',
        clientSecret: 'x',
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error, 'unsupported_grant_type');
    });

    it('once registered, an app allowed it gets a token from POST /oauth2/token, and metadata lists it', async () => {
      t.gh.grantTypes.register(testGrant);
      const meta = (await t.http.inject({ url: '/.well-known/oauth-authorization-server' })).json();
      assert.deepEqual(meta.grant_types_supported, [
        'client_credentials',
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        TEST_GRANT,
      ]);

      const app = await t.createApp({ grantTypes: [TEST_GRANT] });
      const res = await token(
        `grant_type=${encodeURIComponent(TEST_GRANT)}&subject=device-7&scope=users.read`,
        app,
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const body = res.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.scope, 'users.read');
      const jwks = (await t.http.inject({ url: '/.well-known/jwks.json' })).json();
      const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
        issuer: t.config.issuer,
        audience: t.config.audience,
      });
      assert.equal(payload.sub, 'device-7');
      assert.equal(payload.client_id, app.clientId);
    });

    it('the custom handler validates its own parameters: a clear invalid_request, never a 500', async () => {
      const app = await t.createApp({ grantTypes: [TEST_GRANT] });
      for (const [payload, problem] of [
        [`grant_type=${encodeURIComponent(TEST_GRANT)}`, 'parameter "subject" is required'],
        [`grant_type=${encodeURIComponent(TEST_GRANT)}&subject=admin`, 'parameter "subject" is not a device'],
      ] as const) {
        const res = await token(payload, app);
        assert.equal(res.statusCode, 400, res.body);
        assert.deepEqual(res.json(), { error: 'invalid_request', error_description: problem });
      }
      const wide = await token(
        `grant_type=${encodeURIComponent(TEST_GRANT)}&subject=device-7&scope=users.delete`,
        app,
      );
      assert.equal(wide.statusCode, 400, wide.body);
      assert.equal(wide.json().error, 'invalid_scope');
    });

    it('an app not allowed the custom grant is unauthorized_client, and the custom app cannot use client_credentials', async () => {
      const machine = await t.createApp({ grantTypes: ['client_credentials'] });
      const res = await token(`grant_type=${encodeURIComponent(TEST_GRANT)}&subject=device-7`, machine);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error, 'unauthorized_client');

      const custom = await t.createApp({ grantTypes: [TEST_GRANT] });
      const cc = await token('grant_type=client_credentials', custom);
      assert.equal(cc.statusCode, 400, cc.body);
      assert.equal(cc.json().error, 'unauthorized_client');
    });

    it('a wrong secret is invalid_client before the custom handler runs', async () => {
      const app = await t.createApp({ grantTypes: [TEST_GRANT] });
      const res = await token(`grant_type=${encodeURIComponent(TEST_GRANT)}&subject=device-7`, {
        clientId: app.clientId,
        clientSecret: `${app.clientSecret}x`,
      });
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error, 'invalid_client');
    });
  });
});

describe('grant registry: registration rules', () => {
  it('the built-in handlers, then implicit, are exactly the grant types apps are validated against by default', () => {
    const registry = new GrantRegistry();
    for (const grant of BUILT_IN_GRANTS) registry.register(grant);
    assert.deepEqual(registry.appGrantTypes, [...GRANT_TYPES]);
    assert.deepEqual(registry.tokenGrantTypes, [
      'client_credentials',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    assert.deepEqual(AUTHORIZATION_ENDPOINT_GRANT_TYPES, ['implicit']);
  });

  it('refuses a second handler for a grant type, a redirect-only grant type and a name that is no grant type', () => {
    const registry = new GrantRegistry();
    for (const grant of BUILT_IN_GRANTS) registry.register(grant);
    const as = (grantType: string): GrantHandler => ({ ...testGrant, grantType });
    assert.throws(() => registry.register(as('client_credentials')), /already registered/);
    assert.throws(() => registry.register(as('implicit')), /authorization endpoint/);
    for (const bad of ['', 'has space', 'urn:x:\u00e9', 'no"quote', 'x'.repeat(101)])
      assert.throws(() => registry.register(as(bad)), TypeError, JSON.stringify(bad));
    registry.register(testGrant);
    assert.throws(() => registry.register(testGrant), /already registered/);
    assert.equal(registry.handler(TEST_GRANT), testGrant);
    assert.equal(registry.handler('password'), undefined);
  });
});
