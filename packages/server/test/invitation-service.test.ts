import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompanyService } from '../src/companies/company-service.ts';
import { INVITATION_TTL_MS, InvitationService } from '../src/companies/invitation-service.ts';
import { ConflictError, NotFoundError, ValidationError } from '../src/errors.ts';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';
import { sqliteDatabase } from './storage/sql-target.ts';

const GOOD = 'a long enough password';

/** The invitation rules on the service alone: storage, a clock and a cheap hash, no server. */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`InvitationService (${dialect})`, { skip: skip || false }, () => {
    let db: TestDatabase;
    let storage: SqlStorage;
    let companies: CompanyService;
    let clock = Date.now();
    let service: InvitationService;
    let companyId: string;

    before(async () => {
      db = dialect === 'postgres' ? await withTestPostgres() : await sqliteDatabase();
      storage = openStorage(db.url);
      await storage.migrate();
      companies = new CompanyService(storage);
      service = new InvitationService(storage, companies, {
        baseUrl: 'https://id.example',
        now: () => clock,
        hash: async (pw) => `test$${pw}`,
        throttle: { perAccount: { perSecond: 0.001, burst: 3 }, perIp: { perSecond: 1, burst: 100 } },
      });
      companyId = (await companies.createCompany({ name: 'Acme' }, 'test')).id;
    });
    after(async () => {
      await storage?.close();
      await db?.cleanup();
    });

    const tokenOf = (url: string) => decodeURIComponent(url.slice('https://id.example/invitations/'.length));

    it('creates the user without a password, their membership, and a mailable link shown once', async () => {
      const { user, url, invitation } = await service.invite(
        companyId,
        { email: 'new@acme.test', name: 'New Person', role: 'member' },
        'user:usr_admin',
      );
      assert.match(url, /^https:\/\/id\.example\/invitations\/gthi_[A-Za-z0-9_-]{43}$/);
      assert.equal(user.passwordHash, null);
      assert.equal((await storage.getMembership(user.id, companyId))?.role, 'member');
      assert.equal(invitation.expiresAt.getTime(), clock + INVITATION_TTL_MS);
      assert.notEqual(invitation.tokenHash, tokenOf(url), 'only the hash is kept');
      assert.equal((await service.pending(companyId)).get(user.id)?.id, invitation.id);
      const audit = await storage.listAuditEvents(companyId, { action: 'invitation.created' });
      assert.equal(audit.items[0]?.actor, 'user:usr_admin');
      assert.equal(JSON.stringify(audit.items).includes(tokenOf(url)), false);
    });

    it('refuses a taken address (409), a bad address and a bad role (400)', async () => {
      await assert.rejects(
        service.invite(companyId, { email: 'NEW@acme.test', role: 'member' }, 'x'),
        ConflictError,
      );
      await assert.rejects(
        service.invite(companyId, { email: 'not-an-email', role: 'member' }, 'x'),
        (err: unknown) => err instanceof ValidationError && 'email' in err.fields,
      );
      await assert.rejects(
        service.invite(companyId, { email: 'x@acme.test', role: 'owner' }, 'x'),
        (err: unknown) => err instanceof ValidationError && 'role' in err.fields,
      );
      assert.equal(await storage.getUserByEmail('x@acme.test'), undefined);
    });

    it('accepts once with a valid password; the second use and an unknown link are refused', async () => {
      const { url, user } = await service.invite(companyId, { email: 'once@acme.test', role: 'admin' }, 'x');
      const token = tokenOf(url);
      assert.equal((await service.view(token)).kind, 'valid');
      const short = await service.accept(token, 'short', '10.0.0.1');
      assert.equal(short.kind, 'invalid-password');
      assert.equal((await service.view(token)).kind, 'valid', 'a refused password leaves the link good');
      const ok = await service.accept(token, GOOD, '10.0.0.1');
      assert.equal(ok.kind, 'accepted');
      assert.equal((await storage.getUser(user.id))?.passwordHash, `test$${GOOD}`);
      assert.equal((await service.accept(token, GOOD, '10.0.0.1')).kind, 'used');
      assert.equal((await service.view(token)).kind, 'used');
      assert.equal((await service.view('gthi_nosuchtoken')).kind, 'unknown');
      assert.equal((await service.pending(companyId)).has(user.id), false);
      const audit = await storage.listAuditEvents(companyId, { action: 'invitation.accepted' });
      assert.equal(audit.items[0]?.actor, `user:${user.id}`);
    });

    it('expires after 72 hours', async () => {
      const { url, user } = await service.invite(companyId, { email: 'late@acme.test', role: 'member' }, 'x');
      const token = tokenOf(url);
      const start = clock;
      clock = start + INVITATION_TTL_MS - 1000;
      assert.equal((await service.view(token)).kind, 'valid');
      clock = start + INVITATION_TTL_MS;
      assert.equal((await service.view(token)).kind, 'expired');
      assert.equal((await service.accept(token, GOOD, '10.0.0.2')).kind, 'expired');
      assert.equal((await storage.getUser(user.id))?.passwordHash, null);
      clock = start;
    });

    it('throttles attempts on one link before any hash runs', async () => {
      const { url } = await service.invite(companyId, { email: 'slow@acme.test', role: 'member' }, 'x');
      const wrong = `${tokenOf(url)}x`;
      for (let i = 0; i < 3; i++)
        assert.equal((await service.accept(wrong, GOOD, '10.0.0.3')).kind, 'unknown');
      const refused = await service.accept(wrong, GOOD, '10.0.0.3');
      assert.equal(refused.kind, 'throttled');
    });

    it('gives a new link only for an account the invitation made and nobody else has a say over', async () => {
      const { url, user } = await service.invite(companyId, { email: 'again@acme.test', role: 'admin' }, 'x');
      const start = clock;
      clock = start + INVITATION_TTL_MS;
      const fresh = await service.reissue(companyId, user.id, 'user:usr_admin');
      clock = start;
      assert.notEqual(fresh.url, url);
      assert.equal(fresh.invitation.role, 'admin', 'the role the membership has');
      clock = start + INVITATION_TTL_MS + 1000;
      assert.equal((await service.view(tokenOf(fresh.url))).kind, 'valid');
      clock = start;
      const other = await companies.createCompany({ name: 'Other' }, 'test');
      await companies.addMembership(user.id, other.id, 'member', 'test');
      await assert.rejects(service.reissue(companyId, user.id, 'x'), ConflictError);
      await assert.rejects(service.reissue(other.id, user.id, 'x'), NotFoundError, 'not invited there');
      const accepted = await service.invite(companyId, { email: 'done@acme.test', role: 'member' }, 'x');
      assert.equal((await service.accept(tokenOf(accepted.url), GOOD, '10.0.0.5')).kind, 'accepted');
      await assert.rejects(service.reissue(companyId, accepted.user.id, 'x'), NotFoundError);
    });

    it('a disabled user cannot use their link', async () => {
      const { url, user } = await service.invite(companyId, { email: 'off@acme.test', role: 'member' }, 'x');
      await storage.setUserDisabled(user.id, true);
      assert.equal((await service.view(tokenOf(url))).kind, 'unknown');
      assert.equal((await service.accept(tokenOf(url), GOOD, '10.0.0.4')).kind, 'unknown');
    });
  });
});
