import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/run-cli.ts';
import { cliEnv, type TestServer, testServer } from '../helpers.ts';
import { signedIn, type Tenant, tenant } from '../management-api/fixtures.ts';

/** Any IPv4 or loopback/compressed IPv6 address a message could carry. */
const ADDRESS = /\b\d{1,3}(\.\d{1,3}){3}\b|::1\b|\[::/;

/**
 * A tenant's endpoint is a name that resolves to loopback, refused under public-only. What the
 * tenant reads about the failed attempt (management API, console page, CLI) names the kind of
 * range, never the address its name resolved to.
 */
describe('delivery errors shown to tenants carry no resolved address', () => {
  let t: TestServer;
  let x: Tenant;
  let endpointId = '';
  before(async () => {
    t = await testServer({
      config: {
        webhooks: {
          enabled: false,
          network: 'public-only',
          timeoutMs: 2000,
          pollMs: 50,
          retryScheduleSeconds: [60],
        },
      },
    });
    x = await tenant(t, 'X');
    // Development accepts http:// for names under .localhost (resolved to 127.0.0.1 and ::1).
    const { endpoint } = await t.gh.webhooks.create(
      { companyId: x.companyId, url: 'http://hooks.localhost:9/hook', events: ['*'] },
      'test',
    );
    endpointId = endpoint.id;
    const { app } = await t.gh.apps.create(
      { companyId: x.companyId, name: 'X rotated', scopes: ['users.read'] },
      'test',
    );
    await t.gh.apps.rotateSecret(x.companyId, app.id, 'test');
    await t.gh.webhookDispatcher.runOnce();
  });
  after(() => t.close());

  const REFUSED = "the endpoint's address is not allowed (loopback)";

  it('the management API', async () => {
    const list = await t.http.inject({
      url: `/api/v1/webhook-deliveries?endpoint_id=${endpointId}`,
      headers: { authorization: `Bearer ${x.key}` },
    });
    assert.equal(list.statusCode, 200);
    const [delivery] = list.json().items;
    assert.equal(delivery.last_error, REFUSED);
    const one = await t.http.inject({
      url: `/api/v1/webhook-deliveries/${delivery.id}`,
      headers: { authorization: `Bearer ${x.key}` },
    });
    assert.equal(one.json().attempts[0].error, REFUSED);
    assert.doesNotMatch(list.body + one.body, ADDRESS);
  });

  it('errors recorded before this rule are shown without their address', async () => {
    await t.gh.storage.recordDeliveryAttempt(x.deliveryId, {
      attemptedAt: Date.now(),
      statusCode: null,
      error: 'connect ECONNREFUSED 10.0.0.7:443',
      durationMs: 3,
      delivered: false,
      nextAttemptAt: Date.now() + 60_000,
    });
    const one = await t.http.inject({
      url: `/api/v1/webhook-deliveries/${x.deliveryId}`,
      headers: { authorization: `Bearer ${x.key}` },
    });
    assert.equal(one.json().last_error, 'connect ECONNREFUSED an address');
    assert.equal(one.json().attempts.at(-1).error, 'connect ECONNREFUSED an address');
    assert.doesNotMatch(one.body, ADDRESS);
  });

  it('the console deliveries page', async () => {
    const admin = await signedIn(t, x.companyId, 'admin');
    const page = await t.http.inject({
      url: `/console/c/${x.companyId}/webhooks/${endpointId}`,
      headers: { cookie: admin.cookie },
    });
    assert.equal(page.statusCode, 200);
    const text = page.body.replaceAll('&#39;', "'");
    assert.ok(text.includes(REFUSED));
    assert.doesNotMatch(text.replace(/http:\/\/127\.0\.0\.1:9\/hook/g, ''), ADDRESS);
  });

  it('the CLI', async () => {
    const env = cliEnv(t);
    const res = await runCli(
      ['webhook', 'deliveries', '--company', x.companyId, '--endpoint', endpointId, '--json'],
      env,
    );
    assert.equal(res.code, 0, res.stderr);
    const { deliveries } = res.json<{
      deliveries: { last_error: string; attempts: { error: string }[] }[];
    }>();
    assert.equal(deliveries[0]?.last_error, REFUSED);
    assert.equal(deliveries[0]?.attempts[0]?.error, REFUSED);
    assert.doesNotMatch(res.stdout, ADDRESS);
  });
});
