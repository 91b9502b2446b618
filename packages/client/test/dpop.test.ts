import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createFastifyAuth, createVerifier, type Verifier } from '../../resource-server/src/index.ts';
import { Browser, decide, signIn } from '../../server/test/browser.ts';
import {
  authFetch,
  buildAuthorizationUrl,
  clientCredentials,
  dpopKey,
  exchangeCode,
  OAuthError,
  RefreshSession,
  validateCallback,
} from '../src/index.ts';
import { claims, type LiveGatehouse, liveGatehouse } from './live.ts';

const REDIRECT = 'https://spa.example/cb';
const PASSWORD = 'correct horse battery staple';
const TOKEN = '/oauth2/token';
let gh: LiveGatehouse;
let verifier: Verifier;
let api: FastifyInstance;
let apiBase: string;

before(async () => {
  gh = await liveGatehouse();
  await gh.ts.gh.companies.createUser(
    { email: 'ada@acme.test', password: PASSWORD, companyId: gh.ts.companyId, role: 'admin' },
    'test',
  );
  // A real API protected by @gatehouse/resource-server, which checks the proofs authFetch sends.
  verifier = createVerifier({ issuer: gh.issuer, audience: gh.ts.config.audience });
  const auth = createFastifyAuth({ verifier });
  api = Fastify();
  await api.register(auth.plugin);
  api.post('/users', { preHandler: auth.requireScopes('users.read') }, async (req) => ({
    sub: auth.claimsOf(req).sub,
    jkt: auth.claimsOf(req).cnf?.jkt ?? null,
  }));
  await api.listen({ host: '127.0.0.1', port: 0 });
  apiBase = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
});
after(async () => {
  verifier.close();
  await api.close();
  await gh.close();
});

test('clientCredentials with a DPoP key: bound tokens, and authFetch sends them with proofs', async () => {
  const app = await gh.ts.createApp({ name: 'Bound', scopes: ['users.read'], dpopBoundAccessTokens: true });
  const dpop = await dpopKey();
  const tokens = clientCredentials({ issuer: gh.issuer, ...app, dpop });
  const info = await tokens.getTokenInfo();
  assert.deepEqual(claims(info.accessToken).cnf, { jkt: await dpop.thumbprint() });
  const call = authFetch(tokens);
  for (let i = 0; i < 2; i++) {
    // A body and a method other than GET: the proof names POST, and a fresh jti each time.
    const res = await call(`${apiBase}/users?page=${i}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { sub: app.clientId, jkt: await dpop.thumbprint() });
  }
  // The same token as a bearer token is refused by the API.
  const bearer = await fetch(`${apiBase}/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.accessToken}` },
  });
  assert.equal(bearer.status, 401);
  assert.match(bearer.headers.get('www-authenticate') ?? '', /^DPoP /);
  // Without a key, an app that requires DPoP is refused with the server's error.
  await assert.rejects(
    clientCredentials({ issuer: gh.issuer, ...app }).getToken(),
    (err: unknown) => err instanceof OAuthError && err.error === 'invalid_dpop_proof',
  );
});

test('an app that requires server nonces: the client retries once with the DPoP-Nonce it got', async () => {
  const app = await gh.ts.createApp({ name: 'Nonce', scopes: ['users.read'], useDpopNonce: true });
  const dpop = await dpopKey(undefined, 'EdDSA');
  const before = gh.count(TOKEN);
  const tokens = clientCredentials({ issuer: gh.issuer, ...app, dpop });
  const token = await tokens.getToken();
  assert.deepEqual(claims(token).cnf, { jkt: await dpop.thumbprint() });
  assert.equal(gh.count(TOKEN) - before, 2, 'one use_dpop_nonce answer, then the token');
  // The nonce is remembered: the next token needs one request only.
  tokens.invalidate();
  await tokens.getToken();
  assert.equal(gh.count(TOKEN) - before, 3);
});

test('a public client: exchangeCode and RefreshSession bind to one key; another key cannot refresh', async () => {
  const spa = await gh.ts.createApp({
    name: 'SPA',
    type: 'partner',
    clientType: 'public',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['users.read'],
    redirectUris: [REDIRECT],
  });
  const request = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: spa.clientId,
    redirectUri: REDIRECT,
    scope: 'users.read',
  });
  const b = new Browser(gh.ts.http);
  const login = await b.follow('GET', `${request.url.pathname}${request.url.search}`);
  const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
  const done = await decide(b, consent.res.body, 'grant');
  const { code } = validateCallback(done.location as string, { state: request.state, issuer: gh.issuer });
  const dpop = await dpopKey(undefined, 'RS256');
  const tokens = await exchangeCode({
    issuer: gh.issuer,
    clientId: spa.clientId,
    code,
    redirectUri: REDIRECT,
    codeVerifier: request.codeVerifier,
    dpop,
  });
  assert.equal(tokens.response.token_type, 'DPoP');
  const jkt = await dpop.thumbprint();
  assert.deepEqual(claims(tokens.accessToken).cnf, { jkt });

  // Another key cannot use the bound refresh token (and it stays good for its owner).
  const thief = new RefreshSession({
    issuer: gh.issuer,
    clientId: spa.clientId,
    refreshToken: tokens.refreshToken as string,
    dpop: await dpopKey(),
  });
  await assert.rejects(
    thief.refresh(),
    (err: unknown) => err instanceof OAuthError && err.error === 'invalid_grant',
  );

  const session = new RefreshSession({ issuer: gh.issuer, clientId: spa.clientId, tokens, dpop });
  const refreshed = await session.refresh();
  assert.notEqual(refreshed.accessToken, tokens.accessToken);
  assert.deepEqual(claims(refreshed.accessToken).cnf, { jkt });
  const res = await authFetch(session)(`${apiBase}/users`, { method: 'POST' });
  assert.equal(res.status, 200);
});
