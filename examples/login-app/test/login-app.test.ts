import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';
import { loadUsers, startLoginApp } from '../src/login-app.ts';

const REDIRECT = 'https://partner.example/callback';
let gh: LiveGatehouse;
let loginApp: { url: string; close(): Promise<void> };
let partner: { clientId: string; clientSecret: string };

before(async () => {
  const port = await freePort();
  const loginUrl = `http://127.0.0.1:${port}/login`;
  gh = await liveGatehouse({
    signIn: {
      localPasswords: false,
      upstreams: [],
      upstreamTimeoutMs: 2000,
      delegation: { url: loginUrl, name: 'Demo Login' },
    },
  });
  const { secret } = await gh.ts.gh.operatorKeys.create({ name: 'login app' }, 'test');
  const named = await fetch(`${gh.url}/api/v1/companies/${gh.ts.companyId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ external_id: 'demo-company' }),
  });
  assert.equal(named.status, 200);
  const users = loadUsers(fileURLToPath(new URL('../src/users.json', import.meta.url)));
  loginApp = await startLoginApp({ gatehouseUrl: gh.url, operatorKey: secret, users, port });
  partner = await gh.createApp({
    name: 'Shiftly',
    type: 'partner',
    grantTypes: ['authorization_code'],
    redirectUris: [REDIRECT],
  });
});
after(async () => {
  await loginApp?.close();
  await gh?.close();
});

/** A browser over real HTTP: a cookie jar per origin, redirects followed until they leave both servers. */
class HttpBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  async go(
    url: string,
    form?: Record<string, string>,
  ): Promise<{ url: string; status: number; body: string }> {
    let target = url;
    let body: URLSearchParams | undefined = form ? new URLSearchParams(form) : undefined;
    for (let i = 0; i < 12; i++) {
      const origin = new URL(target).origin;
      const jar = this.jars.get(origin) ?? new Map<string, string>();
      this.jars.set(origin, jar);
      const res = await fetch(target, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body ? { body } : {}),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at).trim(), pair.slice(at + 1));
      }
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location)
        return { url: target, status: res.status, body: await res.text() };
      target = new URL(location, target).href;
      body = undefined;
      if (!target.startsWith(gh.url) && !target.startsWith(loginApp.url))
        return { url: target, status: res.status, body: '' };
    }
    throw new Error('too many redirects');
  }
}

const authorize = () =>
  `${gh.url}/oauth2/authorize?response_type=code&client_id=${partner.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=s-1`;
const field = (page: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';

test('a partner link goes to the login app, which accepts the challenge; consent, code and token follow', async () => {
  const b = new HttpBrowser();
  const form = await b.go(authorize());
  assert.equal(form.status, 200);
  assert.ok(form.url.startsWith(`${loginApp.url}/login?login_challenge=`), form.url);
  const wrong = await b.go(`${loginApp.url}/login`, {
    login_challenge: field(form.body, 'login_challenge'),
    email: 'ada@demo-company.example',
    password: 'not her password',
    action: 'accept',
  });
  assert.equal(wrong.status, 401);
  const consent = await b.go(`${loginApp.url}/login`, {
    login_challenge: field(form.body, 'login_challenge'),
    email: 'ada@demo-company.example',
    password: 'ada-delegates-1',
    action: 'accept',
  });
  assert.equal(consent.status, 200, consent.body);
  assert.ok(consent.url.startsWith(`${gh.url}/authorize/consent`), consent.url);
  const done = await b.go(`${gh.url}/authorize/consent`, {
    csrf_token: field(consent.body, 'csrf_token'),
    flow: field(consent.body, 'flow'),
    decision: 'grant',
  });
  const back = new URL(done.url);
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
  const token = await fetch(`${gh.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      client_id: partner.clientId,
      client_secret: partner.clientSecret,
    }),
  });
  assert.equal(token.status, 200);
  const ada = (await gh.ts.gh.userAdmin.page({ externalId: 'emp-1001' })).items[0];
  assert.equal(ada?.email, 'ada@demo-company.example');
  // The challenge was used: the login app's page for it now says so.
  const used = await b.go(`${loginApp.url}/login?login_challenge=${field(form.body, 'login_challenge')}`);
  assert.equal(used.status, 400);
});

test('Cancel in the login app rejects: the partner gets access_denied', async () => {
  const b = new HttpBrowser();
  const form = await b.go(authorize());
  const back = await b.go(`${loginApp.url}/login`, {
    login_challenge: field(form.body, 'login_challenge'),
    action: 'cancel',
  });
  const to = new URL(back.url);
  assert.equal(to.searchParams.get('error'), 'access_denied');
  assert.equal(to.searchParams.get('error_description'), 'The person cancelled the sign-in');
  assert.equal(to.searchParams.get('state'), 's-1');
});
