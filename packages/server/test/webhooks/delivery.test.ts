import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { authorizationRevoked } from '../../src/webhooks/events.ts';
import { partnerGrant } from '../fixtures/partner-grant.ts';
import { type TestServer, testServer } from '../helpers.ts';
import { startReceiver } from './receiver.ts';

const FAST = {
  enabled: true,
  network: 'allow-loopback' as const,
  timeoutMs: 500,
  pollMs: 20,
  retryScheduleSeconds: [0.05, 0.05, 0.05],
};

/**
 * Subscribes `url` to app.secret_rotated in the test company, then rotates a new app's
 * secret: one event for the endpoint returned.
 */
async function secretRotationFor(t: TestServer, url: string) {
  const { endpoint } = await t.gh.webhooks.create(
    { companyId: t.companyId, url, events: ['app.secret_rotated'] },
    'test',
  );
  const { appId } = await t.createApp();
  await t.gh.apps.rotateSecret(t.companyId, appId, 'test');
  return endpoint;
}

/** The attempts of the endpoint's latest delivery, as the console lists them. */
async function latestAttempts(t: TestServer, endpointId: string) {
  const page = await t.gh.webhooks.deliveries(t.companyId, { endpointId });
  return t.gh.webhooks.attempts(t.companyId, page.items[0]?.id ?? '');
}

describe('webhook delivery', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer({ config: { webhooks: FAST } });
  });
  after(() => t.close());

  it('retries a failing receiver and delivers authorization.revoked on the third attempt, verifiably signed', async () => {
    const verified: unknown[] = [];
    let secret = '';
    const rx = await startReceiver((n, r) => {
      const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
      verified.push(payload);
      return n <= 2 ? 500 : 204;
    });
    try {
      const { appId, grant, customer } = await partnerGrant(t);
      const app = await t.gh.apps.get(t.companyId, appId);
      const created = await t.gh.webhooks.create(
        { companyId: t.companyId, appId: app.id, url: rx.url, events: ['authorization.revoked'] },
        'test',
      );
      secret = created.secret;
      const ok = await t.gh.storage.revokeGrant(customer.id, grant.id, {
        events: [authorizationRevoked(grant, app, 'user:test')],
      });
      assert.equal(ok, true);
      await rx.waitFor(3);
      const ids = new Set(rx.received.map((r) => r.headers['webhook-id']));
      assert.equal(ids.size, 1, 'every attempt carries the same webhook-id');
      assert.deepEqual(
        rx.received.map((r) => r.status),
        [500, 500, 204],
      );
      const body = verified[2] as { type: string; data: { guid: string; company_id: string } };
      assert.equal(body.type, 'authorization.revoked');
      assert.equal(body.data.guid, grant.guid);
      assert.equal(body.data.company_id, customer.id);

      // The console lists the delivery with its three attempts.
      let page = await t.gh.webhooks.deliveries(t.companyId, { endpointId: created.endpoint.id });
      for (let i = 0; i < 50 && page.items[0]?.status !== 'delivered'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        page = await t.gh.webhooks.deliveries(t.companyId, { endpointId: created.endpoint.id });
      }
      assert.equal(page.items.length, 1);
      assert.equal(page.items[0]?.status, 'delivered');
      const attempts = await t.gh.webhooks.attempts(t.companyId, page.items[0]?.id ?? '');
      assert.deepEqual(
        attempts.map((a) => a.statusCode),
        [500, 500, 204],
      );
      // Another company cannot see them.
      assert.deepEqual(await t.gh.webhooks.attempts(customer.id, page.items[0]?.id ?? ''), []);
    } finally {
      await rx.close();
    }
  });

  it('a change that does not happen sends nothing', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const { appId, grant } = await partnerGrant(t);
      const app = await t.gh.apps.get(t.companyId, appId);
      await t.gh.webhooks.create({ companyId: t.companyId, url: rx.url, events: ['*'] }, 'test');
      // Revoking through the wrong company is refused, so its event must not be written.
      const ok = await t.gh.storage.revokeGrant(t.companyId, grant.id, {
        events: [authorizationRevoked(grant, app, 'user:test')],
      });
      assert.equal(ok, false);
      await t.gh.webhookDispatcher.runOnce();
      assert.equal(rx.received.length, 0);
    } finally {
      await rx.close();
    }
  });

  it('does not follow redirects and gives up after the schedule', async () => {
    const rx = await startReceiver(() => 'redirect');
    try {
      const endpoint = await secretRotationFor(t, rx.url);
      await rx.waitFor(4);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rx.received.length, 4, 'initial attempt plus three retries, then no more');
      assert.ok(rx.received.every((r) => r.status === 302));
      const page = await t.gh.webhooks.deliveries(t.companyId, { endpointId: endpoint.id });
      assert.equal(page.items[0]?.status, 'failed');
      assert.match(page.items[0]?.lastError ?? '', /HTTP 302/);
    } finally {
      await rx.close();
    }
  });

  it('times out a receiver that hangs', async () => {
    const rx = await startReceiver(() => 'hang');
    try {
      const endpoint = await secretRotationFor(t, rx.url);
      await rx.waitFor(1);
      let attempts: { error: string | null }[] = [];
      for (let i = 0; i < 100 && attempts.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        attempts = await latestAttempts(t, endpoint.id);
      }
      assert.match(attempts[0]?.error ?? '', /timed out/);
    } finally {
      await rx.close();
    }
  });
});

describe('webhook endpoint rules', () => {
  it('refuses loopback receivers under the public-only policy, recording why', async () => {
    const t = await testServer({ config: { webhooks: { ...FAST, network: 'public-only' } } });
    const rx = await startReceiver(() => 200);
    try {
      const endpoint = await secretRotationFor(t, rx.url);
      await t.gh.webhookDispatcher.runOnce();
      assert.equal(rx.received.length, 0);
      const attempts = await latestAttempts(t, endpoint.id);
      assert.match(attempts[0]?.error ?? '', /loopback/);
    } finally {
      await rx.close();
      await t.close();
    }
  });

  it('validates URLs and events; production requires https', async () => {
    const t = await testServer({ config: { production: true } });
    try {
      await assert.rejects(
        t.gh.webhooks.create({ companyId: t.companyId, url: 'http://localhost/x', events: ['*'] }, 'test'),
        /https/,
      );
      await assert.rejects(
        t.gh.webhooks.create(
          { companyId: t.companyId, url: 'https://ok.example/x', events: ['nope'] },
          'test',
        ),
        /unknown event/,
      );
      await assert.rejects(
        t.gh.webhooks.create(
          { companyId: t.companyId, url: 'https://u:p@ok.example/x', events: ['*'] },
          'test',
        ),
        /credentials/,
      );
      const { endpoint, secret } = await t.gh.webhooks.create(
        { companyId: t.companyId, url: 'https://ok.example/x', events: ['*'] },
        'test',
      );
      assert.match(secret, /^whsec_/);
      assert.equal(endpoint.secretLast4, secret.slice(-4));
      assert.ok(!endpoint.secretEncrypted.includes(secret.slice(6)), 'stored sealed, not in clear');
      await assert.rejects(
        t.gh.webhooks.create({ companyId: t.companyId, url: 'http://rx.localhost/x', events: ['*'] }, 'test'),
        /must use https$/,
      );
    } finally {
      await t.close();
    }
  });

  it('in development, accepts http:// for loopback names only', async () => {
    const t = await testServer({ config: { production: false } });
    try {
      for (const url of [
        'http://localhost:8080/hooks',
        'http://receiver.localhost:8080/hooks',
        'http://A.B.LOCALHOST/hooks',
        'http://127.0.0.1:9/x',
        'http://[::1]:9/x',
      ]) {
        const { endpoint } = await t.gh.webhooks.create(
          { companyId: t.companyId, url, events: ['*'] },
          'test',
        );
        assert.equal(endpoint.url, url);
      }
      for (const url of ['http://example.com/x', 'http://localhost.example.com/x', 'http://10.0.0.1/x'])
        await assert.rejects(
          t.gh.webhooks.create({ companyId: t.companyId, url, events: ['*'] }, 'test'),
          /must use https \(http only for localhost in development\)/,
          url,
        );
    } finally {
      await t.close();
    }
  });
});
