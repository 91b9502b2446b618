import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { freePort } from '../fixtures/upstream-oidc.ts';
import { basic, testConfig } from '../helpers.ts';
import {
  answerPartnerCallback,
  checkPage,
  describeInChromium,
  launchChromium,
  screenshot,
} from './launch.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';
const PASSWORD = 'correct horse battery staple';

/**
 * RP-initiated logout in a real Chromium: signed in through the code flow with openid, the
 * partner sends the browser to the end-session endpoint: without an id_token_hint the person
 * confirms on Gatehouse's page, with one they go straight back; either way the session ends.
 */
describeInChromium('RP-initiated logout in Chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const ids = { clientId: '', secret: '' };
  // The partner's signed-out page: a real server, since a redirect after a typed navigation
  // is not intercepted by page.route.
  let partnerSite: Server;
  let SIGNED_OUT = '';

  before(async () => {
    const partnerPort = await freePort();
    SIGNED_OUT = `http://127.0.0.1:${partnerPort}/signed-out`;
    partnerSite = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html lang="en"><title>Shiftly</title><main><h1>Signed out of Shiftly</h1></main></html>',
        ),
    );
    await new Promise<void>((resolve) => partnerSite.listen(partnerPort, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-logout-'));
    const port = await freePort();
    const config = testConfig(dir, { host: '127.0.0.1', port, issuer: `http://127.0.0.1:${port}` });
    server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
    const gh = server.gatehouse;
    const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
    const partner = await gh.companies.createCompany({ name: 'Shiftly Inc', plan: 'enterprise' }, 'test');
    await gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: acme.id, role: 'admin' },
      'test',
    );
    const created = await gh.apps.create(
      {
        companyId: partner.id,
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [CALLBACK],
        postLogoutRedirectUris: [SIGNED_OUT],
        scopes: ['users.read'],
      },
      'test',
    );
    Object.assign(ids, { clientId: created.app.clientId, secret: created.clientSecret ?? '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await answerPartnerCallback(page, CALLBACK);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => partnerSite?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The code flow with openid in the browser; returns the ID token. */
  async function signIn(state: string): Promise<string> {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: ids.clientId,
      redirect_uri: CALLBACK,
      scope: 'openid users.read',
      state,
      nonce: `n-${state}`,
    });
    await page.goto(`${server.url}/oauth2/authorize?${q}`);
    if (await page.locator('input[name=password]').count()) {
      await page.fill('input[name=email]', 'ada@acme.test');
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
    }
    await page.waitForURL(/\/authorize\/consent|127\.0\.0\.1:9\/callback/);
    if (page.url().includes('/authorize/consent')) await page.click('button[value=grant]');
    await page.waitForURL(/127\.0\.0\.1:9\/callback/);
    const code = new URL(page.url()).searchParams.get('code') ?? '';
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basic(ids.clientId, ids.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
      }).toString(),
    });
    assert.equal(res.status, 200);
    const idToken = ((await res.json()) as { id_token: string }).id_token;
    assert.equal(typeof decodeJwt(idToken).sid, 'string');
    return idToken;
  }

  const signedIn = async () => {
    await page.goto(`${server.url}/login`);
    return (await page.locator('input[name=password]').count()) === 0;
  };

  it('without a hint: the confirm page, then back to the partner with state; the session is over', async () => {
    await signIn('one');
    assert.equal(await signedIn(), true);
    const q = new URLSearchParams({
      client_id: ids.clientId,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'bye',
    });
    await page.goto(`${server.url}/oauth2/logout?${q}`);
    assert.match(await page.title(), /Sign out/);
    assert.match((await page.textContent('main')) ?? '', /Shiftly asks to sign you out/);
    await checkPage(page, 'logout-confirm');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => url.href.startsWith(SIGNED_OUT));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'bye');
    assert.equal(await signedIn(), false, 'signed out');
  });

  it('with the id_token_hint: straight back; an unregistered URI: the signed-out page', async () => {
    const idToken = await signIn('two');
    const q = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'b2',
    });
    await page.goto(`${server.url}/oauth2/logout?${q}`);
    await page.waitForURL((url) => url.href.startsWith(SIGNED_OUT));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'b2');
    assert.equal(await signedIn(), false);

    const again = await signIn('three');
    const bad = new URLSearchParams({
      id_token_hint: again,
      post_logout_redirect_uri: 'https://elsewhere.example/',
    });
    await page.goto(`${server.url}/oauth2/logout?${bad}`);
    assert.match(await page.title(), /Signed out/);
    assert.equal(new URL(page.url()).host, new URL(server.url).host);
    await screenshot(page, 'logout-signed-out');
    assert.equal(await signedIn(), false);
  });
});
