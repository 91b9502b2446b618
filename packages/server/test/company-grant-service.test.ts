import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../src/errors.ts';
import { revocationHash } from '../src/tokens/revocation-keys.ts';
import { newId } from '../src/util/random.ts';
import { type TestServer, testServer } from './helpers.ts';
import { NO_WEBHOOK_DELIVERY } from './management-api/fixtures.ts';

describe('CompanyGrantService', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({ config: NO_WEBHOOK_DELIVERY });
  });
  after(() => t.close());

  async function setup() {
    const customer = await t.gh.companies.createCompany({ name: 'Customer' }, 'test');
    const partner = await t.createApp({
      type: 'partner',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://p.example/cb'],
    });
    const grant = await t.gh.storage.upsertGrant({
      id: newId('gr'),
      guid: randomUUID(),
      appId: partner.appId,
      companyId: customer.id,
      scopes: ['users.read'],
      grantedBy: null,
    });
    const ownerHook = await t.gh.webhooks.create(
      { companyId: t.companyId, url: 'http://localhost:9/h', events: ['*'] },
      'test',
    );
    const customerHook = await t.gh.webhooks.create(
      { companyId: customer.id, url: 'http://localhost:9/h', events: ['authorization.revoked'] },
      'test',
    );
    return { customer, partner, grant, ownerHook, customerHook };
  }

  it('lists connected apps of a company with their app', async () => {
    const { customer, partner, grant } = await setup();
    const list = await t.gh.grants.connectedApps(customer.id);
    assert.equal(list.length, 1);
    assert.equal(list[0]?.grant.guid, grant.guid);
    assert.equal(list[0]?.app.clientId, partner.clientId);
    assert.deepEqual(await t.gh.grants.connectedApps(t.companyId), []);
  });

  it('revoking writes the feed, the audit log and a webhook for both sides, once', async () => {
    const { customer, grant, ownerHook, customerHook } = await setup();
    await assert.rejects(t.gh.grants.revoke(t.companyId, grant.id, 'user:x'), NotFoundError);
    await t.gh.grants.revoke(customer.id, grant.id, 'user:admin');
    await assert.rejects(t.gh.grants.revoke(customer.id, grant.id, 'user:admin'), NotFoundError);

    const feed = (await t.gh.storage.revocationsSince(0, 5000)).map((r) => r.hash);
    assert.ok(feed.includes(revocationHash('grant', grant.id)));
    assert.ok(feed.includes(revocationHash('guid', grant.guid)));

    const audit = await t.gh.storage.listAuditEvents(customer.id, { action: 'grant.revoked' });
    assert.equal(audit.items.length, 1);
    assert.equal(audit.items[0]?.actor, 'user:admin');

    for (const [company, hook] of [
      [t.companyId, ownerHook],
      [customer.id, customerHook],
    ] as const) {
      const page = await t.gh.webhooks.deliveries(company, { endpointId: hook.endpoint.id });
      assert.equal(page.items.filter((d) => d.eventType === 'authorization.revoked').length, 1, company);
      const body = JSON.parse(page.items[0]?.payload ?? '{}');
      assert.equal(body.data.guid, grant.guid);
    }
  });

  it('resolves a GUID only for the app it was granted to, and only while active', async () => {
    const { customer, partner, grant } = await setup();
    const other = await t.createApp();
    assert.equal((await t.gh.grants.activeGrantForClient(grant.guid, partner.clientId))?.grant.id, grant.id);
    assert.equal(await t.gh.grants.activeGrantForClient(grant.guid, other.clientId), undefined);
    assert.equal(await t.gh.grants.activeGrantForClient(randomUUID(), partner.clientId), undefined);
    await t.gh.grants.revoke(customer.id, grant.id, 'user:admin');
    assert.equal(await t.gh.grants.activeGrantForClient(grant.guid, partner.clientId), undefined);
  });
});
