import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId, randomToken } from '../../../src/util/random.ts';
import { newApp, newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const MINUTE = 60_000;

async function newDevice(s: Storage, expiresAt = new Date(Date.now() + 10 * MINUTE)) {
  const company = await newCompany(s);
  const { app } = await newApp(s, company.id);
  const deviceCode = randomToken();
  const userCode = randomToken();
  const device = await s.createDeviceAuthorization({
    id: newId('dev'),
    deviceCodeHash: sha256(deviceCode),
    userCodeHash: sha256(userCode),
    appId: app.id,
    clientId: app.clientId,
    scopes: ['openid', 'users.read'],
    intervalSeconds: 5,
    expiresAt,
  });
  return { device, app, company, deviceCodeHash: sha256(deviceCode), userCodeHash: sha256(userCode) };
}

/** Device authorizations (RFC 8628): found by user code, bound to a session, decided once, polled. */
export function deviceAuthorizationTests({ it }: SuiteContext): void {
  describe('device authorizations', () => {
    it(
      'a pending request is found by its user code, bound to a session, and given a company',
      [
        'createDeviceAuthorization',
        'findDeviceAuthorizationByUserCode',
        'bindDeviceAuthorization',
        'getDeviceVerification',
        'setDeviceAuthorizationCompany',
      ],
      async (s) => {
        const { device, app, company, userCodeHash } = await newDevice(s);
        assert.equal(device.status, 'pending');
        assert.equal(device.sessionHash, null);
        assert.deepEqual(device.scopes, ['openid', 'users.read']);
        const found = await s.findDeviceAuthorizationByUserCode(userCodeHash);
        assert.equal(found?.id, device.id);
        assert.equal(found?.clientId, app.clientId);
        assert.equal(await s.findDeviceAuthorizationByUserCode(sha256('unknown')), undefined);
        assert.equal(
          await s.findDeviceAuthorizationByUserCode(userCodeHash, device.expiresAt),
          undefined,
          'expired',
        );

        const session = sha256(newId('sess'));
        assert.equal(await s.getDeviceVerification(device.id, session), undefined, 'not bound yet');
        assert.equal(await s.bindDeviceAuthorization(device.id, session), true);
        assert.equal((await s.getDeviceVerification(device.id, session))?.sessionHash, session);
        assert.equal(await s.getDeviceVerification(device.id, sha256('another')), undefined);
        assert.equal(await s.setDeviceAuthorizationCompany(device.id, sha256('another'), company.id), false);
        assert.equal(await s.setDeviceAuthorizationCompany(device.id, session, company.id), true);
        assert.equal((await s.getDeviceVerification(device.id, session))?.companyId, company.id);
        // Entering the code again in another browser moves it there, with no company chosen.
        const other = sha256(newId('sess'));
        assert.equal(await s.bindDeviceAuthorization(device.id, other), true);
        assert.equal(await s.getDeviceVerification(device.id, session), undefined);
        assert.equal((await s.getDeviceVerification(device.id, other))?.companyId, null);
        assert.equal(await s.bindDeviceAuthorization(device.id, other, device.expiresAt), false, 'expired');
      },
    );

    it(
      'a request is decided exactly once, by its session, before it expires',
      [
        'createDeviceAuthorization',
        'bindDeviceAuthorization',
        'decideDeviceAuthorization',
        'recordDevicePoll',
      ],
      async (s) => {
        const { device, deviceCodeHash } = await newDevice(s);
        const session = sha256(newId('sess'));
        await s.bindDeviceAuthorization(device.id, session);
        assert.equal(
          await s.decideDeviceAuthorization(device.id, sha256('another'), { status: 'denied' }),
          false,
        );
        const decisions = [
          { status: 'approved' as const, codeHash: sha256(newId('code')) },
          { status: 'denied' as const },
          { status: 'approved' as const, codeHash: sha256(newId('code')) },
        ];
        const decided = await Promise.all(
          decisions.map((d) => s.decideDeviceAuthorization(device.id, session, d)),
        );
        assert.equal(decided.filter(Boolean).length, 1, 'exactly one decision wins');
        // Whichever won (the race has no set order) is what the device's poll reads.
        const winner = decisions[decided.indexOf(true)];
        const polled = await s.recordDevicePoll(deviceCodeHash, 5);
        assert.equal(polled?.authorization.status, winner?.status);
        if (polled?.authorization.status === 'approved' && winner?.status === 'approved')
          assert.equal(polled.authorization.codeHash, winner.codeHash);
        assert.equal(await s.bindDeviceAuthorization(device.id, session), false, 'decided');

        const late = await newDevice(s);
        await s.bindDeviceAuthorization(late.device.id, session);
        assert.equal(
          await s.decideDeviceAuthorization(
            late.device.id,
            session,
            { status: 'denied' },
            late.device.expiresAt,
          ),
          false,
          'expired requests take no decision',
        );
      },
    );

    it(
      'a poll sooner than the interval slows down: the interval grows and stays grown',
      ['createDeviceAuthorization', 'recordDevicePoll'],
      async (s) => {
        const { deviceCodeHash } = await newDevice(s);
        const t0 = Date.now();
        const at = (ms: number) => new Date(t0 + ms);
        assert.equal(await s.recordDevicePoll(sha256('unknown'), 5, at(0)), undefined);
        const first = await s.recordDevicePoll(deviceCodeHash, 5, at(0));
        assert.equal(first?.slowDown, false);
        assert.equal(first?.authorization.lastPolledAt?.getTime(), t0);
        const fast = await s.recordDevicePoll(deviceCodeHash, 5, at(4000));
        assert.equal(fast?.slowDown, true);
        assert.equal(fast?.authorization.intervalSeconds, 10);
        const stillFast = await s.recordDevicePoll(deviceCodeHash, 5, at(13_000));
        assert.equal(stillFast?.slowDown, true, '9 s after the last poll, with 10 s asked');
        assert.equal(stillFast?.authorization.intervalSeconds, 15);
        const patient = await s.recordDevicePoll(deviceCodeHash, 5, at(28_000));
        assert.equal(patient?.slowDown, false);
        assert.equal(patient?.authorization.intervalSeconds, 15);
        // Concurrent polls: at most one of them is on time.
        const burst = await Promise.all(
          [0, 1, 2].map(() => s.recordDevicePoll(deviceCodeHash, 5, at(60_000))),
        );
        assert.ok(burst.filter((p) => p && !p.slowDown).length <= 1);
      },
    );
  });
}
