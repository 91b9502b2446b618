import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DuplicateKey, InvalidCursor, type Storage } from '../../../src/storage/storage.ts';
import { revocationHash } from '../../../src/tokens/revocation-keys.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany, newEndpoint, newGrant, newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';
import { authorizationSeed, newCode } from './authorization-state.ts';

const HOUR = 3_600_000;
const audit = (action: string, companyId: string | null = null) => ({
  companyId,
  actor: 'cli',
  action,
  target: null,
  data: {},
});

/** A user's live token family (from a consumed code) in the seed's company. */
async function familyOf(s: Storage) {
  const seed = await authorizationSeed(s);
  const consumed = await s.consumeAuthorizationCode(await newCode(s, seed), {
    id: newId('fam'),
    expiresAt: new Date(Date.now() + 24 * HOUR),
  });
  if (consumed.status !== 'consumed') throw new Error(consumed.status);
  const refresh = sha256(newId('rt', 20));
  await s.createRefreshToken({
    tokenHash: refresh,
    familyId: consumed.family.id,
    scopes: ['a'],
    expiresAt: new Date(Date.now() + HOUR),
  });
  return { ...seed, familyId: consumed.family.id, refresh };
}

const head = async (s: Storage) => (await s.revocationsSince(0, 100_000)).at(-1)?.seq ?? 0;

export function directoryLifecycleTests({ it }: SuiteContext): void {
  describe('directory lifecycle: companies', () => {
    it(
      'pages companies newest first, by part of the name in any case and by external id',
      ['pageCompanies', 'createCompany'],
      async (s) => {
        const tag = newId('t', 10);
        const ext = `crm-${tag}`;
        const a = await s.createCompany({ id: newId('co'), name: `Umbrella ${tag} 100%`, plan: 'pro' });
        // "Newest" is by creation time: two rows in one millisecond would tie (then the id decides).
        await new Promise((r) => setTimeout(r, 5));
        const b = await s.createCompany({
          id: newId('co'),
          name: `umbrella ${tag} two`,
          plan: 'free',
          externalId: ext,
        });
        assert.equal(a.externalId, null);
        assert.equal(b.externalId, ext);
        const found = await s.pageCompanies({ name: `UMBRELLA ${tag.toUpperCase()}` });
        assert.deepEqual(
          found.items.map((c) => c.id),
          [b.id, a.id],
        );
        assert.deepEqual(
          (await s.pageCompanies({ name: `${tag} 100%` })).items.map((c) => c.id),
          [a.id],
          '% is taken literally',
        );
        assert.deepEqual((await s.pageCompanies({ name: `${tag} _00` })).items, [], '_ is taken literally');
        assert.deepEqual(
          (await s.pageCompanies({ externalId: ext })).items.map((c) => c.id),
          [b.id],
        );
        const first = await s.pageCompanies({ name: tag, limit: 1 });
        assert.equal(first.items[0]?.id, b.id);
        assert.ok(first.next);
        const second = await s.pageCompanies({ name: tag, limit: 1, cursor: first.next });
        assert.deepEqual(
          second.items.map((c) => c.id),
          [a.id],
        );
        assert.equal(second.next, null);
        await assert.rejects(s.pageCompanies({ cursor: 'forged' }), InvalidCursor);
      },
    );

    it(
      'updates name, plan and external id with the audit event; refuses a duplicate external id',
      ['updateCompany', 'listAuditEvents'],
      async (s) => {
        const c = await newCompany(s);
        const ext = newId('ext');
        const updated = await s.updateCompany(
          c.id,
          { name: 'Renamed', plan: 'free', externalId: ext },
          { audit: audit('company.updated', c.id) },
        );
        assert.deepEqual(updated, { ...c, name: 'Renamed', plan: 'free', externalId: ext });
        assert.deepEqual(await s.getCompany(c.id), updated);
        assert.equal((await s.listAuditEvents(c.id)).items[0]?.action, 'company.updated');
        const other = await newCompany(s);
        await assert.rejects(
          s.updateCompany(other.id, { externalId: ext }, { audit: audit('company.updated', other.id) }),
          (err) => err instanceof DuplicateKey && err.field === 'external_id',
        );
        await assert.rejects(
          s.createCompany({ id: newId('co'), name: 'Dup', plan: 'free', externalId: ext }),
          DuplicateKey,
        );
        assert.deepEqual((await s.listAuditEvents(other.id)).items, [], 'the failed update is not audited');
        assert.equal((await s.updateCompany(other.id, { externalId: null }))?.externalId, null);
        assert.equal(await s.updateCompany(newId('co'), { name: 'x' }, { audit: audit('x') }), undefined);
      },
    );

    it(
      'deletes a company with what it owns, revokes what it gave, keeps its audit log marked',
      ['deleteCompany', 'listAuditEvents', 'revocationsSince', 'listWebhookDeliveries'],
      async (s) => {
        const partner = await newCompany(s, 'Partner');
        const { app: partnerApp } = await newApp(s, partner.id, { type: 'partner' });
        const doomed = await newCompany(s, 'Doomed');
        const endpoint = await newEndpoint(s, partner.id);
        await s.appendAuditEvent(audit('earlier', doomed.id));
        const given = await newGrant(s, partnerApp.id, doomed.id);
        const { app: own } = await newApp(s, doomed.id);
        const user = await newUser(s);
        await s.putMembership(user.id, doomed.id, 'admin');
        const before = await head(s);
        const ok = await s.deleteCompany(doomed.id, {
          audit: audit('company.deleted', doomed.id),
          events: [
            { type: 'authorization.revoked', companyIds: [partner.id], appId: partnerApp.id, data: {} },
          ],
        });
        assert.equal(ok, true);
        assert.equal(await s.getCompany(doomed.id), undefined);
        assert.equal(await s.getApp(doomed.id, own.id), undefined);
        assert.equal(await s.getMembership(user.id, doomed.id), undefined);
        assert.ok(await s.getUser(user.id), 'users are not the company’s');
        assert.equal(await s.getGrantByGuid(given.guid), undefined);
        const fed = (await s.revocationsSince(before)).map((e) => e.hash);
        assert.ok(fed.includes(revocationHash('grant', given.id)));
        assert.ok(fed.includes(revocationHash('guid', given.guid)));
        assert.ok(fed.includes(revocationHash('client', own.clientId)));
        const kept = (await s.listAuditEvents(doomed.id)).items;
        assert.deepEqual(
          kept.map((e) => [e.action, e.companyDeleted]),
          [
            ['company.deleted', true],
            ['earlier', true],
          ],
        );
        const pending = (await s.listWebhookDeliveries(partner.id)).items;
        assert.ok(
          pending.some((d) => d.endpointId === endpoint.id && d.eventType === 'authorization.revoked'),
        );
        assert.equal(await s.deleteCompany(doomed.id, { audit: audit('again', doomed.id) }), false);
        assert.equal(
          (await s.listAuditEvents(doomed.id)).items.length,
          2,
          'a repeated delete writes nothing',
        );
      },
    );

    it('of concurrent deletes of one company exactly one wins', ['deleteCompany'], async (s) => {
      const c = await newCompany(s);
      await newApp(s, c.id);
      const results = await Promise.all(Array.from({ length: 4 }, () => s.deleteCompany(c.id)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it(
      'revokes the token families issued for a deleted company',
      ['deleteCompany', 'getRefreshToken'],
      async (s) => {
        const { companyId, refresh } = await familyOf(s);
        assert.equal(await s.deleteCompany(companyId), true);
        // The family goes with its app (the company's own); its tokens through the client revocation.
        assert.equal(await s.getRefreshToken(refresh), undefined);
      },
    );
  });

  describe('directory lifecycle: users', () => {
    it(
      'pages users newest first, by address in any case and by external id',
      ['pageUsers', 'createUser'],
      async (s) => {
        const ext = newId('ext');
        const u = await s.createUser({
          id: newId('usr'),
          email: `Pat.${newId('e')}@Example.test`,
          name: 'Pat',
          passwordHash: null,
          externalId: ext,
        });
        assert.equal(u.disabledAt, null);
        assert.deepEqual((await s.pageUsers({ email: u.email.toUpperCase() })).items, [u]);
        assert.deepEqual((await s.pageUsers({ externalId: ext })).items, [u]);
        const two = await s.pageUsers({ limit: 1 });
        assert.equal(two.items.length, 1);
        assert.ok(two.next);
        await assert.rejects(s.pageUsers({ cursor: 'forged' }), InvalidCursor);
        await assert.rejects(
          s.createUser({
            id: newId('usr'),
            email: `${newId('e')}@x.test`,
            name: 'Q',
            passwordHash: null,
            externalId: ext,
          }),
          (err) => err instanceof DuplicateKey && err.field === 'external_id',
        );
      },
    );

    it(
      'updates address, name, external id and password hash; refuses a taken address',
      ['updateUser', 'getUserByEmail'],
      async (s) => {
        const u = await newUser(s);
        const email = `New.${newId('e')}@example.test`;
        const updated = await s.updateUser(
          u.id,
          { email, name: 'New', externalId: 'ext-1-' + u.id, passwordHash: 'scrypt$y' },
          { audit: audit('user.updated') },
        );
        assert.equal(updated?.email, email);
        assert.equal(updated?.passwordHash, 'scrypt$y');
        assert.equal((await s.getUserByEmail(email.toLowerCase()))?.id, u.id);
        const other = await newUser(s);
        await assert.rejects(
          s.updateUser(other.id, { email: email.toUpperCase() }),
          (err) => err instanceof DuplicateKey && err.field === 'email',
        );
        assert.equal(await s.updateUser(newId('usr'), { name: 'x' }), undefined);
      },
    );

    it(
      'disabling ends sessions and revokes token families onto the feed; enabling restores sign-in only',
      ['setUserDisabled', 'getSession', 'createSession', 'getRefreshToken'],
      async (s) => {
        const { userId, refresh, familyId } = await familyOf(s);
        const idHash = sha256(newId('sess'));
        await s.createSession({
          idHash,
          userId,
          authTime: new Date(),
          expiresAt: new Date(Date.now() + HOUR),
        });
        const before = await head(s);
        const disabled = await s.setUserDisabled(userId, true, { audit: audit('user.disabled') });
        assert.ok(disabled?.disabledAt instanceof Date);
        assert.equal(await s.getSession(idHash), undefined);
        assert.ok((await s.getRefreshToken(refresh))?.family.revokedAt instanceof Date);
        const fed = (await s.revocationsSince(before)).map((e) => e.hash);
        assert.ok(fed.includes(revocationHash('family', familyId)));
        assert.equal((await s.setUserDisabled(userId, false))?.disabledAt, null);
        assert.equal(await s.setUserDisabled(newId('usr'), true), undefined);
      },
    );

    it(
      'deletes a user: sessions, memberships and token families go; the grants they gave stay',
      ['deleteUser', 'getActiveGrant', 'listMembershipsOfUser'],
      async (s) => {
        const { userId, refresh, familyId, appId, companyId } = await familyOf(s);
        await s.putMembership(userId, companyId, 'admin');
        const idHash = sha256(newId('sess'));
        await s.createSession({
          idHash,
          userId,
          authTime: new Date(),
          expiresAt: new Date(Date.now() + HOUR),
        });
        const before = await head(s);
        assert.equal(await s.deleteUser(userId, { audit: audit('user.deleted') }), true);
        assert.equal(await s.getUser(userId), undefined);
        assert.equal(await s.getSession(idHash), undefined);
        assert.deepEqual(await s.listMembershipsOfUser(userId), []);
        assert.ok((await s.getRefreshToken(refresh))?.family.revokedAt instanceof Date);
        assert.ok(
          (await s.revocationsSince(before)).some((e) => e.hash === revocationHash('family', familyId)),
        );
        const grant = await s.getActiveGrant(appId, companyId);
        assert.equal(grant?.grantedBy, userId, 'the grant stays, naming who gave it');
        assert.equal(await s.deleteUser(userId), false);
        const events = (await s.listAuditEvents(null, { action: 'user.deleted' })).items;
        assert.ok(events.length >= 1, 'events outside any company are listed under null');
      },
    );

    it('of concurrent deletes of one user exactly one wins', ['deleteUser'], async (s) => {
      const u = await newUser(s);
      const results = await Promise.all(Array.from({ length: 4 }, () => s.deleteUser(u.id)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });

  describe('directory lifecycle: memberships', () => {
    it(
      'changes a role and removes a membership, never the last admin',
      ['changeMembership', 'putMembership'],
      async (s) => {
        const c = await newCompany(s);
        const [a, b] = [await newUser(s), await newUser(s)];
        await s.putMembership(a.id, c.id, 'admin');
        await s.putMembership(b.id, c.id, 'member');
        assert.deepEqual(await s.changeMembership(a.id, c.id, 'member'), { kind: 'last_admin' });
        assert.deepEqual(await s.changeMembership(a.id, c.id, null), { kind: 'last_admin' });
        const promoted = await s.changeMembership(b.id, c.id, 'admin', {
          audit: audit('membership.role_changed', c.id),
        });
        assert.equal(promoted.kind, 'changed');
        assert.equal(promoted.kind === 'changed' && promoted.previous, 'member');
        assert.equal((await s.changeMembership(a.id, c.id, null)).kind, 'removed');
        assert.equal(await s.getMembership(a.id, c.id), undefined);
        assert.deepEqual(await s.changeMembership(a.id, c.id, null), { kind: 'not_found' });
        assert.deepEqual(await s.changeMembership(b.id, newId('co'), 'member'), { kind: 'not_found' });
        // A company with no admin at all may still lose members.
        const bare = await newCompany(s);
        await s.putMembership(a.id, bare.id, 'member');
        assert.equal((await s.changeMembership(a.id, bare.id, null)).kind, 'removed');
      },
    );

    it('of two admins demoting each other at once, one stays admin', ['changeMembership'], async (s) => {
      const c = await newCompany(s);
      const [a, b] = [await newUser(s), await newUser(s)];
      await s.putMembership(a.id, c.id, 'admin');
      await s.putMembership(b.id, c.id, 'admin');
      const results = await Promise.all([
        s.changeMembership(a.id, c.id, 'member'),
        s.changeMembership(b.id, c.id, null),
      ]);
      assert.equal(
        results.filter((r) => r.kind === 'last_admin').length,
        1,
        'whichever runs second finds one admin left',
      );
      const admins = (await s.listMembersOfCompany(c.id)).filter((m) => m.role === 'admin');
      assert.equal(admins.length, 1);
    });

    it(
      'removing a membership revokes the user’s token families for that company',
      ['changeMembership', 'getRefreshToken'],
      async (s) => {
        const { userId, companyId, refresh } = await familyOf(s);
        await s.putMembership(userId, companyId, 'member');
        assert.equal((await s.changeMembership(userId, companyId, null)).kind, 'removed');
        assert.ok((await s.getRefreshToken(refresh))?.family.revokedAt instanceof Date);
      },
    );
  });

  describe('operator keys', () => {
    it(
      'creates, finds by hash, lists newest first, touches and revokes once',
      [
        'createOperatorKey',
        'findOperatorKeyByHash',
        'listOperatorKeys',
        'touchOperatorKey',
        'revokeOperatorKey',
      ],
      async (s) => {
        const hash = sha256(newId('k', 30));
        const key = await s.createOperatorKey(
          { id: newId('opk'), name: 'Backend', keyHash: hash, last4: 'abcd', createdBy: 'cli' },
          { audit: audit('operator_key.created') },
        );
        assert.deepEqual(await s.findOperatorKeyByHash(hash), key);
        assert.equal(await s.findOperatorKeyByHash(sha256('other')), undefined);
        // Newest by creation time: not in the same millisecond as the first.
        await new Promise((r) => setTimeout(r, 5));
        const later = await s.createOperatorKey({
          id: newId('opk'),
          name: 'Second',
          keyHash: sha256(newId('k', 30)),
          last4: 'wxyz',
          createdBy: 'cli',
        });
        const ids = (await s.listOperatorKeys()).map((k) => k.id);
        assert.ok(ids.indexOf(later.id) < ids.indexOf(key.id));
        await s.touchOperatorKey(key.id);
        assert.ok((await s.findOperatorKeyByHash(hash))?.lastUsedAt instanceof Date);
        const results = await Promise.all([s.revokeOperatorKey(key.id), s.revokeOperatorKey(key.id)]);
        assert.deepEqual(results.filter(Boolean).length, 1);
        assert.ok((await s.findOperatorKeyByHash(hash))?.revokedAt instanceof Date);
        assert.equal(await s.revokeOperatorKey(newId('opk')), false);
      },
    );
  });
}
