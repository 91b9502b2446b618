import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logger.ts';
import type { SqlStorage } from '../../src/storage/sql/storage.ts';
import { openStorage } from '../../src/storage/sql/storage.ts';
import { Browser, field } from '../browser.ts';
import { type TestServer, testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';

const PASSWORD = 'correct horse battery staple';

/** The console's Members page and the invitation page, in-process, on both dialects. */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`console Members page (${dialect})`, { skip: skip || false }, () => {
    let s: TestServer;
    let db: TestDatabase | undefined;
    const logs: string[] = [];
    let base: string;
    let adminId: string;

    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      const destination = new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk));
          done();
        },
      });
      s = await testServer({
        logger: createLogger('debug', { destination }),
        // Request lines are logged at debug only (http/app.ts).
        config: { logLevel: 'debug' },
        ...(db ? { storage: openStorage(db.url) } : {}),
      });
      base = `/console/c/${s.companyId}`;
      const admin = await s.gh.companies.createUser(
        {
          email: 'admin@acme.example',
          name: 'Ada Admin',
          password: PASSWORD,
          companyId: s.companyId,
          role: 'admin',
        },
        't',
      );
      adminId = admin.id;
      await s.gh.companies.createUser(
        { email: 'member@acme.example', password: PASSWORD, companyId: s.companyId, role: 'member' },
        't',
      );
      await s.gh.companies.createUser({ email: 'outsider@else.example', name: 'Otto <b>Outsider</b>' }, 't');
    });
    after(async () => {
      await s?.close();
      await db?.cleanup();
    });

    async function signedIn(email: string, password = PASSWORD) {
      const b = new Browser(s.http);
      const login = await b.follow('GET', '/login?return_to=%2Fconsole');
      await b.follow('POST', '/login', {
        csrf_token: field(login.res.body, 'csrf_token'),
        return_to: '/console',
        email,
        password,
      });
      const page = await b.request('GET', `${base}/members`);
      assert.equal(page.statusCode, 200);
      return { b, page, csrf: field(page.body, 'csrf_token') };
    }

    const audit = async (action: string) =>
      (await s.gh.storage.listAuditEvents(s.companyId, { action })).items;
    const userId = async (email: string) => (await s.gh.users.byEmail(email))?.id ?? '';

    it('lists members with name, email, role and joined; the nav links it', async () => {
      const { page } = await signedIn('admin@acme.example');
      assert.match(page.body, /<a href="[^"]*\/members" aria-current="page">Members<\/a>/);
      assert.match(
        page.body,
        /<td>Ada Admin <span class="hint">\(you\)<\/span><\/td>\s*<td>admin@acme\.example<\/td>/,
      );
      assert.match(page.body, /member@acme\.example/);
      // When they joined, through Intl.DateTimeFormat in the page's locale (English here), in UTC.
      assert.match(page.body, /<td>[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d [AP]M UTC<\/td>/);
      assert.match(page.body, /Add member/);
      assert.match(page.body, /Create invitation/);
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    });

    it('shows members the list read-only and refuses every change with a 403 page', async () => {
      const { b, page, csrf } = await signedIn('member@acme.example');
      assert.match(page.body, /Read-only/);
      assert.doesNotMatch(page.body, /Add member|Create invitation|Change role|Remove/);
      const target = await userId('admin@acme.example');
      for (const [method, url, form] of [
        ['POST', `${base}/members`, { email: 'outsider@else.example', role: 'member' }],
        ['POST', `${base}/members/${target}/role`, { role: 'member' }],
        ['GET', `${base}/members/${target}/remove`, undefined],
        ['POST', `${base}/members/${target}/remove`, {}],
        ['POST', `${base}/invitations`, { email: 'x@acme.example', role: 'member' }],
        ['POST', `${base}/members/${target}/invitation`, {}],
      ] as const) {
        const res = await b.request(method, url, form && { csrf_token: csrf, ...form });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.match(res.body, /Only administrators can do this/);
      }
      assert.equal((await s.gh.memberships.list(s.companyId)).length, 2);
    });

    it('refuses a form without the session’s CSRF token', async () => {
      const { b } = await signedIn('admin@acme.example');
      const res = await b.request('POST', `${base}/members`, {
        email: 'outsider@else.example',
        role: 'member',
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /could not be verified/);
      const forged = await b.request('POST', `${base}/members`, {
        csrf_token: 'x'.repeat(43),
        email: 'outsider@else.example',
        role: 'member',
      });
      assert.equal(forged.statusCode, 403);
    });

    it('adds an existing user; refuses an unknown user (404), a duplicate (409) and an invalid email (400)', async () => {
      const { b, csrf } = await signedIn('admin@acme.example');
      const unknown = await b.request('POST', `${base}/members`, {
        csrf_token: csrf,
        email: 'nobody@acme.example',
        role: 'member',
      });
      assert.equal(unknown.statusCode, 404);
      assert.match(
        unknown.body,
        /No user has the address nobody@acme\.example\. To give them an account, invite them/,
      );
      assert.match(unknown.body, /value="nobody@acme\.example"/, 'what was typed stays');
      const invalid = await b.request('POST', `${base}/members`, {
        csrf_token: csrf,
        email: 'not an email',
        role: 'member',
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /role="alert">Email address is not valid\./);
      const badRole = await b.request('POST', `${base}/members`, {
        csrf_token: csrf,
        email: 'outsider@else.example',
        role: 'owner',
      });
      assert.equal(badRole.statusCode, 400);

      const added = await b.request('POST', `${base}/members`, {
        csrf_token: csrf,
        email: 'OUTSIDER@else.example',
        role: 'member',
      });
      assert.equal(added.statusCode, 303);
      assert.equal(added.headers.location, `${base}/members?done=added`);
      const list = await b.request('GET', added.headers.location as string);
      assert.match(list.body, /role="status">The member was added\./);
      assert.match(list.body, /Otto &lt;b&gt;Outsider&lt;\/b&gt;/, 'names are escaped');
      const [event] = await audit('membership.added');
      assert.equal(event?.actor, `user:${adminId}`);
      assert.equal(event?.target, `user:${await userId('outsider@else.example')}`);

      const again = await b.request('POST', `${base}/members`, {
        csrf_token: csrf,
        email: 'outsider@else.example',
        role: 'admin',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /is already a member of Acme/);
    });

    it('changes roles; the last admin can be neither demoted nor removed (409 with the reason)', async () => {
      const { b, csrf } = await signedIn('admin@acme.example');
      const self = await b.request('POST', `${base}/members/${adminId}/role`, {
        csrf_token: csrf,
        role: 'member',
      });
      assert.equal(self.statusCode, 409);
      assert.match(
        self.body,
        /role="alert">This is the last administrator of Acme\. Make another member an administrator first/,
      );
      const removeSelf = await b.request('POST', `${base}/members/${adminId}/remove`, { csrf_token: csrf });
      assert.equal(removeSelf.statusCode, 409);
      assert.match(removeSelf.body, /last administrator/);
      assert.equal((await s.gh.storage.getMembership(adminId, s.companyId))?.role, 'admin');

      const member = await userId('member@acme.example');
      const promoted = await b.request('POST', `${base}/members/${member}/role`, {
        csrf_token: csrf,
        role: 'admin',
      });
      assert.equal(promoted.statusCode, 303);
      assert.equal(promoted.headers.location, `${base}/members?done=role`);
      assert.equal((await s.gh.storage.getMembership(member, s.companyId))?.role, 'admin');
      const [event] = await audit('membership.role_changed');
      assert.deepEqual(event?.data, { role: 'admin' });
      const demoted = await b.request('POST', `${base}/members/${member}/role`, {
        csrf_token: csrf,
        role: 'member',
      });
      assert.equal(demoted.statusCode, 303);

      const bad = await b.request('POST', `${base}/members/${member}/role`, {
        csrf_token: csrf,
        role: 'owner',
      });
      assert.equal(bad.statusCode, 400);
      const stranger = await b.request('POST', `${base}/members/usr_nosuchuser00000000/role`, {
        csrf_token: csrf,
        role: 'admin',
      });
      assert.equal(stranger.statusCode, 404);
      assert.match(stranger.body, /not a member of the company/);
    });

    it('removes a member behind a confirmation; a repeated removal is harmless', async () => {
      const { b, csrf } = await signedIn('admin@acme.example');
      const outsider = await userId('outsider@else.example');
      const confirm = await b.request('GET', `${base}/members/${outsider}/remove`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Remove outsider@else\.example\?/);
      assert.match(confirm.body, /method="post" action="[^"]*\/members\/[^"]*\/remove"/);
      const removed = await b.request('POST', `${base}/members/${outsider}/remove`, { csrf_token: csrf });
      assert.equal(removed.statusCode, 303);
      assert.equal(removed.headers.location, `${base}/members?done=removed`);
      assert.equal(await s.gh.storage.getMembership(outsider, s.companyId), undefined);
      assert.equal((await audit('membership.removed')).length, 1);
      const twice = await b.request('POST', `${base}/members/${outsider}/remove`, { csrf_token: csrf });
      assert.equal(twice.statusCode, 303);
      assert.equal((await b.request('GET', `${base}/members/${outsider}/remove`)).statusCode, 404);
    });

    it('invites a new user: the link is shown once, sets a password once and signs the invitee in', async () => {
      const { b, csrf } = await signedIn('admin@acme.example');
      const made = await b.request('POST', `${base}/invitations`, {
        csrf_token: csrf,
        email: 'new@acme.example',
        name: 'Nia New',
        role: 'member',
      });
      assert.equal(made.statusCode, 303);
      const linkPage = await b.request('GET', made.headers.location as string);
      assert.equal(linkPage.statusCode, 200);
      const url = /value="(http:\/\/gatehouse\.test\/invitations\/gthi_[A-Za-z0-9_-]+)"/.exec(
        linkPage.body,
      )?.[1];
      assert.ok(url, 'the page shows the link');
      assert.match(linkPage.body, /shown only once/);
      const shownAgain = await b.request('GET', made.headers.location as string);
      assert.equal(shownAgain.statusCode, 303, 'the link is shown once');
      assert.doesNotMatch((await b.request('GET', `${base}/members`)).body, new RegExp(url));
      assert.match((await b.request('GET', `${base}/members`)).body, /Invitation pending until/);
      assert.equal((await audit('invitation.created')).length, 1);

      const path = new URL(url).pathname;
      const invitee = new Browser(s.http);
      const page = await invitee.request('GET', path);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Join Acme/);
      assert.match(page.body, /value="new@acme\.example"/);
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      const token = field(page.body, 'csrf_token');
      const noCsrf = await new Browser(s.http).request('POST', path, {
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      assert.equal(noCsrf.statusCode, 403);
      const mismatch = await invitee.request('POST', path, {
        csrf_token: token,
        password: PASSWORD,
        password_confirm: `${PASSWORD}!`,
      });
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /not the same/);
      const short = await invitee.request('POST', path, {
        csrf_token: token,
        password: 'short',
        password_confirm: 'short',
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /12 to 1024 characters/);
      const accepted = await invitee.request('POST', path, {
        csrf_token: token,
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      assert.equal(accepted.statusCode, 303);
      assert.equal(accepted.headers.location, '/console');
      const members = await invitee.request('GET', `${base}/members`);
      assert.equal(members.statusCode, 200, 'signed in');
      assert.match(members.body, /new@acme\.example \(member\)/);
      assert.match(members.body, /Read-only/);
      assert.equal((await audit('invitation.accepted')).length, 1);

      const used = await invitee.request('GET', path);
      assert.equal(used.statusCode, 410);
      assert.match(used.body, /This invitation has been used/);
      const reused = await new Browser(s.http).request('GET', path);
      assert.equal(reused.statusCode, 410);
      // The new password signs in on the ordinary page too.
      await signedIn('new@acme.example');
      assert.equal(
        logs.some((l) => l.includes(path.slice('/invitations/'.length))),
        false,
        'the token is in no log line',
      );
      assert.ok(
        logs.some((l) => l.includes('/invitations/[redacted]')),
        'request lines name the path with the token masked',
      );
    });

    it('refuses invitations for a taken address (409) or an invalid one (400); unknown and expired links say so', async () => {
      const { b, csrf } = await signedIn('admin@acme.example');
      const taken = await b.request('POST', `${base}/invitations`, {
        csrf_token: csrf,
        email: 'member@acme.example',
        name: '',
        role: 'member',
      });
      assert.equal(taken.statusCode, 409);
      assert.match(taken.body, /exists already: add them as a member instead/);
      const invalid = await b.request('POST', `${base}/invitations`, {
        csrf_token: csrf,
        email: 'nope',
        role: 'member',
      });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /Email address is not valid/);

      const unknown = await new Browser(s.http).request('GET', '/invitations/gthi_nosuchtoken');
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /This invitation is not valid/);

      const made = await b.request('POST', `${base}/invitations`, {
        csrf_token: csrf,
        email: 'late@acme.example',
        role: 'admin',
      });
      const url = /value="(http:\/\/gatehouse\.test\/invitations\/[^"]+)"/.exec(
        (await b.request('GET', made.headers.location as string)).body,
      )?.[1] as string;
      const invitee = new Browser(s.http);
      const form = await invitee.request('GET', new URL(url).pathname);
      assert.equal(form.statusCode, 200);
      await (s.gh.storage as SqlStorage).db
        .updateTable('invitations')
        .set({ expires_at: Date.now() - 1 })
        .where('user_id', '=', await userId('late@acme.example'))
        .execute();
      const expired = await invitee.request('POST', new URL(url).pathname, {
        csrf_token: field(form.body, 'csrf_token'),
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      assert.equal(expired.statusCode, 410);
      assert.match(expired.body, /This invitation has expired/);
      assert.match((await b.request('GET', `${base}/members`)).body, /Invitation expired/);
      assert.equal((await s.gh.users.byEmail('late@acme.example'))?.passwordHash, null);

      // A new link for the expired one: shown once, and it works.
      const late = await userId('late@acme.example');
      const renewed = await b.request('POST', `${base}/members/${late}/invitation`, { csrf_token: csrf });
      assert.equal(renewed.statusCode, 303);
      const newUrl = /value="(http:\/\/gatehouse\.test\/invitations\/[^"]+)"/.exec(
        (await b.request('GET', renewed.headers.location as string)).body,
      )?.[1];
      assert.ok(newUrl && newUrl !== url, 'a different link');
      assert.equal((await new Browser(s.http).request('GET', new URL(newUrl).pathname)).statusCode, 200);
      const admin = await b.request('POST', `${base}/members/${adminId}/invitation`, { csrf_token: csrf });
      assert.equal(admin.statusCode, 404, 'no invitation to renew');
      assert.match(admin.body, /no unused invitation/);
    });
  });
});
