import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parseUpstreams } from '../../src/config/sign-in.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { freePort, startUpstream, type Upstream } from '../fixtures/upstream-oidc.ts';
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
 * Upstream sign-in in a real Chromium: a partner's authorization link → Gatehouse's login
 * page → "Sign in with Corp SSO" → node-oidc-provider's own login and consent pages → back to
 * Gatehouse → company choice → consent → code → token.
 */
describeInChromium('upstream OpenID Connect sign-in in Chromium', () => {
  let dir: string;
  let upstream: Upstream;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const ids = { acme: '', globex: '', clientId: '', secret: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-upstream-'));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    upstream = await startUpstream([`${issuer}/login/upstream/corp/callback`]);
    const upstreams = parseUpstreams(
      JSON.stringify([
        upstream.config({ claims: { companies: 'companies' }, scopes: 'openid email profile companies' }),
      ]),
    );
    const config = testConfig(dir, {
      host: '127.0.0.1',
      port,
      issuer,
      signIn: { localPasswords: true, upstreams, upstreamTimeoutMs: 5000 },
    });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    const globex = await gh.companies.createCompany({ name: 'Globex Retail', plan: 'pro' }, 'test');
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
    upstream.accounts.set('olivia', {
      email: 'olivia@acme.example',
      email_verified: true,
      name: 'Olivia Upstream',
      companies: [
        { id: acme.id, role: 'admin' },
        { id: globex.id, role: 'admin' },
      ],
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await answerPartnerCallback(page, CALLBACK);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('partner link → Sign in with Corp SSO → upstream login and consent → company → consent → code → token', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: ids.clientId,
      redirect_uri: CALLBACK,
      scope: 'openid users.read',
      state: 'st-up',
      nonce: 'n-up',
    });
    await page.goto(`${server.url}/oauth2/authorize?${q}`);
    assert.match(await page.title(), /Sign in/);
    const button = page.locator('a.button', { hasText: 'Sign in with Corp SSO' });
    assert.equal(await button.count(), 1);
    const violations = await seriousViolations(page);
    assert.deepEqual(
      violations.map((v) => v.id),
      [],
      'axe on the login page',
    );
    await screenshot(page, 'upstream-login');

    await button.click();
    await page.waitForURL((url) => url.href.startsWith(upstream.issuer));
    await page.fill('input[name=login]', 'olivia');
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    // node-oidc-provider's consent page, then back to Gatehouse.
    await page.waitForSelector('button[type=submit]');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/company/);
    assert.equal(
      await page.locator('input[name=company_id]').count(),
      2,
      'admin of both companies from the claim',
    );
    await page.check(`input[value="${ids.globex}"]`);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/authorize\/consent/);
    assert.match((await page.textContent('main')) ?? '', /Olivia Upstream|olivia@acme\.example/);
    await page.click('button[value=grant]');
    await page.waitForURL(/127\.0\.0\.1:9\/callback/);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'st-up');
    const code = back.searchParams.get('code') ?? '';
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basic(ids.clientId, ids.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; id_token: string };
    const olivia = await server.gatehouse.users.find({ email: 'olivia@acme.example' });
    const sub = JSON.parse(Buffer.from(body.id_token.split('.')[1] ?? '', 'base64url').toString()).sub;
    assert.equal(sub, olivia.id);
    const access = JSON.parse(Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString());
    assert.equal(access.company_id, ids.globex);
  });
});
