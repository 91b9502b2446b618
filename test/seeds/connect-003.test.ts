// The Connect API guide (shared/seeds/003_61fb8fa0b7473da9.txt), replayed with only the host
// changed: the authorization link (client_id, redirect_uri, response_type=code, scope, with
// "(*)" for every permission the integration holds) and its error table.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { guide, HttpBrowser, maybeSkip, signInAndGrant } from './harness.ts';

guide('Connect API guide', (stack) => {
  it('the authorization link with scope=* grants every scope the integration holds', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('connect');
    const redirectUri = app.redirectUris[0] ?? '';
    const b = new HttpBrowser(s.gatehouse);
    const link = `/oauth2/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=*`;
    const { location } = await signInAndGrant(b, link, s.admin, { company: s.creds.companyId });
    assert.ok(location);
    const code = new URL(location).searchParams.get('code') ?? '';
    assert.ok(code, 'response code is the user authorization code');
    const res = await fetch(`${s.gatehouse}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }),
    });
    const token = (await res.json()) as { scope: string; access_token: string };
    assert.equal(res.status, 200);
    assert.equal(token.scope, 'forms.read users.read users.write');
  });

  it('an unregistered redirect_uri gets an error page, never a redirect', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('connect');
    const b = new HttpBrowser(s.gatehouse);
    const res = await b.request(
      'GET',
      `/oauth2/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&response_type=code&scope=*`,
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  it('answers the statuses of the error table as JSON', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const expectJson = async (res: Response, status: number, error: RegExp) => {
      assert.equal(res.status, status, `${res.url}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as { error: string; error_description?: string };
      assert.match(body.error, error);
      return res;
    };
    // 400 Bad Request: the request is invalid.
    await expectJson(
      await fetch(`${s.gatehouse}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      400,
      /invalid_request/,
    );
    // 401 Unauthorized: wrong credentials.
    const unauthorized = await expectJson(await fetch(`${s.demoApi}/users/v1/users`), 401, /invalid_token/);
    assert.match(unauthorized.headers.get('www-authenticate') ?? '', /^Bearer/);
    // 403 Forbidden: a token without the scope the method needs.
    const cc = s.app('connecteam');
    const tokenRes = await fetch(`${s.gatehouse}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${cc.clientId}:${cc.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=forms.read',
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    await expectJson(
      await fetch(`${s.demoApi}/users/v1/users`, { headers: { authorization: `Bearer ${access_token}` } }),
      403,
      /insufficient_scope/,
    );
    // 404 Not Found: no such method.
    await expectJson(await fetch(`${s.gatehouse}/api/no-such-method`), 404, /not_found/);
    // 405 Method Not Allowed, with Allow.
    const m = await expectJson(await fetch(`${s.gatehouse}/oauth2/token`), 405, /method_not_allowed/);
    assert.match(m.headers.get('allow') ?? '', /POST/);
    // 406 Not Acceptable: a format that is not JSON.
    await expectJson(
      await fetch(`${s.gatehouse}/.well-known/oauth-authorization-server`, {
        headers: { accept: 'application/xml' },
      }),
      406,
      /not_acceptable/,
    );
    // 410 Gone: a removed API version.
    await expectJson(await fetch(`${s.gatehouse}/v0/users`), 410, /gone/);
    // 500 and 503 (maintenance, database down) are triggered in packages/server/test/error-catalog.test.ts,
    // which can break a database and switch maintenance on; here the stack must stay up.
  });
});
