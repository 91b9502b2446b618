import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { DEVICE_CODE_GRANT } from '../../src/oauth/endpoints/device-authorization.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { freePort } from '../fixtures/upstream-oidc.ts';
import { FORM, testConfig } from '../helpers.ts';
import { checkPage, describeInChromium, launchChromium } from './launch.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * The device authorization grant (RFC 8628) with a real Chromium as the person's browser: the
 * device asks for codes, the person opens the verification page, enters the code, signs in,
 * confirms the device's request, chooses the company and consents; the device's next poll
 * gets its tokens.
 */
describeInChromium('device verification page in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const ids = { globex: '', clientId: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-device-'));
    const port = await freePort();
    const config = testConfig(dir, { host: '127.0.0.1', port, issuer: `http://127.0.0.1:${port}` });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    const globex = await gh.companies.createCompany({ name: 'Globex Retail', plan: 'pro' }, 'test');
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    const user = await gh.companies.createUser(
      { email: 'olivia@acme.example', password: PASSWORD, companyId: acme.id, role: 'admin' },
      'test',
    );
    await gh.companies.addMembership(user.id, globex.id, 'admin', 'test');
    const created = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly Time Clock',
        type: 'partner',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
        scopes: ['users.read'],
      },
      'test',
    );
    Object.assign(ids, { globex: globex.id, clientId: created.app.clientId });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, form: Record<string, string>) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: FORM, body: new URLSearchParams(form) });

  it('enter the code → sign in → confirm the device → company → consent → the device gets tokens', async () => {
    const started = (await (
      await post('/oauth2/device_authorization', { client_id: ids.clientId, scope: 'openid users.read' })
    ).json()) as { device_code: string; user_code: string; verification_uri: string };
    const poll = async () =>
      (await (
        await post('/oauth2/token', {
          grant_type: DEVICE_CODE_GRANT,
          client_id: ids.clientId,
          device_code: started.device_code,
        })
      ).json()) as Record<string, string>;
    assert.equal((await poll()).error, 'authorization_pending');

    // The person types the code from the device's screen, in lower case and without the dash.
    await page.goto(started.verification_uri);
    assert.match(await page.title(), /Connect a device/);
    await page.fill('input[name=user_code]', started.user_code.toLowerCase().replace('-', ''));
    await checkPage(page, 'device-code');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/login/);
    await page.fill('input[name=email]', 'olivia@acme.example');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');

    await page.waitForURL(/\/device\?user_code=/);
    assert.match(await page.title(), /Is this your device/);
    assert.equal(await page.locator('strong', { hasText: 'Shiftly Time Clock' }).count(), 1);
    assert.equal(await page.locator('code', { hasText: started.user_code }).count(), 1);
    await checkPage(page, 'device-confirm');
    await page.click('button[value=continue]');

    await page.waitForURL(/\/device\/company/);
    assert.equal(await page.locator('input[name=company_id]').count(), 2);
    await page.check(`input[value="${ids.globex}"]`);
    await checkPage(page, 'device-company');
    await page.click('button[type=submit]');

    await page.waitForURL(/\/device\/consent/);
    assert.match(await page.locator('h1').innerText(), /Globex Retail/);
    await checkPage(page, 'device-consent');
    await page.click('button[value=grant]');
    await page.waitForSelector('text=Device connected');
    await checkPage(page, 'device-approved');

    const tokens = await poll();
    assert.ok(tokens.access_token, JSON.stringify(tokens));
    assert.ok(tokens.refresh_token);
    assert.ok(tokens.id_token);
    assert.equal(decodeJwt(tokens.access_token).company_id, ids.globex);
    assert.equal((await poll()).error, 'invalid_grant', 'the device code is single use');
  });
});
