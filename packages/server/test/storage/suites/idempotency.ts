import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { IdempotentRequest } from '../../../src/storage/idempotency-types.ts';
import { randomToken } from '../../../src/util/random.ts';
import { newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const LEASE_MS = 60_000;
const TTL_MS = 86_400_000;

/** The management API's idempotency keys: one claim wins, only its holder answers. */
export function idempotencyTests({ it }: SuiteContext): void {
  describe('idempotency keys', () => {
    const request = (
      companyId: string,
      keyHash: string,
      at: number,
      over: Partial<IdempotentRequest> = {},
    ) => ({
      companyId,
      caller: 'admin_key:ak_1',
      keyHash,
      fingerprint: 'fp-1',
      leaseId: randomToken(8),
      leaseUntil: new Date(at + LEASE_MS),
      expiresAt: new Date(at + TTL_MS),
      ...over,
    });

    it(
      'exactly one of many concurrent claims of a key wins; the rest see it in flight',
      ['beginIdempotentRequest'],
      async (s) => {
        const co = await newCompany(s);
        const now = Date.now();
        const key = randomToken();
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, () => s.beginIdempotentRequest(request(co.id, key, now), new Date(now))),
        );
        assert.equal(outcomes.filter((o) => o.outcome === 'started').length, 1);
        for (const o of outcomes)
          if (o.outcome === 'held') {
            assert.equal(o.record.fingerprint, 'fp-1');
            assert.equal(o.record.status, null);
            assert.equal(o.record.response, null);
          }
      },
    );

    it(
      'only the lease holder completes or releases; a kept answer is returned to later claims',
      ['beginIdempotentRequest', 'completeIdempotentRequest', 'releaseIdempotentRequest'],
      async (s) => {
        const co = await newCompany(s);
        const now = Date.now();
        const first = request(co.id, randomToken(), now);
        assert.equal((await s.beginIdempotentRequest(first, new Date(now))).outcome, 'started');
        const answer = { status: 201, response: 'sealed-answer' };
        assert.equal(await s.completeIdempotentRequest(first, 'not-the-lease', answer), false);
        assert.equal(await s.releaseIdempotentRequest(first, 'not-the-lease'), false);
        assert.equal(await s.completeIdempotentRequest(first, first.leaseId, answer), true);
        assert.equal(await s.completeIdempotentRequest(first, first.leaseId, answer), false, 'once');
        assert.equal(await s.releaseIdempotentRequest(first, first.leaseId), false, 'a kept answer stays');
        const later = await s.beginIdempotentRequest(
          request(co.id, first.keyHash, now, { fingerprint: 'fp-2' }),
          new Date(now + 1000),
        );
        assert.equal(later.outcome, 'held');
        if (later.outcome === 'held') {
          assert.equal(later.record.fingerprint, 'fp-1', 'the first request’s, to compare with');
          assert.equal(later.record.status, 201);
          assert.equal(later.record.response, 'sealed-answer');
          assert.equal(later.record.expiresAt.getTime(), now + TTL_MS);
        }
        // Released, a key is free again.
        const other = request(co.id, randomToken(), now);
        await s.beginIdempotentRequest(other, new Date(now));
        assert.equal(await s.releaseIdempotentRequest(other, other.leaseId), true);
        assert.equal((await s.beginIdempotentRequest(other, new Date(now))).outcome, 'started');
      },
    );

    it('keys are scoped to company and caller', ['beginIdempotentRequest'], async (s) => {
      const [a, b] = [await newCompany(s, 'A'), await newCompany(s, 'B')];
      const now = Date.now();
      const key = randomToken();
      assert.equal(
        (await s.beginIdempotentRequest(request(a.id, key, now), new Date(now))).outcome,
        'started',
      );
      assert.equal(
        (await s.beginIdempotentRequest(request(b.id, key, now), new Date(now))).outcome,
        'started',
      );
      const otherCaller = request(a.id, key, now, { caller: 'user:usr_1' });
      assert.equal((await s.beginIdempotentRequest(otherCaller, new Date(now))).outcome, 'started');
      assert.equal((await s.beginIdempotentRequest(request(a.id, key, now), new Date(now))).outcome, 'held');
    });

    it(
      'a record past its lease (in flight) or past its expiry (answered) is taken over once',
      ['beginIdempotentRequest', 'completeIdempotentRequest'],
      async (s) => {
        const co = await newCompany(s);
        const now = Date.now();
        const stuck = request(co.id, randomToken(), now);
        await s.beginIdempotentRequest(stuck, new Date(now));
        const within = await s.beginIdempotentRequest(
          request(co.id, stuck.keyHash, now),
          new Date(now + LEASE_MS - 1),
        );
        assert.equal(within.outcome, 'held');
        const afterLease = now + LEASE_MS;
        const takers = Array.from({ length: 6 }, () => request(co.id, stuck.keyHash, afterLease));
        const taken = await Promise.all(takers.map((r) => s.beginIdempotentRequest(r, new Date(afterLease))));
        assert.equal(taken.filter((o) => o.outcome === 'started').length, 1);
        const winner = takers[taken.findIndex((o) => o.outcome === 'started')] as IdempotentRequest;
        const answer = { status: 200, response: 'x' };
        assert.equal(
          await s.completeIdempotentRequest(stuck, stuck.leaseId, answer),
          false,
          'the old lease is gone',
        );
        assert.equal(await s.completeIdempotentRequest(winner, winner.leaseId, answer), true);

        const expiry = winner.expiresAt.getTime();
        const before = await s.beginIdempotentRequest(
          request(co.id, stuck.keyHash, now),
          new Date(expiry - 1),
        );
        assert.equal(before.outcome, 'held');
        const fresh = await s.beginIdempotentRequest(request(co.id, stuck.keyHash, expiry), new Date(expiry));
        assert.equal(fresh.outcome, 'started');
      },
    );
  });
}
