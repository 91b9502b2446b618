import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { adminOfTwoCompanies, companyGrant, msUntilStatus } from '../../../test/helpers/flows.ts';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import {
  type AuthContext,
  createExpressAuth,
  createVerifier,
  createWebAuth,
  type Verifier,
} from '../src/index.ts';

const ENTITY = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
let gh: LiveGatehouse;
let verifier: Verifier;
let server: ReturnType<ReturnType<typeof express>['listen']>;
let base: string;
let internal: { clientId: string; clientSecret: string };
let partner: { appId: string; clientId: string; clientSecret: string };
let second: string;
let guid: string;

before(async () => {
  gh = await liveGatehouse();
  verifier = createVerifier({ issuer: gh.issuer, audience: gh.audience });
  const auth = createExpressAuth({ verifier, realm: 'express-api' });
  const app = express();
  app.get('/users', auth.requireScopes('users.read'), (req, res) => {
    res.json({ sub: auth.contextOf(req).claims.sub });
  });
  app.get('/whoami', auth.require({ scopes: ['v1_access'], company: true }), (req, res) => {
    const ctx: AuthContext = auth.contextOf(req);
    res.json({ company: ctx.company, guid: ctx.grant?.guid ?? null });
  });
  app.get(
    '/entities/:id/employees',
    auth.requireEntityPermission(
      (req) => (req as unknown as { params: { id: string } }).params.id,
      'employees-read',
    ),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  internal = await gh.createApp({
    scopes: [
      'users.read',
      'v1_access',
      `target-entity:${ENTITY}:employees-read,performance-evaluations-read`,
    ],
  });
  second = await adminOfTwoCompanies(gh, 'owner@acme.test');
  partner = await gh.createApp({
    name: 'Partner',
    type: 'partner',
    grantTypes: ['client_credentials'],
    grantDelivery: 'company_grant',
    scopes: ['v1_access'],
    redirectUris: ['https://partner.example/cb'],
  });
  ({ guid } = await companyGrant(gh, {
    clientId: partner.clientId,
    email: 'owner@acme.test',
    companyId: second,
  }));
});
after(async () => {
  verifier.close();
  await new Promise((r) => server.close(r));
  await gh.close();
});

async function get(path: string, token?: string, companyGuid?: string) {
  const res = await fetch(`${base}${path}`, {
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(companyGuid ? { 'x-company-guid': companyGuid } : {}),
    },
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

test('Express: claims reach the handler; RFC 6750 refusals with the challenge', async () => {
  const ok = await get('/users', await gh.token(internal, 'users.read'));
  assert.equal(ok.status, 200);
  assert.equal(ok.body.sub, internal.clientId);
  const none = await get('/users');
  assert.equal(none.status, 401);
  assert.match(
    none.headers.get('www-authenticate') ?? '',
    /^Bearer realm="express-api", error="invalid_token"/,
  );
  assert.equal(none.headers.get('cache-control'), 'no-store');
  const scope = await get('/users', await gh.token(internal, 'v1_access'));
  assert.equal(scope.status, 403);
  assert.equal(scope.body.error, 'insufficient_scope');
  assert.equal(scope.body.scope, 'users.read');
});

test('Express: parameterized scopes grant one entity, not another', async () => {
  const token = await gh.token(internal, `target-entity:${ENTITY}:employees-read`);
  assert.equal((await get(`/entities/${ENTITY}/employees`, token)).status, 200);
  const other = await get(`/entities/${crypto.randomUUID()}/employees`, token);
  assert.equal(other.status, 403);
  assert.equal(other.body.error, 'insufficient_scope');
  const perf = await gh.token(internal, `target-entity:${ENTITY}:performance-evaluations-read`);
  assert.equal((await get(`/entities/${ENTITY}/employees`, perf)).status, 403);
});

test('Express: x-company-guid grants, company_required, and a revoked grant refused', async () => {
  const token = await gh.token(partner, 'v1_access');
  const ok = await get('/whoami', token, guid);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { company: { id: second }, guid });
  assert.equal((await get('/whoami', token)).body.error, 'company_required');
  const grant = await gh.ts.gh.storage.getGrantByGuid(guid);
  await gh.ts.gh.grants.revoke(second, grant?.id as string, 'test');
  await msUntilStatus(async () => (await get('/whoami', token, guid)).status, 403, 2000);
  assert.equal((await get('/whoami', token, guid)).body.error, 'grant_not_found');
});

test('Web Request helper: AuthContext or a ready Response', async () => {
  const auth = createWebAuth({ verifier, realm: 'edge' });
  const token = await gh.token(internal, 'users.read');
  const ok = await auth.authenticateRequest(
    new Request('https://api.example/users', { headers: { authorization: `Bearer ${token}` } }),
    { scopes: ['users.read'], company: true },
  );
  assert.ok(!(ok instanceof Response));
  assert.equal(ok.claims.client_id, internal.clientId);
  assert.deepEqual(ok.company, { id: gh.ts.companyId });
  const refused = await auth.authenticateRequest(
    new Request('https://api.example/users', { headers: { authorization: `Bearer ${token}` } }),
    { scopes: ['users.write'] },
  );
  assert.ok(refused instanceof Response);
  assert.equal(refused.status, 403);
  assert.match(refused.headers.get('www-authenticate') ?? '', /realm="edge", error="insufficient_scope"/);
  assert.equal(((await refused.json()) as { scope: string }).scope, 'users.write');
  const missing = await auth.authenticateRequest(new Request('https://api.example/users'));
  assert.ok(missing instanceof Response);
  assert.equal(missing.status, 401);
  const entity = await auth.authenticateRequest(
    new Request('https://api.example/e', { headers: { authorization: `Bearer ${token}` } }),
    { entity: { id: ENTITY, permission: 'employees-read' } },
  );
  assert.ok(entity instanceof Response);
  assert.equal(entity.status, 403);
});
