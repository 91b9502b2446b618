import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_USER_CODE_THROTTLE } from '../../src/authorization/user-code-throttle.ts';
import { MAX_WORKERS, parseWorkers, workerConfig } from '../../src/cluster/settings.ts';
import { loadConfig } from '../../src/config/index.ts';
import { TEST_SECRET } from '../helpers.ts';

describe('parseWorkers (--workers, GATEHOUSE_WORKERS)', () => {
  it('reads a count, auto (one per core) and nothing (one process)', () => {
    assert.equal(parseWorkers('--workers', undefined), 1);
    assert.equal(parseWorkers('--workers', ' '), 1);
    assert.equal(parseWorkers('--workers', '3'), 3);
    assert.equal(parseWorkers('--workers', 'auto', 2), 2);
    assert.equal(parseWorkers('--workers', 'AUTO', 1), 1);
    assert.equal(parseWorkers('--workers', 'auto', 500), MAX_WORKERS);
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '65', '2 workers'])
      assert.throws(
        () => parseWorkers('GATEHOUSE_WORKERS', bad),
        new RegExp(`^Error: GATEHOUSE_WORKERS must be "auto" or a whole number from 1 to 64, got "${bad}"$`),
      );
  });
});

describe('workerConfig: one worker of N', () => {
  const base = loadConfig({ env: { GATEHOUSE_SECRET: TEST_SECRET, DATABASE_URL: 'sqlite::memory:' } });

  it('divides each failure budget among the workers without Redis', () => {
    const c = workerConfig(base, 2);
    assert.deepEqual(c.loginThrottle.perAccount, {
      perSecond: base.loginThrottle.perAccount.perSecond / 2,
      burst: Math.floor(base.loginThrottle.perAccount.burst / 2),
    });
    assert.equal(c.loginThrottle.perIp.burst, Math.floor(base.loginThrottle.perIp.burst / 2));
    assert.deepEqual(
      c.loginThrottle.inFlight,
      base.loginThrottle.inFlight,
      'concurrency guards stay per process',
    );
    assert.equal(
      c.passwordResetThrottle.perAccount.burst,
      Math.max(1, Math.floor(base.passwordResetThrottle.perAccount.burst / 2)),
    );
    assert.equal(
      c.clientAuthThrottle.perClientAddress.perSecond,
      base.clientAuthThrottle.perClientAddress.perSecond / 2,
    );
    assert.equal(c.clientAuthThrottle.perIp.burst, Math.floor(base.clientAuthThrottle.perIp.burst / 2));
    assert.equal(
      c.userCodeThrottle?.perSession.burst,
      Math.floor(DEFAULT_USER_CODE_THROTTLE.perSession.burst / 2),
    );
    assert.deepEqual(c.tokenRateLimit, base.tokenRateLimit, 'the flood brake stays per process');
  });

  it('never leaves a budget empty', () => {
    const c = workerConfig(base, 64);
    for (const rate of [
      c.loginThrottle.perAccount,
      c.loginThrottle.perIp,
      c.clientAuthThrottle.perClientAddress,
      c.userCodeThrottle!.perSession,
    ])
      assert.ok(rate.burst >= 1 && rate.perSecond > 0);
  });

  it('changes nothing for one process, or when Redis shares the buckets', () => {
    assert.equal(workerConfig(base, 1), base);
    const shared = { ...base, redisUrl: 'redis://127.0.0.1:6379' };
    assert.equal(workerConfig(shared, 4), shared);
  });
});
