import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningDemoApi, startDemoApi } from '../../../../examples/demo-api/src/index.ts';
import { liveGatehouse } from '../../../../test/helpers/live-gatehouse.ts';
import { type TestServer, testServer } from '../helpers.ts';
import {
  type Creds,
  clientCredentialsToken,
  delegatedTokens,
  introspect,
  partnerApp,
  refresh,
  revoke,
} from './helpers.ts';

/**
 * The lifecycle issue's first check, end to end: revoke each kind of token at
 * POST /oauth2/revoke (RFC 7009), then introspection says inactive and the demo API, which
 * verifies with @gatehouse/resource-server and follows the revocation feed, refuses it.
 */
describe('revocation reaches the API for every token kind', () => {
  let t: TestServer;
  let api: RunningDemoApi;
  let jwtApp: Creds;
  let opaqueApp: Creds;
  let partner: Creds;

  before(async () => {
    const { ts, url } = await liveGatehouse();
    t = ts;
    jwtApp = await t.createApp({ scopes: ['users.read'] });
    opaqueApp = await t.createApp({ scopes: ['users.read'], tokenFormat: 'opaque' });
    partner = await partnerApp(t);
    api = await startDemoApi({
      issuer: url,
      audience: t.config.audience,
      host: '127.0.0.1',
      port: 0,
      // Opaque tokens are checked by introspection; an app may introspect its own tokens.
      verifier: { introspection: { clientId: opaqueApp.clientId, clientSecret: opaqueApp.clientSecret } },
    });
  });
  after(async () => {
    await api?.close();
    await t?.close();
  });

  const status = async (token: string) =>
    (await fetch(`${api.url}/users/v1/users`, { headers: { authorization: `Bearer ${token}` } })).status;

  /** Polls the API until it refuses the token; fails after a second. */
  async function refusedWithinASecond(token: string) {
    const started = Date.now();
    let s = await status(token);
    while (s === 200 && Date.now() - started < 1000) {
      await new Promise((r) => setTimeout(r, 20));
      s = await status(token);
    }
    assert.equal(s, 401, `still accepted ${Date.now() - started} ms after the revocation`);
  }

  it('a JWT access token', async () => {
    const token = await clientCredentialsToken(t, jwtApp);
    assert.equal(await status(token), 200);
    await revoke(t, jwtApp, token);
    assert.deepEqual(await introspect(t, jwtApp, token), { active: false });
    await refusedWithinASecond(token);
  });

  it('an opaque access token', async () => {
    const token = await clientCredentialsToken(t, opaqueApp);
    assert.match(token, /^gtht_/);
    assert.equal(await status(token), 200);
    await revoke(t, opaqueApp, token, 'access_token');
    assert.deepEqual(await introspect(t, opaqueApp, token), { active: false });
    await refusedWithinASecond(token);
  });

  it('a refresh token: its family and the access tokens issued from it', async () => {
    const tokens = await delegatedTokens(t, partner);
    assert.equal(await status(tokens.access_token), 200);
    await revoke(t, partner, tokens.refresh_token, 'refresh_token');
    assert.deepEqual(await introspect(t, partner, tokens.refresh_token), { active: false });
    assert.deepEqual(await introspect(t, partner, tokens.access_token), { active: false });
    await refusedWithinASecond(tokens.access_token);
    const again = await refresh(t, partner, tokens.refresh_token);
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error, 'invalid_grant');
  });
});

describe('grant usage', () => {
  it('a delegated token stamps its grant as used (Connected Apps "last used")', async () => {
    const t = await testServer();
    try {
      const partner = await partnerApp(t);
      await delegatedTokens(t, partner);
      await t.gh.grantLastUsed.flush();
      const [connected] = await t.gh.grants.connectedApps(t.companyId);
      assert.ok(connected?.grant.lastUsedAt, 'last used is set');
      assert.ok(Date.now() - (connected?.grant.lastUsedAt?.getTime() ?? 0) < 60_000);
    } finally {
      await t.close();
    }
  });
});
