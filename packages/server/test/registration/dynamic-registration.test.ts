import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import type { InitialAccessTokenInput } from '../../src/registration/initial-access-token-service.ts';
import type { SqlStorage } from '../../src/storage/sql/storage.ts';
import { Browser, decide, signIn } from '../browser.ts';
import { listeningServer } from '../client-auth/keys-server.ts';
import { type TestServer, testServer } from '../helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://partner.example/cb';
const insecure = { execute: [client.allowInsecureRequests] };

describe('dynamic client registration (RFC 7591, RFC 7592)', () => {
  let t: TestServer & { issuer: string };
  let email: string;
  before(async () => {
    t = await listeningServer();
    email = `ada-${randomUUID()}@acme.test`;
    await t.gh.companies.createUser(
      { email, password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  async function iat(input: Partial<InitialAccessTokenInput> = {}) {
    const { token, secret } = await t.gh.initialAccessTokens.create(
      {
        companyId: t.companyId,
        allowedGrantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
        allowedScopes: ['users.read', 'users.write'],
        redirectUriPatterns: ['https://partner.example/*'],
        ...input,
      },
      'test',
    );
    return { token, secret };
  }

  /** A raw registration request: what no client library would send. */
  async function register(body: unknown, token?: string) {
    const res = await fetch(`${t.issuer}/oauth2/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  async function manage(method: string, uri: string, token: string, body?: unknown) {
    const res = await fetch(uri, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  }

  test('discovery names the registration endpoint', async () => {
    const config = await client.discovery(new URL(t.issuer), 'x', undefined, undefined, insecure);
    assert.equal(config.serverMetadata().registration_endpoint, `${t.issuer}/oauth2/register`);
  });

  test('openid-client registers a client, which then gets a client_credentials token; read, update, delete (RFC 7592)', async () => {
    const { token, secret } = await iat({ maxApps: 5 });
    const config = await client.dynamicClientRegistration(
      new URL(t.issuer),
      {
        client_name: 'Shiftly sync',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'users.read',
        contacts: ['ops@shiftly.example'],
      },
      client.ClientSecretPost(),
      { initialAccessToken: secret, ...insecure },
    );
    const registered = config.clientMetadata();
    assert.match(registered.client_id, /^cl_/);
    assert.match(String(registered.client_secret), /^gths_/);
    assert.equal(registered.client_secret_expires_at, 0);
    assert.equal(typeof registered.client_id_issued_at, 'number');
    assert.match(String(registered.registration_access_token), /^gthra_/);
    const uri = String(registered.registration_client_uri);
    assert.equal(uri, `${t.issuer}/oauth2/register/${registered.client_id}`);
    assert.equal(registered.scope, 'users.read');

    const tokens = await client.clientCredentialsGrant(config, { scope: 'users.read' });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.scope, 'users.read');

    // The app is an ordinary app of the company, marked as registered with the token.
    const app = await t.gh.apps.get(t.companyId, registered.client_id);
    assert.equal(app.initialAccessTokenId, token.id);
    assert.equal(app.name, 'Shiftly sync');
    assert.equal((await t.gh.initialAccessTokens.get(t.companyId, token.id)).uses, 1);
    const created = await t.gh.audit.list(t.companyId, { action: 'app.created', target: `app:${app.id}` });
    assert.equal(created.items[0]?.actor, `initial_access_token:${token.id}`);

    // Read: the metadata, and a new registration access token (the old one stops working).
    let rat = String(registered.registration_access_token);
    const read = await manage('GET', uri, rat);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.headers.get('cache-control'), 'no-store');
    assert.equal(read.body.client_id, registered.client_id);
    assert.equal(read.body.client_secret, undefined, 'the secret is shown once, at registration');
    assert.deepEqual(read.body.grant_types, ['client_credentials']);
    assert.notEqual(read.body.registration_access_token, rat);
    assert.equal((await manage('GET', uri, rat)).status, 401, 'the rotated-away token');
    rat = String(read.body.registration_access_token);

    // Update: the whole metadata again, with a new name.
    const update = await manage('PUT', uri, rat, {
      client_id: registered.client_id,
      client_secret: registered.client_secret,
      client_name: 'Shiftly sync v2',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'users.read',
    });
    assert.equal(update.status, 200, JSON.stringify(update.body));
    assert.equal(update.body.client_name, 'Shiftly sync v2');
    assert.equal((await t.gh.apps.get(t.companyId, app.id)).name, 'Shiftly sync v2');
    rat = String(update.body.registration_access_token);
    const updated = await t.gh.audit.list(t.companyId, { action: 'app.updated', target: `app:${app.id}` });
    assert.equal(updated.items[0]?.actor, `registration:${registered.client_id}`);

    // Scopes are fixed: an update cannot change them (nor widen them past the token's).
    const widen = await manage('PUT', uri, rat, {
      client_id: registered.client_id,
      grant_types: ['client_credentials'],
      scope: 'users.read users.write',
    });
    assert.equal(widen.status, 400);
    assert.equal(widen.body.error, 'invalid_client_metadata');
    assert.match(String(widen.body.error_description), /scopes are fixed/);
    const wrongSecret = await manage('PUT', uri, rat, {
      client_id: registered.client_id,
      client_secret: 'nope',
    });
    assert.equal(wrongSecret.body.error, 'invalid_client_metadata');

    // Another client's id with this token is the same 401 as a wrong token.
    const other = await manage('GET', `${t.issuer}/oauth2/register/cl_someoneelse`, rat);
    assert.equal(other.status, 401);
    assert.match(String(other.headers.get('www-authenticate')), /^Bearer .*error="invalid_token"/);

    // Delete: 204, and the client is gone (its tokens with it).
    const del = await manage('DELETE', uri, rat);
    assert.equal(del.status, 204);
    await assert.rejects(t.gh.apps.get(t.companyId, app.id), /not found/);
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'users.read' }));
    assert.equal((await manage('GET', uri, rat)).status, 401);
    const deleted = await t.gh.audit.list(t.companyId, { action: 'app.deleted', target: `app:${app.id}` });
    assert.equal(deleted.items.length, 1);
  });

  test('a registered public client runs the code flow with PKCE', async () => {
    const { secret } = await iat();
    const config = await client.dynamicClientRegistration(
      new URL(t.issuer),
      {
        client_name: 'Shiftly web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
        scope: 'users.read',
      },
      client.None(),
      { initialAccessToken: secret, ...insecure },
    );
    assert.equal(config.clientMetadata().client_secret, undefined, 'a public client has no secret');
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'users.read',
      state: 'st-dcr',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const b = new Browser(t.http);
    const login = await b.follow('GET', `${url.pathname}${url.search}`);
    const consent = await signIn(b, login.res.body, email, PASSWORD);
    const location = (await decide(b, consent.res.body, 'grant')).location as string;
    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: 'st-dcr',
    });
    assert.equal(tokens.scope, 'users.read');
    assert.ok(tokens.refresh_token);
  });

  test('no, a wrong, an expired, a revoked or a used-up initial access token: 401 invalid_token', async () => {
    const metadata = { grant_types: ['client_credentials'], scope: 'users.read' };
    const none = await register(metadata);
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_token');
    assert.match(
      String(none.headers.get('www-authenticate')),
      /^Bearer realm="gatehouse-registration", error="invalid_token"/,
    );
    assert.equal((await register(metadata, 'gthia_wrong')).status, 401);
    const { secret: adminKey } = await t.gh.adminKeys.create({ companyId: t.companyId }, 'test');
    assert.equal((await register(metadata, adminKey)).status, 401, 'an admin key is no initial access token');

    const expired = await iat();
    await (t.gh.storage as SqlStorage).db
      .updateTable('initial_access_tokens')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', expired.token.id)
      .execute();
    const late = await register(metadata, expired.secret);
    assert.equal(late.status, 401);
    assert.match(String(late.body.error_description), /expired/);

    const revoked = await iat();
    await t.gh.initialAccessTokens.revoke(t.companyId, revoked.token.id, 'test');
    assert.match(String((await register(metadata, revoked.secret)).body.error_description), /revoked/);

    const once = await iat({ maxApps: 1 });
    assert.equal((await register(metadata, once.secret)).status, 201);
    const twice = await register(metadata, once.secret);
    assert.equal(twice.status, 401);
    assert.match(String(twice.body.error_description), /registered the 1 app/);
    assert.equal((await t.gh.initialAccessTokens.get(t.companyId, once.token.id)).uses, 1);
  });

  test('a refused registration gives its use back', async () => {
    const once = await iat({ maxApps: 1 });
    const bad = await register(
      {
        grant_types: ['client_credentials'],
        scope: 'users.read',
        token_endpoint_auth_method: 'private_key_jwt',
      },
      once.secret,
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_client_metadata');
    assert.match(String(bad.body.error_description), /jwks/);
    assert.equal((await t.gh.initialAccessTokens.get(t.companyId, once.token.id)).uses, 0);
    assert.equal(
      (await register({ grant_types: ['client_credentials'], scope: 'users.read' }, once.secret)).status,
      201,
    );
  });

  test('redirect URIs: the app rules and the token’s patterns (invalid_redirect_uri)', async () => {
    const { secret } = await iat();
    const code = { grant_types: ['authorization_code'], scope: 'users.read' };
    for (const uri of [
      'http://partner.example/cb',
      'https://partner.example/cb#frag',
      'https://PARTNER.example/cb',
    ]) {
      const res = await register({ ...code, redirect_uris: [uri] }, secret);
      assert.equal(res.status, 400, uri);
      assert.equal(res.body.error, 'invalid_redirect_uri', uri);
    }
    const outside = await register(
      { ...code, redirect_uris: ['https://partner.example.evil.test/cb'] },
      secret,
    );
    assert.equal(outside.body.error, 'invalid_redirect_uri');
    assert.match(
      String(outside.body.error_description),
      /matches none of the initial access token's patterns/,
    );
    const missing = await register(code, secret);
    assert.equal(missing.body.error, 'invalid_redirect_uri');
    const inside = await register({ ...code, redirect_uris: ['https://partner.example/deep/cb'] }, secret);
    assert.equal(inside.status, 201, JSON.stringify(inside.body));
  });

  test('grant types and scopes outside the token’s limits, unknown scopes: invalid_client_metadata', async () => {
    const { secret } = await iat({
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: ['users.read'],
    });
    const grant = await register(
      { grant_types: ['authorization_code'], redirect_uris: [REDIRECT], scope: 'users.read' },
      secret,
    );
    assert.equal(grant.body.error, 'invalid_client_metadata');
    assert.match(String(grant.body.error_description), /grant_types: "authorization_code" is not allowed/);
    const scope = await register(
      { grant_types: ['client_credentials'], scope: 'users.read users.write' },
      secret,
    );
    assert.equal(scope.body.error, 'invalid_client_metadata');
    assert.match(String(scope.body.error_description), /scope: "users.write" is not allowed/);
    const { secret: open } = await iat({
      allowedGrantTypes: null,
      allowedScopes: null,
      redirectUriPatterns: null,
    });
    const unknown = await register({ grant_types: ['client_credentials'], scope: 'nonsense.read' }, open);
    assert.equal(unknown.body.error, 'invalid_client_metadata');
    assert.match(String(unknown.body.error_description), /^scope: /);
    const badType = await register({ grant_types: 'client_credentials' }, open);
    assert.equal(badType.body.error, 'invalid_client_metadata');
    const notJson = await fetch(`${t.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${open}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client_name=x',
    });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: string }).error, 'invalid_client_metadata');
    // Without `scope`, the token's scopes are registered.
    const { secret: limited } = await iat({ allowedScopes: ['users.read'] });
    const defaulted = await register({ grant_types: ['client_credentials'] }, limited);
    assert.equal(defaulted.body.scope, 'users.read');
  });

  test('software statements are refused', async () => {
    const { secret } = await iat();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzb2Z0d2FyZV9pZCI6IngifQ.c2ln';
    const signed = await register(
      { grant_types: ['client_credentials'], scope: 'users.read', software_statement: jwt },
      secret,
    );
    assert.equal(signed.status, 400);
    assert.equal(signed.body.error, 'unapproved_software_statement');
    const garbage = await register(
      { grant_types: ['client_credentials'], software_statement: 'not a jwt' },
      secret,
    );
    assert.equal(garbage.body.error, 'invalid_software_statement');
  });
});

describe('the registration endpoint is rate limited per address, like the token endpoint', () => {
  test('past the address burst: 429 with Retry-After, before the token is looked at', async () => {
    const t = await testServer({
      config: {
        tokenRateLimit: { perClient: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0.001, burst: 2 } },
      },
    });
    try {
      const post = () =>
        t.http.inject({
          method: 'POST',
          url: '/oauth2/register',
          headers: { authorization: 'Bearer gthia_wrong', 'content-type': 'application/json' },
          payload: {},
        });
      assert.equal((await post()).statusCode, 401);
      assert.equal((await post()).statusCode, 401);
      const limited = await post();
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      const read = await t.http.inject({
        url: '/oauth2/register/cl_x',
        headers: { authorization: 'Bearer x' },
      });
      assert.equal(read.statusCode, 429, 'the client configuration endpoint shares the bucket');
    } finally {
      await t.close();
    }
  });
});
