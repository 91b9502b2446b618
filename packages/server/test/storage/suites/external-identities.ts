import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newCompany, newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const ISSUER = 'https://login.upstream.test';
const MINUTE = 60_000;

const person = (email = `${newId('ext')}@example.test`) => ({
  id: newId('usr'),
  email,
  name: 'Ext',
  passwordHash: null,
});

function pending(sessionHash: string, expiresAt = new Date(Date.now() + MINUTE)) {
  return {
    stateHash: sha256(newId('state')),
    sessionHash,
    upstreamId: 'corp',
    flowId: newId('flow'),
    returnTo: '/console',
    nonce: newId('nonce'),
    codeVerifier: newId('verifier', 40),
    maxAge: 300,
    expiresAt,
  };
}

const members = async (s: Storage, userId: string) =>
  (await s.listMembershipsOfUser(userId)).map((m) => `${m.companyId}:${m.role}`).sort();

/** External identities: linking by (issuer, sub), and the upstream sign-ins on their way. */
export function externalIdentityTests({ it, target }: SuiteContext): void {
  describe('external identities', () => {
    it(
      'an (issuer, subject) links one user, and a user one subject per issuer',
      ['linkExternalIdentity', 'getExternalIdentity', 'listExternalIdentitiesOfUser'],
      async (s) => {
        const user = await newUser(s);
        const other = await newUser(s);
        const subject = newId('sub');
        const linked = await s.linkExternalIdentity({ issuer: ISSUER, subject, userId: user.id });
        assert.equal(linked.kind, 'linked');
        assert.deepEqual(
          await s.getExternalIdentity(ISSUER, subject),
          linked.kind === 'linked' && linked.identity,
        );
        assert.equal(await s.getExternalIdentity('https://other.test', subject), undefined, 'per issuer');
        assert.deepEqual(await s.linkExternalIdentity({ issuer: ISSUER, subject, userId: other.id }), {
          kind: 'subject-taken',
          userId: user.id,
        });
        assert.deepEqual(
          await s.linkExternalIdentity({ issuer: ISSUER, subject: newId('sub'), userId: user.id }),
          { kind: 'issuer-taken' },
        );
        await s.linkExternalIdentity({ issuer: 'https://other.test', subject, userId: user.id });
        const mine = await s.listExternalIdentitiesOfUser(user.id);
        assert.deepEqual(mine.map((i) => i.issuer).sort(), ['https://other.test', ISSUER].sort());
        assert.deepEqual(await s.listExternalIdentitiesOfUser(other.id), []);
      },
    );

    it(
      'creating a user with its identity is all or nothing, and one of concurrent creations wins',
      ['createUserWithExternalIdentity', 'getUserByEmail', 'getUser', 'getExternalIdentity'],
      async (s) => {
        const subject = newId('sub');
        const p = person();
        const made = await s.createUserWithExternalIdentity(p, { issuer: ISSUER, subject });
        assert.equal(made.kind, 'linked');
        assert.equal((await s.getUserByEmail(p.email.toUpperCase()))?.id, p.id);
        assert.deepEqual(await s.createUserWithExternalIdentity(person(), { issuer: ISSUER, subject }), {
          kind: 'subject-taken',
          userId: p.id,
        });
        const clash = person(p.email.toUpperCase());
        assert.deepEqual(
          await s.createUserWithExternalIdentity(clash, { issuer: ISSUER, subject: newId('sub') }),
          { kind: 'email-taken' },
        );
        assert.equal(await s.getUser(clash.id), undefined, 'no user without its link');

        const raced = newId('sub');
        const outcomes = await Promise.all(
          [0, 1, 2, 3].map(() =>
            s.createUserWithExternalIdentity(person(), { issuer: ISSUER, subject: raced }),
          ),
        );
        assert.equal(outcomes.filter((o) => o.kind === 'linked').length, 1, target.dialect);
        const winner = await s.getExternalIdentity(ISSUER, raced);
        for (const o of outcomes)
          if (o.kind !== 'linked') assert.deepEqual(o, { kind: 'subject-taken', userId: winner?.userId });
      },
    );

    it(
      'replaceMemberships adds, changes and removes in one go, with its audit event',
      ['replaceMemberships', 'listMembershipsOfUser', 'putMembership', 'listAuditEvents'],
      async (s) => {
        const [a, b, c] = [await newCompany(s, 'A'), await newCompany(s, 'B'), await newCompany(s, 'C')];
        const user = await newUser(s);
        await s.putMembership(user.id, a.id, 'member');
        await s.putMembership(user.id, b.id, 'admin');
        const audit = {
          companyId: a.id,
          actor: 'upstream:corp',
          action: 'memberships.synced',
          target: `user:${user.id}`,
          data: {},
        };
        await s.replaceMemberships(
          user.id,
          [
            { companyId: a.id, role: 'admin' },
            { companyId: c.id, role: 'member' },
          ],
          { audit },
        );
        assert.deepEqual(await members(s, user.id), [`${a.id}:admin`, `${c.id}:member`].sort());
        await s.replaceMemberships(user.id, []);
        assert.deepEqual(await members(s, user.id), []);
        const events = await s.listAuditEvents(a.id, { action: 'memberships.synced' });
        assert.deepEqual(
          events.items.map((e) => e.target),
          [`user:${user.id}`],
        );
      },
    );

    it(
      'a pending upstream sign-in is claimed once, by its session, before it expires',
      ['createUpstreamSignIn', 'claimUpstreamSignIn'],
      async (s) => {
        const session = sha256(newId('sess'));
        const p = await s.createUpstreamSignIn(pending(session));
        assert.ok(p.createdAt instanceof Date);
        assert.equal(await s.claimUpstreamSignIn(p.stateHash, sha256('another browser')), undefined);
        const claims = await Promise.all([0, 1, 2].map(() => s.claimUpstreamSignIn(p.stateHash, session)));
        const won = claims.filter((c) => c !== undefined);
        assert.equal(won.length, 1, 'exactly one claim wins');
        assert.deepEqual(won[0], p);
        assert.equal(await s.claimUpstreamSignIn(p.stateHash, session), undefined, 'replayed');

        const late = await s.createUpstreamSignIn(pending(session));
        assert.equal(
          await s.claimUpstreamSignIn(late.stateHash, session, late.expiresAt),
          undefined,
          'expired',
        );
        const gone = await s.createUpstreamSignIn(pending(session, new Date(Date.now() - 1)));
        await s.createUpstreamSignIn(pending(session));
        assert.equal(
          await s.claimUpstreamSignIn(gone.stateHash, session, new Date(0)),
          undefined,
          'an expired one is dropped when the next is stored',
        );
      },
    );
  });
}
