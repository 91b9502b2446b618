import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../src/config/index.ts';
import { LEASE_MARGIN_MS, leaseMsFor } from '../../src/webhooks/dispatcher.ts';
import { testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { startReceiver } from './receiver.ts';

/** Long enough that an attempt never ends on its own during a test. */
const TIMEOUT_MS = 30_000;

const webhooks = (enabled: boolean): Config['webhooks'] => ({
  enabled,
  network: 'allow-loopback',
  timeoutMs: TIMEOUT_MS,
  pollMs: 20,
  retryScheduleSeconds: [3600],
});

/**
 * Node `a` delivers; node `b` (its own connection to the same database, delivery off) plays
 * the other node of a deployment that would pick the delivery up.
 */
async function twoNodes(dialect: 'sqlite' | 'postgres') {
  let db: TestDatabase | undefined;
  if (dialect === 'postgres') db = await withTestPostgres();
  const a = await testServer({
    config: { webhooks: webhooks(true), ...(db ? { databaseUrl: db.url } : {}) },
  });
  const b = await testServer({ config: { webhooks: webhooks(false), databaseUrl: a.config.databaseUrl } });
  let aClosed = false;
  return {
    a,
    b,
    async closeA() {
      aClosed = true;
      await a.close();
    },
    async close() {
      await b.close();
      if (!aClosed) await a.close();
      await db?.cleanup();
    },
  };
}

/** An endpoint on node a whose receiver never answers, and one delivery in flight to it. */
async function deliveryInFlight(nodes: Awaited<ReturnType<typeof twoNodes>>) {
  const rx = await startReceiver(() => 'hang');
  const { a } = nodes;
  await a.gh.webhooks.create({ companyId: a.companyId, url: rx.url, events: ['app.secret_rotated'] }, 'test');
  const { appId } = await a.createApp();
  await a.gh.apps.rotateSecret(a.companyId, appId, 'test');
  await rx.waitFor(1);
  return rx;
}

describe('delivery lease size', () => {
  it('is the attempt timeout plus a margin', () => {
    assert.equal(leaseMsFor(5000), 5000 + LEASE_MARGIN_MS);
    assert.ok(LEASE_MARGIN_MS > 0 && LEASE_MARGIN_MS <= 10_000);
  });
});

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`webhook delivery leases (${dialect})`, { skip: skip || false }, () => {
    it('a node that shuts down cleanly gives its lease back: the delivery is due at once elsewhere', async () => {
      const nodes = await twoNodes(dialect);
      const rx = await deliveryInFlight(nodes);
      try {
        const { b } = nodes;
        assert.equal((await b.gh.storage.claimDueDeliveries(new Date(), 10, 1000)).length, 0, 'leased to a');
        await nodes.closeA();
        const [delivery, ...more] = await b.gh.storage.claimDueDeliveries(new Date(), 10, 1000);
        assert.equal(more.length, 0);
        assert.ok(delivery, 'due again at once for the other node');
        assert.equal(delivery.attempts, 0, 'the cut-short attempt is not counted');
        assert.equal(delivery.status, 'pending');
        assert.equal(delivery.lastError, null);
        assert.equal(rx.received.length, 1);
      } finally {
        await rx.close();
        await nodes.close();
      }
    });

    it('a lease runs out soon after the attempt could have ended, and a late release leaves the next lease alone', async () => {
      const nodes = await twoNodes(dialect);
      const rx = await deliveryInFlight(nodes);
      try {
        const { b } = nodes;
        const claimedBy = (ms: number) => b.gh.storage.claimDueDeliveries(new Date(ms), 10, 3_600_000);
        // Node a took the lease just before its request reached the receiver.
        assert.equal((await claimedBy(Date.now())).length, 0, 'held while the attempt may still run');
        // As if node a had crashed: past the attempt's timeout and the margin, not a minute.
        const later = await claimedBy(Date.now() + leaseMsFor(TIMEOUT_MS) + 1000);
        assert.equal(later.length, 1, 'the lease ran out timeout + margin after it was taken');
        // Node a now stops: its release must not free the lease node b holds.
        await nodes.closeA();
        assert.equal((await claimedBy(Date.now())).length, 0, "node b's lease is still held");
      } finally {
        await rx.close();
        await nodes.close();
      }
    });
  });
});
