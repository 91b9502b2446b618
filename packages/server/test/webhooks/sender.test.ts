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
      'mixed.test': { A: ['93.184.216.34'], AAAA: ['::1'] },
      'nat64.test': { AAAA: ['64:ff9b::a00:1'] },
      'nat64-local.test': { AAAA: ['64:ff9b:1::a00:1'] },
      'six-to-four.test': { AAAA: ['2002:a00:1::1'] },
      'compatible.test': { AAAA: ['::10.0.0.1'] },
      'site-local.test': { AAAA: ['fec0::1'] },
      'private.test': { A: ['10.0.0.7'] },
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
      assert.equal(result.error, "the endpoint's address is not allowed (loopback)");
      assert.match(
        result.detail ?? '',
        /^(127\.0\.0\.1|::1) refused: loopback$/,
        'the operator log names it',
      );
    }
    assert.equal(rx.received.length, before);
  });

  it('refuses names resolving to NAT64, 6to4, IPv4-compatible, site-local or private addresses', async () => {
    const cases = {
      'nat64.test': 'IPv4 embedded in IPv6: NAT64',
      'nat64-local.test': 'IPv4 embedded in IPv6: NAT64',
      'six-to-four.test': 'IPv4 embedded in IPv6: 6to4',
      'compatible.test': 'IPv4 embedded in IPv6: IPv4-compatible',
      'site-local.test': 'site-local',
      'private.test': 'private network',
    };
    for (const [host, label] of Object.entries(cases)) {
      const result = await sendWebhook(urlAt(host), {}, '{}', {
        timeoutMs: 2000,
        policy: 'public-only',
        resolver,
      });
      assert.equal(result.statusCode, null, host);
      // The tenant learns which kind of range, never the address its name resolved to.
      assert.equal(result.error, `the endpoint's address is not allowed (${label})`, host);
    }
  });

  it('a literal address in the URL is refused the same way, without echoing it', async () => {
    for (const [host, label] of [
      ['[64:ff9b::a00:1]', 'IPv4 embedded in IPv6: NAT64'],
      ['[fec0::1]', 'site-local'],
      ['10.0.0.7', 'private network'],
    ]) {
      const result = await sendWebhook(`http://${host}:9/hook`, {}, '{}', {
        timeoutMs: 2000,
        policy: 'public-only',
      });
      assert.equal(result.error, `the endpoint's address is not allowed (${label})`, host);
    }
  });

  it('a connection error does not carry the address connected to', async () => {
    // A port nothing listens on: Node's own message is "connect ECONNREFUSED 127.0.0.1:<port>".
    const closed = await startReceiver(() => 204);
    const url = closed.url;
    await closed.close();
    const result = await sendWebhook(url, {}, '{}', { timeoutMs: 2000, policy: 'allow-loopback', resolver });
    assert.equal(result.statusCode, null);
    assert.equal(result.error, 'connection refused (ECONNREFUSED)');
    assert.match(result.detail ?? '', /127\.0\.0\.1/, 'the operator log keeps the address');
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
