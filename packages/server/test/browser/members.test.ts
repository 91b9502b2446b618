import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../helpers.ts';
import { browserSkip, checkPage, launchChromium } from './launch.ts';

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'alice@acme.example';

/**
 * The console's Members page in a real Chromium: an administrator adds a member, changes a
 * role, meets the last-admin rule, removes a member and makes an invitation, which the
 * invitee opens in a browser of their own, sets a password and lands signed in.
 */
const skip = browserSkip();
if (skip instanceof Error) {
  it('Chromium is available (GATEHOUSE_TEST_BROWSER=required)', () => {
    throw skip;
  });
} else if (skip) {
  it('Members page in a real browser', { skip }, () => {});
} else {
  describe('Members page and invitations in Chromium', () => {
    let dir: string;
    let server: RunningServer;
    let browser: Browser;
    let page: Page;
    let base = '';
    const ids = { acme: '', carol: '', bob: '' };
    let invitationPath = '';

    const check = checkPage;
    const role = async (userId: string) =>
      (await server.gatehouse.storage.getMembership(userId, ids.acme))?.role;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-members-'));
      const config = testConfig(dir, { host: '127.0.0.1', port: 0 });
      server = await startServer(config, { logger: createLogger('silent', { pretty: false }) });
      const gh = server.gatehouse;
      const acme = await gh.companies.createCompany({ name: 'Acme Staffing', plan: 'enterprise' }, 'test');
      ids.acme = acme.id;
      base = `${server.url}/console/c/${acme.id}`;
      await gh.companies.createUser(
        { email: ADMIN, name: 'Alice Admin', password: PASSWORD, companyId: acme.id, role: 'admin' },
        'test',
      );
      const bob = await gh.companies.createUser(
        { email: 'bob@acme.example', name: 'Bob Builder', companyId: acme.id, role: 'member' },
        'test',
      );
      const carol = await gh.companies.createUser(
        { email: 'carol@globex.example', name: 'Carol Chen' },
        'test',
      );
      Object.assign(ids, { bob: bob.id, carol: carol.id });
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      page = await context.newPage();
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('an administrator signs in and sees the members', async () => {
      await page.goto(
        `${server.url}/login?return_to=${encodeURIComponent(`/console/c/${ids.acme}/members`)}`,
      );
      await page.fill('#email', ADMIN);
      await page.fill('#password', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/members$/);
      assert.equal(await page.locator('nav.sections a[aria-current=page]').textContent(), 'Members');
      const rows = await page.locator('table.data tbody tr').allTextContents();
      assert.equal(rows.length, 2);
      // Oldest first, and Alice and Bob may have joined in the same millisecond: no order between them.
      assert.ok(
        rows.some((r) => /Alice Admin/.test(r)),
        rows.join(' | '),
      );
      assert.ok(
        rows.some((r) => /Bob Builder/.test(r)),
        rows.join(' | '),
      );
      const aliceRole = page.locator('table.data tbody tr', { hasText: ADMIN }).locator('select');
      assert.equal(await aliceRole.inputValue(), 'admin');
      await check(page, 'console-members');
    });

    it('adds an existing user with the keyboard', async () => {
      await page.focus('#add-email');
      await page.keyboard.type('carol@globex.example');
      // Enter in a field submits its form (the role stays Member).
      await page.keyboard.press('Enter');
      await page.waitForURL(/done=added/);
      assert.match((await page.textContent('[role=status]')) ?? '', /member was added/);
      assert.match((await page.textContent('table.data')) ?? '', /carol@globex\.example/);
      assert.equal(await role(ids.carol), 'member');
    });

    it('refuses to demote the last administrator with the reason on the page', async () => {
      const alice = page.locator('table.data tbody tr', { hasText: ADMIN });
      await alice.locator('select').selectOption('member');
      await alice.getByRole('button', { name: /Change role/ }).click();
      await page.waitForLoadState();
      assert.match((await page.textContent('[role=alert]')) ?? '', /last administrator of Acme Staffing/);
      await check(page, 'console-members-last-admin');
    });

    it('changes a role', async () => {
      await page.goto(`${base}/members`);
      await page.selectOption(`#role-${ids.carol}`, 'admin');
      await page.getByRole('button', { name: 'Change role of carol@globex.example' }).click();
      await page.waitForURL(/done=role/);
      assert.equal(await role(ids.carol), 'admin');
    });

    it('removes a member after confirming', async () => {
      await page.getByRole('link', { name: 'Remove bob@acme.example' }).click();
      await page.waitForURL(/\/remove$/);
      await check(page, 'console-members-remove-confirm');
      await page.getByRole('button', { name: 'Remove member' }).click();
      await page.waitForURL(/done=removed/);
      assert.equal(await role(ids.bob), undefined);
      assert.doesNotMatch((await page.textContent('table.data')) ?? '', /bob@acme\.example/);
    });

    it('creates an invitation and shows its link once', async () => {
      await page.fill('#invite-email', 'dana@acme.example');
      await page.fill('#invite-name', 'Dana Diaz');
      await page.selectOption('#invite-role', 'member');
      await page.getByRole('button', { name: 'Create invitation' }).click();
      await page.waitForURL(/\/invitations\/[^/]+\/link$/);
      const link = await page.inputValue('#invitation-link');
      assert.match(link, /\/invitations\/gthi_[A-Za-z0-9_-]{43}$/);
      invitationPath = new URL(link).pathname;
      await page.getByRole('button', { name: 'Copy' }).click();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), link);
      await check(page, 'console-members-invitation-link');
      await page.reload();
      assert.match(page.url(), /\/members$/, 'a reload shows the list, not the link');
      assert.match((await page.textContent('table.data')) ?? '', /Invitation pending until/);
      await check(page, 'console-members-pending');
    });

    it('the invitee sets a password in a fresh browser and is signed in', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const invitee = await context.newPage();
      try {
        await invitee.goto(`${server.url}${invitationPath}`);
        assert.match(await invitee.title(), /Join Acme Staffing/);
        await check(invitee, 'invitation-accept');
        await invitee.fill('#password', PASSWORD);
        await invitee.fill('#password-confirm', PASSWORD);
        await invitee.getByRole('button', { name: 'Set password and sign in' }).click();
        await invitee.waitForURL(/\/console\/c\/[^/]+\/apps$/);
        assert.match((await invitee.textContent('header')) ?? '', /dana@acme\.example \(member\)/);
        await invitee.goto(`${base}/members`);
        assert.match((await invitee.textContent('main')) ?? '', /Read-only/);
        assert.equal(await invitee.locator('form[action$="/members"]').count(), 0);
        await check(invitee, 'console-members-read-only');
        await invitee.goto(`${server.url}${invitationPath}`);
        assert.match((await invitee.textContent('h1')) ?? '', /has been used/);
        await check(invitee, 'invitation-used');
      } finally {
        await context.close();
      }
    });
  });
}
