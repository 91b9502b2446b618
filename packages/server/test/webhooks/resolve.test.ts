import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHostResolver, type HostResolver } from '../../src/webhooks/resolve.ts';
import { startFakeDns } from './fake-dns.ts';

describe('webhook host resolver (c-ares)', () => {
  let dns: Awaited<ReturnType<typeof startFakeDns>>;
  let resolve: HostResolver;
  before(async () => {
    dns = await startFakeDns(
      {
        'dual.test': { A: ['203.0.113.5', '203.0.113.6'], AAAA: ['2001:db8::5'] },
        'v6only.test': { AAAA: ['2001:db8:0:1::a'] },
        'empty.test': {},
      },
      ['slow.test'],
    );
    resolve = createHostResolver({ servers: [dns.server] });
  });
  after(() => dns.close());

  it('IP literals (v4, v6, bracketed v6) resolve to themselves without a query', async () => {
    dns.queries.length = 0;
    assert.deepEqual(await resolve('203.0.113.9'), [{ address: '203.0.113.9', family: 4 }]);
    assert.deepEqual(await resolve('2001:db8::9'), [{ address: '2001:db8::9', family: 6 }]);
    assert.deepEqual(await resolve('[::1]'), [{ address: '::1', family: 6 }]);
    assert.deepEqual(dns.queries, []);
  });

  it('localhost and *.localhost are loopback without a query (RFC 6761)', async () => {
    dns.queries.length = 0;
    const both = [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    assert.deepEqual(await resolve('localhost'), both);
    assert.deepEqual(await resolve('LocalHost.'), both);
    assert.deepEqual(await resolve('hooks.dev.localhost'), both);
    assert.deepEqual(await resolve('localhost', 4), [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(await resolve('localhost', 6), [{ address: '::1', family: 6 }]);
    assert.deepEqual(dns.queries, []);
  });

  it('asks A and AAAA and returns their union, IPv4 first', async () => {
    dns.queries.length = 0;
    assert.deepEqual(await resolve('dual.test'), [
      { address: '203.0.113.5', family: 4 },
      { address: '203.0.113.6', family: 4 },
      { address: '2001:db8::5', family: 6 },
    ]);
    assert.deepEqual(dns.queries.map((q) => q.type).sort(), ['A', 'AAAA']);
    // A name with only one of the two answers with that one.
    assert.deepEqual(await resolve('v6only.test'), [{ address: '2001:db8:0:1::a', family: 6 }]);
  });

  it('honours the family asked for, and asks only for it', async () => {
    dns.queries.length = 0;
    assert.deepEqual(await resolve('dual.test', 6), [{ address: '2001:db8::5', family: 6 }]);
    assert.deepEqual(dns.queries, [{ name: 'dual.test', type: 'AAAA' }]);
    dns.queries.length = 0;
    assert.deepEqual(await resolve('dual.test', 4), [
      { address: '203.0.113.5', family: 4 },
      { address: '203.0.113.6', family: 4 },
    ]);
    assert.deepEqual(dns.queries, [{ name: 'dual.test', type: 'A' }]);
    await assert.rejects(resolve('v6only.test', 4), { code: 'ENODATA' });
  });

  it('rejects with the DNS code and a clear message: NXDOMAIN, no record, timeout', async () => {
    await assert.rejects(resolve('nowhere.test'), {
      code: 'ENOTFOUND',
      hostname: 'nowhere.test',
      message: 'could not resolve nowhere.test: no such name (ENOTFOUND)',
    });
    await assert.rejects(resolve('empty.test'), {
      code: 'ENODATA',
      message: 'could not resolve empty.test: no address record (ENODATA)',
    });
    const impatient = createHostResolver({ servers: [dns.server], timeoutMs: 50, tries: 1 });
    await assert.rejects(impatient('slow.test'), {
      code: 'ETIMEOUT',
      message: /could not resolve slow\.test/,
    });
  });
});
