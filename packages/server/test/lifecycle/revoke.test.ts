import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { revocationHash } from '../../src/tokens/revocation-keys.ts';
import { sha256 } from '../../src/util/hash.ts';
import { FORM, type TestServer, testServer } from '../helpers.ts';
import {
  type Creds,
  clientCredentialsToken,
  delegatedTokens,
  feedHashes,
  introspect,
  partnerApp,
  post,
  refresh,
  revoke,
} from './helpers.ts';

describe('POST /oauth2/revoke (RFC 7009)', () => {
  let t: TestServer;
  let app: Creds;
  let other: Creds;

  before(async () => {
    t = await testServer();
    app = await t.createApp({ name: 'Sync' });
    other = await t.createApp({ name: 'Other' });
  });
  after(() => t.close());

  it('revokes a JWT access token by its jti: introspection says inactive, the feed carries it', async () => {
    const token = await clientCredentialsToken(t, app);
    assert.equal((await introspect(t, app, token)).active, true);
    await revoke(t, app, token);
    assert.deepEqual(await introspect(t, app, token), { active: false });
    const jti = decodeJwt(token).jti as string;
    assert.ok((await feedHashes(t)).has(revocationHash('jti', jti)));
    assert.equal(await t.gh.storage.isAccessTokenRevoked(jti), true);
    // Revoking again is still a 200 and writes nothing twice.
    const before = (await feedHashes(t)).size;
    await revoke(t, app, token, 'access_token');
    assert.equal((await feedHashes(t)).size, before);
  });

  it('revokes an opaque access token', async () => {
    const opaque = await t.createApp({ name: 'Opaque', tokenFormat: 'opaque' });
    const token = await clientCredentialsToken(t, opaque);
    assert.match(token, /^gtht_[A-Za-z0-9_-]{43}$/);
    const info = await introspect(t, opaque, token);
    assert.equal(info.active, true);
    await revoke(t, opaque, token);
    assert.deepEqual(await introspect(t, opaque, token), { active: false });
    assert.ok((await feedHashes(t)).has(revocationHash('jti', info.jti as string)));
  });

  it('a refresh token revokes its family: the refresh token and the access tokens issued from it', async () => {
    const partner = await partnerApp(t, { name: 'Partner' });
    const first = await delegatedTokens(t, partner);
    const rotated = await refresh(t, partner, first.refresh_token);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const second = rotated.json() as { access_token: string; refresh_token: string };
    const fid = decodeJwt(second.access_token).fid as string;
    assert.equal(decodeJwt(first.access_token).fid, fid);

    await revoke(t, partner, second.refresh_token, 'refresh_token');
    for (const token of [first.access_token, second.access_token, second.refresh_token])
      assert.deepEqual(await introspect(t, partner, token), { active: false });
    const refused = await refresh(t, partner, second.refresh_token);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, 'invalid_grant');
    const feed = await feedHashes(t);
    assert.ok(feed.has(revocationHash('family', fid)));
    for (const token of [first.access_token, second.access_token])
      assert.ok(feed.has(revocationHash('jti', decodeJwt(token).jti as string)));
  });

  it('the hint is only a hint: a wrong or unknown hint still revokes the token', async () => {
    const token = await clientCredentialsToken(t, app);
    await revoke(t, app, token, 'refresh_token');
    assert.deepEqual(await introspect(t, app, token), { active: false });
    const partner = await partnerApp(t, { name: 'Hinted' });
    const tokens = await delegatedTokens(t, partner);
    await revoke(t, partner, tokens.refresh_token, 'something_else');
    assert.deepEqual(await introspect(t, partner, tokens.refresh_token), { active: false });
  });

  it("another client's token: 200 and nothing changes", async () => {
    const token = await clientCredentialsToken(t, app);
    const partner = await partnerApp(t, { name: 'Victim' });
    const tokens = await delegatedTokens(t, partner);
    const feed = await feedHashes(t);
    for (const victim of [token, tokens.refresh_token, tokens.access_token]) await revoke(t, other, victim);
    assert.deepEqual(await feedHashes(t), feed);
    assert.equal((await introspect(t, app, token)).active, true);
    assert.equal((await introspect(t, partner, tokens.access_token)).active, true);
    assert.equal((await introspect(t, partner, tokens.refresh_token)).active, true);
  });

  it('an unknown, forged or malformed token: 200 and nothing changes', async () => {
    const feed = await feedHashes(t);
    const payload = Buffer.from(JSON.stringify({ jti: 'at_x', client_id: app.clientId })).toString(
      'base64url',
    );
    for (const token of [
      'gtht_unknown',
      'gthr_unknown',
      `eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.${payload}.`,
      'x'.repeat(9000),
    ])
      await revoke(t, app, token);
    assert.deepEqual(await feedHashes(t), feed);
  });

  it('a public client revokes its own refresh token with client_id alone', async () => {
    const spa = await partnerApp(t, { name: 'SPA', clientType: 'public' });
    assert.equal((await t.gh.apps.findByClientId(spa.clientId))?.clientType, 'public');
    const tokens = await delegatedTokens(t, spa, { publicClient: true });
    const res = await post(t, '/oauth2/revoke', undefined, {
      token: tokens.refresh_token,
      client_id: spa.clientId,
    });
    assert.equal(res.statusCode, 200);
    const family = await t.gh.storage.getRefreshToken(sha256(tokens.refresh_token));
    assert.notEqual(family?.family.revokedAt, null);
  });

  it('refuses a request without client authentication (401 invalid_client)', async () => {
    const token = await clientCredentialsToken(t, app);
    const res = await post(t, '/oauth2/revoke', undefined, { token });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_client');
    const wrong = await post(t, '/oauth2/revoke', { ...app, clientSecret: 'gths_wrong' }, { token });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error, 'invalid_client');
    assert.match(String(wrong.headers['www-authenticate']), /^Basic/);
    assert.equal((await introspect(t, app, token)).active, true);
  });

  it('requires the token parameter and a form body', async () => {
    const missing = await post(t, '/oauth2/revoke', app, {});
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error, 'invalid_request');
    const json = await t.http.inject({
      method: 'POST',
      url: '/oauth2/revoke',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ token: 'x', client_id: app.clientId, client_secret: app.clientSecret }),
    });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error, 'invalid_request');
    const get = await t.http.inject({ method: 'GET', url: '/oauth2/revoke', headers: FORM });
    assert.equal(get.statusCode, 405);
  });
});
