import assert from 'node:assert/strict';
import { pbkdf2, pbkdf2Sync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createHostResolver, type HostResolver } from '../../src/webhooks/resolve.ts';
import { sendWebhook } from '../../src/webhooks/sender.ts';
import { startFakeDns } from './fake-dns.ts';
import { startReceiver } from './receiver.ts';

/** pbkdf2 iterations that take about `ms` on this machine, so pool jobs are long anywhere. */
function iterationsFor(ms: number): number {
  const probe = 20_000;
  const started = performance.now();
  pbkdf2Sync('p', 's', probe, 32, 'sha512');
  return Math.ceil((probe * ms) / Math.max(1, performance.now() - started));
}

describe('sendWebhook resolves the receiver through c-ares', () => {
  let dns: Awaited<ReturnType<typeof startFakeDns>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let resolver: HostResolver;
  /** The receiver's URL with its host replaced by `host`. */
  const urlAt = (host: string) => {
    const url = new URL(rx.url);
    url.hostname = host;
    return url.toString();
  };
  before(async () => {
    dns = await startFakeDns({
      'hooks.test': { A: ['127.0.0.1'] },
      'mixed.test': { A: ['203.0.113.7'], AAAA: ['::1'] },
    });
    rx = await startReceiver(() => 204);
    resolver = createHostResolver({ servers: [dns.server] });
  });
  after(async () => {
    await rx.close();
    await dns.close();
  });

  it('delivers to a name pointing at loopback when the policy allows loopback', async () => {
    const before = rx.received.length;
    const result = await sendWebhook(urlAt('hooks.test'), {}, '{}', {
      timeoutMs: 2000,
      policy: 'allow-loopback',
      resolver,
    });
    assert.equal(result.error, null);
    assert.equal(result.statusCode, 204);
    assert.equal(rx.received.length, before + 1);
    assert.ok(dns.queries.some((q) => q.name === 'hooks.test'));
  });

  it('refuses it under public-only, and refuses a name with any forbidden address', async () => {
    const before = rx.received.length;
    for (const host of ['hooks.test', 'mixed.test']) {
      const result = await sendWebhook(urlAt(host), {}, '{}', {
        timeoutMs: 2000,
        policy: 'public-only',
        resolver,
      });
      assert.equal(result.statusCode, null);
      assert.match(result.error ?? '', /^refused: .* is a loopback address$/);
    }
    assert.equal(rx.received.length, before);
  });

  it('a name that does not exist is a failed attempt saying so', async () => {
    const result = await sendWebhook(urlAt('nowhere.test'), {}, '{}', {
      timeoutMs: 2000,
      policy: 'allow-loopback',
      resolver,
    });
    assert.equal(result.statusCode, null);
    assert.equal(result.error, 'could not resolve nowhere.test: no such name (ENOTFOUND)');
  });

  it("delivers while libuv's pool is fully occupied (token signing keeps the pool)", async () => {
    // Every pool thread busy with a long job, as token signatures would be on a small pool.
    // dns.lookup (getaddrinfo) would queue behind them; c-ares runs on the event loop.
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const iterations = iterationsFor(400);
    let poolDone = 0;
    const jobs = Array.from(
      { length: threads },
      () =>
        new Promise<void>((resolve, reject) =>
          pbkdf2('p', 's', iterations, 32, 'sha512', (err) => (err ? reject(err) : resolve(void poolDone++))),
        ),
    );
    const result = await sendWebhook(urlAt('hooks.test'), {}, '{}', {
      timeoutMs: 5000,
      policy: 'allow-loopback',
      resolver,
    });
    const poolDoneAtDelivery = poolDone;
    await Promise.all(jobs);
    assert.equal(poolDoneAtDelivery, 0, `the delivery (${result.durationMs} ms) waited for the pool`);
    assert.equal(result.statusCode, 204);
  });
});
