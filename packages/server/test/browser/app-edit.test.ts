import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LogoService, logoPath } from '../../src/apps/logo.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { solidPng } from '../fixtures/images.ts';
import { testConfig } from '../helpers.ts';
import { checkPage, describeInChromium, launchChromium } from './launch.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'erin@shiftly.example';
const OLD = 'https://shiftly.example/oauth/callback';
const NEW = 'https://app.shiftly.example/oauth/callback';

/** The app Edit page in a real Chromium, driven from the keyboard: edit, save, see the change. */
describeInChromium('app Edit page in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const ids = { company: '', app: '', clientId: '' };

  const check = (name: string) => checkPage(page, name);

  /** Tabs until the element matching `selector` has the focus (bounded). */
  async function tabTo(selector: string) {
    for (let i = 0; i < 60; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${selector}`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-edit-'));
    server = await startServer(testConfig(dir, { host: '127.0.0.1', port: 0 }), {
      logger: createLogger('silent', { pretty: false }),
    });
    const gh = server.gatehouse;
    const company = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    await gh.companies.createUser(
      { email: ADMIN, name: 'Erin Admin', password: PASSWORD, companyId: company.id, role: 'admin' },
      'test',
    );
    const logo = await new LogoService(gh.storage).store(company.id, solidPng(64, 64, [230, 90, 40]));
    const { app } = await gh.apps.create(
      {
        companyId: company.id,
        name: 'Shiftly',
        type: 'partner',
        logoUrl: logoPath(logo.id),
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [OLD],
        scopes: ['users.read', 'schedule.read'],
      },
      'test',
    );
    Object.assign(ids, { company: company.id, app: app.id, clientId: app.clientId });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an admin edits a partner app from the keyboard, saves, and sees the change', async () => {
    await page.goto(`${server.url}/console/c/${ids.company}/apps/${ids.app}`);
    await page.waitForURL(/\/login\?/);
    await page.fill('#email', ADMIN);
    await page.fill('#password', PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/apps/${ids.app}$`));

    await tabTo('a[href$="/edit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/edit$/);
    assert.equal(await page.inputValue('#name'), 'Shiftly');
    assert.equal(await page.inputValue('#redirect_uris'), OLD);
    assert.match((await page.textContent('#scopes-fixed')) ?? '', /create a new app/);
    await check('console-app-edit');

    // An invalid URI first: the form comes back with the error and what was typed.
    await tabTo('#redirect_uris');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('http://app.shiftly.example/oauth/callback');
    await page.keyboard.press('Shift+Tab'); // off the textarea, where Enter is a newline
    await tabTo('button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.alert');
    assert.match((await page.textContent('.alert')) ?? '', /must use https/);
    assert.equal(await page.getAttribute('#redirect_uris', 'aria-invalid'), 'true');
    await check('console-app-edit-errors');

    await tabTo('#name');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Shiftly Scheduling');
    await tabTo('#redirect_uris');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(NEW);
    await tabTo('#skip_consent');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('#skip_consent'), true);
    await tabTo('#token_ttl');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('900');
    await tabTo('button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?saved=1$/);

    assert.match((await page.textContent('[role="status"]')) ?? '', /Changes saved/);
    assert.match((await page.textContent('h1')) ?? '', /Shiftly Scheduling/);
    const body = (await page.textContent('main')) ?? (await page.content());
    assert.ok(body.includes(NEW), 'the new redirect URI is shown');
    assert.ok(!body.includes(OLD), 'the old one is gone');
    assert.match(body, /900 seconds/);
    assert.match(body, /Remembered/);
    await check('console-app-edit-saved');

    const app = await server.gatehouse.apps.get(ids.company, ids.app);
    assert.equal(app.clientId, ids.clientId, 'the same client_id');
    assert.deepEqual(app.redirectUris, [NEW]);
    assert.equal(app.skipConsent, true);
    assert.equal(app.tokenTtl, 900);
  });
});
