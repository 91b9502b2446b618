import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Browser, decide, signIn } from '../../server/test/browser.ts';
import {
  buildAuthorizationUrl,
  CallbackError,
  exchangeCode,
  OAuthError,
  RefreshSession,
  TokenResponseError,
  type TokenSet,
  validateCallback,
} from '../src/index.ts';
import { claims, type LiveGatehouse, liveGatehouse } from './live.ts';

const TOKEN = '/oauth2/token';
const REDIRECT = 'https://partner.example/callback';
const PASSWORD = 'correct horse battery staple';
let gh: LiveGatehouse;
let app: { clientId: string; clientSecret: string };

before(async () => {
  gh = await liveGatehouse();
  app = await gh.ts.createApp({
    name: 'Timekeeper',
    type: 'partner',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['users.read', 'users.write'],
    redirectUris: [REDIRECT],
  });
  await gh.ts.gh.companies.createUser(
    { email: 'ada@acme.test', password: PASSWORD, companyId: gh.ts.companyId, role: 'admin' },
    'test',
  );
});
after(() => gh.close());

/** Drives the real /oauth2/authorize pages: sign in, then Grant or Deny. */
async function authorize(url: URL, decision: 'grant' | 'deny' = 'grant'): Promise<string> {
  const b = new Browser(gh.ts.http);
  const login = await b.follow('GET', `${url.pathname}${url.search}`);
  const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
  const done = await decide(b, consent.res.body, decision);
  assert.ok(
    done.location?.startsWith(REDIRECT),
    `expected a redirect to the client, got ${done.res.statusCode}`,
  );
  return done.location as string;
}

async function signedInTokens(): Promise<TokenSet> {
  const request = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
    scope: ['users.read', 'openid'],
  });
  const { code } = validateCallback(await authorize(request.url), {
    state: request.state,
    issuer: gh.issuer,
  });
  return exchangeCode({
    issuer: gh.issuer,
    ...app,
    code,
    redirectUri: REDIRECT,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

test('the authorization URL carries state, nonce and an S256 challenge; the code is exchanged', async () => {
  const request = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
  });
  assert.equal(request.url.origin + request.url.pathname, `${gh.issuer}/oauth2/authorize`);
  const p = request.url.searchParams;
  assert.equal(p.get('state'), request.state);
  assert.equal(p.get('nonce'), request.nonce);
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.match(request.codeVerifier, /^[A-Za-z0-9_-]{43}$/);

  const tokens = await signedInTokens();
  assert.deepEqual(tokens.scope?.split(' ').sort(), ['openid', 'users.read']);
  assert.ok(tokens.refreshToken);
  assert.ok(tokens.idToken, 'openid in the scope brings an id_token whose nonce was checked');
  assert.equal(claims(tokens.accessToken).company_id, gh.ts.companyId);

  const again = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
    scope: 'openid users.read',
  });
  const { code } = validateCallback(await authorize(again.url), { state: again.state, issuer: gh.issuer });
  await assert.rejects(
    exchangeCode({
      issuer: gh.issuer,
      ...app,
      code,
      redirectUri: REDIRECT,
      codeVerifier: again.codeVerifier,
      nonce: request.nonce,
    }),
    (err: unknown) => err instanceof TokenResponseError && /nonce/.test(err.message),
  );
});

test('a wrong state, a wrong or missing iss, and a Deny are rejected with typed errors', async () => {
  const request = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
  });
  const callback = new URL(await authorize(request.url));
  assert.throws(
    () => validateCallback(callback, { state: 'another-tab', issuer: gh.issuer }),
    (err: unknown) => err instanceof CallbackError && err.code === 'state_mismatch',
  );
  assert.throws(
    () => validateCallback(callback, { state: request.state, issuer: 'https://evil.example' }),
    (err: unknown) => err instanceof CallbackError && err.code === 'issuer_mismatch',
  );
  const noIss = new URL(callback);
  noIss.searchParams.delete('iss');
  assert.throws(
    () => validateCallback(noIss, { state: request.state, issuer: gh.issuer }),
    (err: unknown) => err instanceof CallbackError && err.code === 'issuer_missing',
  );
  assert.ok(validateCallback(callback, { state: request.state, issuer: gh.issuer }).code);

  const denied = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
  });
  const back = await authorize(denied.url, 'deny');
  assert.throws(
    () => validateCallback(back, { state: denied.state, issuer: gh.issuer }),
    (err: unknown) => err instanceof OAuthError && err.error === 'access_denied',
  );
});

test('a wrong PKCE verifier fails the exchange, and the exchange is not retried on 5xx', async () => {
  const request = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
  });
  const { code } = validateCallback(await authorize(request.url), {
    state: request.state,
    issuer: gh.issuer,
  });
  const other = await buildAuthorizationUrl({
    issuer: gh.issuer,
    clientId: app.clientId,
    redirectUri: REDIRECT,
  });
  const exchange = (codeVerifier: string) =>
    exchangeCode({ issuer: gh.issuer, ...app, code, redirectUri: REDIRECT, codeVerifier });
  gh.inject(TOKEN, 1, { status: 502 });
  const before = gh.count(TOKEN);
  await assert.rejects(
    exchange(request.codeVerifier),
    (err: unknown) => (err as { status?: number }).status === 502,
  );
  assert.equal(gh.count(TOKEN) - before, 1);
  await assert.rejects(
    exchange(other.codeVerifier),
    (err: unknown) => err instanceof OAuthError && err.error === 'invalid_grant',
  );
});

test('concurrent refreshes in one process cause one rotation, and the family stays alive', async () => {
  const tokens = await signedInTokens();
  const stored: string[] = [];
  const session = new RefreshSession({
    issuer: gh.issuer,
    ...app,
    tokens,
    onRotate: (t) => {
      stored.push(t.refreshToken as string);
    },
  });
  assert.equal(await session.getToken(), tokens.accessToken, 'a fresh access token needs no refresh');
  const before = gh.count(TOKEN);
  const results = await Promise.all(Array.from({ length: 25 }, () => session.refresh()));
  assert.equal(gh.count(TOKEN) - before, 1);
  assert.equal(new Set(results.map((r) => r.refreshToken)).size, 1);
  assert.notEqual(session.refreshToken, tokens.refreshToken);
  assert.deepEqual(stored, [session.refreshToken]);

  // A rejected access token (a 401 from an API) makes the next getToken rotate once more.
  const current = await session.getToken();
  session.invalidate(current);
  const next = await Promise.all(Array.from({ length: 10 }, () => session.getToken()));
  assert.equal(new Set(next).size, 1);
  assert.notEqual(next[0], current);
  assert.equal(gh.count(TOKEN) - before, 2);
  assert.equal(stored.length, 2);

  // Had any rotation spent a refresh token twice, Gatehouse would have revoked the family.
  const resumed = new RefreshSession({ issuer: gh.issuer, ...app, refreshToken: session.refreshToken });
  assert.ok(claims(await resumed.getToken()).jti);
  // Rotated once more, the old session's token is no longer the one rotated last: presenting
  // it is no retry within Gatehouse's refresh reuse window but reuse.
  await resumed.refresh();

  // The old session's token is now spent: presenting it is reuse, and the session ends.
  await assert.rejects(
    session.refresh(),
    (err: unknown) => err instanceof OAuthError && err.error === 'invalid_grant',
  );
  await assert.rejects(session.getToken(), (err: unknown) => err instanceof OAuthError);
});
