import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { freePort } from '../fixtures/upstream-oidc.ts';
import { basic, testConfig } from '../helpers.ts';
import { checkPage, describeInChromium, launchChromium } from './launch.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * OIDC `prompt` in a real Chromium: `prompt=login` asks a signed-in person to sign in again,
 * `prompt=select_account` shows the company chooser with one company and offers "Use another
 * account", which signs out, keeps the request and lets someone else sign in.
 */
describeInChromium('OpenID Connect prompt=login and prompt=select_account in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const ids = { company: '', clientId: '', secret: '' };
  // The partner's own server: a redirect straight from the authorization endpoint (prompt=login
  // with remembered consent) is not one Chromium lets a route answer, so a real one does.
  let partnerSite: Server;
  let CALLBACK = '';

  const authorize = (extra: Record<string, string>) =>
    page.goto(
      `${server.url}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: ids.clientId,
        redirect_uri: CALLBACK,
        scope: 'openid email users.read',
        state: 'st',
        nonce: 'n',
        ...extra,
      })}`,
    );

  async function signInAs(email: string) {
    assert.match(await page.title(), /Sign in/);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form[action="/login"] button[type=submit]');
  }

  /** The code at the callback, exchanged: the id_token's claims. */
  async function idTokenClaims(): Promise<Record<string, unknown>> {
    await page.waitForURL((url) => url.href.startsWith(CALLBACK));
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('iss'), server.url);
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
    const { id_token } = (await res.json()) as { id_token: string };
    return JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString());
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-prompt-'));
    partnerSite = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><html lang="en"><title>Shiftly</title><main><h1>Shiftly callback</h1></main></html>',
      );
    });
    const partnerPort = await freePort();
    await new Promise<void>((resolve) => partnerSite.listen(partnerPort, '127.0.0.1', resolve));
    CALLBACK = `http://127.0.0.1:${partnerPort}/callback`;
    const port = await freePort();
    const config = testConfig(dir, { host: '127.0.0.1', port, issuer: `http://127.0.0.1:${port}` });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing' }, 'test');
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc' }, 'test');
    for (const email of ['ada@acme.example', 'bea@acme.example'])
      await gh.companies.createUser({ email, password: PASSWORD, companyId: acme.id, role: 'admin' }, 'test');
    const created = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [CALLBACK],
        scopes: ['users.read'],
        skipConsent: true,
      },
      'test',
    );
    Object.assign(ids, {
      company: acme.id,
      clientId: created.app.clientId,
      secret: created.clientSecret ?? '',
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    partnerSite?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prompt=login: signed in and consented, the person is still asked to sign in; auth_time is new', async () => {
    await authorize({});
    await signInAs('ada@acme.example');
    await page.waitForURL(/\/authorize\/consent/);
    await page.click('button[value=grant]');
    const first = await idTokenClaims();
    // Signed in, consent remembered: without a prompt, straight back.
    await authorize({});
    await idTokenClaims();

    await new Promise((r) => setTimeout(r, 1100));
    await authorize({ prompt: 'login', login_hint: 'ada@acme.example' });
    assert.match(await page.title(), /Sign in/, 'the sign-in page, though signed in');
    assert.equal(await page.inputValue('input[name=email]'), 'ada@acme.example', 'login_hint pre-fills');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form[action="/login"] button[type=submit]');
    const again = await idTokenClaims();
    assert.equal(again.sub, first.sub);
    assert.ok((again.auth_time as number) > (first.auth_time as number), 'a new sign-in');
  });

  it('prompt=select_account: the chooser with one company, and "Use another account"', async () => {
    await authorize({ prompt: 'select_account' });
    await page.waitForURL(/\/authorize\/company/);
    assert.equal(await page.locator('input[name=company_id]').count(), 1);
    assert.match((await page.textContent('main')) ?? '', /Signed in as ada@acme\.example/);
    await checkPage(page, 'flow-select-account');

    await page.click('button:has-text("Use another account")');
    await signInAs('bea@acme.example');
    await page.waitForURL(/\/authorize\/company/);
    assert.match((await page.textContent('main')) ?? '', /Signed in as bea@acme\.example/);
    await page.click('button:has-text("Continue")');
    const claims = await idTokenClaims();
    assert.equal(claims.email, 'bea@acme.example');
    assert.equal(claims.company_id, ids.company);
  });
});
