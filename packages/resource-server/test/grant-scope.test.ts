import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminOfTwoCompanies, companyGrant, msUntilStatus } from '../../../test/helpers/flows.ts';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import {
  type AuthContext,
  createExpressAuth,
  createFastifyAuth,
  createVerifier,
  createWebAuth,
  type Verifier,
} from '../src/index.ts';

// Issue 15, break 1: a partner app holding users.read users.write users.delete v1_access was
// granted only users.read v1_access by a company; its client-credentials token carries all
// four, and the SDK checked only the token, so the partner created and deleted that
// company's users. Each adapter must now check the token's scope intersected with the
// grant's, and show the handler that effective scope.

// In the normalised (sorted) order Gatehouse issues them.
const APP_SCOPES = 'users.delete users.read users.write v1_access';
const GRANTED = 'users.read v1_access';

let gh: LiveGatehouse;
let verifier: Verifier;
let fastify: FastifyInstance;
let server: ReturnType<ReturnType<typeof express>['listen']>;
let expressBase: string;
let token: string;
let guid: string;
let second: string;
let firstGuid: string;
/** A client-credentials token asked for with company_guid: bound to the second company's grant. */
let bound: string;

async function companyBoundToken(app: { clientId: string; clientSecret: string }, companyGuid: string) {
  const res = await fetch(`${gh.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${app.clientId}:${app.clientSecret}`)}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', company_guid: companyGuid }),
  });
  const json = (await res.json()) as { access_token?: string; scope?: string };
  assert.equal(res.status, 200);
  assert.equal(json.scope, GRANTED);
  return json.access_token as string;
}

type Route = { method: 'GET' | 'POST' | 'DELETE'; path: string; scope: string };
const ROUTES: Route[] = [
  { method: 'GET', path: '/users', scope: 'users.read' },
  { method: 'POST', path: '/users', scope: 'users.write' },
  { method: 'DELETE', path: '/users/7', scope: 'users.delete' },
];

const seen = (auth: AuthContext) => ({
  scope: auth.scope,
  claims_scope: auth.claims.scope,
  token_scope: auth.tokenScope,
  company: auth.company?.id ?? null,
});

before(async () => {
  gh = await liveGatehouse();
  verifier = createVerifier({ issuer: gh.issuer, audience: gh.audience });
  second = await adminOfTwoCompanies(gh, 'owner@acme.test');
  const partner = await gh.createApp({
    name: 'Partner',
    type: 'partner',
    grantTypes: ['client_credentials'],
    grantDelivery: 'company_grant',
    scopes: APP_SCOPES.split(' '),
    redirectUris: ['https://partner.example/cb'],
  });
  ({ guid } = await companyGrant(gh, {
    clientId: partner.clientId,
    email: 'owner@acme.test',
    companyId: second,
    scope: GRANTED,
  }));
  token = await gh.token(partner);
  // The same app granted everything by the first company: a GUID of the right app, another company.
  ({ guid: firstGuid } = await companyGrant(gh, {
    clientId: partner.clientId,
    email: 'owner@acme.test',
    companyId: gh.ts.companyId,
  }));
  bound = await companyBoundToken(partner, guid);

  const fa = createFastifyAuth({ verifier, realm: 'fastify-api' });
  fastify = Fastify();
  await fastify.register(fa.plugin);
  const ex = createExpressAuth({ verifier, realm: 'express-api' });
  const app = express();
  for (const r of ROUTES) {
    const requirements = { scopes: [r.scope], company: true };
    fastify.route({
      method: r.method,
      url: r.path,
      preHandler: fa.require(requirements),
      handler: async (request) => seen(fa.contextOf(request)),
    });
    app[r.method === 'GET' ? 'get' : r.method === 'POST' ? 'post' : 'delete'](
      r.path,
      ex.require(requirements),
      (req, res) => {
        res.json(seen(ex.contextOf(req)));
      },
    );
  }
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  expressBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  verifier.close();
  await fastify.close();
  await new Promise((r) => server.close(r));
  await gh.close();
});

interface Answer {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
}

/** The partner's request headers: its bearer token, and x-company-guid when given. */
const headers = (companyGuid: string | undefined, bearer = token): Record<string, string> => ({
  authorization: `Bearer ${bearer}`,
  ...(companyGuid !== undefined ? { 'x-company-guid': companyGuid } : {}),
});

const adapters: Record<string, (r: Route, h: Record<string, string>) => Promise<Answer>> = {
  async Fastify(r, h) {
    const res = await fastify.inject({ method: r.method, url: r.path, headers: h });
    const challenge = res.headers['www-authenticate'];
    return {
      status: res.statusCode,
      challenge: typeof challenge === 'string' ? challenge : null,
      body: res.json(),
    };
  },
  async Express(r, h) {
    const res = await fetch(`${expressBase}${r.path}`, { method: r.method, headers: h });
    return {
      status: res.status,
      challenge: res.headers.get('www-authenticate'),
      body: (await res.json()) as Record<string, unknown>,
    };
  },
  async 'Web Request'(r, h) {
    const auth = createWebAuth({ verifier, realm: 'edge' });
    const request = new Request(`https://api.example${r.path}`, {
      method: r.method,
      headers: h,
    });
    const result = await auth.authenticateRequest(request, { scopes: [r.scope], company: true });
    if (!(result instanceof Response)) return { status: 200, challenge: null, body: seen(result) };
    return {
      status: result.status,
      challenge: result.headers.get('www-authenticate'),
      body: (await result.json()) as Record<string, unknown>,
    };
  },
};

for (const [name, call] of Object.entries(adapters)) {
  test(`${name}: a scope in the token but not in the company's grant is 403 insufficient_scope (issue 15 break 1)`, async () => {
    for (const r of ROUTES.filter((x) => x.method !== 'GET')) {
      const res = await call(r, headers(guid));
      assert.equal(res.status, 403, `${r.method} ${r.path}`);
      assert.equal(res.body.error, 'insufficient_scope');
      assert.equal(res.body.scope, r.scope);
      assert.match(res.body.error_description as string, /company's grant does not include/);
      assert.match(res.challenge ?? '', /^Bearer realm="[a-z-]+", error="insufficient_scope"/);
      assert.match(res.challenge ?? '', new RegExp(`scope="${r.scope}"`));
    }
  });

  test(`${name}: the handler sees the token's scope narrowed to the grant's, not the token's`, async () => {
    const res = await call(ROUTES[0] as Route, headers(guid));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      scope: ['users.read', 'v1_access'],
      claims_scope: ['users.read', 'v1_access'],
      token_scope: APP_SCOPES.split(' '),
      company: second,
    });
  });
}

for (const [name, call] of Object.entries(adapters)) {
  test(`${name}: a company-bound token reaches its company alone, with the grant's scope`, async () => {
    const own = await call(ROUTES[0] as Route, headers(undefined, bound));
    assert.equal(own.status, 200);
    assert.deepEqual(own.body, {
      scope: GRANTED.split(' '),
      claims_scope: GRANTED.split(' '),
      token_scope: GRANTED.split(' '),
      company: second,
    });
    assert.equal((await call(ROUTES[0] as Route, headers(guid, bound))).status, 200);
    for (const r of ROUTES.slice(1)) {
      const res = await call(r, headers(undefined, bound));
      assert.equal(res.status, 403, `${r.method} ${r.path}`);
      assert.equal(res.body.error, 'insufficient_scope');
    }
    // Another grant of the same app, at another company: refused whatever the route.
    const elsewhere = await call(ROUTES[0] as Route, headers(firstGuid, bound));
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.error, 'company_mismatch');
    // The unbound token may use that grant: it is the binding that refuses.
    assert.equal((await call(ROUTES[1] as Route, headers(firstGuid))).status, 200);
  });
}

test('revoking the grant refuses its company-bound token (revocation feed, gid)', async () => {
  const grant = await gh.ts.gh.storage.getGrantByGuid(guid);
  await gh.ts.gh.grants.revoke(second, grant?.id as string, 'test');
  const status = async () =>
    (await adapters.Express?.(ROUTES[0] as Route, headers(undefined, bound)))?.status ?? 0;
  await msUntilStatus(status, 401, 5000);
  const res = await adapters.Express?.(ROUTES[0] as Route, headers(undefined, bound));
  assert.equal(res?.body.error, 'invalid_token');
});

test('the verifier cache keeps the token claims whole: narrowing for one grant leaks into no other request', async () => {
  const claims = await verifier.verify(token);
  assert.deepEqual(claims.scope, APP_SCOPES.split(' '));
});
