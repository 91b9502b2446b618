import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/util/hash.ts';
import type { TestServer } from '../helpers.ts';
import { callFor, NO_WEBHOOK_DELIVERY, routes, type Tenant, tenant, testServer } from './fixtures.ts';

const FORGED_CURSORS = [
  'zzz',
  Buffer.from('v2:1:app_aaaaaaaaaa').toString('base64url').replace(/.$/, '!'),
  Buffer.from("v2:1:app_aaaaaaaaaa' OR '1'='1").toString('base64url'),
  Buffer.from('v1:-1').toString('base64url'),
  Buffer.from('v2:99999999999999999999:app_aaaaaaaaaa').toString('base64url'),
  '%00',
];

describe('management API: company isolation, validation, cursors, scopes and secrets', () => {
  let t: TestServer;
  let a: Tenant;
  let b: Tenant;
  const as = (x: Tenant) => ({ authorization: `Bearer ${x.key}` });
  before(async () => {
    t = await testServer({ config: NO_WEBHOOK_DELIVERY });
    a = await tenant(t, 'A');
    b = await tenant(t, 'B');
  });
  after(() => t.close());

  for (const r of routes.filter((x) => x.url.includes(':id'))) {
    it(`${r.method} /api/v1${r.url}: another company's id is 404, and nothing changes`, async () => {
      const call = callFor(r, a);
      const res = await t.http.inject({
        method: call.method,
        url: call.url,
        headers: as(b),
        ...(call.payload ? { payload: call.payload } : {}),
      });
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().error, 'not_found');
      const app = await t.gh.storage.getApp(a.companyId, a.appId);
      assert.equal(app?.secrets.length, 2, 'no secret was rotated away');
      assert.equal((await t.gh.grants.get(a.companyId, a.grantId)).grant.revokedAt, null);
      assert.ok(await t.gh.storage.getWebhookEndpoint(a.companyId, a.webhookId));
      assert.equal((await t.gh.storage.getAdminKeyById(a.keyId))?.revokedAt, null);
    });
  }

  it("lists show only the caller's own resources", async () => {
    for (const [url, mine] of [
      ['/api/v1/apps', b.appId],
      ['/api/v1/grants', b.grantId],
      ['/api/v1/webhooks', b.webhookId],
      ['/api/v1/webhook-deliveries', b.deliveryId],
      ['/api/v1/admin-keys', b.keyId],
    ] as const) {
      const ids = (await t.http.inject({ url, headers: as(b) }))
        .json()
        .items.map((i: { id: string }) => i.id);
      assert.ok(ids.includes(mine), url);
      for (const theirs of [a.appId, a.grantId, a.webhookId, a.deliveryId, a.keyId])
        assert.ok(!ids.includes(theirs));
    }
    const audit = (await t.http.inject({ url: '/api/v1/audit-events?limit=200', headers: as(b) })).json();
    assert.ok(audit.items.length > 0);
    assert.ok(!JSON.stringify(audit).includes(a.appId));
  });

  for (const url of [
    '/api/v1/apps',
    '/api/v1/grants',
    '/api/v1/audit-events',
    '/api/v1/webhook-deliveries',
  ]) {
    it(`GET ${url}: pages with a real cursor; a forged cursor is 400 invalid_cursor`, async () => {
      const first = (await t.http.inject({ url: `${url}?limit=1`, headers: as(a) })).json();
      assert.equal(first.items.length, 1);
      if (first.next) {
        const second = await t.http.inject({ url: `${url}?limit=1&cursor=${first.next}`, headers: as(a) });
        assert.equal(second.statusCode, 200);
        assert.notEqual(second.json().items[0]?.id, first.items[0].id);
      }
      for (const cursor of FORGED_CURSORS) {
        const res = await t.http.inject({
          url: `${url}?cursor=${encodeURIComponent(cursor)}`,
          headers: as(a),
        });
        assert.equal(res.statusCode, 400, `${cursor}: ${res.body}`);
        assert.equal(res.json().error, 'invalid_cursor');
      }
    });
  }

  it('bad input is a 400 naming the field, never a 500', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/apps', {}, 'name'],
      ['POST', '/api/v1/apps', { name: 'x', scopes: [] }, 'scopes'],
      ['POST', '/api/v1/apps', { name: 'x', scopes: ['no.such.scope'] }, 'scopes'],
      ['POST', '/api/v1/apps', { name: 'x', scopes: ['users.read'], token_ttl: 5 }, 'token_ttl'],
      [
        'POST',
        '/api/v1/apps',
        { name: 'x', scopes: ['users.read'], grant_types: ['password'] },
        'grant_types.0',
      ],
      [
        'POST',
        '/api/v1/apps',
        { name: 'x', scopes: ['users.read'], redirect_uris: ['http://evil.example/cb'] },
        'redirect_uris',
      ],
      ['POST', `/api/v1/apps/${a.appId}/rotate-secret`, { grace_seconds: -1 }, 'grace_seconds'],
      ['POST', `/api/v1/apps/${a.appId}/rotate-secret`, { grace_seconds: '10' }, 'grace_seconds'],
      ['POST', '/api/v1/webhooks', { url: 'ftp://x', events: ['*'] }, 'url'],
      ['POST', '/api/v1/webhooks', { url: 'https://x.example', events: ['nope'] }, 'events'],
      ['POST', '/api/v1/admin-keys', { name: '' }, 'name'],
      ['GET', '/api/v1/apps?limit=0', undefined, 'limit'],
      ['GET', '/api/v1/apps?limit=abc', undefined, 'limit'],
      ['GET', '/api/v1/apps?sort=name', undefined, 'sort'],
      ['GET', '/api/v1/grants?status=maybe', undefined, 'status'],
      ['GET', '/api/v1/apps/not%20an%20id', undefined, 'id'],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await t.http.inject({
        method: method as 'GET',
        url,
        headers: as(a),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json().error, 'validation_failed', res.body);
      assert.ok(field in (res.json().fields ?? {}), `${url}: ${res.body}`);
    }
    const notJson = await t.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { ...as(a), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assert.equal(notJson.statusCode, 400);
  });

  it('scopes are immutable: no route or method changes them', async () => {
    const before = (await t.gh.apps.get(a.companyId, a.appId)).scopes;
    for (const r of routes.filter((x) => x.method !== 'GET' && !(x.method === 'POST' && x.url === '/apps'))) {
      const call = callFor(r, a);
      const res = await t.http.inject({
        method: call.method,
        url: call.url,
        headers: as(a),
        payload: { ...call.payload, scopes: ['users.read', 'users.write', 'admin'] },
      });
      assert.equal(res.statusCode, 400, `${r.method} ${r.url}: ${res.body}`);
      assert.match(res.json().error_description, /scopes are fixed when an app is created/);
    }
    // PATCH /apps/{id} is among the routes above (it edits an app, never its scopes); PUT is none.
    const put = await t.http.inject({
      method: 'PUT',
      url: `/api/v1/apps/${a.appId}`,
      headers: as(a),
      payload: { scopes: ['users.read'] },
    });
    assert.equal(put.statusCode, 405, put.body);
    assert.equal(put.headers.allow, 'DELETE, GET, HEAD, PATCH');
    assert.deepEqual((await t.gh.apps.get(a.companyId, a.appId)).scopes, before);
  });

  it('a secret is returned once, at creation or rotation, and never again', async () => {
    const x = await tenant(t, 'secrets');
    const created = await t.http.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: as(x),
      payload: { name: 'Once', scopes: ['users.read'] },
    });
    assert.equal(created.statusCode, 201);
    const app = created.json();
    assert.match(app.client_secret, /^gths_/);
    assert.equal(created.headers.location, `/api/v1/apps/${app.id}`);
    const rotated = (
      await t.http.inject({
        method: 'POST',
        url: `/api/v1/apps/${app.id}/rotate-secret`,
        headers: as(x),
        payload: { grace_seconds: 3600 },
      })
    ).json();
    assert.match(rotated.client_secret, /^gths_/);
    assert.notEqual(rotated.client_secret, app.client_secret);
    assert.deepEqual(
      rotated.secrets.map((s: { last4: string }) => s.last4),
      [rotated.client_secret.slice(-4), app.client_secret.slice(-4)],
    );
    const hook = (
      await t.http.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: as(x),
        payload: { url: 'https://hooks.example/in', events: ['*'] },
      })
    ).json();
    assert.match(hook.secret, /^whsec_/);
    const key = (
      await t.http.inject({ method: 'POST', url: '/api/v1/admin-keys', headers: as(x), payload: {} })
    ).json();
    assert.match(key.key, /^gtha_/);
    const secrets = [app.client_secret, rotated.client_secret, hook.secret, key.key, x.key];
    const secretHashes = secrets.map(sha256);
    for (const url of [
      '/api/v1/apps',
      `/api/v1/apps/${app.id}`,
      '/api/v1/webhooks',
      `/api/v1/webhooks/${hook.id}`,
      '/api/v1/admin-keys',
      '/api/v1/audit-events?limit=200',
      '/api/v1/webhook-deliveries',
      `/api/v1/webhook-deliveries/${x.deliveryId}`,
      '/api/v1/company',
    ]) {
      const body = (await t.http.inject({ url, headers: as(x) })).body;
      for (const s of [...secrets, ...secretHashes])
        assert.ok(!body.includes(s), `${url} leaks a secret or its hash`);
      assert.ok(!/secret_hash|key_hash|client_secret"/.test(body), url);
    }
  });
});
