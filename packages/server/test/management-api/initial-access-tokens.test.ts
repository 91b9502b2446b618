import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers.ts';
import { NO_WEBHOOK_DELIVERY, signedIn, type Tenant, tenant, testServer } from './fixtures.ts';

describe('management API: initial access tokens (dynamic client registration)', () => {
  let t: TestServer;
  let a: Tenant;
  let b: Tenant;
  before(async () => {
    t = await testServer({ config: NO_WEBHOOK_DELIVERY });
    a = await tenant(t, 'A');
    b = await tenant(t, 'B');
  });
  after(() => t.close());

  const auth = (x: Tenant) => ({ authorization: `Bearer ${x.key}` });

  it('creates one (shown once), lists it without the token, registers with it, revokes it', async () => {
    const created = await t.http.inject({
      method: 'POST',
      url: '/api/v1/initial-access-tokens',
      headers: auth(a),
      payload: {
        name: 'Shiftly onboarding',
        allowed_grant_types: ['client_credentials'],
        allowed_scopes: ['users.read'],
        redirect_uri_patterns: ['https://shiftly.example/*'],
        max_apps: 2,
        expires_in: 3600,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.match(body.token, /^gthia_/);
    assert.equal(body.last4, body.token.slice(-4));
    assert.deepEqual(body.allowed_scopes, ['users.read']);
    assert.equal(body.max_apps, 2);
    assert.equal(body.uses, 0);
    assert.equal(body.status, 'active');
    assert.ok(Math.abs(Date.parse(body.expires_at) - Date.now() - 3_600_000) < 60_000);

    const list = await t.http.inject({ url: '/api/v1/initial-access-tokens', headers: auth(a) });
    const listed = list.json().items.find((i: { id: string }) => i.id === body.id);
    assert.equal(listed.token, undefined, 'never the token again');
    assert.doesNotMatch(list.body, new RegExp(body.token));
    assert.ok(
      !(await t.http.inject({ url: '/api/v1/initial-access-tokens', headers: auth(b) })).body.includes(
        body.id,
      ),
    );

    const reg = await t.http.inject({
      method: 'POST',
      url: '/oauth2/register',
      headers: { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' },
      payload: { client_name: 'Shiftly', grant_types: ['client_credentials'], scope: 'users.read' },
    });
    assert.equal(reg.statusCode, 201, reg.body);
    const clientId = reg.json().client_id;
    // The registered app shows as such in the apps API.
    const app = await t.http.inject({ url: `/api/v1/apps/${clientId}`, headers: auth(a) });
    assert.equal(app.json().registration, 'dynamic');
    assert.equal(app.json().initial_access_token_id, body.id);
    const byHand = await t.http.inject({ url: `/api/v1/apps/${a.appId}`, headers: auth(a) });
    assert.equal(byHand.json().registration, 'manual');
    assert.equal(byHand.json().initial_access_token_id, null);

    assert.equal(
      (
        await t.http.inject({
          method: 'DELETE',
          url: `/api/v1/initial-access-tokens/${body.id}`,
          headers: auth(b),
        })
      ).statusCode,
      404,
      'another company’s token',
    );
    const revoked = await t.http.inject({
      method: 'DELETE',
      url: `/api/v1/initial-access-tokens/${body.id}`,
      headers: auth(a),
    });
    assert.equal(revoked.statusCode, 204);
    const after = (await t.http.inject({ url: '/api/v1/initial-access-tokens', headers: auth(a) }))
      .json()
      .items.find((i: { id: string }) => i.id === body.id);
    assert.equal(after.status, 'revoked');
    assert.equal(after.uses, 1);
    const again = await t.http.inject({
      method: 'POST',
      url: '/oauth2/register',
      headers: { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' },
      payload: { grant_types: ['client_credentials'], scope: 'users.read' },
    });
    assert.equal(again.statusCode, 401);
    const audit = await t.gh.audit.list(a.companyId, { target: `initial_access_token:${body.id}` });
    assert.deepEqual(audit.items.map((e) => e.action).sort(), [
      'initial_access_token.created',
      'initial_access_token.revoked',
    ]);
  });

  it('refuses bad limits with validation_failed naming the field', async () => {
    for (const [payload, field] of [
      [{ allowed_scopes: ['nonsense.read'] }, 'allowed_scopes'],
      [{ allowed_grant_types: ['password'] }, 'allowed_grant_types'],
      [{ redirect_uri_patterns: ['https://app.example*'] }, 'redirect_uri_patterns'],
      [{ redirect_uri_patterns: ['http://app.example/*'] }, 'redirect_uri_patterns'],
    ] as const) {
      const res = await t.http.inject({
        method: 'POST',
        url: '/api/v1/initial-access-tokens',
        headers: auth(a),
        payload,
      });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error, 'validation_failed');
      assert.ok(field in res.json().fields, res.body);
    }
    const tooLong = await t.http.inject({
      method: 'POST',
      url: '/api/v1/initial-access-tokens',
      headers: auth(a),
      payload: { expires_in: 400 * 86_400 },
    });
    assert.equal(tooLong.statusCode, 400);
  });

  it('members may list but not create; a plan without app creation creates none', async () => {
    const member = await signedIn(t, a.companyId, 'member');
    const headers = { cookie: member.cookie, 'x-csrf-token': member.csrf, 'x-company-id': a.companyId };
    assert.equal((await t.http.inject({ url: '/api/v1/initial-access-tokens', headers })).statusCode, 200);
    const denied = await t.http.inject({
      method: 'POST',
      url: '/api/v1/initial-access-tokens',
      headers,
      payload: {},
    });
    assert.equal(denied.statusCode, 403);
    const free = await tenant(t, 'Free', 'free');
    const gated = await t.http.inject({
      method: 'POST',
      url: '/api/v1/initial-access-tokens',
      headers: auth(free),
      payload: {},
    });
    assert.equal(gated.statusCode, 403);
    assert.equal(gated.json().error, 'plan_required');
  });
});
