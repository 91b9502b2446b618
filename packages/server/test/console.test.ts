import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspectLogo, LogoService, logoPath } from '../src/apps/logo.ts';
import { safeReturnTo } from '../src/console/return-to.ts';
import { ValidationError } from '../src/errors.ts';
import { Browser, field, signIn } from './browser.ts';
import { SVG_LOGO, solidPng, tinyJpeg } from './fixtures/images.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

describe('console logos', () => {
  it('accepts PNG and JPEG by their bytes and refuses SVG, HTML, truncated and oversized files', () => {
    assert.equal(inspectLogo(solidPng(10, 12)).contentType, 'image/png');
    assert.deepEqual(inspectLogo(tinyJpeg(20, 30)), { contentType: 'image/jpeg', width: 20, height: 30 });
    for (const bad of [
      SVG_LOGO,
      Buffer.from('<html><script>alert(1)</script></html>'),
      solidPng(10, 10).subarray(0, 12),
      Buffer.concat([solidPng(4, 4), Buffer.alloc(256 * 1024)]),
      Buffer.alloc(0),
    ])
      assert.throws(() => inspectLogo(bad), ValidationError);
  });
});

describe('console return_to', () => {
  it('allows only relative paths under /console (and /device, the device verification page)', () => {
    assert.equal(safeReturnTo('/console'), '/console');
    assert.equal(safeReturnTo('/device?user_code=WDJB-MJHT'), '/device?user_code=WDJB-MJHT');
    assert.equal(safeReturnTo('/console/c/co_1/apps'), '/console/c/co_1/apps');
    for (const bad of [
      'https://evil.example/console',
      '//evil.example',
      '/console//evil',
      '/consoleevil',
      '/console/../login',
      '/console/%2e%2e/x',
      '/\\evil',
      '/login',
      '/deviceevil',
      '/device//evil',
      undefined,
    ])
      assert.equal(safeReturnTo(bad), undefined, String(bad));
  });
});

describe('console pages in-process', () => {
  let s: TestServer;
  let freeId: string;
  before(async () => {
    s = await testServer();
    const free = await s.gh.companies.createCompany({ name: 'Tiny', plan: 'free' }, 'test');
    freeId = free.id;
    await s.gh.companies.createUser(
      { email: 'admin@acme.example', password: PASSWORD, companyId: s.companyId, role: 'admin' },
      't',
    );
    const member = await s.gh.companies.createUser(
      { email: 'member@acme.example', password: PASSWORD, companyId: s.companyId, role: 'member' },
      't',
    );
    // Joined later than Acme: memberships list oldest first, to the millisecond.
    await new Promise((r) => setTimeout(r, 5));
    await s.gh.companies.addMembership(member.id, free.id, 'admin', 't');
  });
  after(() => s.close());

  async function signedIn(email: string) {
    const b = new Browser(s.http);
    const first = await b.request('GET', '/console');
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/login?return_to=%2Fconsole');
    const login = await b.follow('GET', first.headers.location as string);
    const { res } = await b.follow('POST', '/login', {
      csrf_token: field(login.res.body, 'csrf_token'),
      return_to: field(login.res.body, 'return_to'),
      email,
      password: PASSWORD,
    });
    return { b, page: res };
  }

  it('serves an uploaded logo with its type, nosniff and a sandbox CSP', async () => {
    const logo = await new LogoService(s.gh.storage).store(s.companyId, solidPng(8, 8));
    const res = await s.http.inject({
      method: 'GET',
      url: logoPath(logo.id),
      headers: { accept: 'image/*' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-security-policy'], "default-src 'none'; sandbox");
    assert.deepEqual(res.rawPayload, solidPng(8, 8));
    assert.equal((await s.http.inject({ method: 'GET', url: '/logos/logo_nope' })).statusCode, 404);
  });

  it('gives members a read-only view and refuses their changes', async () => {
    const { appId } = await s.createApp({ name: 'Payroll' });
    const { b, page } = await signedIn('member@acme.example');
    // The member's first company is Acme (member); Tiny (admin) is the second.
    assert.match(page.body, /read-only view/);
    assert.doesNotMatch(page.body, /Create app/);
    const detail = await b.request('GET', `/console/c/${s.companyId}/apps/${appId}`);
    assert.match(detail.body, /Read-only/);
    assert.doesNotMatch(detail.body, /Rotate secret/);
    assert.equal((await b.request('GET', `/console/c/${s.companyId}/apps/new`)).statusCode, 403);
    const csrf = field(detail.body, 'csrf_token');
    const rotate = await b.request('POST', `/console/c/${s.companyId}/apps/${appId}/rotate`, {
      csrf_token: csrf,
      grace_seconds: '0',
    });
    assert.equal(rotate.statusCode, 403);
    assert.match(rotate.body, /Only administrators/);
  });

  it('shows the plan page to an admin whose plan does not allow apps, and 404s other companies', async () => {
    const { b } = await signedIn('member@acme.example');
    const gated = await b.request('GET', `/console/c/${freeId}/apps/new`);
    assert.equal(gated.statusCode, 403);
    assert.match(gated.body, /Upgrade required/);
    assert.match(gated.body, /pro or enterprise/);
    const other = await s.gh.companies.createCompany({ name: 'Elsewhere' }, 'test');
    assert.equal((await b.request('GET', `/console/c/${other.id}/apps`)).statusCode, 404);
  });

  it('refuses a console POST without the CSRF token', async () => {
    const { appId } = await s.createApp({ name: 'Csrf' });
    const { b } = await signedIn('admin@acme.example');
    const res = await b.request('POST', `/console/c/${s.companyId}/apps/${appId}/delete`, {
      csrf_token: 'forged',
    });
    assert.equal(res.statusCode, 403);
    assert.ok(await s.gh.apps.get(s.companyId, appId), 'the app is still there');
    const page = await b.request('GET', `/console/c/${s.companyId}/apps/${appId}/delete`);
    const ok = await b.request('POST', `/console/c/${s.companyId}/apps/${appId}/delete`, {
      csrf_token: field(page.body, 'csrf_token'),
    });
    assert.equal(ok.statusCode, 303);
    await assert.rejects(s.gh.apps.get(s.companyId, appId));
  });

  it('shows a plan page instead of consent when the company may not grant access', async () => {
    const owner = await s.gh.companies.createCompany({ name: 'Partner' }, 'test');
    const { app } = await s.gh.apps.create(
      {
        companyId: owner.id,
        name: 'Partner app',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: ['https://partner.example/cb'],
        scopes: ['users.read'],
      },
      'test',
    );
    const b = new Browser(s.http);
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: 'https://partner.example/cb',
      state: 's',
    });
    const login = await b.follow('GET', `/oauth2/authorize?${q}`);
    let { res } = await signIn(b, login.res.body, 'member@acme.example', PASSWORD);
    // Only Tiny (free) can be granted by this user: admin there, member of Acme.
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Upgrade required/);
    assert.match(res.body, /plan_required/);
    assert.equal((await s.gh.grants.connectedApps(freeId)).length, 0);
    ({ res } = await b.follow('GET', `/oauth2/authorize?${q}`));
    assert.equal(res.statusCode, 403);
  });
});
