import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { type TestServer, testServer } from '../helpers.ts';
import {
  type Creds,
  clientCredentialsToken,
  delegatedTokens,
  introspect,
  partnerApp,
  post,
  revoke,
} from './helpers.ts';

describe('POST /oauth2/introspect (RFC 7662)', () => {
  let t: TestServer;
  let app: Creds;

  before(async () => {
    t = await testServer();
    app = await t.createApp({ name: 'Sync', scopes: ['users.read', 'users.write'] });
  });
  after(() => t.close());

  it('an active client-credentials JWT reports its claims', async () => {
    const token = await clientCredentialsToken(t, app);
    const claims = decodeJwt(token);
    assert.deepEqual(await introspect(t, app, token), {
      active: true,
      token_type: 'Bearer',
      scope: 'users.read users.write',
      client_id: app.clientId,
      sub: app.clientId,
      iss: t.config.issuer,
      aud: t.config.audience,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      company_id: t.companyId,
    });
  });

  it('a delegated token reports its user, company, grant id and grant GUID', async () => {
    const partner = await partnerApp(t, { name: 'Partner' });
    const tokens = await delegatedTokens(t, partner);
    const info = await introspect(t, partner, tokens.access_token);
    const grant = await t.gh.storage.getActiveGrant(partner.appId, t.companyId);
    assert.ok(grant);
    assert.equal(info.active, true);
    assert.equal(info.sub, tokens.userId);
    assert.equal(info.company_id, t.companyId);
    assert.equal(info.gid, grant.id);
    assert.equal(info.grant_guid, grant.guid);
    assert.equal(info.scope, 'users.read');
    const refreshInfo = await introspect(t, partner, tokens.refresh_token, 'refresh_token');
    assert.equal(refreshInfo.active, true);
    assert.equal(refreshInfo.token_type, 'refresh_token');
    assert.equal(refreshInfo.grant_guid, grant.guid);
    assert.equal(refreshInfo.client_id, partner.clientId);
  });

  it('revoking the grant (Connected Apps) makes its access and refresh tokens inactive', async () => {
    const partner = await partnerApp(t, { name: 'Revoked by admin' });
    const tokens = await delegatedTokens(t, partner);
    const grant = await t.gh.storage.getActiveGrant(partner.appId, t.companyId);
    assert.ok(grant);
    await t.gh.grants.revoke(t.companyId, grant.id, 'user:test');
    assert.deepEqual(await introspect(t, partner, tokens.access_token), { active: false });
    assert.deepEqual(await introspect(t, partner, tokens.refresh_token), { active: false });
  });

  it('deleting the app makes its tokens inactive (checked by a resource server)', async () => {
    const doomed = await t.createApp({ name: 'Doomed' });
    const doomedOpaque = await t.createApp({ name: 'Doomed opaque', tokenFormat: 'opaque' });
    const jwt = await clientCredentialsToken(t, doomed);
    const opaque = await clientCredentialsToken(t, doomedOpaque);
    const rs = await resourceServer(t);
    assert.equal((await introspect(rs.node, rs.creds, jwt)).active, true);
    assert.equal((await introspect(rs.node, rs.creds, opaque)).active, true);
    // Deleted through the node that answers, so its app cache hears of it at once.
    await rs.node.gh.apps.delete(t.companyId, doomed.appId, 'test');
    await rs.node.gh.apps.delete(t.companyId, doomedOpaque.appId, 'test');
    assert.deepEqual(await introspect(rs.node, rs.creds, jwt), { active: false });
    assert.deepEqual(await introspect(rs.node, rs.creds, opaque), { active: false });
    await rs.close();
  });

  it('an expired token is inactive, JWT or opaque', async () => {
    for (const tokenFormat of ['jwt', 'opaque'] as const) {
      const creds = await t.createApp({ name: `Expired ${tokenFormat}`, tokenFormat, tokenTtl: 60 });
      const stored = await t.gh.apps.findByClientId(creds.clientId);
      assert.ok(stored);
      const issued = await t.gh.tokens.issueAccessToken({
        app: stored,
        subject: stored.clientId,
        scopes: ['users.read'],
        now: Date.now() - 120_000,
      });
      assert.deepEqual(await introspect(t, creds, issued.token), { active: false });
    }
  });

  it("another app's token is inactive to an app, active to a listed resource server", async () => {
    const nosy = await t.createApp({ name: 'Nosy' });
    const token = await clientCredentialsToken(t, app);
    assert.deepEqual(await introspect(t, nosy, token), { active: false });
    const rs = await resourceServer(t);
    const info = await introspect(rs.node, rs.creds, token);
    assert.equal(info.active, true);
    assert.equal(info.client_id, app.clientId);
    // Refresh tokens are shown only to their own app, never to a resource server.
    const partner = await partnerApp(t, { name: 'Private refresh' });
    const tokens = await delegatedTokens(t, partner);
    assert.deepEqual(await introspect(rs.node, rs.creds, tokens.refresh_token), { active: false });
    await rs.close();
  });

  it('garbage, forged and unknown tokens are inactive with nothing more', async () => {
    for (const token of ['gtht_nope', 'gthr_nope', 'a.b.c', 'x'.repeat(9000), 'eyJ']) {
      assert.deepEqual(await introspect(t, app, token), { active: false });
    }
  });

  it('refuses unauthenticated callers and public clients with 401 invalid_client', async () => {
    const token = await clientCredentialsToken(t, app);
    const anonymous = await post(t, '/oauth2/introspect', undefined, { token });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error, 'invalid_client');
    const spa = await partnerApp(t, { name: 'SPA', clientType: 'public' });
    const pub = await post(t, '/oauth2/introspect', undefined, { token, client_id: spa.clientId });
    assert.equal(pub.statusCode, 401);
    assert.equal(pub.json().error, 'invalid_client');
    const wrong = await post(t, '/oauth2/introspect', { ...app, clientSecret: 'gths_wrong' }, { token });
    assert.equal(wrong.statusCode, 401);
  });

  it('requires the token parameter and a form body', async () => {
    const missing = await post(t, '/oauth2/introspect', app, {});
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error, 'invalid_request');
    const json = await t.http.inject({
      method: 'POST',
      url: '/oauth2/introspect',
      headers: { 'content-type': 'application/json' },
      payload: '{"token":"x"}',
    });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error, 'invalid_request');
  });

  it('metadata names both endpoints and their client authentication methods', async () => {
    const meta = (
      await t.http.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })
    ).json();
    assert.equal(meta.revocation_endpoint, `${t.config.issuer}/oauth2/revoke`);
    assert.equal(meta.introspection_endpoint, `${t.config.issuer}/oauth2/introspect`);
    assert.deepEqual(meta.revocation_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ]);
    assert.deepEqual(meta.introspection_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
    ]);
  });

  it('a token revoked twice stays inactive', async () => {
    const token = await clientCredentialsToken(t, app);
    await revoke(t, app, token);
    await revoke(t, app, token);
    assert.deepEqual(await introspect(t, app, token), { active: false });
  });
});

/**
 * A second Gatehouse node on the same database whose config lists a resource-server app in
 * GATEHOUSE_INTROSPECTION_CLIENTS (the app must exist before the node starts).
 */
async function resourceServer(
  t: TestServer,
): Promise<{ creds: Creds; node: TestServer; close(): Promise<void> }> {
  const creds = await t.createApp({ name: 'Demo API' });
  const node = await testServer({
    storage: t.gh.storage,
    config: { introspectionClients: [creds.clientId] },
  });
  return { creds, node, close: () => node.close() };
}
