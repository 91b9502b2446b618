import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadThemeFile } from '../../src/config/theme.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../helpers.ts';
import { answerPartnerCallback, checkPage, describeInChromium, launchChromium } from './launch.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'alice@acme.example';
const CALLBACK = 'http://127.0.0.1:9/callback';
/** The theme `npm start` wears: the test shows the shipped file works under the real CSP. */
const DEMO_THEME = new URL('../../../../scripts/demo-theme/theme.json', import.meta.url).pathname;

/**
 * The login and consent pages in a SaaS's brand (GATEHOUSE_THEME) and in German
 * (`ui_locales=de`), in a real Chromium: lang, the theme's colours through /assets/theme.css
 * under the strict CSP, axe-core clean. Screenshots for docs/branding.md.
 */
describeInChromium('branded and translated pages in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let clientId = '';
  const cspViolations: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-branding-'));
    const config = testConfig(dir, { host: '127.0.0.1', port: 0, theme: loadThemeFile(DEMO_THEME) });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    await gh.companies.createUser(
      { email: ADMIN, name: 'Alice Admin', password: PASSWORD, companyId: acme.id, role: 'admin' },
      'test',
    );
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    const { app } = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [CALLBACK],
        scopes: ['users.read', 'schedule.read'],
      },
      'test',
    );
    clientId = app.clientId;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openPage(locale: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await answerPartnerCallback(page, CALLBACK);
    return page;
  }

  const authorize = (extra: Record<string, string>) =>
    `${server.url}/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: 'users.read schedule.read',
      state: 'st-1',
      ...extra,
    })}`;

  async function signInAndConsent(page: Page) {
    await page.fill('#email', ADMIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/consent/);
  }

  const primaryColour = (page: Page) =>
    page.evaluate(
      () => getComputedStyle(document.querySelector('button.primary') as Element).backgroundColor,
    );

  it('ui_locales=de: the login and consent pages in German, in the theme', async () => {
    // The browser asks for English: ui_locales, from the app, wins.
    const page = await openPage('en-US');
    await page.goto(authorize({ ui_locales: 'de' }));
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.match(await page.title(), /^Anmelden · Shiftwise$/);
    assert.equal(await page.textContent('h1'), 'Anmelden');
    assert.equal(await page.textContent('.brand-name'), 'Shiftwise');
    assert.equal(await primaryColour(page), 'rgb(15, 118, 110)');
    assert.equal(await page.textContent('footer a[href="https://support.shiftwise.example/"]'), 'Hilfe');
    await checkPage(page, 'branding-login-de');
    await signInAndConsent(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.match((await page.textContent('h1')) ?? '', /Shiftly möchte auf Acme Staffing zugreifen/);
    assert.equal(await page.getAttribute('ul.scopes', 'aria-label'), '2 Berechtigungen');
    assert.equal(await page.textContent('button[value=grant]'), 'Zugriff erlauben');
    await checkPage(page, 'branding-consent-de');
    await page.click('button[value=grant]');
    await page.waitForURL(/127\.0\.0\.1:9\/callback/);
    assert.ok(new URL(page.url()).searchParams.get('code'));
    await page.context().close();
  });

  it('no ui_locales: the browser language (German here), else English, in the same theme', async () => {
    const german = await openPage('de-DE');
    await german.goto(authorize({}));
    assert.equal(await german.getAttribute('html', 'lang'), 'de');
    await german.context().close();

    const page = await openPage('en-GB');
    await page.goto(authorize({}));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('h1'), 'Sign in');
    assert.equal(await page.textContent('.brand-name'), 'Shiftwise');
    await checkPage(page, 'branding-login-en');
    await signInAndConsent(page);
    assert.equal(await page.textContent('button[value=grant]'), 'Grant access');
    assert.equal(await primaryColour(page), 'rgb(15, 118, 110)');
    await checkPage(page, 'branding-consent-en');
    await page.context().close();
  });

  it('the theme loads under the strict CSP: no violation reported', () => {
    assert.deepEqual(cspViolations, []);
  });
});
