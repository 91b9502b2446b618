import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStorage } from '../src/storage/sql/storage.ts';
import { Browser, field } from './browser.ts';
import { runCli } from './cli/run-cli.ts';
import { linkIn, SmtpReceiver } from './fixtures/smtp-receiver.ts';
import { cliEnv, type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

const PASSWORD = 'correct horse battery staple';
const ORIGIN = 'http://gatehouse.test';
const pathOf = (url: string) => url.slice(ORIGIN.length);

/** Verification links and invitation mails, through a real SMTP receiver, on both dialects. */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`e-mail verification and invitation mail (${dialect})`, { skip: skip || false }, () => {
    let s: TestServer;
    let smtp: SmtpReceiver;
    let db: TestDatabase | undefined;

    before(async () => {
      smtp = await new SmtpReceiver().start();
      if (dialect === 'postgres') db = await withTestPostgres();
      s = await testServer({
        config: { mail: { smtpUrl: smtp.url, from: 'no-reply@gatehouse.test', timeoutMs: 2_000 } },
        ...(db ? { storage: openStorage(db.url) } : {}),
      });
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
      await db?.cleanup();
    });

    async function signedIn(email: string) {
      const b = new Browser(s.http);
      const login = await b.request('GET', '/login');
      await b.request('POST', '/login', {
        csrf_token: field(login.body, 'csrf_token'),
        email,
        password: PASSWORD,
      });
      return b;
    }

    it('a verification link confirms the address, once', async () => {
      const user = await s.gh.companies.createUser({ email: 'vera@acme.example', password: PASSWORD }, 't');
      assert.equal(await s.gh.emailVerification.send(user), true);
      const mail = await smtp.next('vera@acme.example');
      assert.equal(mail.subject, 'Confirm your e-mail address for Gatehouse');
      const link = linkIn(mail, '/verify-email/');
      assert.match(link, /\/verify-email\/gthe_[A-Za-z0-9_-]{43}$/);
      const b = new Browser(s.http);
      const ok = await b.request('GET', pathOf(link));
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /Address confirmed/);
      assert.ok((await s.gh.users.byEmail('vera@acme.example'))?.emailVerifiedAt);
      const again = await b.request('GET', pathOf(link));
      assert.equal(again.statusCode, 410);
      assert.equal((await b.request('GET', '/verify-email/gthe_nonsense')).statusCode, 404);
      const verified = await s.gh.users.byEmail('vera@acme.example');
      assert.ok(verified);
      assert.equal(await s.gh.emailVerification.send(verified), false, 'no mail for a verified address');
    });

    it('a link sent to an address the user no longer has proves nothing', async () => {
      const user = await s.gh.companies.createUser({ email: 'mover@acme.example', password: PASSWORD }, 't');
      await s.gh.emailVerification.send(user);
      const link = linkIn(await smtp.next('mover@acme.example'), '/verify-email/');
      await s.gh.userAdmin.update(user.id, { email: 'moved@acme.example' }, 'test');
      assert.equal((await new Browser(s.http).request('GET', pathOf(link))).statusCode, 404);
      assert.equal((await s.gh.users.byEmail('moved@acme.example'))?.emailVerifiedAt, null);
    });

    it('a signed-in person with an unconfirmed address can have the link sent again, throttled', async () => {
      await s.gh.companies.createUser({ email: 'again@acme.example', password: PASSWORD }, 't');
      const b = await signedIn('again@acme.example');
      const home = await b.request('GET', '/login');
      assert.match(home.body, /Your address is not confirmed yet/);
      const csrf = field(home.body, 'csrf_token');
      const forged = await b.request('POST', '/verify-email', { csrf_token: 'forged' });
      assert.equal(forged.statusCode, 403);
      for (let i = 1; i <= 3; i++) {
        const sent = await b.request('POST', '/verify-email', { csrf_token: csrf });
        assert.equal(sent.headers.location, '/login?verification=sent');
        await smtp.next('again@acme.example', i);
      }
      const throttled = await b.request('POST', '/verify-email', { csrf_token: csrf });
      assert.equal(throttled.headers.location, '/login?verification=throttled');
      assert.match((await b.request('GET', '/login?verification=sent')).body, /We sent a confirmation link/);
      const link = linkIn(await smtp.next('again@acme.example', 3), '/verify-email/');
      assert.equal((await b.request('GET', pathOf(link))).statusCode, 200);
      assert.doesNotMatch((await b.request('GET', '/login')).body, /not confirmed yet/);
    });

    it('the Members page mails the invitation link; accepting it verifies the address', async () => {
      await s.gh.companies.createUser(
        { email: 'boss@acme.example', password: PASSWORD, companyId: s.companyId, role: 'admin' },
        't',
      );
      const b = await signedIn('boss@acme.example');
      const base = `/console/c/${s.companyId}`;
      const members = await b.request('GET', `${base}/members`);
      assert.match(members.body, /sent to them by e-mail when this server sends mail/);
      const made = await b.request('POST', `${base}/invitations`, {
        csrf_token: field(members.body, 'csrf_token'),
        email: 'invitee@acme.example',
        role: 'member',
      });
      assert.equal(made.statusCode, 303);
      const shown = await b.request('GET', made.headers.location as string);
      const url = /value="(http:\/\/gatehouse\.test\/invitations\/gthi_[A-Za-z0-9_-]+)"/.exec(
        shown.body,
      )?.[1];
      assert.ok(url);
      assert.match(shown.body, /also sent to invitee@acme\.example by e-mail/);
      const mail = await smtp.next('invitee@acme.example');
      assert.equal(mail.subject, 'You are invited to Acme on Gatehouse');
      assert.equal(linkIn(mail, '/invitations/'), url, 'the mail carries the link the page shows');

      const invitee = new Browser(s.http);
      const form = await invitee.request('GET', pathOf(url));
      const accepted = await invitee.request('POST', pathOf(url), {
        csrf_token: field(form.body, 'csrf_token'),
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      assert.equal(accepted.statusCode, 303);
      assert.ok((await s.gh.users.byEmail('invitee@acme.example'))?.emailVerifiedAt, 'verified');
    });

    it('gatehouse user create mails a verification link', async () => {
      const res = await runCli(
        ['user', 'create', '--company', s.companyId, '--email', 'cli-made@acme.example', '--password-stdin'],
        {
          ...cliEnv(s),
          ...(db ? { DATABASE_URL: db.url } : {}),
          GATEHOUSE_ISSUER: ORIGIN,
          SMTP_URL: smtp.url,
          SMTP_FROM: 'no-reply@gatehouse.test',
        },
        PASSWORD,
      );
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /link mailed to cli-made@acme\.example/);
      const link = linkIn(await smtp.next('cli-made@acme.example'), '/verify-email/');
      assert.equal((await new Browser(s.http).request('GET', pathOf(link))).statusCode, 200);
    });
  });
});
