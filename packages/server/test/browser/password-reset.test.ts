import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { linkIn, SmtpReceiver } from '../fixtures/smtp-receiver.ts';
import { testConfig } from '../helpers.ts';
import { checkPage, describeInChromium, launchChromium } from './launch.ts';

const OLD = 'the password I forgot, long';
const NEW = 'a password I will remember';
const EMAIL = 'forgetful@acme.example';

/**
 * A password reset in a real Chromium, from the login page's "Forgot your password?" to the
 * link in the mail a real SMTP receiver got, to the Integration Center with the new password.
 */
describeInChromium('password reset from the e-mail link in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let smtp: SmtpReceiver;
  let browser: Browser;
  let page: Page;
  let companyId = '';

  before(async () => {
    smtp = await new SmtpReceiver().start();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-reset-'));
    const config = testConfig(dir, {
      host: '127.0.0.1',
      port: 0,
      mail: { smtpUrl: smtp.url, from: 'no-reply@gatehouse.test', timeoutMs: 2_000 },
    });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    companyId = acme.id;
    await gh.companies.createUser({ email: EMAIL, password: OLD, companyId, role: 'admin' }, 'test');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a link on the login page, follows it from the mail, and signs in with the new password', async () => {
    await page.goto(`${server.url}/login`);
    await page.click('text=Forgot your password?');
    await page.waitForURL(/\/password-reset$/);
    await checkPage(page, 'password-reset-request');
    await page.fill('#email', EMAIL);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/password-reset\/sent$/);
    assert.match((await page.textContent('main, body')) ?? '', /If an account exists for that address/);
    await checkPage(page, 'password-reset-sent');

    const mail = await smtp.next(EMAIL);
    // The links carry the configured issuer; the test server listens on a port of its own.
    const link = linkIn(mail, '/password-reset/').replace('http://gatehouse.test', server.url);
    await page.goto(link);
    await checkPage(page, 'password-reset-form');
    await page.fill('#password', NEW);
    await page.fill('#password-confirm', NEW);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/password-reset\/done$/);
    await checkPage(page, 'password-reset-done');
    await page.click('text=Go to the Integration Center');
    await page.waitForURL(new RegExp(`/console/c/${companyId}`));

    // The link worked once.
    await page.goto(link);
    assert.match((await page.textContent('h1')) ?? '', /This link has been used/);

    // Signed out, the old password fails and the new one signs in.
    await page.goto(`${server.url}/login`);
    await page.click('text=Sign out');
    await page.goto(`${server.url}/login?return_to=%2Fconsole`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', OLD);
    await page.click('button[type=submit]');
    await page.waitForURL(/error=invalid/);
    await page.fill('#email', EMAIL);
    await page.fill('#password', NEW);
    await page.click('button[type=submit]');
    await page.waitForURL(new RegExp(`/console/c/${companyId}`));
  });
});
