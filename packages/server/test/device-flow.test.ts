import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { freePort } from '../../../test/helpers/live-gatehouse.ts';
import { DEVICE_CODE_GRANT } from '../src/oauth/endpoints/device-authorization.ts';
import { Browser, field } from './browser.ts';
import { FORM, type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'ada@acme.test';

/** A public device app (client_id only), allowed the device grant and refresh tokens. */
const deviceApp = (t: TestServer, grantTypes = [DEVICE_CODE_GRANT, 'refresh_token']) =>
  t.createApp({
    name: 'Kitchen Display',
    type: 'partner',
    clientType: 'public',
    grantTypes,
    scopes: ['users.read'],
  });

/** The person's side: enter the code, sign in, confirm, (company,) consent: the result page. */
async function approve(b: Browser, userCode: string, decision: 'grant' | 'deny' = 'grant') {
  let { res } = await b.follow('GET', `/device?user_code=${encodeURIComponent(userCode)}`);
  assert.equal(res.statusCode, 200);
  ({ res } = await b.follow('POST', '/device', {
    csrf_token: field(res.body, 'csrf_token'),
    user_code: userCode,
  }));
  if (res.body.includes('name="password"'))
    ({ res } = await b.follow('POST', '/login', {
      csrf_token: field(res.body, 'csrf_token'),
      return_to: field(res.body, 'return_to'),
      email: EMAIL,
      password: PASSWORD,
    }));
  assert.match(res.body, /Kitchen Display/);
  const shown = userCode.toUpperCase().replace(/[\s-]/g, '');
  assert.ok(res.body.includes(`${shown.slice(0, 4)}-${shown.slice(4)}`), 'the code is shown to compare');
  ({ res } = await b.follow('POST', '/device/confirm', {
    csrf_token: field(res.body, 'csrf_token'),
    user_code: field(res.body, 'user_code'),
    decision: 'continue',
  }));
  assert.equal(res.statusCode, 200, res.body);
  return b.follow('POST', '/device/consent', {
    csrf_token: field(res.body, 'csrf_token'),
    device: field(res.body, 'device'),
    decision,
  });
}

describe('device authorization grant (RFC 8628)', () => {
  let t: TestServer;
  let issuer: string;
  let clock = Date.now();

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await testServer({ config: { issuer }, clock: () => clock });
    await t.http.listen({ host: '127.0.0.1', port });
    await t.gh.companies.createUser(
      { email: EMAIL, password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  const post = (url: string, form: Record<string, string>) =>
    t.http.inject({ method: 'POST', url, headers: FORM, payload: new URLSearchParams(form).toString() });
  const start = async (clientId: string, scope = 'users.read') => {
    const res = await post('/oauth2/device_authorization', { client_id: clientId, scope });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    return res.json() as { device_code: string; user_code: string; interval: number; expires_in: number };
  };
  const poll = (clientId: string, deviceCode: string) =>
    post('/oauth2/token', { grant_type: DEVICE_CODE_GRANT, client_id: clientId, device_code: deviceCode });

  test('openid-client: initiateDeviceAuthorization, approval on the verification page, pollDeviceAuthorizationGrant', async () => {
    const app = await deviceApp(t);
    const config = await client.discovery(new URL(issuer), app.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const meta = config.serverMetadata();
    assert.equal(meta.device_authorization_endpoint, `${issuer}/oauth2/device_authorization`);
    assert.ok(meta.grant_types_supported?.includes(DEVICE_CODE_GRANT));

    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid users.read' });
    assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(started.verification_uri, `${issuer}/device`);
    assert.equal(started.verification_uri_complete, `${issuer}/device?user_code=${started.user_code}`);
    assert.equal(started.interval, 5);
    assert.equal(started.expires_in, 600);
    // The device polls (after its first interval) while the person approves.
    const polling = client.pollDeviceAuthorizationGrant(config, started);
    const { res } = await approve(new Browser(t.http), started.user_code);
    assert.match(res.body, /Device connected/);
    const tokens = await polling;
    assert.equal(tokens.scope, 'openid users.read');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.client_id, app.clientId);
    assert.equal(claims.company_id, t.companyId, 'bound to the company the person chose');
    assert.ok(tokens.refresh_token, 'the app has the refresh_token grant');
    assert.ok(tokens.id_token, 'openid was asked for');
    assert.equal(tokens.claims()?.aud, app.clientId);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    assert.ok(refreshed.access_token);

    // The device code is single use: polling again is invalid_grant.
    const again = await poll(app.clientId, started.device_code);
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error, 'invalid_grant');
    const audit = await t.gh.audit.list(t.companyId, {});
    assert.ok(audit.items.some((e) => e.action === 'device.approved'));
  });

  test('polling: authorization_pending, then slow_down with the interval raised by 5 s and kept', async () => {
    const app = await deviceApp(t);
    const started = await start(app.clientId);
    assert.equal((await poll(app.clientId, started.device_code)).json().error, 'authorization_pending');
    const fast = await poll(app.clientId, started.device_code);
    assert.equal(fast.statusCode, 400);
    assert.equal(fast.json().error, 'slow_down');
    assert.match(fast.json().error_description, /10 seconds/);
    clock += 6_000; // enough for 5 s, not for the raised 10 s
    const still = await poll(app.clientId, started.device_code);
    assert.equal(still.json().error, 'slow_down');
    assert.match(still.json().error_description, /15 seconds/);
    clock += 16_000;
    assert.equal((await poll(app.clientId, started.device_code)).json().error, 'authorization_pending');
  });

  test('denied on the verification page: access_denied', async () => {
    const app = await deviceApp(t);
    const started = await start(app.clientId);
    const { res } = await approve(new Browser(t.http), started.user_code, 'deny');
    assert.match(res.body, /not connected/);
    const denied = await poll(app.clientId, started.device_code);
    assert.equal(denied.json().error, 'access_denied');
  });

  test('expired: expired_token, and the code no longer works on the page', async () => {
    const app = await deviceApp(t);
    const started = await start(app.clientId);
    clock += 601_000;
    const expired = await poll(app.clientId, started.device_code);
    assert.equal(expired.statusCode, 400);
    assert.equal(expired.json().error, 'expired_token');
  });

  test('an app without the grant type: unauthorized_client, at both endpoints', async () => {
    const app = await t.createApp({ grantTypes: ['client_credentials'] });
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/device_authorization',
      headers: {
        ...FORM,
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      },
      payload: 'scope=users.read',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'unauthorized_client');
    const device = await deviceApp(t);
    const started = await start(device.clientId);
    const other = await deviceApp(t, ['authorization_code']).catch(() => undefined);
    if (other) {
      const refused = await poll(other.clientId, started.device_code);
      assert.equal(refused.json().error, 'unauthorized_client');
    }
    // Another device app cannot redeem this device's code.
    const thief = await deviceApp(t);
    assert.equal((await poll(thief.clientId, started.device_code)).json().error, 'invalid_grant');
  });

  test('a user code guessed too often: throttled per session with a clear 429 page', async () => {
    const app = await deviceApp(t);
    const started = await start(app.clientId);
    const b = new Browser(t.http, '203.0.113.9');
    let { res } = await b.follow('GET', '/device');
    const csrf = field(res.body, 'csrf_token');
    for (let i = 0; i < 5; i++) {
      ({ res } = await b.follow('POST', '/device', { csrf_token: csrf, user_code: 'BBBB-BBB' + 'CDFGH'[i] }));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /not valid/);
    }
    ({ res } = await b.follow('POST', '/device', { csrf_token: csrf, user_code: started.user_code }));
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.match(res.body, /Too many attempts/);
    // Another browser is not held back by this one's guesses; the code itself still works.
    const ok = await approve(new Browser(t.http), started.user_code.toLowerCase().replace('-', ' '));
    assert.match(ok.res.body, /Device connected/);
  });
});
