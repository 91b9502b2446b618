import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, nextAttemptAt } from '../../src/webhooks/retry.ts';
import { newWebhookSecret, webhookHeaders } from '../../src/webhooks/signing.ts';
import { addressRefusal } from '../../src/webhooks/ssrf.ts';

describe('webhook signing (Standard Webhooks)', () => {
  it('verifies with the reference implementation', () => {
    const secret = newWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'authorization.revoked', data: { guid: 'g' } });
    const headers = webhookHeaders(secret, 'msg_1', body);
    const verified = new Webhook(secret).verify(body, headers);
    assert.deepEqual(verified, JSON.parse(body));
  });

  it('a tampered body or another secret fails verification', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders(secret, 'msg_1', '{"a":1}');
    assert.throws(() => new Webhook(secret).verify('{"a":2}', headers));
    assert.throws(() => new Webhook(newWebhookSecret()).verify('{"a":1}', headers));
  });
});

describe('webhook retry schedule', () => {
  it('keeps trying for more than 24 hours, then stops', () => {
    let at = 0;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAt(attempts, at, DEFAULT_RETRY_SCHEDULE_SECONDS, () => 0);
      if (next === null) break;
      at = next;
      attempts++;
    }
    assert.ok(at > 24 * 3600 * 1000, `last attempt at ${at / 3600000} h`);
    assert.equal(attempts, DEFAULT_RETRY_SCHEDULE_SECONDS.length + 1);
  });

  it('jitters each delay within +-10%', () => {
    const lo = nextAttemptAt(2, 0, [5, 300], () => 0);
    const hi = nextAttemptAt(2, 0, [5, 300], () => 0.999999);
    assert.equal(lo, 270_000);
    assert.ok(hi !== null && hi <= 330_000 && hi > 329_000);
  });
});

describe('webhook SSRF policy', () => {
  it('refuses loopback, private, link-local and mapped addresses on public-only', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
    ]) {
      assert.ok(addressRefusal(a, 'public-only'), a);
    }
    for (const a of ['93.184.216.34', '2606:4700::1111'])
      assert.equal(addressRefusal(a, 'public-only'), undefined, a);
  });

  it('allow-loopback admits only loopback; allow-private admits all', () => {
    assert.equal(addressRefusal('127.0.0.1', 'allow-loopback'), undefined);
    assert.ok(addressRefusal('10.0.0.1', 'allow-loopback'));
    assert.equal(addressRefusal('10.0.0.1', 'allow-private'), undefined);
  });
});
