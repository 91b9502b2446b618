// Connecteam's OAuth 2.0 guide (shared/seeds/000_ac14d57f56469a3c.txt), replayed with only the
// host changed against the "Internal Dashboards" app that npm start seeds: step 3 (the token
// curl with --user, a 24-hour Bearer JWT) and step 4 (the API call), plus the scope examples.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { sh } from '../helpers/shell.ts';
import { guide, maybeSkip } from './harness.ts';

guide('Connecteam guide', (stack) => {
  it('step 3: the token curl returns a 24-hour Bearer JWT; step 4: the API call succeeds', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('connecteam');
    const token = JSON.parse(
      await sh(`curl --silent --request POST \\
  --url ${s.gatehouse}/oauth/v1/token \\
  --header 'Content-Type: application/x-www-form-urlencoded' \\
  --user ${app.clientId}:${app.clientSecret} \\
  --data 'grant_type=client_credentials'`),
    );
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 86400);
    assert.equal(
      token.scope,
      'forms.read schedule.read time_clock.write users.delete users.read users.write',
    );
    assert.equal(decodeProtectedHeader(token.access_token).typ, 'at+jwt');
    const claims = decodeJwt(token.access_token);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 86400);

    const users = JSON.parse(
      await sh(`curl --silent --fail --request GET \\
  --url ${s.demoApi}/users/v1/users \\
  --header 'Authorization: Bearer ${token.access_token}'`),
    );
    assert.ok(Array.isArray(users.data.users) && users.data.users.length > 0, 'a list of the company users');
  });

  it('the scope examples: each scope can be asked for alone and is echoed', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('connecteam');
    for (const scope of [
      'users.read',
      'users.write',
      'users.delete',
      'schedule.read',
      'time_clock.write',
      'forms.read',
    ]) {
      const token = JSON.parse(
        await sh(`curl --silent --request POST --url ${s.gatehouse}/oauth/v1/token \\
  --header 'Content-Type: application/x-www-form-urlencoded' --user ${app.clientId}:${app.clientSecret} \\
  --data 'grant_type=client_credentials&scope=${scope}'`),
      );
      assert.equal(token.scope, scope);
    }
  });

  it('a token without users.read gets 403 insufficient_scope; a scope the app lacks is invalid_scope', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('connecteam');
    const token = JSON.parse(
      await sh(`curl --silent --request POST --url ${s.gatehouse}/oauth/v1/token \\
  --header 'Content-Type: application/x-www-form-urlencoded' --user ${app.clientId}:${app.clientSecret} \\
  --data 'grant_type=client_credentials&scope=users.write'`),
    );
    const out = await sh(
      `curl --silent --include --request GET --url ${s.demoApi}/users/v1/users --header 'Authorization: Bearer ${token.access_token}'`,
    );
    assert.match(out, /^HTTP\/1\.1 403/);
    assert.match(out, /www-authenticate: Bearer [^\n]*error="insufficient_scope"[^\n]*scope="users.read"/i);
    const denied = JSON.parse(
      await sh(`curl --silent --request POST --url ${s.gatehouse}/oauth/v1/token \\
  --header 'Content-Type: application/x-www-form-urlencoded' --user ${app.clientId}:${app.clientSecret} \\
  --data 'grant_type=client_credentials&scope=chat.read'`),
    );
    assert.equal(denied.error, 'invalid_scope');
  });
});
