import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { InvalidCursor, type Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newSecret } from '../../../src/util/secrets.ts';
import { newApp, newCompany, newEndpoint, newGrant, secretRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const FORGED = [
  'not a cursor!',
  Buffer.from('v2:1:x').toString('base64url'),
  Buffer.from("v2:1:app_aaaaaaaaaa' OR 1=1 --").toString('base64url'),
  Buffer.from('v1:5').toString('base64url'),
  'A'.repeat(500),
];

/** Admin keys and the cursor-paged lists behind the management API. */
export function managementTests({ it }: SuiteContext): void {
  describe('admin keys', () => {
    async function key(s: Storage, companyId: string, name = 'deploy bot') {
      const raw = newSecret('adminKey');
      const k = await s.createAdminKey(
        { id: newId('ak'), companyId, name, keyHash: sha256(raw), last4: raw.slice(-4), createdBy: 'cli' },
        {
          audit: { companyId, actor: 'cli', action: 'admin_key.created', target: 'admin_key:x', data: {} },
        },
      );
      return { raw, k };
    }

    it(
      'creates, finds by hash, lists per company and revokes once',
      ['createAdminKey', 'findAdminKeyByHash', 'getAdminKeyById', 'listAdminKeys', 'revokeAdminKey'],
      async (s) => {
        const [a, b] = [await newCompany(s, 'A'), await newCompany(s, 'B')];
        const { raw, k } = await key(s, a.id);
        const { k: other } = await key(s, b.id);
        assert.equal(k.revokedAt, null);
        assert.deepEqual(await s.findAdminKeyByHash(sha256(raw)), k);
        assert.deepEqual(await s.getAdminKeyById(k.id), k);
        assert.equal(await s.getAdminKeyById('ak_nosuchkey0000000'), undefined);
        assert.equal(await s.findAdminKeyByHash(sha256(`${raw}x`)), undefined);
        assert.deepEqual(
          (await s.listAdminKeys(a.id)).map((x) => x.id),
          [k.id],
        );
        const audit = await s.listAuditEvents(a.id, { action: 'admin_key.created' });
        assert.equal(audit.items.length, 1);
        assert.equal(await s.revokeAdminKey(a.id, other.id), false, 'another company’s key');
        assert.equal(await s.revokeAdminKey(a.id, k.id), true);
        assert.equal(await s.revokeAdminKey(a.id, k.id), false, 'already revoked');
        assert.ok((await s.findAdminKeyByHash(sha256(raw)))?.revokedAt instanceof Date);
        assert.equal((await s.findAdminKeyByHash(other.keyHash))?.revokedAt, null);
      },
    );

    it('refuses a second key with the same hash', ['createAdminKey'], async (s) => {
      const co = await newCompany(s);
      const { k } = await key(s, co.id);
      await assert.rejects(
        s.createAdminKey({ ...k, id: newId('ak') }),
        (err: Error) => !(err instanceof InvalidCursor),
      );
    });

    it('stamps last use', ['touchAdminKey'], async (s) => {
      const co = await newCompany(s);
      const { k } = await key(s, co.id);
      const at = new Date(Date.now() + 1000);
      await s.touchAdminKey(k.id, at);
      assert.equal((await s.findAdminKeyByHash(k.keyHash))?.lastUsedAt?.getTime(), at.getTime());
      // At most about once a minute: a stamp within the minute is dropped, a later one kept.
      await s.touchAdminKey(k.id, new Date(at.getTime() + 30_000));
      assert.equal((await s.findAdminKeyByHash(k.keyHash))?.lastUsedAt?.getTime(), at.getTime());
      await s.touchAdminKey(k.id, new Date(at.getTime() + 61_000));
      assert.equal((await s.findAdminKeyByHash(k.keyHash))?.lastUsedAt?.getTime(), at.getTime() + 61_000);
    });
  });

  describe('webhook delivery lookup', () => {
    it("finds a company's delivery by id and not another company's", ['getWebhookDelivery'], async (s) => {
      const [a, b] = [await newCompany(s, 'A'), await newCompany(s, 'B')];
      await newEndpoint(s, a.id);
      const { app } = await newApp(s, a.id);
      await s.rotateAppSecret(a.id, app.id, secretRecord(), new Date(), {
        events: [{ type: 'app.secret_rotated', companyIds: [a.id], appId: app.id, data: {} }],
      });
      const [delivery] = (await s.listWebhookDeliveries(a.id)).items;
      assert.ok(delivery);
      assert.deepEqual(await s.getWebhookDelivery(a.id, delivery.id), delivery);
      assert.equal(await s.getWebhookDelivery(b.id, delivery.id), undefined);
      assert.equal(await s.getWebhookDelivery(a.id, 'msg_nosuchdelivery0000'), undefined);
    });
  });

  describe('cursor-paged apps and grants', () => {
    it(
      'pages apps newest first across pages without gaps or repeats, scoped to the company',
      ['pageApps'],
      async (s) => {
        const [a, b] = [await newCompany(s, 'A'), await newCompany(s, 'B')];
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await newApp(s, a.id, { name: `app ${i}` })).app.id);
        await newApp(s, b.id);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 5; n++) {
          const page = await s.pageApps(a.id, { limit: 2, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((x) => x.id));
          if (page.next === null) break;
          cursor = page.next;
        }
        assert.deepEqual([...seen].sort(), [...ids].sort());
        assert.equal(new Set(seen).size, 5);
        const all = await s.pageApps(a.id);
        assert.deepEqual(
          all.items.map((x) => x.id),
          seen,
        );
        assert.equal(all.next, null);
      },
    );

    it('pages grants, filtered by active', ['pageGrantsOfCompany'], async (s) => {
      const [vendor, customer] = [await newCompany(s, 'V'), await newCompany(s, 'C')];
      const grants = [];
      for (let i = 0; i < 3; i++) {
        const { app } = await newApp(s, vendor.id, { type: 'partner', grantTypes: ['authorization_code'] });
        grants.push(await newGrant(s, app.id, customer.id));
      }
      await s.revokeGrant(customer.id, grants[0]?.id as string);
      const first = await s.pageGrantsOfCompany(customer.id, { limit: 2 });
      assert.equal(first.items.length, 2);
      assert.ok(first.next);
      const second = await s.pageGrantsOfCompany(customer.id, { limit: 2, cursor: first.next });
      assert.equal(second.items.length, 1);
      assert.equal(second.next, null);
      assert.equal((await s.pageGrantsOfCompany(customer.id, { active: true })).items.length, 2);
      assert.deepEqual(
        (await s.pageGrantsOfCompany(customer.id, { active: false })).items.map((g) => g.id),
        [grants[0]?.id],
      );
      assert.equal((await s.pageGrantsOfCompany(vendor.id)).items.length, 0);
    });

    it(
      'refuses forged cursors with InvalidCursor, never a database error',
      ['pageApps', 'pageGrantsOfCompany'],
      async (s) => {
        const co = await newCompany(s);
        for (const cursor of FORGED) {
          await assert.rejects(s.pageApps(co.id, { cursor }), InvalidCursor, cursor);
          await assert.rejects(s.pageGrantsOfCompany(co.id, { cursor }), InvalidCursor, cursor);
        }
      },
    );
  });
}
