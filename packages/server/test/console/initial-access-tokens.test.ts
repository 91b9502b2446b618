import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, field } from '../browser.ts';
import { type TestServer, testServer } from '../helpers.ts';

const PASSWORD = 'correct horse battery staple';

/** The console's initial access tokens page and the "Registered by a client" mark on apps. */
describe('console: initial access tokens and registered apps', () => {
  let s: TestServer;
  let base: string;

  before(async () => {
    s = await testServer();
    base = `/console/c/${s.companyId}`;
    for (const [email, role] of [
      ['admin@acme.example', 'admin'],
      ['member@acme.example', 'member'],
    ] as const)
      await s.gh.companies.createUser({ email, password: PASSWORD, companyId: s.companyId, role }, 't');
  });
  after(() => s.close());

  async function signedIn(email: string) {
    const b = new Browser(s.http);
    const login = await b.follow('GET', '/login?return_to=%2Fconsole');
    await b.follow('POST', '/login', {
      csrf_token: field(login.res.body, 'csrf_token'),
      return_to: '/console',
      email,
      password: PASSWORD,
    });
    const page = await b.request('GET', `${base}/initial-access-tokens`);
    assert.equal(page.statusCode, 200);
    return { b, page, csrf: field(page.body, 'csrf_token') };
  }

  it('an admin creates a token (shown once), a client registers with it, the app is marked; revoke', async () => {
    const { b, page, csrf } = await signedIn('admin@acme.example');
    assert.match(page.body, /No initial access tokens yet/);
    const apps = await b.request('GET', `${base}/apps`);
    assert.match(apps.body, new RegExp(`href="${base}/initial-access-tokens"`), 'linked from the apps list');
    const form = await b.request('GET', `${base}/initial-access-tokens/new`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /value="client_credentials"/);

    const bad = await b.request('POST', `${base}/initial-access-tokens`, {
      csrf_token: csrf,
      name: 'Bad',
      scopes: 'nonsense.read',
      redirect_uri_patterns: 'https://app.example*',
      max_apps: '0',
      expires_days: '30',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /The scopes must be scopes of the catalog/);
    assert.match(bad.body, /Each redirect URI must be one an app may register/);
    assert.match(bad.body, /The number of apps must be a whole number/);
    assert.match(bad.body, /value="nonsense.read"/, 'what was typed comes back');

    const created = await b.request('POST', `${base}/initial-access-tokens`, {
      csrf_token: csrf,
      name: 'Shiftly onboarding',
      scopes: 'users.read',
      grant_type: 'client_credentials',
      redirect_uri_patterns: 'https://shiftly.example/*',
      max_apps: '2',
      expires_days: '7',
    });
    assert.equal(created.statusCode, 303, created.body);
    const secretUrl = String(created.headers.location);
    const shown = await b.request('GET', secretUrl);
    assert.equal(shown.statusCode, 200);
    const token = /value="(gthia_[^"]+)"/.exec(shown.body)?.[1] as string;
    assert.ok(token, 'the token is on the page');
    assert.match(shown.body, /http:\/\/gatehouse\.test\/oauth2\/register/);
    const reload = await b.request('GET', secretUrl);
    assert.equal(reload.statusCode, 303, 'shown once: a reload goes to the list');
    const audit = await s.gh.audit.list(s.companyId, { action: 'initial_access_token.created' });
    assert.match(String(audit.items[0]?.actor), /^user:/);

    const reg = await s.http.inject({
      method: 'POST',
      url: '/oauth2/register',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { client_name: 'Shiftly sync', grant_types: ['client_credentials'], scope: 'users.read' },
    });
    assert.equal(reg.statusCode, 201, reg.body);
    const app = await s.gh.apps.get(s.companyId, reg.json().client_id);

    const list = await b.request('GET', `${base}/initial-access-tokens`);
    assert.match(list.body, /Shiftly onboarding/);
    assert.match(list.body, /1 \/ 2/);
    assert.match(list.body, /Active/);
    assert.ok(!list.body.includes(token), 'never the token again');
    const appsNow = await b.request('GET', `${base}/apps`);
    assert.match(appsNow.body, /Shiftly sync<\/a><\/span> <span class="chip">Registered by a client<\/span>/);
    const detail = await b.request('GET', `${base}/apps/${app.id}`);
    assert.match(detail.body, /<dt>Registered by a client<\/dt><dd>With initial access token iat_/);
    const handMade = await s.createApp({ name: 'By hand' });
    assert.doesNotMatch(
      (await b.request('GET', `${base}/apps/${handMade.appId}`)).body,
      /Registered by a client/,
    );

    const tokenId = /initial-access-tokens\/(iat_[a-z0-9]+)\/revoke/.exec(list.body)?.[1] as string;
    const confirm = await b.request('GET', `${base}/initial-access-tokens/${tokenId}/revoke`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /The apps it registered stay/);
    const revoked = await b.request('POST', `${base}/initial-access-tokens/${tokenId}/revoke`, {
      csrf_token: csrf,
    });
    assert.equal(revoked.statusCode, 303);
    assert.match((await b.request('GET', `${base}/initial-access-tokens`)).body, /Revoked/);
    const again = await s.http.inject({
      method: 'POST',
      url: '/oauth2/register',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { grant_types: ['client_credentials'], scope: 'users.read' },
    });
    assert.equal(again.statusCode, 401);
  });

  it('members read the list but cannot create or revoke; a POST without CSRF is refused', async () => {
    const { token } = await s.gh.initialAccessTokens.create({ companyId: s.companyId, name: 'Seen' }, 'test');
    const { b, page, csrf } = await signedIn('member@acme.example');
    assert.match(page.body, /Seen/);
    assert.doesNotMatch(page.body, /Create token/);
    assert.equal((await b.request('GET', `${base}/initial-access-tokens/new`)).statusCode, 403);
    const post = await b.request('POST', `${base}/initial-access-tokens`, {
      csrf_token: csrf,
      expires_days: '1',
    });
    assert.equal(post.statusCode, 403);
    const revoke = await b.request('POST', `${base}/initial-access-tokens/${token.id}/revoke`, {
      csrf_token: csrf,
    });
    assert.equal(revoke.statusCode, 403);
    const admin = await signedIn('admin@acme.example');
    const noCsrf = await admin.b.request('POST', `${base}/initial-access-tokens`, { expires_days: '1' });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(
      (await admin.b.request('GET', `${base}/initial-access-tokens/iat_nosuch/revoke`)).statusCode,
      404,
    );
  });
});
