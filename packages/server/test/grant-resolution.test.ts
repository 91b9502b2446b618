import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';

// GET /oauth2/grants/:guid: resource servers resolve an x-company-guid with the partner's token.
let t: TestServer;
let partner: { appId: string; clientId: string; clientSecret: string };
let other: { appId: string; clientId: string; clientSecret: string };
let guid: string;
let grantId: string;

before(async () => {
  t = await testServer();
  const input = {
    type: 'partner' as const,
    grantTypes: ['client_credentials' as const],
    grantDelivery: 'company_grant' as const,
    scopes: ['v1_access'],
  };
  partner = await t.createApp({ ...input, name: 'Partner' });
  other = await t.createApp({ ...input, name: 'Other' });
  const app = await t.gh.storage.getApp(t.companyId, partner.appId);
  const grant = await t.gh.storage.upsertGrant({
    id: 'gr_test_1',
    guid: crypto.randomUUID(),
    appId: app?.id as string,
    companyId: t.companyId,
    scopes: ['v1_access'],
    grantedBy: 'test',
  });
  guid = grant.guid;
  grantId = grant.id;
});
after(() => t.close());

async function token(app: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await t.http.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
    payload: 'grant_type=client_credentials',
  });
  return res.json().access_token;
}

const resolve = (g: string, accessToken?: string) =>
  t.http.inject({
    method: 'GET',
    url: `/oauth2/grants/${encodeURIComponent(g)}`,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });

test("the partner's own token resolves its grant's GUID to the company", async () => {
  const res = await resolve(guid, await token(partner));
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.deepEqual(res.json(), {
    guid,
    company_id: t.companyId,
    client_id: partner.clientId,
    scope: 'v1_access',
    active: true,
  });
});

test("another app's token, an unknown or malformed GUID: the same 404 grant_not_found", async () => {
  const foreign = await resolve(guid, await token(other));
  const unknown = await resolve(crypto.randomUUID(), await token(partner));
  const malformed = await resolve('a b"<', await token(partner));
  for (const res of [foreign, unknown, malformed]) {
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), foreign.json());
    assert.equal(res.json().error, 'grant_not_found');
  }
});

test('no token, a bad token or an expired one is 401 invalid_token', async () => {
  assert.equal((await resolve(guid)).statusCode, 401);
  assert.equal((await resolve(guid, 'not.a.jwt')).statusCode, 401);
  const app = await t.gh.storage.getApp(t.companyId, partner.appId);
  const expired = await t.gh.tokens.issueAccessToken({
    app: app as NonNullable<typeof app>,
    subject: partner.clientId,
    scopes: ['v1_access'],
    now: Date.now() - 7_200_000,
  });
  const res = await resolve(guid, expired.token);
  assert.equal(res.statusCode, 401);
  assert.equal(res.json().error, 'invalid_token');
});

test('a revoked grant is 404', async () => {
  const accessToken = await token(partner);
  await t.gh.grants.revoke(t.companyId, grantId, 'test');
  const res = await resolve(guid, accessToken);
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error, 'grant_not_found');
});

test('a flood from one address is braked with 429 and Retry-After before any token is verified', async () => {
  const braked = await testServer({
    config: {
      tokenRateLimit: { perClient: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0.001, burst: 2 } },
    },
  });
  try {
    const ask = () =>
      braked.http.inject({
        method: 'GET',
        url: '/oauth2/grants/x',
        headers: { authorization: 'Bearer a.b.c' },
      });
    assert.equal((await ask()).statusCode, 401);
    assert.equal((await ask()).statusCode, 401);
    const res = await ask();
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error, 'too_many_requests');
    assert.ok(Number(res.headers['retry-after']) >= 1);
  } finally {
    await braked.close();
  }
});
