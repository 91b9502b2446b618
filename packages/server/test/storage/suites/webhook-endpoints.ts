import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany, newEndpoint, secretRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

/** Where companies hear of events. */
export function webhookEndpointTests({ it }: SuiteContext): void {
  describe('webhook endpoints', () => {
    it(
      'creates endpoints, lists them newest first, and reads them only within their company',
      ['createWebhookEndpoint', 'listWebhookEndpoints', 'getWebhookEndpoint', 'getWebhookEndpointById'],
      async (s) => {
        const [co, other] = [await newCompany(s), await newCompany(s, 'Other')];
        const { app } = await newApp(s, co.id);
        const first = await newEndpoint(s, co.id, { description: 'all events' });
        await new Promise((r) => setTimeout(r, 5));
        const second = await s.createWebhookEndpoint(
          {
            id: newId('whe'),
            companyId: co.id,
            appId: app.id,
            url: 'https://partner.example/hooks',
            events: ['authorization.granted', 'authorization.revoked'],
            description: 'this app only',
            secretEncrypted: 'sealed-2',
            secretLast4: 'wxyz',
          },
          {
            audit: { companyId: co.id, actor: 'cli', action: 'webhook.created', target: null, data: {} },
          },
        );
        assert.equal(second.disabledAt, null);
        assert.ok(second.createdAt instanceof Date);
        assert.deepEqual(await s.getWebhookEndpoint(co.id, second.id), second);
        assert.deepEqual(await s.getWebhookEndpointById(second.id), second);
        assert.deepEqual(
          (await s.listWebhookEndpoints(co.id)).map((e) => e.id),
          [second.id, first.id],
        );
        assert.equal(await s.getWebhookEndpoint(other.id, second.id), undefined);
        assert.deepEqual(await s.listWebhookEndpoints(other.id), []);
        assert.equal(await s.getWebhookEndpointById(newId('whe')), undefined);
        assert.equal((await s.listAuditEvents(co.id, { action: 'webhook.created' })).items.length, 1);
      },
    );

    it(
      'deletes an endpoint with its deliveries, only within its company',
      ['deleteWebhookEndpoint', 'getWebhookEndpoint', 'listWebhookDeliveries'],
      async (s) => {
        const [co, other] = [await newCompany(s), await newCompany(s, 'Other')];
        const endpoint = await newEndpoint(s, co.id);
        const { app } = await newApp(s, co.id);
        await s.rotateAppSecret(co.id, app.id, secretRecord(), new Date(), {
          events: [{ type: 'app.secret_rotated', companyIds: [co.id], appId: app.id, data: {} }],
        });
        assert.equal((await s.listWebhookDeliveries(co.id, { endpointId: endpoint.id })).items.length, 1);
        assert.equal(await s.deleteWebhookEndpoint(other.id, endpoint.id), false, 'another company’s');
        assert.ok(await s.getWebhookEndpoint(co.id, endpoint.id));
        const audit = { companyId: co.id, actor: 'cli', action: 'webhook.deleted', target: null, data: {} };
        assert.equal(await s.deleteWebhookEndpoint(co.id, endpoint.id, { audit }), true);
        assert.equal(await s.getWebhookEndpoint(co.id, endpoint.id), undefined);
        assert.deepEqual((await s.listWebhookDeliveries(co.id, { endpointId: endpoint.id })).items, []);
        assert.equal(await s.deleteWebhookEndpoint(co.id, endpoint.id), false, 'already gone');
        assert.equal((await s.listAuditEvents(co.id, { action: 'webhook.deleted' })).items.length, 1);
      },
    );
  });
}
