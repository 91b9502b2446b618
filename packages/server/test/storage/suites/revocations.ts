import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newId, randomToken } from '../../../src/util/random.ts';
import { newApp, newCompany, newGrant } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const HOUR = 3_600_000;

/** The revocation feed resource servers follow. */
export function revocationTests({ it }: SuiteContext): void {
  describe('revocation feed', () => {
    it(
      'reads live entries after a sequence number, oldest first, within a limit',
      ['recordRevocations', 'revocationsSince'],
      async (s) => {
        const head = (await s.revocationsSince(0, 5000)).at(-1)?.seq ?? 0;
        const tag = randomToken(8);
        const later = new Date(Date.now() + HOUR);
        await s.recordRevocations([
          { kind: 'jti', hash: `first-${tag}`, expiresAt: later },
          { kind: 'client', hash: `gone-${tag}`, expiresAt: new Date(Date.now() - 1000) },
        ]);
        await s.recordRevocations([{ kind: 'family', hash: `second-${tag}`, expiresAt: later }]);
        const read = (await s.revocationsSince(head)).filter((e) => e.hash.endsWith(tag));
        assert.deepEqual(
          read.map((e) => [e.kind, e.hash, e.expiresAt.getTime()]),
          [
            ['jti', `first-${tag}`, later.getTime()],
            ['family', `second-${tag}`, later.getTime()],
          ],
          'an expired entry is not served',
        );
        assert.ok((read[0]?.seq ?? 0) > head && (read[1]?.seq ?? 0) > (read[0]?.seq ?? 0));
        assert.deepEqual(
          (await s.revocationsSince(head, 1)).map((e) => e.hash),
          [`first-${tag}`],
        );
        assert.deepEqual(
          (await s.revocationsSince(read[0]?.seq ?? 0)).map((e) => e.hash),
          [`second-${tag}`],
        );
      },
    );

    it(
      'prunes entries no live token can carry any more',
      ['recordRevocations', 'pruneRevocations', 'revocationsSince'],
      async (s) => {
        const head = (await s.revocationsSince(0, 5000)).at(-1)?.seq ?? 0;
        const tag = randomToken(8);
        const t0 = Date.now();
        await s.recordRevocations([
          { kind: 'jti', hash: `short-${tag}`, expiresAt: new Date(t0 + 60_000) },
          { kind: 'jti', hash: `long-${tag}`, expiresAt: new Date(t0 + HOUR) },
        ]);
        const mine = async () =>
          (await s.revocationsSince(head)).filter((e) => e.hash.endsWith(tag)).map((e) => e.hash);
        await s.pruneRevocations(new Date(t0));
        assert.deepEqual(await mine(), [`short-${tag}`, `long-${tag}`], 'both still live');
        await s.pruneRevocations(new Date(t0 + 60_000));
        assert.deepEqual(await mine(), [`long-${tag}`]);
      },
    );

    it(
      'tells this process’s listeners after each call that appended, and only those',
      ['onRevocationsCommitted', 'recordRevocations', 'revokeAccessToken', 'revokeGrant', 'deleteApp'],
      async (s) => {
        const co = await newCompany(s);
        const { app } = await newApp(s, co.id);
        const grant = await newGrant(s, app.id, co.id);
        let heard = 0;
        const stop = s.onRevocationsCommitted(() => heard++);
        const expiresAt = new Date(Date.now() + HOUR);
        // Each is heard before the call returns.
        await s.recordRevocations([{ kind: 'jti', hash: `heard-${randomToken(8)}`, expiresAt }]);
        assert.equal(heard, 1);
        const jti = newId('at', 22);
        assert.equal(await s.revokeAccessToken(jti, expiresAt), true);
        assert.equal(heard, 2);
        assert.equal(await s.revokeGrant(co.id, grant.id), true);
        assert.equal(heard, 3);
        // Calls that append nothing are not heard.
        assert.equal(await s.revokeAccessToken(jti, expiresAt), false);
        assert.equal(await s.revokeGrant(co.id, grant.id), false);
        await s.recordRevocations([]);
        assert.equal(heard, 3);
        assert.equal(await s.deleteApp(co.id, app.id), true);
        assert.equal(heard, 4);
        stop();
        await s.recordRevocations([{ kind: 'jti', hash: `unheard-${randomToken(8)}`, expiresAt }]);
        assert.equal(heard, 4, 'an unsubscribed listener hears nothing');
      },
    );
  });
}
