import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openStorage } from '../src/storage/sql/storage.ts';
import { sha256 } from '../src/util/hash.ts';
import { newId } from '../src/util/random.ts';
import { Browser, field } from './browser.ts';
import { linkIn, SmtpReceiver } from './fixtures/smtp-receiver.ts';
import { type TestServer, testServer } from './helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

const OLD = 'the old password, long enough';
const NEW = 'a brand new password of mine';
const ORIGIN = 'http://gatehouse.test';

/** The path (with query) of a link in a mail, to follow in-process. */
const pathOf = (url: string) => url.slice(ORIGIN.length);

/** Password reset over HTTP, mails through a real SMTP receiver, on both dialects. */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`password reset (${dialect})`, { skip: skip || false }, () => {
    let s: TestServer;
    let smtp: SmtpReceiver;
    let db: TestDatabase | undefined;
    let ip = 0;
    /** A browser from an address of its own, so the per-IP throttle is tested only where meant. */
    const browser = () => new Browser(s.http, `192.0.2.${++ip}`);

    before(async () => {
      smtp = await new SmtpReceiver().start();
      if (dialect === 'postgres') db = await withTestPostgres();
      s = await testServer({
        config: {
          mail: { smtpUrl: smtp.url, from: 'Gatehouse <no-reply@gatehouse.test>', timeoutMs: 2_000 },
          passwordResetThrottle: {
            perAccount: { perSecond: 1 / 3600, burst: 2 },
            perIp: { perSecond: 1 / 3600, burst: 6 },
            inFlight: { perAccount: 1_000, perIp: 1_000 },
          },
        },
        ...(db ? { storage: openStorage(db.url) } : {}),
      });
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
      await db?.cleanup();
    });

    const user = (email: string, password = OLD) =>
      s.gh.companies.createUser({ email, password, companyId: s.companyId, role: 'admin' }, 't');

    /** Asks for a link from a fresh browser; the answer. */
    async function ask(email: string, b = browser()) {
      const page = await b.request('GET', '/password-reset');
      assert.equal(page.statusCode, 200);
      const res = await b.request('POST', '/password-reset', {
        csrf_token: field(page.body, 'csrf_token'),
        email,
      });
      return { b, res };
    }

    async function signInWith(email: string, password: string, b = browser()) {
      const login = await b.request('GET', '/login');
      const res = await b.request('POST', '/login', {
        csrf_token: field(login.body, 'csrf_token'),
        email,
        password,
      });
      return { b, signedIn: res.headers.location === '/login' };
    }

    it('the login page offers "Forgot your password?"', async () => {
      const page = await browser().request('GET', '/login');
      assert.match(page.body, /<a href="\/password-reset">Forgot your password\?<\/a>/);
    });

    it('mails a single-use link that sets a new password, signs in, ends other sessions and verifies the address', async () => {
      const u = await user('reset-me@acme.example');
      assert.equal(u.emailVerifiedAt, null);
      const other = await signInWith('reset-me@acme.example', OLD);
      assert.ok(other.signedIn);

      const { res } = await ask('reset-me@acme.example');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/password-reset/sent');
      const mail = await smtp.next('reset-me@acme.example');
      assert.equal(mail.subject, 'Reset your Gatehouse password');
      assert.equal(mail.from, 'no-reply@gatehouse.test');
      assert.match(mail.raw, /Content-Type: text\/plain/);
      assert.match(mail.raw, /Content-Type: text\/html/);
      const link = linkIn(mail, '/password-reset/');
      assert.match(link, /^http:\/\/gatehouse\.test\/password-reset\/gthp_[A-Za-z0-9_-]{43}$/);
      // Only the hash is stored.
      const token = decodeURIComponent(link.split('/').pop() ?? '');
      assert.ok(await s.gh.storage.findEmailToken(sha256(token)));
      assert.equal(await s.gh.storage.findEmailToken(token), undefined);

      const b = browser();
      const form = await b.request('GET', pathOf(link));
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /reset-me@acme\.example/);
      const csrf = field(form.body, 'csrf_token');
      const mismatch = await b.request('POST', pathOf(link), {
        csrf_token: csrf,
        password: NEW,
        password_confirm: 'x',
      });
      assert.equal(mismatch.statusCode, 400);
      const short = await b.request('POST', pathOf(link), {
        csrf_token: csrf,
        password: 'short',
        password_confirm: 'short',
      });
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /12 to 1024 characters/);
      const noCsrf = await b.request('POST', pathOf(link), {
        csrf_token: 'forged',
        password: NEW,
        password_confirm: NEW,
      });
      assert.equal(noCsrf.statusCode, 403);

      const done = await b.request('POST', pathOf(link), {
        csrf_token: csrf,
        password: NEW,
        password_confirm: NEW,
      });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/password-reset/done');
      // Signed in on a fresh session.
      const home = await b.request('GET', '/login');
      assert.match(home.body, /You are signed in as reset-me@acme\.example/, 'signed in after the reset');

      assert.equal(
        (await signInWith('reset-me@acme.example', OLD)).signedIn,
        false,
        'the old password is gone',
      );
      assert.equal((await signInWith('reset-me@acme.example', NEW)).signedIn, true, 'the new one works');
      const after = await s.gh.users.byEmail('reset-me@acme.example');
      assert.ok(after?.emailVerifiedAt, 'the link reached the address: it is verified');
      const ended = await other.b.request('GET', '/login');
      assert.match(ended.body, /<h1>Sign in<\/h1>/, 'the session from before the reset has ended');
      const audit = await s.gh.storage.listAuditEvents(null, { action: 'user.password_reset' });
      assert.equal(audit.items.length, 1);

      // Used: the link is gone for good, on GET and POST.
      const again = browser();
      const used = await again.request('GET', pathOf(link));
      assert.equal(used.statusCode, 410);
      assert.match(used.body, /This link has been used/);
      const page = await again.request('GET', '/password-reset');
      const reuse = await again.request('POST', pathOf(link), {
        csrf_token: field(page.body, 'csrf_token'),
        password: 'yet another password here',
        password_confirm: 'yet another password here',
      });
      assert.equal(reuse.statusCode, 410);
      assert.equal((await signInWith('reset-me@acme.example', NEW)).signedIn, true);
    });

    it('refuses a link after its hour', async () => {
      const u = await user('late@acme.example');
      const token = 'gthp_expiredexpiredexpiredexpiredexpiredexpir';
      await s.gh.storage.createEmailToken({
        id: newId('eml'),
        tokenHash: sha256(token),
        purpose: 'password_reset',
        userId: u.id,
        email: u.email,
        expiresAt: new Date(Date.now() - 1),
      });
      const b = browser();
      const page = await b.request('GET', `/password-reset/${token}`);
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /This link has expired/);
      const form = await b.request('GET', '/password-reset');
      const post = await b.request('POST', `/password-reset/${token}`, {
        csrf_token: field(form.body, 'csrf_token'),
        password: NEW,
        password_confirm: NEW,
      });
      assert.equal(post.statusCode, 410);
      assert.equal((await signInWith('late@acme.example', OLD)).signedIn, true, 'the password is unchanged');
    });

    it('answers known and unknown addresses alike, without waiting on the mail', async () => {
      await user('known@acme.example');
      const known = await ask('known@acme.example');
      const unknown = await ask('nobody@acme.example');
      assert.equal(known.res.statusCode, unknown.res.statusCode);
      assert.deepEqual(known.res.headers.location, unknown.res.headers.location);
      assert.equal(known.res.body, unknown.res.body);
      const sent = await known.b.request('GET', '/password-reset/sent');
      const sentToo = await unknown.b.request('GET', '/password-reset/sent');
      assert.equal(sent.body, sentToo.body);
      assert.match(sent.body, /If an account exists for that address/);
      await smtp.next('known@acme.example');
      await s.gh.passwordResets.settled();
      assert.equal(smtp.to('nobody@acme.example').length, 0);
    });

    it('a disabled user gets no mail, and a link mailed before they were disabled does not work', async () => {
      const u = await user('disabled@acme.example');
      await ask('disabled@acme.example');
      const mail = await smtp.next('disabled@acme.example');
      const link = linkIn(mail, '/password-reset/');
      await s.gh.userAdmin.setDisabled(u.id, true, 'test');

      const refused = await ask('disabled@acme.example');
      assert.equal(refused.res.headers.location, '/password-reset/sent', 'the one answer');
      await s.gh.passwordResets.settled();
      assert.equal(smtp.to('disabled@acme.example').length, 1, 'no second mail');

      const b = browser();
      const page = await b.request('GET', pathOf(link));
      assert.equal(page.statusCode, 404);
      const form = await b.request('GET', '/password-reset');
      const post = await b.request('POST', pathOf(link), {
        csrf_token: field(form.body, 'csrf_token'),
        password: NEW,
        password_confirm: NEW,
      });
      assert.equal(post.statusCode, 404);
      await s.gh.userAdmin.setDisabled(u.id, false, 'test');
      assert.equal(
        (await signInWith('disabled@acme.example', OLD)).signedIn,
        true,
        'the password is unchanged',
      );
    });

    it('throttles requests per address, known or not, whatever the client address', async () => {
      await user('popular@acme.example');
      for (const email of ['popular@acme.example', 'ghost@acme.example']) {
        for (let i = 0; i < 2; i++) assert.equal((await ask(email)).res.statusCode, 303);
        const third = await ask(email);
        assert.equal(third.res.statusCode, 429, email);
        assert.ok(Number(third.res.headers['retry-after']) > 0);
        assert.match(third.res.body, /Too many attempts/);
      }
      await s.gh.passwordResets.settled();
      assert.equal(smtp.to('popular@acme.example').length, 2);
    });

    it('throttles requests per client address', async () => {
      const b = browser();
      for (let i = 0; i < 6; i++)
        assert.equal((await ask(`walker-${i}@acme.example`, b)).res.statusCode, 303);
      const refused = await ask('walker-6@acme.example', b);
      assert.equal(refused.res.statusCode, 429);
      assert.equal((await ask('walker-6@acme.example')).res.statusCode, 303, 'another address may');
    });

    it('carries a pending authorization request through the link', async () => {
      await user('flowing@acme.example');
      const b = browser();
      const page = await b.request('GET', '/password-reset?flow=flow_abc');
      assert.match(page.body, /name="flow" value="flow_abc"/);
      await b.request('POST', '/password-reset', {
        csrf_token: field(page.body, 'csrf_token'),
        email: 'flowing@acme.example',
        flow: 'flow_abc',
      });
      const link = linkIn(await smtp.next('flowing@acme.example'), '/password-reset/');
      assert.match(link, /\?flow=flow_abc$/);
      const form = await b.request('GET', pathOf(link));
      const done = await b.request('POST', pathOf(link).split('?')[0] ?? '', {
        csrf_token: field(form.body, 'csrf_token'),
        flow: field(form.body, 'flow'),
        password: NEW,
        password_confirm: NEW,
      });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/authorize/continue?flow=flow_abc');
    });
  });
});

describe('password reset without a working mail server', () => {
  let s: TestServer;
  let silent: Server;
  const sockets = new Set<Socket>();
  before(async () => {
    // Accepts connections and never says a word: the SMTP greeting never comes.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    s = await testServer({
      config: {
        mail: { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'no-reply@gatehouse.test', timeoutMs: 1_500 },
      },
    });
    await s.gh.companies.createUser({ email: 'stuck@acme.example', password: OLD }, 't');
  });
  after(async () => {
    await s?.close();
    for (const socket of sockets) socket.destroy();
    silent?.close();
  });

  it('answers at once, and the failed delivery is neither an error page nor a hang', async () => {
    const b = new Browser(s.http);
    const page = await b.request('GET', '/password-reset');
    const started = Date.now();
    const res = await b.request('POST', '/password-reset', {
      csrf_token: field(page.body, 'csrf_token'),
      email: 'stuck@acme.example',
    });
    assert.equal(res.statusCode, 303);
    assert.ok(Date.now() - started < 1_000, 'the answer does not wait for the SMTP server');
    // The mail is tried, times out (1.5 s), is tried again after 2 s, and is given up.
    await s.gh.passwordResets.settled();
  });
});

describe('password reset with local passwords off', () => {
  let s: TestServer;
  before(async () => {
    s = await testServer({
      config: {
        signIn: {
          localPasswords: false,
          upstreams: [
            {
              id: 'corp',
              name: 'Corp',
              issuer: 'http://127.0.0.1:9',
              clientId: 'x',
              clientSecret: 'y',
              scopes: ['openid'],
              claims: { email: 'email', name: 'name', companies: null },
              link: 'verified-email',
              provision: true,
            },
          ],
          upstreamTimeoutMs: 500,
        },
      },
    });
  });
  after(() => s?.close());

  it('has no reset pages and no link on the login page', async () => {
    const b = new Browser(s.http);
    assert.equal((await b.request('GET', '/password-reset')).statusCode, 403);
    assert.equal((await b.request('GET', '/password-reset/gthp_x')).statusCode, 403);
    assert.doesNotMatch((await b.request('GET', '/login')).body, /Forgot your password/);
  });
});

describe('mailed links in the request log', () => {
  it('are redacted: reset and verification tokens never reach a log line', async () => {
    const { redactUrl } = await import('../src/logger.ts');
    assert.equal(redactUrl('/password-reset/gthp_secret?flow=f'), '/password-reset/[redacted]?flow=f');
    assert.equal(redactUrl('/verify-email/gthe_secret'), '/verify-email/[redacted]');
    assert.equal(redactUrl('/password-reset/sent'), '/password-reset/sent');
    assert.equal(redactUrl('/password-reset'), '/password-reset');
  });
});
