import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { adminOfTwoCompanies, companyGrant } from '../../../test/helpers/flows.ts';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import { createDemoApi } from '../src/index.ts';

let gh: LiveGatehouse;
let api: FastifyInstance;
let full: string;
let readOnly: string;

before(async () => {
  gh = await liveGatehouse();
  api = await createDemoApi({ issuer: gh.issuer, audience: gh.audience });
  const app = await gh.createApp({ scopes: ['users.read', 'users.write', 'users.delete'] });
  full = await gh.token(app);
  readOnly = await gh.token(app, 'users.read');
});
after(async () => {
  await api.close();
  await gh.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('GET /users/v1/users lists the seeded users of the token company', async () => {
  const res = await api.inject({ method: 'GET', url: '/users/v1/users', headers: bearer(readOnly) });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  const body = res.json() as { data: { users: { id: number; email: string }[] }; paging: { total: number } };
  assert.equal(body.data.users.length, 5);
  assert.equal(body.paging.total, 5);
  // Deterministic per company: a second API instance shows the same people.
  const again = await createDemoApi({ issuer: gh.issuer, audience: gh.audience, jwksUri: gh.jwksUri });
  const res2 = await again.inject({ method: 'GET', url: '/users/v1/users', headers: bearer(readOnly) });
  assert.deepEqual(res2.json(), body);
  await again.close();
});

test('POST creates (201 with Location), validates, refuses duplicates; DELETE 204 then 404', async () => {
  const user = { first_name: 'Lin', last_name: 'Yu', email: 'lin.yu@example.com' };
  const created = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: bearer(full),
    payload: user,
  });
  assert.equal(created.statusCode, 201);
  const u = (created.json() as { data: { user: { id: number; role: string; email: string } } }).data.user;
  assert.equal(u.email, user.email);
  assert.equal(u.role, 'user');
  assert.equal(created.headers.location, `/users/v1/users/${u.id}`);
  const dup = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: bearer(full),
    payload: user,
  });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().error, 'conflict');

  const bad = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: bearer(full),
    payload: { first_name: '', email: 'nope', role: 'owner', extra: 1 },
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(Object.keys(bad.json().fields).sort(), [
    'email',
    'extra',
    'first_name',
    'last_name',
    'role',
  ]);
  const notJson = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: { ...bearer(full), 'content-type': 'application/json' },
    payload: '{"first_name":',
  });
  assert.equal(notJson.statusCode, 400);
  assert.equal(notJson.json().error, 'invalid_request');
  const array = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: bearer(full),
    payload: [1],
  });
  assert.equal(array.statusCode, 400);
  const text = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: { ...bearer(full), 'content-type': 'text/plain' },
    payload: 'hi',
  });
  assert.equal(text.statusCode, 415);

  const del = await api.inject({ method: 'DELETE', url: `/users/v1/users/${u.id}`, headers: bearer(full) });
  assert.equal(del.statusCode, 204);
  assert.equal(del.body, '');
  for (const id of [String(u.id), 'abc', '0', '99999999999999999999'])
    assert.equal(
      (await api.inject({ method: 'DELETE', url: `/users/v1/users/${id}`, headers: bearer(full) }))
        .statusCode,
      404,
    );
});

test('401 invalid_token for a missing, malformed or query-string token, with the challenge', async () => {
  const cases: Record<string, string>[] = [
    {},
    { authorization: 'Bearer not-a-jwt' },
    { authorization: `Basic ${full}` },
  ];
  for (const headers of cases) {
    const res = await api.inject({ method: 'GET', url: '/users/v1/users', headers });
    assert.equal(res.statusCode, 401);
    assert.match(
      res.headers['www-authenticate'] as string,
      /^Bearer realm="demo-api", error="invalid_token", error_description="[^"]+"$/,
    );
    assert.equal(res.json().error, 'invalid_token');
    assert.equal(typeof res.json().error_description, 'string');
  }
  const query = await api.inject({ method: 'GET', url: `/users/v1/users?access_token=${full}` });
  assert.equal(query.statusCode, 401);
});

test('403 insufficient_scope names the scope the route needs', async () => {
  const post = await api.inject({
    method: 'POST',
    url: '/users/v1/users',
    headers: bearer(readOnly),
    payload: { first_name: 'A', last_name: 'B', email: 'a@b.example' },
  });
  assert.equal(post.statusCode, 403);
  assert.match(
    post.headers['www-authenticate'] as string,
    /error="insufficient_scope".*scope="users.write"$/,
  );
  assert.deepEqual(post.json().scope, 'users.write');
  const del = await api.inject({ method: 'DELETE', url: '/users/v1/users/1001', headers: bearer(readOnly) });
  assert.equal(del.statusCode, 403);
  assert.equal(del.json().error, 'insufficient_scope');
  assert.equal(del.json().scope, 'users.delete');
});

test('a partner token without company_id is 403 company_required', async () => {
  const partner = await gh.createApp({
    type: 'partner',
    grantTypes: ['client_credentials'],
    scopes: ['users.read'],
  });
  const res = await api.inject({
    method: 'GET',
    url: '/users/v1/users',
    headers: bearer(await gh.token(partner)),
  });
  assert.equal(res.statusCode, 403);
  assert.equal(res.json().error, 'company_required');
});

test('unknown routes are JSON 404s', async () => {
  const res = await api.inject({ method: 'GET', url: '/nope' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error, 'not_found');
});

test('a known path called with another method is 405 with Allow (the Connect guide), before any auth', async () => {
  const put = await api.inject({ method: 'PUT', url: '/users/v1/users' });
  assert.equal(put.statusCode, 405);
  assert.equal(put.headers.allow, 'GET, HEAD, POST');
  assert.equal(put.json().error, 'method_not_allowed');
  // A path with a parameter: the router matches it, then the method is refused.
  const get = await api.inject({ method: 'GET', url: '/users/v1/users/42' });
  assert.equal(get.statusCode, 405);
  assert.equal(get.headers.allow, 'DELETE');
  // Served methods are unaffected.
  const list = await api.inject({ method: 'GET', url: '/users/v1/users' });
  assert.equal(list.statusCode, 401);
});

test('opaque tokens work when the demo API has resource-server credentials', async () => {
  const rs = await gh.createApp({ name: 'Demo API', scopes: ['users.read'] });
  gh.ts.gh.resourceServers.add(rs.clientId);
  const opaqueApi = await createDemoApi({
    issuer: gh.issuer,
    audience: gh.audience,
    verifier: { introspection: { clientId: rs.clientId, clientSecret: rs.clientSecret } },
  });
  try {
    const opaque = await gh.createApp({ scopes: ['users.read'], tokenFormat: 'opaque' });
    const token = await gh.token(opaque);
    assert.ok(!token.includes('.'), 'an opaque token, not a JWT');
    const ok = await opaqueApi.inject({ method: 'GET', url: '/users/v1/users', headers: bearer(token) });
    assert.equal(ok.statusCode, 200, ok.body);
    // Without the credentials the same token cannot be read.
    const refused = await api.inject({ method: 'GET', url: '/users/v1/users', headers: bearer(token) });
    assert.equal(refused.statusCode, 401);
  } finally {
    await opaqueApi.close();
  }
});

test('feature endpoints: schedule.read, time_clock.write and forms.read over the token company', async () => {
  const app = await gh.createApp({ scopes: ['schedule.read', 'time_clock.write', 'forms.read'] });
  const features = await gh.token(app);
  const shifts = await api.inject({ method: 'GET', url: '/schedule/v1/shifts', headers: bearer(features) });
  assert.equal(shifts.statusCode, 200);
  assert.equal(shifts.json().data.shifts.length, 7);
  const forms = await api.inject({ method: 'GET', url: '/forms/v1/submissions', headers: bearer(features) });
  assert.equal(forms.statusCode, 200);
  assert.equal(forms.json().data.submissions.length, 3);
  const punch = await api.inject({
    method: 'POST',
    url: '/time-clock/v1/punches',
    headers: bearer(features),
    payload: { user_id: 1001, type: 'clock_in' },
  });
  assert.equal(punch.statusCode, 201);
  assert.equal(punch.json().data.punch.type, 'clock_in');
  const bad = await api.inject({
    method: 'POST',
    url: '/time-clock/v1/punches',
    headers: bearer(features),
    payload: { user_id: 'x', type: 'lunch' },
  });
  assert.equal(bad.statusCode, 400);
  // Each endpoint needs its own feature scope.
  const readOnly = await gh.token(app, 'schedule.read');
  for (const [method, url, scope] of [
    ['POST', '/time-clock/v1/punches', 'time_clock.write'],
    ['GET', '/forms/v1/submissions', 'forms.read'],
  ] as const) {
    const res = await api.inject({
      method,
      url,
      headers: bearer(readOnly),
      payload: method === 'POST' ? {} : undefined,
    });
    assert.equal(res.statusCode, 403, url);
    assert.equal(res.json().scope, scope);
  }
});

test('7shifts routes need v1_access and a company', async () => {
  const app = await gh.createApp({ scopes: ['v1_access', 'users.read'] });
  const whoami = await api.inject({ method: 'GET', url: '/v2/whoami', headers: bearer(await gh.token(app)) });
  assert.equal(whoami.statusCode, 200);
  assert.equal(whoami.json().data.company.id, gh.ts.companyId);
  const noScope = await api.inject({
    method: 'GET',
    url: '/v2/companies',
    headers: bearer(await gh.token(app, 'users.read')),
  });
  assert.equal(noScope.statusCode, 403);
  assert.equal(noScope.json().error, 'insufficient_scope');
});

test('issue 15 break 1: a partner granted users.read v1_access cannot create or delete the company users', async () => {
  const second = await adminOfTwoCompanies(gh, 'owner@bistro.test');
  const partner = async (name: string, scope?: string) => {
    const app = await gh.createApp({
      name,
      type: 'partner',
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
      scopes: ['users.read', 'users.write', 'users.delete', 'v1_access'],
      redirectUris: ['https://partner.example/cb'],
    });
    const { guid } = await companyGrant(gh, {
      clientId: app.clientId,
      email: 'owner@bistro.test',
      companyId: second,
      ...(scope !== undefined ? { scope } : {}),
    });
    // No scope parameter: the token carries all four scopes of the app.
    return { headers: { ...bearer(await gh.token(app)), 'x-company-guid': guid } };
  };
  const narrow = await partner('Narrow partner', 'users.read v1_access');
  const user = { first_name: 'Eve', last_name: 'Partner', email: 'eve@partner.example' };
  const post = await api.inject({ method: 'POST', url: '/users/v1/users', ...narrow, payload: user });
  assert.equal(post.statusCode, 403);
  assert.equal(post.json().error, 'insufficient_scope');
  assert.equal(post.json().scope, 'users.write');
  assert.match(
    post.headers['www-authenticate'] as string,
    /error="insufficient_scope".*scope="users.write"$/,
  );
  const list = await api.inject({ method: 'GET', url: '/users/v1/users', ...narrow });
  assert.equal(list.statusCode, 200);
  const users = (list.json() as { data: { users: { id: number }[] } }).data.users;
  assert.equal(users.length, 5);
  const victim = users[0]?.id as number;
  const del = await api.inject({ method: 'DELETE', url: `/users/v1/users/${victim}`, ...narrow });
  assert.equal(del.statusCode, 403);
  assert.equal(del.json().error, 'insufficient_scope');
  assert.equal(del.json().scope, 'users.delete');
  const after = await api.inject({ method: 'GET', url: '/users/v1/users', ...narrow });
  assert.equal((after.json() as { data: { users: unknown[] } }).data.users.length, 5);
  const whoami = await api.inject({ method: 'GET', url: '/v2/whoami', ...narrow });
  assert.equal(whoami.statusCode, 200);
  assert.equal(whoami.json().data.scope, 'users.read v1_access');
  assert.equal(whoami.json().data.company.id, second);

  // The same routes for an app whose grant includes the scopes: it is the grant that decides.
  const wide = await partner('Wide partner');
  const created = await api.inject({ method: 'POST', url: '/users/v1/users', ...wide, payload: user });
  assert.equal(created.statusCode, 201);
  const id = (created.json() as { data: { user: { id: number } } }).data.user.id;
  assert.equal(
    (await api.inject({ method: 'DELETE', url: `/users/v1/users/${id}`, ...wide })).statusCode,
    204,
  );
});
