import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { configWarnings, loadConfig } from '../src/config/index.ts';
import { mailConfig } from '../src/config/mail.ts';
import { createLogger } from '../src/logger.ts';
import { Mailer, smtpOptions } from '../src/mail/mailer.ts';
import { passwordResetMail } from '../src/mail/messages.ts';

describe('mail configuration', () => {
  it('defaults to the log, with a sender on the issuer host', () => {
    const c = mailConfig({}, 'https://id.acme.example');
    assert.deepEqual(c, {
      smtpUrl: undefined,
      from: 'Gatehouse <no-reply@id.acme.example>',
      timeoutMs: 10_000,
    });
  });

  it('reads SMTP_URL, SMTP_FROM and SMTP_TIMEOUT_MS, and refuses what it cannot use', () => {
    const c = mailConfig(
      {
        SMTP_URL: 'smtps://u%40x:p%3Aw@mail.example',
        SMTP_FROM: 'Acme <id@acme.example>',
        SMTP_TIMEOUT_MS: '2500',
      },
      'http://a',
    );
    assert.equal(c.from, 'Acme <id@acme.example>');
    assert.deepEqual(smtpOptions(c.smtpUrl ?? '', c.timeoutMs), {
      host: 'mail.example',
      port: 465,
      secure: true,
      auth: { user: 'u@x', pass: 'p:w' },
      connectionTimeout: 2500,
      greetingTimeout: 2500,
      socketTimeout: 2500,
    });
    assert.equal(smtpOptions('smtp://127.0.0.1', 1).port, 587);
    assert.throws(
      () => mailConfig({ SMTP_URL: 'http://mail.example' }, 'http://a'),
      /smtp:\/\/ or smtps:\/\//,
    );
    assert.throws(() => mailConfig({ SMTP_URL: 'not a url' }, 'http://a'), /SMTP_URL must be a URL/);
    assert.throws(() => mailConfig({ SMTP_FROM: 'nobody' }, 'http://a'), /SMTP_FROM must be/);
    assert.throws(() => mailConfig({ SMTP_TIMEOUT_MS: '0' }, 'http://a'), /SMTP_TIMEOUT_MS/);
  });

  it('warns in production when mails would only be logged', () => {
    const env = {
      NODE_ENV: 'production',
      GATEHOUSE_SECRET: 'x'.repeat(32),
      GATEHOUSE_ISSUER: 'https://id.example',
    };
    assert.ok(configWarnings(loadConfig({ env })).some((w) => w.startsWith('SMTP_URL is not set')));
    const withSmtp = loadConfig({ env: { ...env, SMTP_URL: 'smtp://mail.example' } });
    assert.ok(!configWarnings(withSmtp).some((w) => w.startsWith('SMTP_URL')));
  });
});

describe('Mailer without SMTP_URL', () => {
  it('writes the mail, link included, to the log in readable form', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const mailer = new Mailer(mailConfig({}, 'http://127.0.0.1:4000'), createLogger('info', { destination }));
    assert.equal(mailer.logOnly, true);
    mailer.send(
      passwordResetMail('ada@acme.example', 'http://127.0.0.1:4000/password-reset/gthp_x', 'Gatehouse'),
      'password_reset',
    );
    await mailer.close();
    const line = JSON.parse(lines.find((l) => l.includes('mail_logged')) ?? '{}') as Record<string, string>;
    assert.equal(line.to, 'ada@acme.example');
    assert.equal(line.subject, 'Reset your Gatehouse password');
    assert.match(
      line.msg ?? '',
      /Choose a new password:\nhttp:\/\/127\.0\.0\.1:4000\/password-reset\/gthp_x/,
    );
  });

  it("the mails and their default sender name the theme's product", () => {
    const reset = passwordResetMail('ada@acme.example', 'http://a/r', 'Shiftwise');
    assert.equal(reset.subject, 'Reset your Shiftwise password');
    assert.equal(
      mailConfig({}, 'https://auth.shiftwise.test', 'Shiftwise').from,
      'Shiftwise <no-reply@auth.shiftwise.test>',
    );
    assert.equal(mailConfig({}, 'https://a.test', 'Evil <x@y>').from, 'Evil x@y <no-reply@a.test>');
  });

  it('escapes what it puts into the HTML part', () => {
    const mail = passwordResetMail('<b>x</b>@acme.example', 'http://a/password-reset/t?x="1"&y', 'A<i>B');
    assert.equal(mail.subject, 'Reset your A<i>B password');
    assert.doesNotMatch(mail.html, /<i>/);
    assert.doesNotMatch(mail.html, /<b>x<\/b>/);
    assert.match(mail.html, /&lt;b&gt;x&lt;\/b&gt;@acme\.example/);
    assert.match(mail.html, /href="http:\/\/a\/password-reset\/t\?x=&quot;1&quot;&amp;y"/);
  });
});
