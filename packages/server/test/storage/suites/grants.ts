import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function grantTests({ it }: SuiteContext): void {
  describe('grants', () => {
    async function setup(s: Storage) {
      const [vendor, customer] = [await newCompany(s, 'Vendor'), await newCompany(s, 'Customer')];
      const { app } = await newApp(s, vendor.id, { type: 'partner', grantTypes: ['authorization_code'] });
      const grant = (scopes: string[]) => ({
        id: newId('grt'),
        guid: newId('g'),
        appId: app.id,
        companyId: customer.id,
        scopes,
        grantedBy: 'usr_admin',
      });
      return { vendor, customer, app, grant };
    }

    it(
      'creates a grant and finds it by GUID, by app and company, and in lists',
      [
        'upsertGrant',
        'getGrantByGuid',
        'getGrantById',
        'getActiveGrant',
        'listGrantsOfCompany',
        'listGrantsOfApp',
      ],
      async (s) => {
        const { customer, app, grant } = await setup(s);
        const g = await s.upsertGrant(grant(['users.read']));
        assert.deepEqual(g.scopes, ['users.read']);
        assert.equal(g.revokedAt, null);
        assert.equal(g.grantedBy, 'usr_admin');
        assert.deepEqual(await s.getGrantByGuid(g.guid), g);
        assert.deepEqual(await s.getActiveGrant(app.id, customer.id), g);
        assert.deepEqual(await s.listGrantsOfCompany(customer.id), [g]);
        assert.deepEqual(await s.listGrantsOfApp(app.id), [g]);
        assert.equal(await s.getGrantByGuid(newId('g')), undefined);
        assert.deepEqual(await s.getGrantById(g.id), g);
        assert.equal(await s.getGrantById(newId('gr')), undefined);
      },
    );

    it(
      'upsert keeps the id and GUID of the active grant and replaces its scopes',
      ['upsertGrant', 'listGrantsOfApp'],
      async (s) => {
        const { customer, app, grant } = await setup(s);
        const first = await s.upsertGrant(grant(['users.read']));
        await new Promise((r) => setTimeout(r, 5));
        const second = await s.upsertGrant(grant(['schedule.read', 'users.read']), {
          audit: { companyId: customer.id, actor: 'user:x', action: 'grant.updated', target: null, data: {} },
        });
        assert.equal(second.id, first.id);
        assert.equal(second.guid, first.guid);
        assert.deepEqual(second.scopes, ['schedule.read', 'users.read']);
        assert.equal(second.createdAt.getTime(), first.createdAt.getTime());
        assert.ok(second.updatedAt.getTime() > first.updatedAt.getTime());
        assert.equal((await s.listGrantsOfApp(app.id)).length, 1);
        assert.equal((await s.listAuditEvents(customer.id, { action: 'grant.updated' })).items.length, 1);
      },
    );

    it(
      'revokes once; a later grant gets a new GUID',
      ['revokeGrant', 'getGrantByGuid', 'getGrantById', 'getActiveGrant'],
      async (s) => {
        const { vendor, customer, app, grant } = await setup(s);
        const g = await s.upsertGrant(grant(['users.read']));
        assert.equal(await s.revokeGrant(vendor.id, g.id), false, 'only the granting company can revoke');
        assert.equal(await s.revokeGrant(customer.id, g.id), true);
        assert.equal(await s.revokeGrant(customer.id, g.id), false, 'already revoked');
        assert.ok((await s.getGrantByGuid(g.guid))?.revokedAt instanceof Date);
        assert.ok(
          (await s.getGrantById(g.id))?.revokedAt instanceof Date,
          'revoked grants are found by id too',
        );
        assert.equal(await s.getActiveGrant(app.id, customer.id), undefined);
        const again = await s.upsertGrant(grant(['users.read']));
        assert.notEqual(again.guid, g.guid);
        assert.equal((await s.listGrantsOfApp(app.id)).length, 2);
      },
    );

    it(
      'of concurrent revocations of one grant exactly one wins, with one audit event',
      ['revokeGrant', 'listAuditEvents'],
      async (s) => {
        const { customer, grant } = await setup(s);
        const g = await s.upsertGrant(grant(['users.read']));
        const audit = {
          companyId: customer.id,
          actor: 'user:x',
          action: 'grant.revoked',
          target: g.id,
          data: {},
        };
        const results = await Promise.all(
          Array.from({ length: 6 }, () => s.revokeGrant(customer.id, g.id, { audit })),
        );
        assert.equal(results.filter(Boolean).length, 1, `one winner, got ${JSON.stringify(results)}`);
        const events = await s.listAuditEvents(customer.id, { action: 'grant.revoked' });
        assert.equal(events.items.length, 1, 'one audit event');
      },
    );
  });
}
