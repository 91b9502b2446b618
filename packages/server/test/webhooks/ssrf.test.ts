import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressRefusal, classifyAddress } from '../../src/webhooks/ssrf.ts';

/** Each range the public-only policy must refuse, with what the tenant is told. */
const REFUSED: [address: string, label: string][] = [
  ['127.0.0.1', 'loopback'],
  ['::1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['10.1.2.3', 'private network'],
  ['172.16.0.1', 'private network'],
  ['192.168.1.1', 'private network'],
  ['100.64.0.1', 'private network'],
  ['fd00::1', 'private network'],
  ['::ffff:10.0.0.1', 'private network'],
  ['::ffff:a00:1', 'private network'],
  ['169.254.169.254', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fec0::1', 'site-local'],
  ['224.0.0.1', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['0.0.0.0', 'unspecified address'],
  ['::', 'unspecified address'],
  ['192.0.2.1', 'reserved or special-purpose range'],
  ['240.0.0.1', 'reserved or special-purpose range'],
  ['2001:db8::1', 'reserved or special-purpose range'],
  ['4000::1', 'reserved or special-purpose range'],
  // Embedding forms are refused whatever IPv4 they carry (docs/webhooks.md says why).
  ['64:ff9b::a00:1', 'IPv4 embedded in IPv6: NAT64'],
  ['64:ff9b::808:808', 'IPv4 embedded in IPv6: NAT64'],
  ['64:ff9b:1::a00:1', 'IPv4 embedded in IPv6: NAT64'],
  ['2002:a00:1::1', 'IPv4 embedded in IPv6: 6to4'],
  ['2002:808:808::1', 'IPv4 embedded in IPv6: 6to4'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IPv4 embedded in IPv6: Teredo'],
  // IPv4-compatible, written both ways: c-ares and inet_ntop print the dotted form.
  ['::10.0.0.1', 'IPv4 embedded in IPv6: IPv4-compatible'],
  ['::a00:1', 'IPv4 embedded in IPv6: IPv4-compatible'],
  ['::8.8.8.8', 'IPv4 embedded in IPv6: IPv4-compatible'],
  ['::ffff:0:a00:1', 'IPv4 embedded in IPv6: IPv4-translated'],
];

describe('webhook network policy (ipaddr.js ranges)', () => {
  it('public-only refuses every special-purpose range, naming the range and never the address', () => {
    for (const [address, label] of REFUSED) {
      const refusal = addressRefusal(address, 'public-only');
      assert.equal(refusal, label, address);
      assert.ok(!refusal.includes(address), address);
    }
  });

  it('public-only admits public unicast, IPv4 and IPv6, and IPv4-mapped public IPv4', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '2606:4700::1111',
      '2a00:1450:4001::200e',
      '::ffff:8.8.8.8',
    ])
      assert.equal(addressRefusal(address, 'public-only'), undefined, address);
  });

  it('allow-loopback admits loopback (also IPv4-mapped) and nothing else more', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])
      assert.equal(addressRefusal(address, 'allow-loopback'), undefined, address);
    for (const [address, label] of REFUSED.filter(([, l]) => l !== 'loopback'))
      assert.equal(addressRefusal(address, 'allow-loopback'), label, address);
  });

  it('allow-private admits every address', () => {
    for (const [address] of REFUSED)
      assert.equal(addressRefusal(address, 'allow-private'), undefined, address);
  });

  it('refuses what is not an IP address under every policy', () => {
    for (const policy of ['public-only', 'allow-loopback', 'allow-private'] as const)
      assert.equal(addressRefusal('example.com', policy), 'not an IP address');
    assert.equal(classifyAddress('127.1'), 'not-an-address');
  });
});
