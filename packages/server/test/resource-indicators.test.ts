import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createVerifier } from '@gatehouse/resource-server';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { freePort } from '../../../test/helpers/live-gatehouse.ts';
import { DEFAULT_SCOPE_CATALOG } from '../src/oauth/scopes/catalog.ts';
import { Browser, decide, signIn } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://partner.example/cb';
const USERS_API = 'https://api.example.com/users';
const SHIFTS_API = 'https://api.example.com/shifts';

describe('resource indicators (RFC 8707), driven by openid-client', () => {
  let t: TestServer;
  let issuer: string;
  const discover = (app: { clientId: string; clientSecret: string }) =>
    client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  const refused = (err: unknown) => {
    assert.ok(err instanceof client.ResponseBodyError, String(err));
    assert.equal(err.error, 'invalid_target');
    return true;
  };

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await testServer({
      config: {
        issuer,
        scopeCatalog: {
          ...DEFAULT_SCOPE_CATALOG,
          resources: [
            { uri: USERS_API, name: 'Users API', scopes: ['users.read', 'users.write'] },
            { uri: SHIFTS_API, name: 'Shifts API', scopes: ['shifts_read', 'shifts_write'] },
          ],
        },
      },
    });
    await t.http.listen({ host: '127.0.0.1', port });
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  test('client credentials: resource narrows the audience and the scopes; without it, as before', async () => {
    const app = await t.createApp({ scopes: ['users.read', 'shifts_read'] });
    const config = await discover(app);
    const narrowed = await client.clientCredentialsGrant(config, { resource: USERS_API });
    assert.equal(narrowed.scope, 'users.read');
    const claims = decodeJwt(narrowed.access_token);
    assert.equal(claims.aud, USERS_API);
    assert.equal(claims.scope, 'users.read');
    const seen = await client.tokenIntrospection(config, narrowed.access_token);
    assert.equal(seen.active, true);
    assert.equal(seen.aud, USERS_API);

    const plain = await client.clientCredentialsGrant(config);
    assert.equal(decodeJwt(plain.access_token).aud, t.config.audience);
    assert.deepEqual(plain.scope?.split(' ').sort(), ['shifts_read', 'users.read']);

    // The API checks its own audience, as it always did.
    const usersApi = createVerifier({ issuer, audience: USERS_API, revocation: { mode: 'off' } });
    assert.equal((await usersApi.verify(narrowed.access_token)).aud, USERS_API);
    const audienceMismatch = (err: unknown) => (err as { code?: string }).code === 'token_audience_mismatch';
    await assert.rejects(usersApi.verify(plain.access_token), audienceMismatch);
    const shiftsApi = createVerifier({ issuer, audience: SHIFTS_API, revocation: { mode: 'off' } });
    await assert.rejects(shiftsApi.verify(narrowed.access_token), audienceMismatch);
    usersApi.close();
    shiftsApi.close();
  });

  test('invalid_target: an unknown resource, one the app may not use, two at once, a relative URI', async () => {
    const app = await t.createApp({ scopes: ['users.read'] });
    const config = await discover(app);
    await assert.rejects(
      client.clientCredentialsGrant(config, { resource: 'https://api.example.com/nope' }),
      refused,
    );
    await assert.rejects(client.clientCredentialsGrant(config, { resource: SHIFTS_API }), refused);
    await assert.rejects(
      client.clientCredentialsGrant(
        config,
        new URLSearchParams([
          ['resource', USERS_API],
          ['resource', USERS_API],
        ]),
      ),
      refused,
    );
    await assert.rejects(client.clientCredentialsGrant(config, { resource: '/users' }), refused);
    // A repeated parameter other than resource is still refused (RFC 6749 3.1).
    await assert.rejects(
      client.clientCredentialsGrant(
        config,
        new URLSearchParams([
          ['scope', 'users.read'],
          ['scope', 'users.read'],
        ]),
      ),
      (err: unknown) => err instanceof client.ResponseBodyError && err.error === 'invalid_request',
    );
  });

  test('opaque tokens record their audience; introspection answers it', async () => {
    const app = await t.createApp({ scopes: ['users.read'], tokenFormat: 'opaque' });
    const config = await discover(app);
    const tokens = await client.clientCredentialsGrant(config, { resource: USERS_API });
    const seen = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(seen.aud, USERS_API);
  });

  test('code flow: several resources at authorization, one per exchange and per refresh', async () => {
    const app = await t.createApp({
      name: 'Partner',
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['users.read', 'shifts_read'],
      redirectUris: [REDIRECT],
    });
    const config = await discover(app);
    const verifier = client.randomPKCECodeVerifier();
    const params = new URLSearchParams({
      redirect_uri: REDIRECT,
      scope: 'users.read shifts_read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st-2',
    });
    params.append('resource', USERS_API);
    params.append('resource', SHIFTS_API);
    const url = client.buildAuthorizationUrl(config, params);
    const b = new Browser(t.http);
    const login = await b.follow('GET', `${url.pathname}${url.search}`);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(done.location as string),
      { pkceCodeVerifier: verifier, expectedState: 'st-2' },
      { resource: USERS_API },
    );
    assert.equal(decodeJwt(tokens.access_token).aud, USERS_API);
    assert.equal(tokens.scope, 'users.read');
    const shifts = await client.refreshTokenGrant(config, tokens.refresh_token as string, {
      resource: SHIFTS_API,
    });
    assert.equal(decodeJwt(shifts.access_token).aud, SHIFTS_API);
    assert.equal(shifts.scope, 'shifts_read');
    // Without resource: the default audience and every scope of the refresh token.
    const all = await client.refreshTokenGrant(config, shifts.refresh_token as string);
    assert.equal(decodeJwt(all.access_token).aud, t.config.audience);
    assert.deepEqual(all.scope?.split(' ').sort(), ['shifts_read', 'users.read']);
    await assert.rejects(
      client.refreshTokenGrant(config, all.refresh_token as string, {
        resource: 'https://api.example.com/nope',
      }),
      refused,
    );

    // An unknown resource at the authorization endpoint comes back to the client as invalid_target.
    params.append('resource', 'https://api.example.com/nope');
    const bad = client.buildAuthorizationUrl(config, params);
    const answer = await new Browser(t.http).follow('GET', `${bad.pathname}${bad.search}`);
    const back = new URL(answer.location as string);
    assert.equal(back.searchParams.get('error'), 'invalid_target');
    assert.equal(back.searchParams.get('state'), 'st-2');
  });
});
