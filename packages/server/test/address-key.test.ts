import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from '../src/authorization/address-key.ts';

describe('the address a sign-in is throttled under', () => {
  it('IPv4 as it is; IPv6 by its /64, however it is written; IPv4-mapped as IPv4', () => {
    assert.equal(addressKey('10.0.0.1'), '10.0.0.1');
    assert.equal(addressKey('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('2001:DB8:0:0:ffff::2'), '2001:db8:0:0::/64');
    assert.equal(addressKey('2001:db8:0:0:0:0:0:ffff'), '2001:db8:0:0::/64');
    assert.notEqual(addressKey('2001:db8:0:1::1'), addressKey('2001:db8::1'));
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });

  it('anything else is its own key', () => {
    for (const s of ['junk', '', '2001:db8::1::2', '1.2.3']) assert.equal(addressKey(s), s);
  });
});
