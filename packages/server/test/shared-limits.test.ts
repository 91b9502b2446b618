import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LoginThrottle } from '../src/authorization/login-throttle.ts';
import { SharedSignInBuckets } from '../src/authorization/shared-login-throttle.ts';
import { TooManyRequestsError } from '../src/errors.ts';
import { SharedTokenEndpointLimiter } from '../src/http/shared-rate-limit.ts';
import { SharedLimits } from '../src/limits/shared-limits.ts';
import type { Metrics } from '../src/metrics/metrics.ts';
import { type PausableProxy, startPausableProxy } from './fixtures/pausable-proxy.ts';
import { twoNodes } from './fixtures/two-nodes.ts';
import { closedPort, dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix, withRedis } from './redis.ts';

const RATES = {
  perClient: { perSecond: 0.01, burst: 4 },
  perIp: { perSecond: 10_000, burst: 10_000 },
};
const FAILURES = {
  perClientAddress: { perSecond: 0.01, burst: 2 },
  perIp: { perSecond: 10_000, burst: 10_000 },
};

/** What the limits reported: fallbacks counted, refusals by bucket, warnings logged. */
function observed() {
  const seen = { fallbacks: 0, refused: [] as string[], warnings: 0 };
  const metrics = {
    sharedLimiterUnavailable: () => seen.fallbacks++,
    rateLimited: (bucket: string) => seen.refused.push(bucket),
  } as unknown as Metrics;
  const log = { warn: () => seen.warnings++ } as unknown as Logger;
  return { seen, metrics, log };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const refused = (p: Promise<unknown>) => assert.rejects(p, TooManyRequestsError);

await withRedis((skip) => {
  describe('limits shared through Redis', { skip }, () => {
    const open: SharedLimits[] = [];
    const prefixes: string[] = [];
    const node = async (opts: { url?: string; prefix: string; metrics?: Metrics; log?: Logger }) => {
      const limits = await SharedLimits.open({
        url: opts.url ?? TEST_REDIS_URL,
        prefix: opts.prefix,
        metrics: opts.metrics,
        log: opts.log,
        commandTimeoutMs: 150,
        retryAfterMs: 200,
      });
      open.push(limits);
      limits.start();
      return limits;
    };
    const prefix = () => {
      const p = testRedisPrefix();
      prefixes.push(p);
      return p;
    };
    after(async () => {
      for (const l of open) await l.close();
      for (const p of prefixes) await dropRedisPrefix(p);
    });

    it('two nodes spend one per-client bucket: alternating requests are limited as one client', async () => {
      const p = prefix();
      const [a, b] = [await node({ prefix: p }), await node({ prefix: p })];
      await until('both connected', () => a.usable && b.usable);
      const la = new SharedTokenEndpointLimiter(a, RATES, FAILURES);
      const lb = new SharedTokenEndpointLimiter(b, RATES, FAILURES);
      for (const l of [la, lb, la, lb]) await l.authenticated('client-1');
      await refused(la.authenticated('client-1'));
      await refused(lb.authenticated('client-1'));
      await lb.authenticated('client-2');
    });

    it('failed client authentications are counted across nodes; successes are given back', async () => {
      const p = prefix();
      const [a, b] = [await node({ prefix: p }), await node({ prefix: p })];
      await until('both connected', () => a.usable && b.usable);
      const la = new SharedTokenEndpointLimiter(a, RATES, FAILURES);
      const lb = new SharedTokenEndpointLimiter(b, RATES, FAILURES);
      for (let i = 0; i < 5; i++) (await la.attempt('client-1', '10.0.0.1')).settle(false);
      await sleep(50); // give-backs are not waited for
      (await la.attempt('client-1', '10.0.0.1')).settle(true);
      (await lb.attempt('client-1', '10.0.0.1')).settle(true);
      await refused(la.attempt('client-1', '10.0.0.1'));
      await refused(lb.attempt('client-1', '10.0.0.1'));
      (await lb.attempt('client-1', '10.0.0.2')).settle(true);
    });

    it('the sign-in throttle holds across nodes', async () => {
      const p = prefix();
      const [a, b] = [await node({ prefix: p }), await node({ prefix: p })];
      await until('both connected', () => a.usable && b.usable);
      const config = { perAccount: { perSecond: 0.01, burst: 2 }, perIp: { perSecond: 100, burst: 100 } };
      const ta = new LoginThrottle(config, new SharedSignInBuckets(a, config));
      const tb = new LoginThrottle(config, new SharedSignInBuckets(b, config));
      for (const t of [ta, tb]) {
        const attempt = await t.admit('Ada@example.com', '10.0.0.1');
        assert.equal(attempt.refused, undefined);
        if (attempt.refused === undefined) attempt.failed();
      }
      const third = await ta.admit('ada@example.com', '10.0.0.9');
      assert.equal(third.refused, 'rate');
      const other = await tb.admit('bob@example.com', '10.0.0.1');
      assert.equal(other.refused, undefined);
    });

    it('two Gatehouse nodes with REDIS_URL count the failed sign-ins of one account together', async () => {
      const nodes = await twoNodes('sqlite', {
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix(),
        loginThrottle: { perAccount: { perSecond: 0.01, burst: 2 }, perIp: { perSecond: 100, burst: 100 } },
      });
      try {
        const { a, b } = nodes;
        await until('both connected', () => Boolean(a.gh.sharedLimits?.usable && b.gh.sharedLimits?.usable));
        const signIn = (n: typeof a, ip: string) =>
          n.gh.passwordSignIn.attempt('nobody@example.com', 'guess', ip);
        assert.equal((await signIn(a, '10.0.0.1')).kind, 'invalid');
        assert.equal((await signIn(b, '10.0.0.2')).kind, 'invalid');
        const third = await signIn(a, '10.0.0.3');
        assert.equal(third.kind, 'throttled', 'each node alone would have allowed two more');
      } finally {
        await nodes.close();
      }
    });

    it('a change on one node wakes the others through Redis pub/sub, well before their next poll', async () => {
      const nodes = await twoNodes('sqlite', {
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix(),
        // Without the wake-up, node b would learn of the deletion only a minute later.
        invalidationPollMs: 60_000,
      });
      try {
        const { a, b } = nodes;
        await until('both connected', () => Boolean(a.gh.sharedLimits?.usable && b.gh.sharedLimits?.usable));
        await sleep(200); // the subscriptions follow the connections
        const app = await a.createApp({ grantTypes: ['client_credentials'] });
        const token = () =>
          b.http.inject({
            method: 'POST',
            url: '/oauth2/token',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
          });
        assert.equal((await token()).statusCode, 200, 'node b has the app cached');
        await a.gh.apps.delete(a.companyId, app.appId, 'test');
        await sleep(50);
        for (let i = 0; i < 40 && (await token()).statusCode === 200; i++) await sleep(50);
        assert.equal((await token()).statusCode, 401, 'node b forgot the deleted app within 2 s');
      } finally {
        await nodes.close();
      }
    });

    it('Redis down (a closed port): nothing is refused for it, the node limits alone, a warning once', async () => {
      const { seen, metrics, log } = observed();
      const down = await node({
        url: `redis://127.0.0.1:${await closedPort()}`,
        prefix: prefix(),
        metrics,
        log,
      });
      const l = new SharedTokenEndpointLimiter(down, RATES, FAILURES, { metrics });
      for (let i = 0; i < 4; i++) await l.authenticated('client-1');
      await l.checkAddress('10.0.0.1');
      (await l.attempt('client-1', '10.0.0.1')).settle(false);
      // The node's own bucket still holds: the fifth request for client-1 is refused by it.
      await refused(l.authenticated('client-1'));
      assert.equal(seen.fallbacks, 7, 'every check decided locally is counted');
      assert.deepEqual(seen.refused, ['token_client']);
      assert.ok(
        seen.warnings >= 1 && seen.warnings <= 2,
        `warned ${seen.warnings} times, at most once a minute`,
      );
      const warnings = seen.warnings;
      for (let i = 0; i < 20; i++) await l.checkAddress('10.0.0.1');
      assert.equal(seen.warnings, warnings, 'no more warnings within the minute');
    });

    it('Redis that comes up after the node started is used as soon as it answers', async () => {
      const port = await closedPort();
      const late = await node({ url: `redis://127.0.0.1:${port}`, prefix: prefix() });
      assert.equal(late.usable, false);
      const target = new URL(TEST_REDIS_URL);
      // A proxy to the real Redis, opened on the port the node has been failing to reach.
      const proxy = await startPausableProxy(
        { host: target.hostname, port: Number(target.port || 6379) },
        port,
      );
      try {
        await until('connected once Redis answers', () => late.usable, 8000);
      } finally {
        await proxy.close();
      }
    });

    it('Redis unreachable mid-way (a partition): checks fall back within the timeout; sharing resumes by itself', async () => {
      const target = new URL(TEST_REDIS_URL);
      const proxy: PausableProxy = await startPausableProxy({
        host: target.hostname,
        port: Number(target.port || 6379),
      });
      try {
        const p = prefix();
        const { seen, metrics } = observed();
        const a = await node({ url: `redis://127.0.0.1:${proxy.port}`, prefix: p, metrics });
        const b = await node({ prefix: p });
        await until('both connected', () => a.usable && b.usable);
        const la = new SharedTokenEndpointLimiter(a, RATES, FAILURES, { metrics });
        const lb = new SharedTokenEndpointLimiter(b, RATES, FAILURES);
        await la.authenticated('client-1');
        proxy.pause();
        const started = Date.now();
        await la.authenticated('client-2');
        assert.ok(Date.now() - started < 1000, 'bounded by the command timeout');
        assert.ok(seen.fallbacks >= 1);
        proxy.resume();
        // b spends the rest of client-1's shared bucket; once a asks Redis again, it sees that.
        for (let i = 0; i < 3; i++) await lb.authenticated('client-1');
        await sleep(300);
        await until('a back on Redis', () => a.usable);
        await refused(la.authenticated('client-1'));
      } finally {
        await proxy.close();
      }
    });
  });
});
