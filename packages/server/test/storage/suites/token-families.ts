import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { revocationHash } from '../../../src/tokens/revocation-keys.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import type { SuiteContext } from '../suite-context.ts';
import { authorizationSeed, newCode } from './authorization-state.ts';

const HOUR = 3_600_000;

/** A family born from a fresh code, and a refresh token of it named `r0`. */
async function liveFamily(s: Storage) {
  const seed = await authorizationSeed(s);
  const consumed = await s.consumeAuthorizationCode(await newCode(s, seed), {
    id: newId('fam'),
    expiresAt: new Date(Date.now() + 24 * HOUR),
  });
  if (consumed.status !== 'consumed') throw new Error(consumed.status);
  const prefix = newId('rt', 12);
  const name = (n: string) => sha256(`${prefix}-${n}`);
  await s.createRefreshToken({
    tokenHash: name('r0'),
    familyId: consumed.family.id,
    scopes: ['a'],
    expiresAt: new Date(Date.now() + HOUR),
  });
  return { familyId: consumed.family.id, name };
}

/** Token families: what a code exchange starts and a replay or a reuse revokes whole. */
export function tokenFamilyTests({ it, target }: SuiteContext): void {
  describe('token families', () => {
    it(
      'a family keeps the DPoP key thumbprint it was created with, read back with its refresh tokens',
      ['consumeAuthorizationCode', 'getRefreshToken'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
        const rt = sha256(newId('rt'));
        const consumed = await s.consumeAuthorizationCode(
          await newCode(s, seed),
          { id: newId('fam'), expiresAt: new Date(Date.now() + HOUR), dpopJkt: jkt },
          new Date(),
          {
            accessToken: { jti: newId('at', 22), expiresAt: new Date(Date.now() + HOUR) },
            refreshToken: { tokenHash: rt, expiresAt: new Date(Date.now() + HOUR) },
          },
        );
        assert.equal(consumed.status === 'consumed' && consumed.family.dpopJkt, jkt);
        assert.equal((await s.getRefreshToken(rt))?.family.dpopJkt, jkt);
        const { name } = await liveFamily(s);
        assert.equal((await s.getRefreshToken(name('r0')))?.family.dpopJkt, null, 'unbound by default');
      },
    );

    it(
      'an access token recorded for a revoked family is born revoked and reaches the feed',
      ['recordFamilyAccessToken', 'revokeRefreshFamily', 'isAccessTokenRevoked', 'revocationsSince'],
      async (s) => {
        const { familyId } = await liveFamily(s);
        const [first, late] = [newId('at', 22), newId('at', 22)];
        await s.recordFamilyAccessToken(familyId, first, new Date(Date.now() + HOUR));
        assert.equal(await s.isAccessTokenRevoked(first), false);
        assert.equal(await s.revokeRefreshFamily(familyId), true);
        assert.equal(await s.isAccessTokenRevoked(first), true, 'revoking the family revokes its tokens');
        const head = (await s.revocationsSince(0, 5000)).at(-1)?.seq ?? 0;
        await s.recordFamilyAccessToken(familyId, late, new Date(Date.now() + HOUR));
        assert.equal(await s.isAccessTokenRevoked(late), true);
        const fed = (await s.revocationsSince(head)).map((e) => e.hash);
        assert.ok(fed.includes(revocationHash('jti', late)), 'resource servers hear of it');
      },
    );

    it(
      'of concurrent revocations of one family exactly one revokes it, with one feed entry',
      ['revokeRefreshFamily', 'getRefreshToken', 'revocationsSince'],
      async (s) => {
        const { familyId, name } = await liveFamily(s);
        const head = (await s.revocationsSince(0, 5000)).at(-1)?.seq ?? 0;
        const results = await Promise.all(Array.from({ length: 5 }, () => s.revokeRefreshFamily(familyId)));
        assert.deepEqual(results.filter(Boolean).length, 1);
        assert.ok((await s.getRefreshToken(name('r0')))?.family.revokedAt instanceof Date);
        const entries = (await s.revocationsSince(head)).filter(
          (e) => e.hash === revocationHash('family', familyId),
        );
        assert.equal(entries.length, 1);
        assert.equal(await s.revokeRefreshFamily(newId('fam')), false, 'an unknown family');
      },
    );

    it(
      'rotation without a reuse window: one concurrent winner; the rest are refused and revoke the family',
      [
        'createRefreshToken',
        'rotateRefreshToken',
        'getRefreshToken',
        'recordFamilyAccessToken',
        'listRevokedAccessTokens',
      ],
      async (s) => {
        const { familyId, name } = await liveFamily(s);
        const jti = newId('at', 22);
        await s.recordFamilyAccessToken(familyId, jti, new Date(Date.now() + HOUR));
        const rotations = await Promise.all(
          ['r1', 'r2', 'r3', 'r4'].map((n) =>
            s.rotateRefreshToken(name('r0'), { tokenHash: name(n), expiresAt: new Date(Date.now() + HOUR) }),
          ),
        );
        assert.equal(rotations.filter((r) => r.status === 'rotated').length, 1);
        // A loser that read the token before the winner committed finds the family revoked by
        // the first reuse and is refused as `invalid`; the others are `reused`. None gets tokens.
        const losers = rotations.map((r) => r.status).filter((st) => st !== 'rotated');
        assert.ok(
          losers.every((st) => st === 'reused' || st === 'invalid'),
          losers.join(),
        );
        assert.ok(losers.includes('reused'));
        const found = await s.getRefreshToken(name('r0'));
        assert.notEqual(found?.token.rotatedAt, null);
        assert.notEqual(found?.family.revokedAt, null);
        assert.ok((await s.listRevokedAccessTokens()).some((r) => r.jti === jti));
        assert.equal(await s.getRefreshToken(sha256('no such token')), undefined);
        const unknown = await s.rotateRefreshToken(sha256('no such token'), {
          tokenHash: name('r5'),
          expiresAt: new Date(Date.now() + HOUR),
        });
        assert.equal(unknown.status, 'invalid');
      },
    );

    // SQLite runs one write transaction at a time: there the two cannot interleave.
    if (target.concurrentWriters)
      it(
        'a rotation racing a family revocation waits for it and fails: no access token outlives its family',
        ['rotateRefreshToken'],
        async (s, { raw }) => {
          const { familyId, name } = await liveFamily(s);
          // Another node revokes the family: its transaction holds the family's row while the
          // rotation runs.
          const revocation = await raw.holdFamilyRevocation(familyId);
          let settled = false;
          const rotation = s
            .rotateRefreshToken(
              name('r0'),
              { tokenHash: name('r1'), expiresAt: new Date(Date.now() + HOUR) },
              new Date(),
              {
                accessToken: { jti: `jti-race-${familyId}`, expiresAt: new Date(Date.now() + HOUR) },
              },
            )
            .finally(() => {
              settled = true;
            });
          // Unlocked, the rotation would read the family as live (the revocation is not
          // committed), finish, and record an access token the revocation never saw. The
          // pause only gives that wrong behaviour time to show.
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(settled, false, 'the rotation must wait for the family row');
          await revocation.commit();
          assert.equal((await rotation).status, 'invalid');
        },
      );
  });
}
