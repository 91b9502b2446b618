import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isWrite } from '../../src/console/api/route.ts';
import type { TestServer } from '../helpers.ts';
import {
  callFor,
  NO_WEBHOOK_DELIVERY,
  routes,
  signedIn,
  type Tenant,
  tenant,
  testServer,
} from './fixtures.ts';

const label = (r: (typeof routes)[number]) => `${r.method} /api/v1${r.url}`;

describe('management API: authentication and roles on every route', () => {
  let t: TestServer;
  let a: Tenant;
  let b: Tenant;
  before(async () => {
    t = await testServer({ config: NO_WEBHOOK_DELIVERY });
    a = await tenant(t, 'A');
    b = await tenant(t, 'B');
  });
  after(() => t.close());

  const send = (call: ReturnType<typeof callFor>, headers: Record<string, string>) =>
    t.http.inject({
      method: call.method,
      url: call.url,
      headers,
      ...(call.payload ? { payload: call.payload } : {}),
    });

  for (const r of routes) {
    it(`${label(r)}: 401 without credentials, with a malformed, unknown or revoked key`, async () => {
      const revoked = await tenant(t, 'revoked');
      await t.http.inject({
        method: 'DELETE',
        url: `/api/v1/admin-keys/${revoked.keyId}`,
        headers: { authorization: `Bearer ${revoked.key}` },
      });
      for (const headers of <Array<Record<string, string>>>[
        {},
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: 'Bearer gtha_not-a-key-we-issued' },
        { authorization: `Bearer ${a.key}x` },
        { authorization: `Bearer ${revoked.key}` },
      ]) {
        const res = await send(callFor(r, a), headers);
        assert.equal(res.statusCode, 401, `${JSON.stringify(headers)}: ${res.body}`);
        assert.equal(res.json().error, 'unauthorized');
        assert.match(String(res.headers['www-authenticate']), /^Bearer realm="gatehouse-management"/);
      }
    });

    it(`${label(r)}: works with the company's admin key`, async () => {
      const x = await tenant(t, 'fresh');
      const res = await send(callFor(r, x), { authorization: `Bearer ${x.key}` });
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${res.statusCode} ${res.body}`);
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    it(`${label(r)}: a signed-in admin needs the CSRF token on writes`, async () => {
      const x = await tenant(t, 'session');
      const admin = await signedIn(t, x.companyId, 'admin');
      if (isWrite(r)) {
        for (const csrf of [undefined, 'forged', admin.csrf.slice(0, -1)]) {
          const res = await send(callFor(r, x), {
            cookie: admin.cookie,
            ...(csrf ? { 'x-csrf-token': csrf } : {}),
          });
          assert.equal(res.statusCode, 403, res.body);
          assert.equal(res.json().error, 'invalid_csrf_token');
        }
      }
      const res = await send(callFor(r, x), { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${res.statusCode} ${res.body}`);
    });

    it(`${label(r)}: a member ${isWrite(r) ? 'gets 403 admin_required' : 'may read'}`, async () => {
      const member = await signedIn(t, a.companyId, 'member');
      const res = await send(callFor(r, a), { cookie: member.cookie, 'x-csrf-token': member.csrf });
      if (isWrite(r)) {
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().error, 'admin_required');
      } else assert.equal(res.statusCode, 200, res.body);
    });

    it(`${label(r)}: a session naming a company the user is not in gets 404`, async () => {
      const admin = await signedIn(t, a.companyId, 'admin');
      const res = await send(callFor(r, b), {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'x-company-id': b.companyId,
      });
      assert.equal(res.statusCode, 404, res.body);
    });
  }

  it('an anonymous or expired session is 401; a user in several companies must name one', async () => {
    const anon = await t.gh.sessions.startAnonymous();
    const res = await t.http.inject({
      url: '/api/v1/company',
      headers: { cookie: `gatehouse_session=${anon.token}` },
    });
    assert.equal(res.statusCode, 401);
    const admin = await signedIn(t, a.companyId, 'admin');
    await t.gh.companies.addMembership(admin.userId, b.companyId, 'member', 'test');
    const ambiguous = await t.http.inject({ url: '/api/v1/company', headers: { cookie: admin.cookie } });
    assert.equal(ambiguous.statusCode, 400);
    assert.equal(ambiguous.json().error, 'company_required');
    const named = await t.http.inject({
      url: '/api/v1/company',
      headers: { cookie: admin.cookie, 'x-company-id': b.companyId },
    });
    assert.equal(named.json().id, b.companyId);
    assert.equal(named.json().role, 'member');
  });

  it('admin-key changes are audited as admin_key:<id>, session changes as user:<id>', async () => {
    const x = await tenant(t, 'audit');
    await t.http.inject({
      method: 'POST',
      url: `/api/v1/apps/${x.appId}/rotate-secret`,
      headers: { authorization: `Bearer ${x.key}` },
    });
    const admin = await signedIn(t, x.companyId, 'admin');
    await t.http.inject({
      method: 'POST',
      url: `/api/v1/grants/${x.grantId}/revoke`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    const res = await t.http.inject({
      url: '/api/v1/audit-events',
      headers: { authorization: `Bearer ${x.key}` },
    });
    const events = res.json().items as Array<{ actor: string; action: string; target: string }>;
    const rotated = events.find((e) => e.action === 'app.secret_rotated' && e.actor !== 'test');
    assert.equal(rotated?.actor, `admin_key:${x.keyId}`);
    assert.equal(rotated?.target, `app:${x.appId}`);
    assert.equal(events.find((e) => e.action === 'grant.revoked')?.actor, `user:${admin.userId}`);
  });

  it('plan gating: creating an app on a plan without it is 403 plan_required', async () => {
    const free = await tenant(t, 'Free', 'free');
    const headers = { authorization: `Bearer ${free.key}` };
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers,
      payload: { name: 'Blocked', scopes: ['users.read'] },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error, 'plan_required');
    assert.match(res.json().error_description, /pro or enterprise/);
    const company = await t.http.inject({ url: '/api/v1/company', headers });
    assert.deepEqual(company.json().features, { create_apps: false, grant_access: false });
    assert.equal(company.json().plan, 'free');
  });
});
