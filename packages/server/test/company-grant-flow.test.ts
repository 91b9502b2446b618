import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, decide, field, signIn } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

describe('7shifts company grant: an admin of two companies picks the second', () => {
  let t: TestServer;
  let second: string;

  before(async () => {
    t = await testServer();
    second = (await t.gh.companies.createCompany({ name: 'Bistro Two' }, 'test')).id;
    const user = await t.gh.companies.createUser(
      { email: 'owner@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    await t.gh.companies.addMembership(user.id, second, 'admin', 'test');
    const third = (await t.gh.companies.createCompany({ name: 'Only Member Here' }, 'test')).id;
    await t.gh.companies.addMembership(user.id, third, 'member', 'test');
  });
  after(() => t.close());

  async function chooseSecondAndGrant(clientId: string, query = '') {
    const b = new Browser(t.http);
    const login = await b.follow('GET', `/oauth2/authorize?client_id=${clientId}${query}`);
    const chooser = await signIn(b, login.res.body, 'owner@acme.test', PASSWORD);
    assert.match(chooser.res.body, /Choose a company/);
    assert.match(chooser.res.body, /Bistro Two/);
    assert.doesNotMatch(chooser.res.body, /Only Member Here/);
    const consent = await b.follow('POST', '/authorize/company', {
      csrf_token: field(chooser.res.body, 'csrf_token'),
      flow: field(chooser.res.body, 'flow'),
      company_id: second,
    });
    assert.match(consent.res.body, /wants access to Bistro Two/);
    return { b, done: await decide(b, consent.res.body, 'grant') };
  }

  test('with a redirect URI: the GUID and company id arrive in the fragment', async () => {
    const app = await t.createApp({
      name: 'Payroll Partner',
      type: 'partner',
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
      scopes: ['users.read'],
      redirectUris: ['https://partner.example/7shifts/callback'],
    });
    const { done } = await chooseSecondAndGrant(app.clientId, '&state=abc');
    const url = new URL(done.location as string);
    assert.equal(url.origin + url.pathname, 'https://partner.example/7shifts/callback');
    assert.equal(url.search, '');
    const fragment = new URLSearchParams(url.hash.slice(1));
    assert.equal(fragment.get('company_id'), second);
    assert.equal(fragment.get('state'), 'abc');
    const grant = await t.gh.storage.getGrantByGuid(fragment.get('guid') as string);
    assert.equal(grant?.companyId, second);
    assert.deepEqual(grant?.scopes, ['users.read']);
  });

  test('without a redirect URI: a page shows the GUID with a copy button', async () => {
    const app = await t.createApp({
      name: 'Manual Partner',
      type: 'partner',
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
      scopes: ['users.read'],
    });
    const { done } = await chooseSecondAndGrant(app.clientId);
    assert.equal(done.location, undefined);
    assert.equal(done.res.statusCode, 200);
    assert.match(done.res.body, /data-copy="guid"/);
    assert.match(done.res.body, /src="\/assets\/copy.js"/);
    const guid = /id="guid" type="text" readonly value="([^"]+)"/.exec(done.res.body)?.[1] as string;
    const grant = await t.gh.storage.getGrantByGuid(guid);
    assert.equal(grant?.companyId, second);
  });
});

describe('Connect guide: the authorization link', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
    await t.gh.companies.createUser(
      { email: 'ops@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  test('client_id, redirect_uri, response_type=code and scope, redirect_uri left empty', async () => {
    const app = await t.createApp({
      name: 'Connect Integration',
      type: 'partner',
      grantTypes: ['authorization_code'],
      scopes: ['users.read', 'users.write'],
      redirectUris: ['https://integration.example/oauth/callback'],
    });
    const b = new Browser(t.http);
    const login = await b.follow(
      'GET',
      `/oauth2/authorize?client_id=${app.clientId}&redirect_uri=&response_type=code&scope=users.read%20users.write`,
    );
    const consent = await signIn(b, login.res.body, 'ops@acme.test', PASSWORD);
    assert.match(consent.res.body, /Read users/);
    assert.match(consent.res.body, /Create and update users/);
    const done = await decide(b, consent.res.body, 'grant');
    const url = new URL(done.location as string);
    assert.equal(url.origin + url.pathname, 'https://integration.example/oauth/callback');
    assert.ok(url.searchParams.get('code'));
  });
});
