import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import * as client from 'openid-client';
import type { TestServer } from '../helpers.ts';
import { discover, listeningServer, postForm } from './keys-server.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('client_secret_jwt (OIDC Core 9) with openid-client', () => {
  let t: TestServer & { issuer: string };
  before(async () => {
    t = await listeningServer();
  });
  after(() => t.close());

  const hmacAssertion = (clientId: string, secret: string, alg = 'HS256') =>
    new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${t.issuer}/oauth2/token`)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(secret));

  test('client credentials, introspection and revocation; the secret never crosses the wire', async () => {
    const app = await t.createApp({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    const config = await discover(t, app.clientId, client.ClientSecretJwt(app.clientSecret));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'users.write' });
    assert.equal(tokens.scope, 'users.write');
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, true);
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
    // The secret itself is not accepted from an app registered for client_secret_jwt.
    const plain = await postForm(t, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.equal(plain.status, 401);
    assert.match(String(plain.body.error_description), /authenticates with client_secret_jwt/);
  });

  test('a rotated secret: old and new sign during the grace period', async () => {
    const app = await t.createApp({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    const { clientSecret: next } = await t.gh.apps.rotateSecret(t.companyId, app.appId, 'test', 60);
    for (const secret of [app.clientSecret, next]) {
      const res = await postForm(t, '/oauth2/token', {
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await hmacAssertion(app.clientId, secret, 'HS512'),
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
  });

  test('replay, a wrong secret, and a switch without a new secret are invalid_client', async () => {
    const app = await t.createApp({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    const jwt = await hmacAssertion(app.clientId, app.clientSecret);
    const form = {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: jwt,
    };
    assert.equal((await postForm(t, '/oauth2/token', form)).status, 200);
    const replay = await postForm(t, '/oauth2/token', form);
    assert.equal(replay.status, 401);
    assert.match(String(replay.body.error_description), /already used/);
    const wrong = await postForm(t, '/oauth2/token', {
      ...form,
      client_assertion: await hmacAssertion(app.clientId, 'not-the-secret'),
    });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.body.error_description), /signature/);

    // Only a hash of an older secret is kept: switching needs a new secret, and says so.
    const switched = await t.createApp();
    await t.gh.apps.update(
      t.companyId,
      switched.appId,
      { tokenEndpointAuthMethod: 'client_secret_jwt' },
      'test',
    );
    const before = await postForm(t, '/oauth2/token', {
      ...form,
      client_assertion: await hmacAssertion(switched.clientId, switched.clientSecret),
    });
    assert.equal(before.status, 401);
    assert.match(String(before.body.error_description), /rotate its secret/);
    const { clientSecret } = await t.gh.apps.rotateSecret(t.companyId, switched.appId, 'test', 0);
    const after = await postForm(t, '/oauth2/token', {
      ...form,
      client_assertion: await hmacAssertion(switched.clientId, clientSecret),
    });
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });

  test('an HMAC assertion for a private_key_jwt app is the wrong method', async () => {
    const app = await t.createApp({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: 'https://keys.partner.example/jwks.json',
    });
    const res = await postForm(t, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await hmacAssertion(app.clientId, app.clientSecret),
    });
    assert.equal(res.status, 401);
    assert.match(
      String(res.body.error_description),
      /authenticates with private_key_jwt, not client_secret_jwt/,
    );
  });
});
