import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type RunningDemoApi, startDemoApi } from '../../../../examples/demo-api/src/index.ts';
import { LogoService, logoPath } from '../../src/apps/logo.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { solidPng } from '../fixtures/images.ts';
import { basic, testConfig } from '../helpers.ts';
import { checkPage, describeInChromium, launchChromium, screenshot } from './launch.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'alice@acme.example';
const CALLBACK = 'http://127.0.0.1:9/callback';

/**
 * The Integration Center and the authorization-code flow in a real Chromium against a
 * listening Gatehouse and the demo API: what a company admin and a partner see and do.
 * The two journeys share one server; the second revokes the grant the first one made.
 */
describeInChromium('Integration Center and authorization code in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let api: RunningDemoApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const ids = { acme: '', globex: '', free: '', partnerClientId: '', partnerSecret: '' };
  let partnerTokens: { access_token: string; refresh_token: string } | undefined;

  const check = (name: string) => checkPage(page, name);

  const token = (id: string, secret: string, form: Record<string, string>) =>
    fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  const users = (accessToken: string) =>
    fetch(`${api.url}/users/v1/users`, { headers: { authorization: `Bearer ${accessToken}` } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
    const config = testConfig(dir, { host: '127.0.0.1', port: 0 });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    api = await startDemoApi({
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: `${server.url}/.well-known/jwks.json`,
      // The issuer is not a reachable host here; the feed is found at the server's URL.
      verifier: { revocation: { feedUrl: `${server.url}/oauth2/revocations` } },
      host: '127.0.0.1',
      port: 0,
    });
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    const globex = await gh.companies.createCompany({ name: 'Globex Retail', plan: 'pro' }, 'test');
    const free = await gh.companies.createCompany({ name: 'Tiny Cafe', plan: 'free' }, 'test');
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    Object.assign(ids, { acme: acme.id, globex: globex.id, free: free.id });
    const alice = await gh.companies.createUser(
      { email: ADMIN, name: 'Alice Admin', password: PASSWORD, companyId: acme.id, role: 'admin' },
      'test',
    );
    await gh.companies.addMembership(alice.id, globex.id, 'admin', 'test');
    await gh.companies.addMembership(alice.id, free.id, 'admin', 'test');
    const logo = await new LogoService(gh.storage).store(partner.id, solidPng(64, 64, [230, 90, 40]));
    const partnerApp = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly',
        type: 'partner',
        logoUrl: logoPath(logo.id),
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [CALLBACK],
        scopes: ['users.read', 'schedule.read'],
      },
      'test',
    );
    ids.partnerClientId = partnerApp.app.clientId;
    ids.partnerSecret = partnerApp.clientSecret ?? '';
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    // The partner's callback: answered in the browser, as the partner's own server would.
    await page.route(`${CALLBACK}**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><html lang="en"><title>Shiftly</title><main><h1>Shiftly callback</h1></main></html>',
      }),
    );
  });

  after(async () => {
    await browser?.close();
    await api?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('authorization code: login, company choice, consent with logo, redirect with code and state', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: ids.partnerClientId,
      redirect_uri: CALLBACK,
      scope: 'users.read schedule.read',
      state: 'st-42',
    });
    await page.goto(`${server.url}/oauth2/authorize?${q}`);
    assert.match(await page.title(), /Sign in/);
    assert.match((await page.textContent('main')) ?? '', /Shiftly/);
    await check('flow-login');
    await page.fill('#email', ADMIN);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/company/);
    const choices = await page.locator('input[name=company_id]').count();
    assert.equal(choices, 3, 'admin of three companies chooses one');
    await check('flow-company-chooser');
    await page.check(`input[value="${ids.acme}"]`);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/consent/);
    const logo = page.locator('img.logo');
    assert.match((await logo.getAttribute('src')) ?? '', /^\/logos\/logo_/);
    assert.ok(
      await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 64),
      'logo loads',
    );
    await check('flow-consent');
    await page.click('button[value=grant]');
    await page.waitForURL(/127\.0\.0\.1:9\/callback/);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'st-42');
    assert.equal(back.searchParams.get('iss'), 'http://gatehouse.test');
    const code = back.searchParams.get('code');
    assert.ok(code);
    await screenshot(page, 'flow-redirect');
    const res = await token(ids.partnerClientId, ids.partnerSecret, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
    });
    assert.equal(res.status, 200);
    partnerTokens = (await res.json()) as { access_token: string; refresh_token: string };
    assert.equal((await users(partnerTokens.access_token)).status, 200, 'partner calls the API for Acme');
  });

  it('console: create an internal app, use its secret, rotate, revoke the partner', async () => {
    // Signed in from the flow above; a fresh browser would land on /login?return_to=/console.
    await page.goto(`${server.url}/console`);
    await page.waitForURL(/\/console\/c\/.*\/apps$/);
    if (!page.url().includes(ids.acme)) {
      await page.selectOption('#company-switch', ids.acme);
      await page.click('.switcher button');
      await page.waitForURL(new RegExp(`/console/c/${ids.acme}/apps$`));
    }
    await check('console-apps-empty');

    await page.click('text=Create app');
    await page.waitForURL(/\/apps\/new$/);
    await check('console-create-app');
    // Invalid input first: no scope chosen. The form comes back with the message and the name kept.
    await page.fill('#name', 'Internal Dashboards');
    await page.click('button:has-text("Save app")');
    await page.waitForSelector('.alert');
    assert.equal(await page.inputValue('#name'), 'Internal Dashboards');
    assert.match((await page.textContent('.alert')) ?? '', /scope/);
    await check('console-create-app-errors');

    await page.setInputFiles('#logo', {
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: solidPng(64, 64),
    });
    await page.check('input[value="users.read"]');
    await page.check('input[value="schedule.read"]');
    await page.click('button:has-text("Save app")');
    await page.waitForURL(/\/apps\/app_[a-z0-9]+\/secret$/);
    const clientId = await page.inputValue('#client-id');
    await page.click('button[data-copy="client-secret"]');
    await page.waitForFunction(() => document.getElementById('copy-status')?.textContent !== '');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.inputValue('#client-secret'), 'the Copy button copies the secret');
    await check('console-secret-once');

    const issued = await token(clientId, copied, { grant_type: 'client_credentials' });
    assert.equal(issued.status, 200);
    const { access_token, scope } = (await issued.json()) as { access_token: string; scope: string };
    assert.equal(scope, 'schedule.read users.read');
    assert.equal((await users(access_token)).status, 200, 'the new app calls the demo API');

    await page.reload();
    await page.waitForURL(/\/apps\/app_[a-z0-9]+$/);
    const detail = (await page.content()) ?? '';
    assert.ok(!detail.includes(copied), 'after a reload the secret is gone');
    assert.match(detail, new RegExp(`••••${copied.slice(-4)}`));
    await check('console-app-detail');

    await page.click('text=Rotate secret');
    await page.selectOption('#grace', '3600');
    await check('console-rotate-confirm');
    await page.click('button:has-text("Rotate secret")');
    await page.waitForURL(/\/secret$/);
    const rotated = await page.inputValue('#client-secret');
    assert.notEqual(rotated, copied);
    assert.equal((await token(clientId, rotated, { grant_type: 'client_credentials' })).status, 200);
    assert.equal(
      (await token(clientId, copied, { grant_type: 'client_credentials' })).status,
      200,
      'the old secret works during the grace period',
    );
    await page.click('text=I have saved the secret');
    await page.goto(`${page.url()}/delete`);
    await check('console-delete-confirm');

    await page.goto(`${server.url}/console/c/${ids.acme}/apps`);
    await check('console-apps');

    await page.click('nav >> text=Connected Apps');
    await page.waitForURL(/connected-apps$/);
    assert.match((await page.textContent('table')) ?? '', /Shiftly/);
    await check('console-connected-apps');
    await page.click('a:has-text("Revoke")');
    await check('console-revoke-confirm');
    assert.ok(partnerTokens);
    assert.equal(
      (await users(partnerTokens.access_token)).status,
      200,
      'verified and cached before the revoke',
    );
    await page.click('button:has-text("Revoke access")');
    const revokedAt = Date.now();
    await page.waitForURL(/connected-apps$/);
    assert.match((await page.textContent('table')) ?? '', /Revoked/);

    // The partner's next API call is refused by the demo API (which follows the revocation
    // feed), within a second of the click, though its JWT is unexpired and was cached.
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 1000) {
      status = (await users(partnerTokens.access_token)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, `refused within ${Date.now() - revokedAt} ms of the revoke`);
    // Its refresh token is refused too.
    const refreshed = await token(ids.partnerClientId, ids.partnerSecret, {
      grant_type: 'refresh_token',
      refresh_token: partnerTokens.refresh_token,
    });
    assert.equal(refreshed.status, 400);
    assert.equal(((await refreshed.json()) as { error: string }).error, 'invalid_grant');
    const grant = (await server.gatehouse.grants.connectedApps(ids.acme))[0]?.grant;
    assert.ok(grant?.revokedAt);

    await page.click('nav >> text=Audit log');
    await check('console-audit-log');
    await page.selectOption('#action', 'app.secret_rotated');
    await page.click('button:has-text("Filter")');
    await page.waitForURL(/action=app.secret_rotated/);
    assert.equal(await page.locator('tbody tr').count(), 1);

    await page.click('nav >> text=Webhooks');
    await page.click('text=Add endpoint');
    await page.fill('#url', 'http://127.0.0.1:9/hooks');
    await check('console-webhook-new');
    await page.click('button:has-text("Add endpoint")');
    await page.waitForURL(/\/webhooks\/whe_[a-z0-9]+\/secret$/);
    assert.match(await page.inputValue('#webhook-secret'), /^whsec_/);
    await check('console-webhook-secret');
    await page.click('text=I have saved the secret');
    await check('console-webhook-deliveries');
    await page.click('nav >> text=Webhooks');
    await check('console-webhooks');

    // A company whose plan does not include apps: a clear page, not a form.
    await page.selectOption('#company-switch', ids.free);
    await page.click('.switcher button');
    await page.waitForURL(new RegExp(`/console/c/${ids.free}/apps$`));
    const gated = await page.goto(`${server.url}/console/c/${ids.free}/apps/new`);
    assert.equal(gated?.status(), 403);
    assert.match((await page.textContent('main')) ?? '', /Upgrade required/);
    await check('console-plan-required');
  });
});
