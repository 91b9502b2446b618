import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken } from '../../../src/util/random.ts';
import type { SuiteContext } from '../conformance.ts';

/** Runs last: it prunes with a clock two hours ahead, which ends other suites' short-lived rows. */
export function housekeepingTests(ctx: SuiteContext): void {
  describe('housekeeping', () => {
    it('prunes what has expired and keeps what is alive, idempotently', async () => {
      const s = ctx.storage();
      const t0 = Date.now();
      const later = new Date(t0 + 2 * 3_600_000);
      const dead = await s.createSession({
        idHash: randomToken(),
        userId: null,
        authTime: null,
        expiresAt: new Date(t0 + 1000),
      });
      const alive = await s.createSession({
        idHash: randomToken(),
        userId: null,
        authTime: null,
        expiresAt: new Date(t0 + 30 * 86_400_000),
      });
      await s.recordRevocations([
        { kind: 'jti', hash: `dead-${randomToken(8)}`, expiresAt: new Date(t0 + 1000) },
        { kind: 'jti', hash: `alive-${randomToken(8)}`, expiresAt: new Date(t0 + 30 * 86_400_000) },
      ]);

      const counts = await s.pruneExpired(later);
      assert.ok(counts.sessions >= 1);
      assert.ok(counts.revocations >= 1);
      assert.ok(counts.invalidations >= 1, 'invalidations older than an hour go');
      assert.equal(await s.getSession(dead.idHash, new Date(t0)), undefined);
      assert.ok(await s.getSession(alive.idHash, later));
      const left = (await s.revocationsSince(0, 5000)).map((r) => r.hash);
      assert.ok(left.some((h) => h.startsWith('alive-')));
      assert.ok(!left.some((h) => h.startsWith('dead-')));

      const again = await s.pruneExpired(later);
      assert.deepEqual(
        Object.values(again),
        Object.values(again).map(() => 0),
        'a second pass finds nothing',
      );
    });
  });
}
