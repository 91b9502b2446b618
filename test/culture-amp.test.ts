import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDemoApi } from '../examples/demo-api/src/index.ts';
import { type LiveGatehouse, liveGatehouse } from './helpers/live-gatehouse.ts';
import { sh } from './helpers/shell.ts';

// The Culture Amp guide (seeds/004): both token requests, with plain scopes in place of
// its target-entity scopes, and the host changed.
let gh: LiveGatehouse;
let api: Awaited<ReturnType<typeof startDemoApi>>;
let app: { clientId: string; clientSecret: string };

before(async () => {
  gh = await liveGatehouse();
  api = await startDemoApi({ issuer: gh.issuer, audience: gh.audience, host: '127.0.0.1', port: 0 });
  app = await gh.createApp({ scopes: ['users.read', 'users.write'] });
});
after(async () => {
  await api.close();
  await gh.close();
});

async function callApi(token: string): Promise<number> {
  const out = await sh(
    `curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${token}" ${api.url}/users/v1/users`,
  );
  return Number(out);
}

test('credentials in the form body', async () => {
  const response = JSON.parse(
    await sh(`curl -X POST \\
-H "Content-Type: application/x-www-form-urlencoded" \\
--data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=users.read" \\
--data-urlencode "client_id=${app.clientId}" \\
--data-urlencode "client_secret=${app.clientSecret}" \\
${gh.url}/v1/oauth2/token`),
  );
  assert.equal(response.token_type, 'Bearer');
  assert.equal(response.scope, 'users.read');
  assert.equal(response.expires_in, 3600);
  assert.equal(await callApi(response.access_token), 200);
});

test('credentials with the Basic scheme', async () => {
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
  const response = JSON.parse(
    await sh(`curl -X POST \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-H "Authorization: Basic ${basic}" \\
--data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=users.write" \\
${gh.url}/v1/oauth2/token`),
  );
  assert.equal(response.scope, 'users.write');
  // users.write alone cannot list users.
  assert.equal(await callApi(response.access_token), 403);
});
