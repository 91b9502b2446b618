import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { SigningAlg } from '../../../src/storage/types.ts';
import { signingKeyRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const T0 = Date.UTC(2026, 0, 1);

const key = (alg: SigningAlg, status: 'active' | 'next', at: number) =>
  signingKeyRecord({
    alg,
    status,
    publicJwk: `{"kty":"${alg}"}`,
    privateJwkEncrypted: 'eyJ.sealed',
    createdAt: new Date(at),
    activatesAt: new Date(at),
  });

export function signingKeyTests({ it }: SuiteContext): void {
  describe('signing keys', () => {
    it(
      'inserts and lists keys with their dates',
      ['insertSigningKey', 'listSigningKeys'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const active = key('RS256', 'active', T0);
        const next = { ...key('RS256', 'next', T0 + 1000), activatesAt: new Date(T0 + 86_400_000) };
        await s.insertSigningKey(active);
        await s.insertSigningKey(next);
        const listed = await s.listSigningKeys();
        assert.deepEqual(
          listed.map((k) => [k.kid, k.status, k.createdAt.getTime(), k.activatesAt?.getTime(), k.retiredAt]),
          [
            [active.kid, 'active', T0, T0, null],
            [next.kid, 'next', T0 + 1000, T0 + 86_400_000, null],
          ],
        );
        assert.equal(listed[0]?.alg, 'RS256');
        assert.equal(listed[0]?.publicJwk, '{"kty":"RS256"}');
        assert.equal(listed[0]?.privateJwkEncrypted, 'eyJ.sealed');
      },
    );

    it(
      'refuses a duplicate kid and a second pending key of one algorithm, unless told to replace it',
      ['insertSigningKey'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const k = key('ES256', 'active', T0);
        await s.insertSigningKey(k);
        await assert.rejects(s.insertSigningKey(k));
        const first = key('ES256', 'next', T0);
        await s.insertSigningKey(first);
        await assert.rejects(s.insertSigningKey(key('ES256', 'next', T0)));
        await s.insertSigningKey(key('EdDSA', 'next', T0)); // another algorithm may have its own
        const second = key('ES256', 'next', T0 + 1);
        await s.insertSigningKey(second, { replacePending: true });
        const pending = (await s.listSigningKeys()).filter((x) => x.status === 'next' && x.alg === 'ES256');
        assert.deepEqual(
          pending.map((x) => x.kid),
          [second.kid],
        );
      },
    );

    it(
      'activating a pending key retires the active one; exactly one concurrent caller wins',
      ['activateSigningKey'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const old = key('ES256', 'active', T0);
        const other = key('RS256', 'active', T0);
        const next = key('ES256', 'next', T0 + 1);
        for (const k of [old, other, next]) await s.insertSigningKey(k);
        const at = new Date(T0 + 5000);
        const results = await Promise.all(
          Array.from({ length: 6 }, () => s.activateSigningKey(next.kid, at)),
        );
        assert.deepEqual(
          results.filter((r) => r !== undefined),
          [[old.kid]],
        );
        const byKid = new Map((await s.listSigningKeys()).map((k) => [k.kid, k]));
        assert.equal(byKid.get(next.kid)?.status, 'active');
        assert.equal(byKid.get(next.kid)?.activatesAt?.getTime(), at.getTime());
        assert.equal(byKid.get(old.kid)?.status, 'retired');
        assert.equal(byKid.get(old.kid)?.retiredAt?.getTime(), at.getTime());
        assert.equal(byKid.get(other.kid)?.status, 'active', 'another algorithm is untouched');
        assert.equal(await s.activateSigningKey(old.kid, at), undefined, 'only a pending key activates');
      },
    );

    it(
      'deletes a retired key only once it was retired long enough ago',
      ['deleteRetiredSigningKey'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const old = key('EdDSA', 'active', T0);
        const next = key('EdDSA', 'next', T0);
        await s.insertSigningKey(old);
        await s.insertSigningKey(next);
        assert.equal(await s.deleteRetiredSigningKey(next.kid, new Date(T0 + 10_000)), false, 'not retired');
        await s.activateSigningKey(next.kid, new Date(T0 + 1000));
        assert.equal(await s.deleteRetiredSigningKey(old.kid, new Date(T0 + 999)), false, 'retired later');
        assert.equal(await s.deleteRetiredSigningKey(next.kid, new Date(T0 + 10_000)), false, 'active');
        assert.equal(await s.deleteRetiredSigningKey(old.kid, new Date(T0 + 1000)), true);
        assert.equal(await s.deleteRetiredSigningKey(old.kid, new Date(T0 + 1000)), false, 'gone');
        assert.deepEqual(
          (await s.listSigningKeys()).map((k) => k.kid),
          [next.kid],
        );
      },
    );

    it(
      'the rotation lease: one holder at a time, renewed by its holder, taken over once it runs out',
      ['claimKeyRotationLease'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const now = new Date(T0);
        const holders = Array.from({ length: 6 }, (_, i) => `node_${i}`);
        const claims = await Promise.all(holders.map((h) => s.claimKeyRotationLease(h, now, 60_000)));
        assert.equal(claims.filter(Boolean).length, 1);
        const winner = holders[claims.indexOf(true)] as string;
        const loser = holders.find((h) => h !== winner) as string;
        assert.equal(await s.claimKeyRotationLease(loser, new Date(T0 + 59_999), 60_000), false);
        assert.equal(await s.claimKeyRotationLease(winner, new Date(T0 + 30_000), 60_000), true, 'renewed');
        assert.equal(
          await s.claimKeyRotationLease(loser, new Date(T0 + 60_000), 60_000),
          false,
          'renewal holds',
        );
        assert.equal(await s.claimKeyRotationLease(loser, new Date(T0 + 90_000), 60_000), true, 'ran out');
        assert.equal(await s.claimKeyRotationLease(winner, new Date(T0 + 90_001), 60_000), false);
      },
    );
  });
}
