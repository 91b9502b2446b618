import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { type DialectServer, dialectServer } from '../dialect-server.ts';
import { NO_WEBHOOK_DELIVERY } from '../management-api/fixtures.ts';

describe('client authentication settings through the management API', () => {
  let t: DialectServer;
  before(async () => {
    t = await dialectServer('sqlite', NO_WEBHOOK_DELIVERY);
  });
  after(() => t.close());

  const call = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: unknown) =>
    t.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${t.adminKey}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  test('create with private_key_jwt and a JWKS, switch to a jwks_uri, require PAR', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const created = await call('POST', '/api/v1/apps', {
      name: 'Keyed',
      scopes: ['users.read'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const app = created.json();
    assert.equal(app.token_endpoint_auth_method, 'private_key_jwt');
    assert.deepEqual(app.jwks, { keys: [jwk] });
    assert.equal(app.jwks_uri, null);
    assert.equal(app.require_pushed_authorization_requests, false);

    const both = await call('PATCH', `/api/v1/apps/${app.id}`, {
      jwks_uri: 'https://keys.example/jwks.json',
    });
    assert.equal(both.statusCode, 400);
    assert.match(both.json().error_description ?? both.body, /jwks or jwks_uri, not both/);
    const moved = await call('PATCH', `/api/v1/apps/${app.id}`, {
      jwks: null,
      jwks_uri: 'https://keys.example/jwks.json',
      require_pushed_authorization_requests: true,
    });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().jwks_uri, 'https://keys.example/jwks.json');
    assert.equal(moved.json().require_pushed_authorization_requests, true);
    const [event] = (await t.gh.audit.list(t.companyId, { action: 'app.updated' })).items;
    assert.deepEqual(Object.keys(event?.data.changes as object).sort(), [
      'jwks',
      'jwks_uri',
      'require_pushed_authorization_requests',
    ]);

    const privateJwk = await exportJWK(privateKey);
    const leaked = await call('PATCH', `/api/v1/apps/${app.id}`, {
      jwks_uri: null,
      jwks: { keys: [privateJwk] },
    });
    assert.equal(leaked.statusCode, 400);
    assert.match(leaked.body, /private or symmetric key material/);
  });

  test('refused: keys missing, none for a confidential app, a method for a public one, an http jwks_uri', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ token_endpoint_auth_method: 'private_key_jwt' }, /needs the public keys/],
      [{ token_endpoint_auth_method: 'none' }, /none is for public clients/],
      [
        {
          client_type: 'public',
          grant_types: ['authorization_code'],
          redirect_uris: ['https://a.example/cb'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        /public client authenticates with none/,
      ],
      [{ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example/jwks.json' }, /https/],
      [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] } }, /not a valid public key/],
    ];
    for (const [extra, message] of cases) {
      const res = await call('POST', '/api/v1/apps', { name: 'Bad', scopes: ['users.read'], ...extra });
      assert.equal(res.statusCode, 400, JSON.stringify(extra));
      assert.match(res.body, message);
    }
  });
});
