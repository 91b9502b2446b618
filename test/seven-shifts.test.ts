import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDemoApi } from '../examples/demo-api/src/index.ts';
import { adminOfTwoCompanies, companyGrant, msUntilStatus } from './helpers/flows.ts';
import { type LiveGatehouse, liveGatehouse } from './helpers/live-gatehouse.ts';

// The 7shifts guide (seeds/001): a company grant by an admin of two companies, then
// client_credentials with scope=v1_access, then API calls naming the company with
// x-company-guid. Real Gatehouse, real demo API, both listening on 127.0.0.1.
let gh: LiveGatehouse;
let api: Awaited<ReturnType<typeof startDemoApi>>;
let partner: { appId: string; clientId: string; clientSecret: string };
let second: string;
let guid: string;

const partnerApp = (name: string) => ({
  name,
  type: 'partner' as const,
  grantTypes: ['client_credentials' as const],
  grantDelivery: 'company_grant' as const,
  scopes: ['v1_access', 'users.read'],
  redirectUris: ['https://partner.example/7shifts/callback'],
});

before(async () => {
  gh = await liveGatehouse();
  api = await startDemoApi({ issuer: gh.issuer, audience: gh.audience, host: '127.0.0.1', port: 0 });
  second = await adminOfTwoCompanies(gh, 'owner@acme.test');
  partner = await gh.createApp(partnerApp('Payroll Partner'));
  ({ guid } = await companyGrant(gh, {
    clientId: partner.clientId,
    email: 'owner@acme.test',
    companyId: second,
  }));
});
after(async () => {
  await api.close();
  await gh.close();
});

/** The guide's token request: credentials in the form, scope=v1_access. */
async function token(app: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(`${gh.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'v1_access',
    }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { access_token: string; scope: string; expires_in: number };
  assert.equal(body.scope, 'v1_access');
  assert.equal(body.expires_in, 3600);
  return body.access_token;
}

interface Body {
  error?: string;
  data: {
    identity_id: string;
    company: { id: string };
    company_guid?: string;
    length: number;
    0: { id: string; guid?: string };
  };
}

async function call(path: string, accessToken: string, companyGuid?: string) {
  const res = await fetch(`${api.url}${path}`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      ...(companyGuid !== undefined ? { 'x-company-guid': companyGuid } : {}),
    },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}

test('the GUID and the token reach /v2/whoami and /v2/companies for the chosen company', async () => {
  assert.match(guid, /^[0-9a-f-]{36}$/);
  const accessToken = await token(partner);
  const whoami = await call('/v2/whoami', accessToken, guid);
  assert.equal(whoami.status, 200, JSON.stringify(whoami.body));
  assert.equal(whoami.body.data.identity_id, partner.clientId);
  assert.equal(whoami.body.data.company.id, second);
  assert.equal(whoami.body.data.company_guid, guid);
  const companies = await call('/v2/companies', accessToken, guid);
  assert.equal(companies.status, 200);
  assert.equal(companies.body.data.length, 1);
  assert.equal(companies.body.data[0].id, second);
  assert.equal(companies.body.data[0].guid, guid);
  // The same partner token reaches the users API of that company with the header too.
  assert.equal((await call('/users/v1/users', await gh.token(partner, 'users.read'), guid)).status, 200);
});

test('the token alone is not enough: 403 company_required, no Bearer challenge', async () => {
  const res = await call('/v2/whoami', await token(partner));
  assert.equal(res.status, 403);
  assert.equal(res.body.error, 'company_required');
  assert.equal(res.headers.get('www-authenticate'), null);
});

test("another app's GUID, an unknown GUID and a malformed one are 403 grant_not_found", async () => {
  const other = await gh.createApp(partnerApp('Other Partner'));
  const otherGrant = await companyGrant(gh, {
    clientId: other.clientId,
    email: 'owner@acme.test',
    companyId: second,
  });
  const accessToken = await token(partner);
  for (const g of [otherGrant.guid, crypto.randomUUID(), 'not a guid', 'x'.repeat(200)]) {
    const res = await call('/v2/whoami', accessToken, g);
    assert.equal(res.status, 403, g);
    assert.equal(res.body.error, 'grant_not_found');
  }
  // The other app does reach its own grant.
  assert.equal((await call('/v2/whoami', await token(other), otherGrant.guid)).status, 200);
});

test("an internal app's token naming another app's GUID is refused; without it, its own company", async () => {
  const internal = await gh.createApp({ scopes: ['v1_access'] });
  const res = await call('/v2/whoami', await gh.token(internal), guid);
  assert.equal(res.status, 403);
  assert.equal(res.body.error, 'grant_not_found');
  // Without the header the internal token reaches its own company.
  const own = await call('/v2/whoami', await gh.token(internal));
  assert.equal(own.status, 200);
  assert.equal(own.body.data.company.id, gh.ts.companyId);
});

test('a revoked grant is refused within a second, through the revocation feed', async () => {
  const app = await gh.createApp(partnerApp('Short Lived'));
  const grant = await companyGrant(gh, {
    clientId: app.clientId,
    email: 'owner@acme.test',
    companyId: second,
  });
  const accessToken = await token(app);
  assert.equal((await call('/v2/whoami', accessToken, grant.guid)).status, 200);
  const stored = await gh.ts.gh.storage.getGrantByGuid(grant.guid);
  const start = performance.now();
  await gh.ts.gh.grants.revoke(second, stored?.id as string, 'test');
  const ms = await msUntilStatus(
    async () => (await call('/v2/whoami', accessToken, grant.guid)).status,
    403,
    1000,
    start,
  );
  assert.ok(ms < 1000, `refused after ${ms} ms`);
  assert.equal((await call('/v2/whoami', accessToken, grant.guid)).body.error, 'grant_not_found');
});
