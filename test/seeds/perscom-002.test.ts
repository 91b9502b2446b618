// PERSCOM.io OAuth 2.0 guide (shared/seeds/002_83daca73be600a56.txt), replayed with only the
// host changed: DASHBOARD_URL is Gatehouse. Its three requests: the authorization request
// (with state and nonce) on /oauth/authorize, the code exchange with client_secret_post on
// /oauth/token, and the refresh with scope on /oauth/token.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sh } from '../helpers/shell.ts';
import { guide, HttpBrowser, maybeSkip, signInAndGrant } from './harness.ts';

const SCOPES = 'view:user update:user';

guide('PERSCOM.io guide', (stack) => {
  it('the authorization request, as the guide writes it with curl, asks the person to sign in', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('perscom');
    const url = `${s.gatehouse}/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.redirectUris[0] ?? '')}&scope=${encodeURIComponent(SCOPES)}&state=STATE`;
    const out = await sh(`curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -X GET '${url}'`);
    const [status, location] = out.split(' ');
    assert.ok(status === '200' || status === '303' || status === '302', out);
    if (status !== '200') assert.match(location ?? '', /\/login/);
  });

  it('authorize with state and nonce, exchange the code with client_secret_post, refresh with scope', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('perscom');
    const redirectUri = app.redirectUris[0] ?? '';
    const b = new HttpBrowser(s.gatehouse);
    // GET /authorize?response_type=code&client_id=...&redirect_uri=...&scope=...&state=...&nonce=...
    const authorize = `/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&scope=${encodeURIComponent(SCOPES)}&state=STATE-123&nonce=NONCE-456`;
    const { location } = await signInAndGrant(b, authorize, s.admin, { company: s.creds.companyId });
    assert.ok(location, 'the grant redirects back to the app');
    const back = new URL(location);
    assert.equal(`${back.origin}${back.pathname}`, redirectUri);
    assert.equal(back.searchParams.get('state'), 'STATE-123');
    assert.equal(back.searchParams.get('iss'), s.gatehouse);
    const code = back.searchParams.get('code') ?? '';
    assert.match(code, /^gthc_/);

    // Token Request, exactly as the guide's curl.
    const token = JSON.parse(
      await sh(`curl -s -X POST \\
  '${s.gatehouse}/oauth/token' \\
  -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=authorization_code&code=${code}&redirect_uri=${redirectUri}&client_id=${app.clientId}&client_secret=${app.clientSecret}'`),
    );
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 3600);
    assert.equal(token.scope, 'update:user view:user');
    assert.match(token.refresh_token, /^gthr_/);

    // Refresh Token Request, with the scope parameter as the guide says (narrowing is allowed).
    const refreshed = JSON.parse(
      await sh(`curl -s -X POST \\
  '${s.gatehouse}/oauth/token' \\
  -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=refresh_token&refresh_token=${token.refresh_token}&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=view:user'`),
    );
    assert.equal(refreshed.token_type, 'Bearer', JSON.stringify(refreshed));
    assert.equal(refreshed.scope, 'view:user');
    assert.match(refreshed.refresh_token, /^gthr_/);
    assert.notEqual(refreshed.refresh_token, token.refresh_token, 'refresh tokens rotate');

    // The new refresh token is used in turn. Presenting the first one again is then reuse (not
    // a retry within the refresh reuse window, which needs its successor unused): refused, and
    // the family is revoked.
    const third = JSON.parse(
      await sh(`curl -s -X POST '${s.gatehouse}/oauth/token' -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=refresh_token&refresh_token=${refreshed.refresh_token}&client_id=${app.clientId}&client_secret=${app.clientSecret}'`),
    );
    assert.match(third.refresh_token, /^gthr_/, JSON.stringify(third));
    const reuse = JSON.parse(
      await sh(`curl -s -X POST '${s.gatehouse}/oauth/token' -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=refresh_token&refresh_token=${token.refresh_token}&client_id=${app.clientId}&client_secret=${app.clientSecret}'`),
    );
    assert.equal(reuse.error, 'invalid_grant');
    const afterReuse = JSON.parse(
      await sh(`curl -s -X POST '${s.gatehouse}/oauth/token' -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=refresh_token&refresh_token=${third.refresh_token}&client_id=${app.clientId}&client_secret=${app.clientSecret}'`),
    );
    assert.equal(afterReuse.error, 'invalid_grant', 'the whole family is revoked after reuse');

    // The code is single-use: a replay is refused (and revokes what the code issued).
    const replay = JSON.parse(
      await sh(`curl -s -X POST '${s.gatehouse}/oauth/token' -H 'Content-Type: application/x-www-form-urlencoded' \\
  -d 'grant_type=authorization_code&code=${code}&redirect_uri=${redirectUri}&client_id=${app.clientId}&client_secret=${app.clientSecret}'`),
    );
    assert.equal(replay.error, 'invalid_grant');
  });

  it('the implicit grant the guide mentions is off unless the app opts in', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('perscom');
    const b = new HttpBrowser(s.gatehouse);
    const res = await b.request(
      'GET',
      `/oauth/authorize?response_type=token&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(app.redirectUris[0] ?? '')}&scope=view:user&state=S`,
    );
    assert.equal(res.status, 303);
    const back = new URL(res.headers.get('location') ?? '');
    const params = new URLSearchParams(back.search || back.hash.slice(1));
    assert.match(params.get('error') ?? '', /unauthorized_client|unsupported_response_type/);
    assert.equal(params.get('state'), 'S');
  });
});
