import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sha256 } from '../../../src/util/hash.ts';
import { randomToken } from '../../../src/util/random.ts';
import type { SuiteContext } from '../suite-context.ts';

const MINUTE = 60_000;

/** Client assertion jtis (single use until expiry) and pushed authorization requests (single use, bound). */
export function clientAssertionTests({ it }: SuiteContext): void {
  describe('client assertion jtis and pushed authorization requests', () => {
    it(
      'a jti is used once per client until it expires, then may be used again',
      ['useAssertionJti'],
      async (s) => {
        const now = new Date();
        const later = new Date(now.getTime() + 5 * MINUTE);
        const jti = randomToken(8);
        assert.equal(await s.useAssertionJti('cl_a', jti, later, now), true);
        assert.equal(await s.useAssertionJti('cl_a', jti, later, now), false, 'a replay');
        assert.equal(
          await s.useAssertionJti('cl_b', jti, later, now),
          true,
          'another client’s jti is its own',
        );
        const past = new Date(later.getTime() + 1);
        assert.equal(
          await s.useAssertionJti('cl_a', jti, new Date(past.getTime() + MINUTE), past),
          true,
          'once expired (and not yet pruned) the row is taken over',
        );
      },
    );

    it('concurrent uses of one jti: exactly one wins', ['useAssertionJti'], async (s) => {
      const jti = randomToken(8);
      const until = new Date(Date.now() + MINUTE);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => s.useAssertionJti('cl_c', jti, until)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it(
      'a pushed request is consumed once, only by its client, only before it expires',
      ['savePushedRequest', 'consumePushedRequest'],
      async (s) => {
        const hash = sha256(randomToken());
        const expiresAt = new Date(Date.now() + MINUTE);
        const params = { response_type: 'code', scope: 'users.read', state: 'é ✓' };
        await s.savePushedRequest({ requestUriHash: hash, clientId: 'cl_p', params, expiresAt });
        assert.equal(
          await s.consumePushedRequest(hash, 'cl_other'),
          undefined,
          'another client cannot use it',
        );
        assert.equal(
          await s.consumePushedRequest(hash, 'cl_p', new Date(expiresAt.getTime() + 1)),
          undefined,
          'expired',
        );
        const got = await s.consumePushedRequest(hash, 'cl_p');
        assert.deepEqual(got, { requestUriHash: hash, clientId: 'cl_p', params, expiresAt });
        assert.equal(await s.consumePushedRequest(hash, 'cl_p'), undefined, 'single use');
        const racing = sha256(randomToken());
        await s.savePushedRequest({ requestUriHash: racing, clientId: 'cl_p', params, expiresAt });
        const all = await Promise.all(
          Array.from({ length: 6 }, () => s.consumePushedRequest(racing, 'cl_p')),
        );
        assert.equal(all.filter((r) => r !== undefined).length, 1, 'exactly one concurrent caller gets it');
      },
    );
  });
}
