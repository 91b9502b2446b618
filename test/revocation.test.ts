import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createVerifier, ResourceServerError, revocationHash } from '@gatehouse/resource-server';
import { decodeJwt } from 'jose';
import { startDemoApi } from '../examples/demo-api/src/index.ts';
import { authorizationCodeTokens, msUntilStatus, PASSWORD } from './helpers/flows.ts';
import { freePort, type LiveGatehouse, liveGatehouse } from './helpers/live-gatehouse.ts';

// Revocation that reaches JWTs: the demo API follows Gatehouse's revocation feed (stream
// mode) and refuses a revoked grant's tokens within a second, with no call per request.
let gh: LiveGatehouse;
let api: Awaited<ReturnType<typeof startDemoApi>>;
const REDIRECT = 'https://client.example/callback';

before(async () => {
  gh = await liveGatehouse();
  api = await startDemoApi({
    issuer: gh.issuer,
    audience: gh.audience,
    host: '127.0.0.1',
    port: 0,
    verifier: { revocation: { mode: 'stream' } },
  });
  await gh.ts.gh.companies.createUser(
    { email: 'ada@acme.test', password: PASSWORD, companyId: gh.ts.companyId, role: 'admin' },
    'test',
  );
});
after(async () => {
  await api.close();
  await gh.close();
});

async function status(accessToken: string): Promise<number> {
  const res = await fetch(`${api.url}/users/v1/users`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await res.arrayBuffer();
  return res.status;
}

async function userTokens() {
  const app = await gh.createApp({
    type: 'partner',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['users.read'],
    redirectUris: [REDIRECT],
  });
  const tokens = await authorizationCodeTokens(gh, {
    ...app,
    email: 'ada@acme.test',
    redirectUri: REDIRECT,
    scope: 'users.read',
  });
  return { app, tokens, claims: decodeJwt(tokens.access_token) };
}

test('revoking a grant makes the demo API refuse its JWTs in under 1 s (measured)', async (t) => {
  const { tokens, claims } = await userTokens();
  assert.equal(typeof claims.gid, 'string');
  assert.equal(typeof claims.fid, 'string');
  // Verified and cached: the refusal must come from the feed, not from a cache miss.
  assert.equal(await status(tokens.access_token), 200);
  assert.equal(await status(tokens.access_token), 200);
  const start = performance.now();
  await gh.ts.gh.grants.revoke(gh.ts.companyId, claims.gid as string, 'test');
  const ms = await msUntilStatus(() => status(tokens.access_token), 401, 1000, start);
  assert.ok(ms < 1000, `refused after ${Math.round(ms)} ms`);
  t.diagnostic(`grant revocation reached the demo API in ${Math.round(ms)} ms`);
  const res = await fetch(`${api.url}/users/v1/users`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.match(
    res.headers.get('www-authenticate') ?? '',
    /error="invalid_token", error_description="the access token has been revoked"/,
  );
});

test('deleting an app refuses its tokens', async () => {
  const app = await gh.createApp({ scopes: ['users.read'] });
  const accessToken = await gh.token(app);
  assert.equal(await status(accessToken), 200);
  await gh.ts.gh.apps.delete(gh.ts.companyId, app.appId, 'test');
  await msUntilStatus(() => status(accessToken), 401, 2000);
});

test('a single revoked jti is refused; a sibling token of the same app is not', async () => {
  const app = await gh.createApp({ scopes: ['users.read'] });
  const one = await gh.token(app);
  const two = await gh.token(app);
  assert.equal(await status(one), 200);
  const jti = decodeJwt(one).jti as string;
  await gh.ts.gh.storage.recordRevocations([
    { kind: 'jti', hash: await revocationHash('jti', jti), expiresAt: new Date(Date.now() + 3_600_000) },
  ]);
  await msUntilStatus(() => status(one), 401, 2000);
  assert.equal(await status(two), 200);
});

test('a revoked refresh family refuses the access tokens it issued, by their fid alone', async () => {
  const { tokens, claims } = await userTokens();
  assert.equal(await status(tokens.access_token), 200);
  // Only the family entry (revokeRefreshFamily also lists each jti): the fid claim must suffice.
  await gh.ts.gh.storage.recordRevocations([
    {
      kind: 'family',
      hash: await revocationHash('family', claims.fid as string),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  ]);
  await msUntilStatus(() => status(tokens.access_token), 401, 2000);
});

test('poll mode picks revocations up too', async () => {
  const v = createVerifier({
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { mode: 'poll', pollIntervalMs: 50 },
  });
  try {
    const app = await gh.createApp({ scopes: ['users.read'] });
    const accessToken = await gh.token(app);
    await v.verify(accessToken);
    await gh.ts.gh.apps.delete(gh.ts.companyId, app.appId, 'test');
    const code = async () =>
      v.verify(accessToken).then(
        () => 200,
        (e: ResourceServerError) => (e.code === 'token_revoked' ? 401 : 500),
      );
    await msUntilStatus(code, 401, 2000);
    assert.equal(v.revocations?.status().streaming, false);
  } finally {
    v.close();
  }
});

test('a feed out of reach fails open by default, closed with failClosedAfterMs (503)', async () => {
  const app = await gh.createApp({ scopes: ['users.read'] });
  const accessToken = await gh.token(app);
  const deadFeed = `http://127.0.0.1:${await freePort()}/oauth2/revocations`;
  const open = createVerifier({
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { feedUrl: deadFeed },
  });
  const closed = createVerifier({
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { feedUrl: deadFeed, failClosedAfterMs: 100, pollIntervalMs: 50 },
  });
  try {
    assert.equal((await open.verify(accessToken)).client_id, app.clientId);
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(closed.verify(accessToken), (err: unknown) => {
      assert.ok(err instanceof ResourceServerError);
      assert.equal(err.code, 'revocation_unavailable');
      assert.equal(err.status, 503);
      assert.equal(err.wwwAuthenticate('api'), undefined);
      return true;
    });
    assert.ok((closed.revocations?.status().staleForMs ?? 0) > 100);
    assert.equal((await open.verify(accessToken)).client_id, app.clientId);
  } finally {
    open.close();
    closed.close();
  }
});

test('fail-closed never refuses while the stream is connected, however quiet the feed', async () => {
  const app = await gh.createApp({ scopes: ['users.read'] });
  const accessToken = await gh.token(app);
  const v = createVerifier({
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { failClosedAfterMs: 100 },
  });
  try {
    await v.verify(accessToken);
    await new Promise((r) => setTimeout(r, 300));
    // Streaming: fresh however long since the last event.
    assert.equal(v.revocations?.status().streaming, true);
    assert.equal((await v.verify(accessToken)).client_id, app.clientId);
  } finally {
    v.close();
  }
});

test('a dropped stream reconnects and catches up: revocations made while it was down still land', async () => {
  const app = await gh.createApp({ scopes: ['users.read'] });
  const accessToken = await gh.token(app);
  const v = createVerifier({
    issuer: gh.issuer,
    audience: gh.audience,
    revocation: { pollIntervalMs: 5000 },
  });
  try {
    await v.verify(accessToken);
    await msUntilStatus(async () => (v.revocations?.status().streaming ? 1 : 0), 1, 2000);
    // Cut every connection, the event stream included, then revoke before it can reconnect.
    gh.ts.http.server.closeAllConnections();
    await gh.ts.gh.apps.delete(gh.ts.companyId, app.appId, 'test');
    const code = async () =>
      v.verify(accessToken).then(
        () => 200,
        (e: ResourceServerError) => (e.code === 'token_revoked' ? 401 : 500),
      );
    await msUntilStatus(code, 401, 3000);
    await msUntilStatus(async () => (v.revocations?.status().streaming ? 1 : 0), 1, 3000);
  } finally {
    v.close();
  }
});
