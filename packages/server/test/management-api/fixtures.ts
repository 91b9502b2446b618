import { randomUUID } from 'node:crypto';
import { SessionService } from '../../src/authorization/session-service.ts';
import { AdminKeyService } from '../../src/companies/admin-key-service.ts';
import type { Config } from '../../src/config/index.ts';
import { COMPANY_ROUTES } from '../../src/console/api/index.ts';
import type { ApiRoute } from '../../src/console/api/route.ts';
import { newId } from '../../src/util/random.ts';
import { type TestServer, testServer } from '../helpers.ts';

export const NO_WEBHOOK_DELIVERY: Partial<Config> = {
  webhooks: {
    enabled: false,
    network: 'allow-loopback',
    timeoutMs: 500,
    pollMs: 50,
    retryScheduleSeconds: [1],
  },
};

/** One company's resources: an app, a grant it gave, a webhook endpoint with a delivery, an admin key. */
export interface Tenant {
  companyId: string;
  key: string;
  keyId: string;
  appId: string;
  grantId: string;
  webhookId: string;
  deliveryId: string;
  /** An initial access token of the company (dynamic client registration). */
  iatId: string;
}

export async function tenant(t: TestServer, name: string, plan = 'enterprise'): Promise<Tenant> {
  const company = await t.gh.companies.createCompany({ name, plan }, 'test');
  const keys = new AdminKeyService(t.gh.storage);
  const { key, secret } = await keys.create({ companyId: company.id, name: 'tests' }, 'test');
  const { endpoint } = await t.gh.webhooks.create(
    { companyId: company.id, url: 'http://127.0.0.1:9/hook', events: ['*'] },
    'test',
  );
  const { app } = await t.gh.apps.create(
    { companyId: company.id, name: `${name} app`, scopes: ['users.read', 'users.write'] },
    'test',
  );
  await t.gh.apps.rotateSecret(company.id, app.id, 'test', 60);
  // A partner app of another company that this company granted access to.
  const vendor = await t.gh.companies.createCompany({ name: `${name} vendor` }, 'test');
  const { app: partner } = await t.gh.apps.create(
    {
      companyId: vendor.id,
      name: `${name} partner`,
      scopes: ['users.read'],
      type: 'partner',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://partner.example/cb'],
    },
    'test',
  );
  const grant = await t.gh.storage.upsertGrant({
    id: newId('gr'),
    guid: randomUUID(),
    appId: partner.id,
    companyId: company.id,
    scopes: ['users.read'],
    grantedBy: null,
  });
  const { token: iat } = await t.gh.initialAccessTokens.create({ companyId: company.id }, 'test');
  const deliveries = await t.gh.webhooks.deliveries(company.id);
  const delivery = deliveries.items[0];
  if (!delivery) throw new Error('fixture: no webhook delivery was enqueued');
  return {
    companyId: company.id,
    key: secret,
    keyId: key.id,
    appId: app.id,
    grantId: grant.id,
    webhookId: endpoint.id,
    deliveryId: delivery.id,
    iatId: iat.id,
  };
}

/** A signed-in console session of a new user with `role` in the company. */
export async function signedIn(t: TestServer, companyId: string, role: 'admin' | 'member') {
  // Straight to storage: no password (scrypt would cost a second per user on a busy machine).
  const user = await t.gh.storage.createUser({
    id: newId('usr'),
    email: `${randomUUID()}@example.com`,
    name: 'Tester',
    passwordHash: null,
  });
  await t.gh.companies.addMembership(user.id, companyId, role, 'test');
  const active = await t.gh.sessions.signIn(undefined, user.id);
  return {
    userId: user.id,
    cookie: `gatehouse_session=${active.token}`,
    csrf: SessionService.csrfToken(active),
  };
}

export interface Call {
  method: ApiRoute['method'];
  url: string;
  payload?: Record<string, unknown>;
}

/** A valid request to every route, against the tenant's own resources. */
export function callFor(r: ApiRoute, x: Tenant): Call {
  const id: Record<string, string> = {
    '/apps/:id': x.appId,
    '/apps/:id/rotate-secret': x.appId,
    '/grants/:id': x.grantId,
    '/grants/:id/revoke': x.grantId,
    '/webhooks/:id': x.webhookId,
    '/webhook-deliveries/:id': x.deliveryId,
    '/admin-keys/:id': x.keyId,
    '/initial-access-tokens/:id': x.iatId,
  };
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /apps': { name: 'New app', scopes: ['users.read'] },
    'POST /apps/:id/rotate-secret': { grace_seconds: 0 },
    'PATCH /apps/:id': { name: 'Renamed' },
    'POST /webhooks': { url: 'https://hooks.example/in', events: ['app.deleted'] },
    'POST /admin-keys': { name: 'ci' },
    'POST /initial-access-tokens': { name: 'onboarding', allowed_scopes: ['users.read'], max_apps: 1 },
  };
  const url = `/api/v1${r.url.replace(':id', id[r.url] ?? '')}`;
  const payload = bodies[`${r.method} ${r.url}`];
  return { method: r.method, url, ...(payload ? { payload } : {}) };
}

/** The company-scoped routes (operator-routes.test.ts covers the operator's). */
export const routes = COMPANY_ROUTES;
export { testServer };
