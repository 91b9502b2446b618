import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { registerMetrics, startMetricsServer } from '../src/http/metrics.ts';
import { PrometheusMetrics } from '../src/metrics/prometheus.ts';
import { type DialectServer, dialectServer } from './dialect-server.ts';
import { testServer } from './helpers.ts';
import { forDialects } from './pg.ts';

const TOKEN = 'metrics-token-0123456789';

/** The families of a scrape, parsed by a Prometheus text-format parser, by name. */
function parse(text: string): Map<string, ParsedFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

const HISTOGRAM = 'gatehouse_http_request_duration_seconds';

/**
 * The scrape parsed whole, plus the request histogram's series one by one. The parser folds a
 * histogram's `_count` and `_sum` into one sample only when the histogram has no labels of its
 * own (it drops them otherwise), so the histogram is parsed a second time declared `untyped`:
 * each `_count` series is then a sample of its own, labels and all.
 */
function parseScrape(text: string): Map<string, ParsedFamily> {
  const families = parse(text);
  const counts: ParsedFamily = { name: `${HISTOGRAM}_count`, help: '', type: 'UNTYPED', metrics: [] };
  const retyped = text.replace(`# TYPE ${HISTOGRAM} histogram`, `# TYPE ${HISTOGRAM} untyped`);
  for (const f of parsePrometheusTextFormat(retyped))
    if (f.name === counts.name) counts.metrics.push(...f.metrics);
  families.set(counts.name, counts);
  return families;
}

/** The value of the sample of `family` whose labels include `labels` (0 when there is none). */
function sample(
  families: Map<string, ParsedFamily>,
  family: string,
  labels: Record<string, string> = {},
): number {
  const f = families.get(family);
  const found = f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (found === undefined) return 0;
  return Number(found.value ?? found.count);
}

describe('metrics off (neither GATEHOUSE_METRICS_PORT nor GATEHOUSE_METRICS_TOKEN)', () => {
  it('registers nothing on the app, and /metrics is not served', async () => {
    // Any use of the app at all (a hook, a route) would throw.
    const untouchable = new Proxy({}, { get: () => assert.fail('the app was touched') });
    registerMetrics(untouchable as never, undefined, { port: undefined, token: undefined });
    const t = await testServer();
    try {
      assert.equal(t.gh.metrics, undefined);
      assert.equal((await t.http.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    } finally {
      await t.close();
    }
  });
});

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`metrics on the main port behind a token (${dialect})`, { skip }, () => {
    let t: DialectServer;
    before(async () => {
      t = await dialectServer(dialect, {
        metrics: { port: undefined, token: TOKEN },
        tokenRateLimit: {
          perClient: { perSecond: 0.001, burst: 4 },
          perIp: { perSecond: 10_000, burst: 10_000 },
        },
      });
    });
    after(() => t.close());

    const scrape = async () => {
      const res = await t.http.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      return { text: res.body, families: parseScrape(res.body) };
    };

    it('refuses a scrape without the token, or with another', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
        const res = await t.http.inject({
          method: 'GET',
          url: '/metrics',
          headers: authorization ? { authorization } : {},
        });
        assert.equal(res.statusCode, 401);
        assert.equal(res.json().error, 'unauthorized');
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      }
    });

    it('counters move with traffic, labelled by route pattern, never by client or path', async () => {
      const { clientId, clientSecret } = await t.createApp({ grantTypes: ['client_credentials'] });
      const before = (await scrape()).families;
      const token = (secret: string) =>
        t.http.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: clientId,
            client_secret: secret,
          }).toString(),
        });
      for (let i = 0; i < 3; i++) assert.equal((await token(clientSecret)).statusCode, 200);
      assert.equal((await token('wrong-secret')).statusCode, 401);
      // The fourth success spends the client's burst of 4; the fifth request is refused.
      assert.equal((await token(clientSecret)).statusCode, 200);
      assert.equal((await token(clientSecret)).statusCode, 429);
      await t.http.inject({ method: 'GET', url: '/no/such/path/secret-looking-value' });
      await t.http.inject({ method: 'GET', url: `/oauth2/grants/${clientId}` });

      const { text, families: after } = await scrape();
      const moved = (family: string, labels: Record<string, string> = {}) =>
        sample(after, family, labels) - sample(before, family, labels);
      const issued = { grant_type: 'client_credentials', token_format: 'jwt' };
      assert.equal(moved('gatehouse_tokens_issued_total', issued), 4);
      assert.equal(moved('gatehouse_client_auth_failures_total', { method: 'client_secret_post' }), 1);
      assert.equal(moved('gatehouse_rate_limited_total', { bucket: 'token_client' }), 1);
      const route = (status: string) => ({ route: '/oauth2/token', method: 'POST', status });
      assert.equal(moved(`${HISTOGRAM}_count`, route('200')), 4);
      assert.equal(moved(`${HISTOGRAM}_count`, route('401')), 1);
      assert.equal(moved(`${HISTOGRAM}_count`, route('429')), 1);
      assert.equal(after.get(HISTOGRAM)?.type, 'HISTOGRAM');
      assert.equal(moved(`${HISTOGRAM}_count`, { route: 'unmatched', method: 'GET', status: '404' }), 1);
      assert.ok(sample(after, `${HISTOGRAM}_count`, { route: '/oauth2/grants/:guid' }) >= 1);
      assert.ok(!text.includes(clientId), 'no client id in any label');
      assert.ok(!text.includes('secret-looking-value'), 'no raw path in any label');
    });

    it('reports the webhook outbox, the feeds, the pool and the process', async () => {
      const { families } = await scrape();
      assert.equal(sample(families, 'gatehouse_webhook_outbox_pending'), 0);
      assert.equal(sample(families, 'gatehouse_webhook_outbox_oldest_pending_seconds'), 0);
      for (const feed of ['invalidations', 'revocations']) {
        const lag = sample(families, 'gatehouse_feed_lag_seconds', { feed });
        assert.ok(lag >= 0 && lag < 30, `${feed} lag ${lag}`);
      }
      const pool = sample(families, 'gatehouse_db_pool_connections', { state: 'max' });
      if (dialect === 'postgres') assert.ok(pool >= 1, 'the pool size');
      else assert.equal(families.has('gatehouse_db_pool_connections'), true, 'declared, without samples');
      assert.ok(sample(families, 'process_cpu_user_seconds_total') > 0);
      assert.ok(families.has('nodejs_eventloop_lag_p99_seconds'), 'event-loop delay');
      assert.ok(families.has('gatehouse_refresh_token_reuse_total'));
      assert.ok(families.has('gatehouse_webhook_attempts_total'));
      assert.ok(families.has('gatehouse_shared_limits_fallbacks_total'));
    });
  });
});

describe('the Prometheus adapter', () => {
  it('every method of the Metrics port moves its own series, and the scrape gauges read their sources', async () => {
    const m = await PrometheusMetrics.create();
    m.watch({
      webhookBacklog: async () => ({ pending: 3, oldestAgeSeconds: 42 }),
      feedLagSeconds: () => ({ invalidations: 0.25, revocations: 0.5 }),
      databasePool: () => ({ total: 4, idle: 3, waiting: 1, max: 10 }),
    });
    m.tokenIssued('refresh_token', 'opaque');
    m.tokenIssued('refresh_token', 'opaque');
    m.clientAuthFailed('client_secret_basic');
    m.rateLimited('sign_in');
    m.refreshReuseDetected();
    m.webhookAttempt('delivered');
    m.webhookAttempt('retry');
    m.webhookAttempt('failed');
    m.sharedLimiterUnavailable();
    m.requestObserver('/oauth2/token', 'BREW', 200)(0.004);
    const f = parseScrape((await m.scrape()).body);
    assert.equal(
      sample(f, 'gatehouse_tokens_issued_total', { grant_type: 'refresh_token', token_format: 'opaque' }),
      2,
    );
    assert.equal(sample(f, 'gatehouse_client_auth_failures_total', { method: 'client_secret_basic' }), 1);
    assert.equal(sample(f, 'gatehouse_rate_limited_total', { bucket: 'sign_in' }), 1);
    assert.equal(
      sample(f, 'gatehouse_rate_limited_total', { bucket: 'token_client' }),
      0,
      'every bucket from zero',
    );
    assert.equal(sample(f, 'gatehouse_refresh_token_reuse_total'), 1);
    for (const outcome of ['delivered', 'retry', 'failed'])
      assert.equal(sample(f, 'gatehouse_webhook_attempts_total', { outcome }), 1);
    assert.equal(sample(f, 'gatehouse_shared_limits_fallbacks_total'), 1);
    assert.equal(
      sample(f, `${HISTOGRAM}_count`, { route: '/oauth2/token', method: 'other', status: '200' }),
      1,
    );
    assert.equal(sample(f, 'gatehouse_webhook_outbox_pending'), 3);
    assert.equal(sample(f, 'gatehouse_webhook_outbox_oldest_pending_seconds'), 42);
    assert.equal(sample(f, 'gatehouse_feed_lag_seconds', { feed: 'revocations' }), 0.5);
    assert.equal(sample(f, 'gatehouse_db_pool_connections', { state: 'waiting' }), 1);
  });
});

describe('metrics on their own port (GATEHOUSE_METRICS_PORT)', () => {
  it('serves GET /metrics there, behind the token when one is set, and only that', async () => {
    const t = await testServer({ config: { metrics: { port: 0, token: TOKEN } } });
    const metrics = t.gh.metrics;
    assert.ok(metrics);
    const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0, token: TOKEN });
    try {
      assert.equal(
        (await t.http.inject({ method: 'GET', url: '/metrics' })).statusCode,
        404,
        'not on the API port',
      );
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/metrics`)).status, 401);
      assert.equal((await fetch(`${base}/other`)).status, 404);
      await t.http.inject({ method: 'GET', url: '/healthz' });
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      const families = parseScrape(await res.text());
      assert.equal(
        sample(families, `${HISTOGRAM}_count`, {
          route: '/healthz',
          method: 'GET',
          status: '200',
        }),
        1,
      );
    } finally {
      await server.close();
      await t.close();
    }
  });
});
