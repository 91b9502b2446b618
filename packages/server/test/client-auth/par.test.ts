import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { Browser, decide, signIn } from '../browser.ts';
import type { TestServer } from '../helpers.ts';
import { discover, listeningServer, postForm } from './keys-server.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://partner.example/cb';

describe('pushed authorization requests (RFC 9126)', () => {
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

  const partner = (extra: Record<string, unknown> = {}) =>
    t.createApp({
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT],
      ...extra,
    });

  /** Opens the authorization URL in a browser, signs in and consents; the redirect back to the client. */
  async function authorizeIn(url: URL) {
    const b = new Browser(t.http);
    const login = await b.follow('GET', `${url.pathname}${url.search}`);
    const consent = await signIn(b, login.res.body, email, PASSWORD);
    return (await decide(b, consent.res.body, 'grant')).location as string;
  }

  /** The error page a request_uri that cannot be used gets (never a redirect: the client is unproven). */
  async function refusedPage(path: string) {
    const res = await t.http.inject(path);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.headers.location, undefined);
    return res.body;
  }

  test('openid-client buildAuthorizationUrlWithPAR, then the code exchange (private_key_jwt)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const app = await partner({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
      requirePushedAuthorizationRequests: true,
    });
    const config = await discover(t, app.clientId, client.PrivateKeyJwt({ key: privateKey, kid: 'k1' }));
    assert.equal(config.serverMetadata().pushed_authorization_request_endpoint, `${t.issuer}/oauth2/par`);
    const verifier = client.randomPKCECodeVerifier();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'users.read',
      state: 'st-par',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    const location = await authorizeIn(url);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: 'st-par',
    });
    assert.equal(tokens.scope, 'users.read');
    // The request_uri was used: the same URL again is refused.
    assert.match(await refusedPage(`${url.pathname}${url.search}`), /already used/);
  });

  test('only the pushed parameters count; a request_uri is bound to its client (oauth4webapi)', async () => {
    const app = await partner();
    const other = await partner();
    const as = await oauth
      .discoveryRequest(new URL(t.issuer), { [oauth.allowInsecureRequests]: true })
      .then((r) => oauth.processDiscoveryResponse(new URL(t.issuer), r));
    const push = async (clientId: string, secret: string, state: string) => {
      const res = await oauth.pushedAuthorizationRequest(
        as,
        { client_id: clientId },
        oauth.ClientSecretBasic(secret),
        new URLSearchParams({
          response_type: 'code',
          redirect_uri: REDIRECT,
          scope: 'users.read',
          state,
          code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
          code_challenge_method: 'S256',
        }),
        { [oauth.allowInsecureRequests]: true },
      );
      const body = await oauth.processPushedAuthorizationResponse(as, { client_id: clientId }, res);
      assert.equal(res.status, 201);
      assert.equal(body.expires_in, 60);
      return body.request_uri;
    };
    const requestUri = await push(app.clientId, app.clientSecret, 'pushed-state');
    // Another client's id with this request_uri: not found (and the request stays usable).
    assert.match(
      await refusedPage(
        `/oauth2/authorize?client_id=${other.clientId}&request_uri=${encodeURIComponent(requestUri)}`,
      ),
      /unknown, expired, already used/,
    );
    // Extra query parameters are ignored: the state that comes back is the pushed one.
    const url = new URL(`${t.issuer}/oauth2/authorize`);
    url.search = new URLSearchParams({
      client_id: app.clientId,
      request_uri: requestUri,
      state: 'query-state',
      scope: 'users.write',
    }).toString();
    const location = new URL(await authorizeIn(url));
    assert.equal(location.searchParams.get('state'), 'pushed-state');
    assert.ok(location.searchParams.get('code'));
  });

  test('unknown and malformed request_uri values are refused on a page', async () => {
    const app = await partner();
    const unknown = encodeURIComponent(`urn:ietf:params:oauth:request_uri:${randomUUID()}`);
    assert.match(
      await refusedPage(`/oauth2/authorize?client_id=${app.clientId}&request_uri=${unknown}`),
      /invalid_request_uri|unknown, expired/,
    );
    assert.match(
      await refusedPage(
        `/oauth2/authorize?client_id=${app.clientId}&request_uri=https%3A%2F%2Fevil.example%2Fr`,
      ),
      /unknown, expired/,
    );
  });

  test('an app that requires PAR refuses a plain authorization request', async () => {
    const app = await partner({ requirePushedAuthorizationRequests: true });
    const body = await refusedPage(
      `/oauth2/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    assert.match(body, /must push its authorization requests/);
  });

  test('the PAR endpoint: client authentication, validation as JSON, no request_uri or request', async () => {
    const app = await partner();
    const base = {
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'S256',
    };
    const anonymous = await postForm(t, '/oauth2/par', { ...base, client_id: app.clientId });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'invalid_client');
    const auth = { client_id: app.clientId, client_secret: app.clientSecret };
    const badRedirect = await postForm(t, '/oauth2/par', {
      ...base,
      ...auth,
      redirect_uri: 'https://evil.example/cb',
    });
    assert.equal(badRedirect.status, 400);
    assert.equal(badRedirect.body.error, 'invalid_request');
    const badScope = await postForm(t, '/oauth2/par', { ...base, ...auth, scope: 'admin.everything' });
    assert.equal(badScope.status, 400);
    assert.equal(badScope.body.error, 'invalid_scope');
    const nested = await postForm(t, '/oauth2/par', { ...base, ...auth, request_uri: 'urn:x' });
    assert.equal(nested.status, 400);
    assert.match(String(nested.body.error_description), /request_uri cannot be pushed/);
    const object = await postForm(t, '/oauth2/par', { ...base, ...auth, request: 'eyJ.x.y' });
    assert.equal(object.status, 400);
    assert.equal(object.body.error, 'request_not_supported');
    const ok = await postForm(t, '/oauth2/par', { ...base, ...auth });
    assert.equal(ok.status, 201);
    assert.match(String(ok.body.request_uri), /^urn:ietf:params:oauth:request_uri:/);
  });

  test('metadata advertises the endpoint, and that PAR is required per app only', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const meta = (await (await fetch(`${t.issuer}${path}`)).json()) as Record<string, unknown>;
      assert.equal(meta.pushed_authorization_request_endpoint, `${t.issuer}/oauth2/par`);
      assert.equal(meta.require_pushed_authorization_requests, false);
    }
  });
});
