import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { NewInvitation, Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId, randomToken } from '../../../src/util/random.ts';
import { newCompany, newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const HOUR = 3_600_000;

async function invite(s: Storage, overrides: Partial<NewInvitation> = {}) {
  const company = await newCompany(s);
  const user = await newUser(s);
  const token = randomToken(32);
  const invitation = await s.createInvitation(
    {
      id: newId('inv'),
      tokenHash: sha256(token),
      companyId: company.id,
      userId: user.id,
      role: 'member',
      createdBy: 'user:usr_x',
      expiresAt: new Date(Date.now() + 72 * HOUR),
      ...overrides,
    },
    {
      audit: {
        companyId: company.id,
        actor: 'user:usr_x',
        action: 'invitation.created',
        target: `user:${user.id}`,
        data: {},
      },
    },
  );
  return { company, user, token, invitation };
}

/** Invitations: created with their audit event, found by hash, accepted once. */
export function invitationTests({ it, target }: SuiteContext): void {
  describe('invitations', () => {
    it(
      'creates with its audit event, finds by hash and lists the pending ones',
      ['createInvitation', 'findInvitationByHash', 'listPendingInvitations'],
      async (s) => {
        const { company, user, token, invitation } = await invite(s);
        assert.equal(invitation.acceptedAt, null);
        assert.deepEqual(await s.findInvitationByHash(sha256(token)), invitation);
        assert.equal(await s.findInvitationByHash(token), undefined, 'the raw token is not a key');
        assert.deepEqual(
          (await s.listPendingInvitations(company.id)).map((i) => i.userId),
          [user.id],
        );
        assert.deepEqual(await s.listPendingInvitations('co_nosuchcompany00000'), []);
        const audit = await s.listAuditEvents(company.id, { action: 'invitation.created' });
        assert.equal(audit.items.length, 1);
        await assert.rejects(s.createInvitation({ ...invitation, id: newId('inv') }), 'token hash is unique');
      },
    );

    it(
      'accepts once: sets the password, audits, and a second use or an expired link changes nothing',
      ['acceptInvitation'],
      async (s) => {
        const { company, user, token } = await invite(s);
        const now = new Date();
        const accepted = await s.acceptInvitation(sha256(token), 'hash-1', now, {
          audit: {
            companyId: company.id,
            actor: `user:${user.id}`,
            action: 'invitation.accepted',
            target: null,
            data: {},
          },
        });
        assert.equal(accepted?.acceptedAt?.getTime(), now.getTime());
        assert.equal((await s.getUser(user.id))?.passwordHash, 'hash-1');
        assert.equal((await s.getUser(user.id))?.emailVerifiedAt?.getTime(), now.getTime(), 'verified');
        assert.equal(await s.acceptInvitation(sha256(token), 'hash-2', new Date()), undefined);
        assert.equal((await s.getUser(user.id))?.passwordHash, 'hash-1');
        assert.deepEqual(await s.listPendingInvitations(company.id), []);
        assert.equal(
          (await s.listAuditEvents(company.id, { action: 'invitation.accepted' })).items.length,
          1,
        );

        const late = await invite(s, { expiresAt: new Date(Date.now() + HOUR) });
        assert.equal(
          await s.acceptInvitation(sha256(late.token), 'h', new Date(Date.now() + 2 * HOUR)),
          undefined,
        );
        assert.equal((await s.getUser(late.user.id))?.passwordHash, null);
        assert.equal(await s.acceptInvitation(sha256('nope'), 'h', new Date()), undefined);
      },
    );

    it(
      'refuses a disabled user or one with a password, rolling the claim back; goes with its user or company',
      ['acceptInvitation', 'setUserDisabled', 'updateUser', 'deleteUser', 'deleteCompany'],
      async (s) => {
        const { user, token } = await invite(s);
        await s.setUserDisabled(user.id, true);
        assert.equal(await s.acceptInvitation(sha256(token), 'h', new Date()), undefined);
        assert.equal((await s.findInvitationByHash(sha256(token)))?.acceptedAt, null, 'not used up');
        assert.equal((await s.getUser(user.id))?.passwordHash, null);

        const pw = await invite(s);
        await s.updateUser(pw.user.id, { passwordHash: 'set-by-operator' });
        assert.equal(await s.acceptInvitation(sha256(pw.token), 'h', new Date()), undefined);
        assert.equal((await s.getUser(pw.user.id))?.passwordHash, 'set-by-operator', 'a first password only');

        const a = await invite(s);
        await s.deleteUser(a.user.id);
        assert.equal(await s.findInvitationByHash(sha256(a.token)), undefined);
        const b = await invite(s);
        await s.deleteCompany(b.company.id);
        assert.equal(await s.findInvitationByHash(sha256(b.token)), undefined);
      },
    );

    it('exactly one of concurrent acceptances wins', ['acceptInvitation'], async (s) => {
      const { user, token } = await invite(s);
      const tries = await Promise.all(
        Array.from({ length: target.concurrentWriters ? 8 : 3 }, (_, i) =>
          s.acceptInvitation(sha256(token), `hash-${i}`, new Date()),
        ),
      );
      const winners = tries.flatMap((t, i) => (t ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal((await s.getUser(user.id))?.passwordHash, `hash-${winners[0]}`);
    });
  });
}
