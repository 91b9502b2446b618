import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { EmailTokenPurpose, Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId, randomToken } from '../../../src/util/random.ts';
import { newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const HOUR = 3_600_000;

async function link(
  s: Storage,
  purpose: EmailTokenPurpose,
  userId?: string,
  expiresAt = new Date(Date.now() + HOUR),
) {
  const user = userId ? await s.getUser(userId) : await newUser(s);
  assert.ok(user);
  const token = randomToken(32);
  const saved = await s.createEmailToken({
    id: newId('eml'),
    tokenHash: sha256(token),
    purpose,
    userId: user.id,
    email: user.email,
    expiresAt,
  });
  return { user, token, saved };
}

const session = (s: Storage, userId: string) =>
  s.createSession({
    idHash: sha256(randomToken(32)),
    userId,
    authTime: new Date(),
    expiresAt: new Date(Date.now() + HOUR),
  });

/** E-mailed links: stored by hash, used once, bound to their purpose, user and address. */
export function emailTokenTests({ it, target }: SuiteContext): void {
  describe('email tokens', () => {
    it('creates and finds by hash only', ['createEmailToken', 'findEmailToken'], async (s) => {
      const { token, saved } = await link(s, 'password_reset');
      assert.equal(saved.usedAt, null);
      assert.deepEqual(await s.findEmailToken(sha256(token)), saved);
      assert.equal(await s.findEmailToken(token), undefined, 'the raw token is not a key');
      await assert.rejects(s.createEmailToken({ ...saved, id: newId('eml') }), 'token hash is unique');
    });

    it(
      'a reset sets the password, verifies the address, ends sessions, spends every reset link, once',
      ['completePasswordReset', 'getSession'],
      async (s) => {
        const { user, token } = await link(s, 'password_reset');
        const other = await link(s, 'password_reset', user.id);
        const signedIn = await session(s, user.id);
        const now = new Date();
        const done = await s.completePasswordReset(sha256(token), 'hash-1', now, {
          audit: {
            companyId: null,
            actor: `user:${user.id}`,
            action: 'user.password_reset',
            target: null,
            data: {},
          },
        });
        assert.equal(done?.usedAt?.getTime(), now.getTime());
        const after = await s.getUser(user.id);
        assert.equal(after?.passwordHash, 'hash-1');
        assert.equal(after?.emailVerifiedAt?.getTime(), now.getTime());
        assert.equal(await s.getSession(signedIn.idHash), undefined, 'sessions end');
        assert.ok((await s.findEmailToken(sha256(other.token)))?.usedAt, 'the other reset link is spent');
        assert.equal(await s.completePasswordReset(sha256(token), 'hash-2', new Date()), undefined);
        assert.equal(await s.completePasswordReset(sha256(other.token), 'hash-2', new Date()), undefined);
        assert.equal((await s.getUser(user.id))?.passwordHash, 'hash-1');
        assert.equal(
          (await s.listAuditEvents(null, { action: 'user.password_reset' })).items.length >= 1,
          true,
        );
      },
    );

    it(
      'refuses an expired link, a link of the other purpose, a disabled user and a changed address',
      ['completePasswordReset', 'completeEmailVerification', 'setUserDisabled', 'updateUser'],
      async (s) => {
        const late = await link(s, 'password_reset', undefined, new Date(Date.now() + HOUR));
        assert.equal(
          await s.completePasswordReset(sha256(late.token), 'h', new Date(Date.now() + 2 * HOUR)),
          undefined,
        );
        assert.equal((await s.findEmailToken(sha256(late.token)))?.usedAt, null);
        const verify = await link(s, 'email_verification');
        assert.equal(await s.completePasswordReset(sha256(verify.token), 'h', new Date()), undefined);
        const reset = await link(s, 'password_reset');
        assert.equal(await s.completeEmailVerification(sha256(reset.token), new Date()), undefined);

        const disabled = await link(s, 'password_reset');
        await s.setUserDisabled(disabled.user.id, true);
        assert.equal(await s.completePasswordReset(sha256(disabled.token), 'h', new Date()), undefined);
        assert.equal((await s.findEmailToken(sha256(disabled.token)))?.usedAt, null, 'rolled back');
        assert.equal((await s.getUser(disabled.user.id))?.passwordHash, disabled.user.passwordHash);

        const moved = await link(s, 'email_verification');
        await s.updateUser(moved.user.id, { email: `moved-${randomToken(4)}@example.com` });
        assert.equal(await s.completeEmailVerification(sha256(moved.token), new Date()), undefined);
        assert.equal((await s.getUser(moved.user.id))?.emailVerifiedAt, null);
      },
    );

    it(
      'verification marks the address, once; the link goes with its user',
      ['completeEmailVerification', 'deleteUser'],
      async (s) => {
        const { user, token } = await link(s, 'email_verification');
        const now = new Date();
        assert.ok(await s.completeEmailVerification(sha256(token), now));
        assert.equal((await s.getUser(user.id))?.emailVerifiedAt?.getTime(), now.getTime());
        assert.equal(await s.completeEmailVerification(sha256(token), new Date()), undefined);
        const gone = await link(s, 'email_verification');
        await s.deleteUser(gone.user.id);
        assert.equal(await s.findEmailToken(sha256(gone.token)), undefined);
      },
    );

    it('exactly one of concurrent resets wins', ['completePasswordReset'], async (s) => {
      const { user, token } = await link(s, 'password_reset');
      const tries = await Promise.all(
        Array.from({ length: target.concurrentWriters ? 8 : 3 }, (_, i) =>
          s.completePasswordReset(sha256(token), `hash-${i}`, new Date()),
        ),
      );
      const winners = tries.flatMap((t, i) => (t ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal((await s.getUser(user.id))?.passwordHash, `hash-${winners[0]}`);
    });

    it(
      'housekeeping deletes expired links, used or not, and keeps live ones',
      ['pruneExpired'],
      async (_s, env) => {
        const { storage: f } = await env.fresh();
        const dead = await link(f, 'password_reset', undefined, new Date(Date.now() + HOUR));
        const used = await link(f, 'email_verification', undefined, new Date(Date.now() + HOUR));
        assert.ok(await f.completeEmailVerification(sha256(used.token), new Date()));
        const live = await link(f, 'password_reset', undefined, new Date(Date.now() + 3 * HOUR));
        const counts = await f.pruneExpired(new Date(Date.now() + 2 * HOUR));
        assert.equal(counts.emailTokens, 2);
        assert.equal(await f.findEmailToken(sha256(dead.token)), undefined);
        assert.ok(await f.findEmailToken(sha256(live.token)));
      },
    );
  });
}
