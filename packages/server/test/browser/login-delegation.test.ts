import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hashPassword, startLoginApp } from '../../../../examples/login-app/src/login-app.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { freePort } from '../fixtures/upstream-oidc.ts';
import { basic, testConfig } from '../helpers.ts';
import {
  answerPartnerCallback,
  describeInChromium,
  launchChromium,
  screenshot,
  seriousViolations,
} from './launch.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

/**
 * Login delegation in a real Chromium: a partner's authorization link → Gatehouse's login
 * page → "Sign in with Acme Workforce" → the example login app's own form → it accepts the
 * challenge through the operator API → company choice → consent → code → token.
 */
describeInChromium('login delegation in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let loginApp: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const ids = { acme: '', globex: '', clientId: '', secret: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-delegation-'));
    const [port, loginPort] = [await freePort(), await freePort()];
    const config = testConfig(dir, {
      host: '127.0.0.1',
      port,
      issuer: `http://127.0.0.1:${port}`,
      signIn: {
        localPasswords: true,
        upstreams: [],
        upstreamTimeoutMs: 5000,
        delegation: { url: `http://127.0.0.1:${loginPort}/login`, name: 'Acme Workforce' },
      },
    });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany(
      { name: 'Acme Staffing', plan: 'enterprise', externalId: 'acme' },
      'test',
    );
    const globex = await gh.companies.createCompany(
      { name: 'Globex Retail', plan: 'pro', externalId: 'globex' },
      'test',
    );
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    const created = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [CALLBACK],
        scopes: ['users.read'],
      },
      'test',
    );
    Object.assign(ids, {
      acme: acme.id,
      globex: globex.id,
      clientId: created.app.clientId,
      secret: created.clientSecret ?? '',
    });
    const { secret } = await gh.operatorKeys.create({ name: 'login app' }, 'test');
    loginApp = await startLoginApp({
      gatehouseUrl: server.url,
      operatorKey: secret,
      port: loginPort,
      users: [
        {
          external_id: 'emp-42',
          email: 'nora@acme.example',
          name: 'Nora Delegated',
          password_hash: hashPassword('nora-password-1'),
          companies: [
            { external_id: 'acme', role: 'admin' },
            { external_id: 'globex', role: 'admin' },
          ],
        },
      ],
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await answerPartnerCallback(page, CALLBACK);
  });

  after(async () => {
    await browser?.close();
    await loginApp?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('partner link → Sign in with Acme Workforce → the login app → accept → company → consent → code → token', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: ids.clientId,
      redirect_uri: CALLBACK,
      scope: 'openid users.read',
      state: 'st-del',
      nonce: 'n-del',
    });
    await page.goto(`${server.url}/oauth2/authorize?${q}`);
    assert.match(await page.title(), /Sign in/);
    const button = page.locator('a.button', { hasText: 'Sign in with Acme Workforce' });
    assert.equal(await button.count(), 1);
    assert.equal(await page.locator('input[name=password]').count(), 1, 'passwords are on too');
    assert.deepEqual(
      (await seriousViolations(page)).map((v) => v.id),
      [],
      'axe on the login page',
    );
    await screenshot(page, 'delegation-login');

    await button.click();
    await page.waitForURL((url) => url.href.startsWith(`${loginApp.url}/login?login_challenge=`));
    await page.fill('input[name=email]', 'nora@acme.example');
    await page.fill('input[name=password]', 'nora-password-1');
    await page.click('button[value=accept]');
    await page.waitForURL(/\/authorize\/company/);
    assert.equal(
      await page.locator('input[name=company_id]').count(),
      2,
      'admin of both companies the login app named',
    );
    assert.deepEqual(
      (await seriousViolations(page)).map((v) => v.id),
      [],
      'axe on the company chooser',
    );
    await page.check(`input[value="${ids.globex}"]`);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/consent/);
    assert.match((await page.textContent('main')) ?? '', /Nora Delegated|nora@acme\.example/);
    await page.click('button[value=grant]');
    await page.waitForURL(/127\.0\.0\.1:9\/callback/);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'st-del');
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basic(ids.clientId, ids.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: CALLBACK,
      }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; id_token: string };
    const nora = await server.gatehouse.users.find({ email: 'nora@acme.example' });
    assert.equal(nora.externalId, 'emp-42');
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    assert.equal(claims(body.id_token).sub, nora.id);
    assert.equal(claims(body.access_token).company_id, ids.globex);
  });
});
