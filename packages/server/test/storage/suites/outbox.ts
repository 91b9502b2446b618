import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { InvalidCursor, type Storage } from '../../../src/storage/storage.ts';
import { newApp, newCompany, newEndpoint, rotationEvent, secretRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const LEASE = 30_000;

/** A company with an endpoint for every event and `n` deliveries due to it; their ids. */
async function enqueue(s: Storage, n: number) {
  const co = await newCompany(s, 'Outbox Co');
  const endpoint = await newEndpoint(s, co.id);
  const { app } = await newApp(s, co.id);
  const event = rotationEvent(co.id, app.id);
  await s.rotateAppSecret(co.id, app.id, secretRecord(), new Date(), {
    events: Array.from({ length: n }, () => event),
  });
  const ids = (await s.listWebhookDeliveries(co.id, { limit: 200 })).items.map((d) => d.id);
  assert.equal(ids.length, n);
  return { co, endpoint, app, ids };
}

const sorted = (xs: string[]) => [...xs].sort();

/**
 * The webhook outbox. Claims reach every due delivery in the database, so the lease tests
 * run on a database of their own and can count exactly.
 */
export function outboxTests({ it }: SuiteContext): void {
  describe('webhook outbox', () => {
    it(
      'leases each due delivery to exactly one of several concurrent claimers, until the lease ends',
      ['claimDueDeliveries'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const { ids } = await enqueue(s, 40);
        const now = Date.now() + 1;
        // Enough claimers and rows that their transactions overlap (on PostgreSQL, side by side).
        const batches = await Promise.all(
          Array.from({ length: 8 }, () => s.claimDueDeliveries(new Date(now), 50, LEASE)),
        );
        const claimed = batches.flat();
        assert.deepEqual(sorted(claimed.map((d) => d.id)), sorted(ids), 'each one, once');
        assert.ok(claimed.every((d) => d.status === 'pending' && d.attempts === 0));
        assert.deepEqual(
          await s.claimDueDeliveries(new Date(now + LEASE), 50, LEASE),
          [],
          'leased until then',
        );
        const again = await s.claimDueDeliveries(new Date(now + LEASE + 1), 4, LEASE);
        assert.equal(again.length, 4, 'an ended lease is taken again, up to the limit');
      },
    );

    it(
      'a lease is given back only by the node that holds it',
      ['releaseDeliveryLease', 'claimDueDeliveries', 'recordDeliveryAttempt'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const {
          ids: [id],
        } = await enqueue(s, 1);
        const t = Date.now() + 1;
        assert.equal((await s.claimDueDeliveries(new Date(t), 10, LEASE))[0]?.id, id);
        assert.equal(await s.releaseDeliveryLease(id as string, new Date(t + LEASE)), true);
        assert.equal((await s.claimDueDeliveries(new Date(t), 10, LEASE))[0]?.id, id, 'due again at once');
        // The lease ends and another node takes the delivery: the first node's lease is gone.
        assert.equal((await s.claimDueDeliveries(new Date(t + LEASE + 1), 10, LEASE))[0]?.id, id);
        assert.equal(await s.releaseDeliveryLease(id as string, new Date(t + LEASE)), false);
        assert.equal(await s.releaseDeliveryLease(id as string, new Date(t + 2 * LEASE + 1)), true);
        // Once an attempt is recorded there is no lease left to give back.
        const u = t + 3 * LEASE;
        await s.claimDueDeliveries(new Date(u), 10, LEASE);
        await s.recordDeliveryAttempt(id as string, {
          attemptedAt: u,
          statusCode: 200,
          error: null,
          durationMs: 5,
          delivered: true,
          nextAttemptAt: null,
        });
        assert.equal(await s.releaseDeliveryLease(id as string, new Date(u + LEASE)), false);
      },
    );

    it(
      'records attempts: delivered, retried later, or failed for good; the next due time follows',
      [
        'recordDeliveryAttempt',
        'getWebhookDelivery',
        'nextDeliveryDue',
        'webhookBacklog',
        'listWebhookAttempts',
        'claimDueDeliveries',
      ],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        assert.equal(await s.nextDeliveryDue(), null, 'nothing pending');
        assert.deepEqual(await s.webhookBacklog(), { pending: 0, oldestCreatedAt: null });
        const before = Date.now();
        const { co, ids } = await enqueue(s, 3);
        const backlog = await s.webhookBacklog();
        assert.equal(backlog.pending, 3);
        const oldest = backlog.oldestCreatedAt?.getTime() ?? 0;
        assert.ok(oldest >= before - 1000 && oldest <= Date.now(), 'enqueued just now');
        const [d1, d2, d3] = ids as [string, string, string];
        const other = await newCompany(s, 'Other');
        assert.ok(((await s.nextDeliveryDue())?.getTime() ?? Number.POSITIVE_INFINITY) <= Date.now());
        const t = Date.now();
        const attempt = {
          attemptedAt: t,
          statusCode: null,
          error: null,
          durationMs: 12,
          nextAttemptAt: null,
        };
        await s.recordDeliveryAttempt(d1, { ...attempt, statusCode: 204, delivered: true });
        await s.recordDeliveryAttempt(d2, {
          ...attempt,
          statusCode: 500,
          delivered: false,
          nextAttemptAt: t + 60_000,
        });
        await s.recordDeliveryAttempt(d3, { ...attempt, error: 'timed out', delivered: false });
        const get = async (id: string) => {
          const d = await s.getWebhookDelivery(co.id, id);
          return d && [d.status, d.attempts, d.lastError, d.deliveredAt?.getTime() ?? null];
        };
        assert.deepEqual(await get(d1), ['delivered', 1, null, t]);
        assert.deepEqual(await get(d2), ['pending', 1, 'HTTP 500', null]);
        assert.deepEqual(await get(d3), ['failed', 1, 'timed out', null]);
        assert.equal((await s.getWebhookDelivery(co.id, d2))?.nextAttemptAt.getTime(), t + 60_000);
        assert.equal(await s.getWebhookDelivery(other.id, d2), undefined, 'another company’s');
        assert.equal((await s.nextDeliveryDue())?.getTime(), t + 60_000);
        assert.deepEqual(await s.claimDueDeliveries(new Date(t + 59_999), 10, LEASE), [], 'not due yet');
        assert.deepEqual(
          (await s.claimDueDeliveries(new Date(t + 60_000), 10, LEASE)).map((d) => d.id),
          [d2],
        );
        await s.recordDeliveryAttempt(d2, {
          ...attempt,
          attemptedAt: t + 60_000,
          statusCode: 200,
          delivered: true,
        });
        assert.equal(await s.nextDeliveryDue(), null);
        assert.deepEqual(
          await s.webhookBacklog(),
          { pending: 0, oldestCreatedAt: null },
          'none left pending',
        );
        const attempts = await s.listWebhookAttempts(co.id, d2);
        assert.deepEqual(
          attempts.map((a) => [a.deliveryId, a.statusCode, a.error, a.durationMs, a.attemptedAt.getTime()]),
          [
            [d2, 500, null, 12, t],
            [d2, 200, null, 12, t + 60_000],
          ],
        );
        assert.deepEqual(await s.listWebhookAttempts(other.id, d2), [], 'another company’s');
      },
    );

    it(
      'lists deliveries newest first, by endpoint and status, paged by cursor',
      ['listWebhookDeliveries', 'recordDeliveryAttempt'],
      async (s) => {
        const co = await newCompany(s, 'Listing Co');
        const all = await newEndpoint(s, co.id);
        const rotations = await newEndpoint(s, co.id, { events: ['app.secret_rotated'] });
        await newEndpoint(s, co.id, { events: ['app.deleted'] });
        const { app } = await newApp(s, co.id);
        const event = rotationEvent(co.id, app.id);
        for (let i = 0; i < 3; i++)
          await s.rotateAppSecret(co.id, app.id, secretRecord(), new Date(), { events: [event] });
        const listed = (await s.listWebhookDeliveries(co.id)).items;
        assert.equal(listed.length, 6, 'three events to each of the two endpoints that subscribe');
        const times = listed.map((d) => d.createdAt.getTime());
        assert.deepEqual(
          times,
          [...times].sort((a, b) => b - a),
          'newest first',
        );
        const byEndpoint = (await s.listWebhookDeliveries(co.id, { endpointId: rotations.id })).items;
        assert.equal(byEndpoint.length, 3);
        assert.ok(byEndpoint.every((d) => d.endpointId === rotations.id));
        const failed = listed.find((d) => d.endpointId === all.id) as (typeof listed)[number];
        await s.recordDeliveryAttempt(failed.id, {
          attemptedAt: Date.now(),
          statusCode: 410,
          error: null,
          durationMs: 3,
          delivered: false,
          nextAttemptAt: null,
        });
        assert.deepEqual(
          (await s.listWebhookDeliveries(co.id, { status: 'failed' })).items.map((d) => d.id),
          [failed.id],
        );
        assert.equal((await s.listWebhookDeliveries(co.id, { status: 'pending' })).items.length, 5);
        const first = await s.listWebhookDeliveries(co.id, { limit: 4 });
        assert.equal(first.items.length, 4);
        assert.ok(first.next);
        const second = await s.listWebhookDeliveries(co.id, { limit: 4, cursor: first.next });
        assert.equal(second.next, null);
        const paged = [...first.items, ...second.items].map((d) => d.id);
        assert.deepEqual(
          paged,
          listed.map((d) => d.id),
          'no gaps, no repeats',
        );
        await assert.rejects(s.listWebhookDeliveries(co.id, { cursor: 'forged!' }), InvalidCursor);
        assert.deepEqual((await s.listWebhookDeliveries((await newCompany(s)).id)).items, []);
      },
    );
  });
}
