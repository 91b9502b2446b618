import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDemoApi } from '../examples/demo-api/src/index.ts';
import { type LiveGatehouse, liveGatehouse } from './helpers/live-gatehouse.ts';
import { sh } from './helpers/shell.ts';

// The Connecteam guide (seeds/000), steps 3 and 4, as written with only the host changed.
let gh: LiveGatehouse;
let api: Awaited<ReturnType<typeof startDemoApi>>;

before(async () => {
  gh = await liveGatehouse();
  api = await startDemoApi({ issuer: gh.issuer, audience: gh.audience, host: '127.0.0.1', port: 0 });
});
after(async () => {
  await api.close();
  await gh.close();
});

const step3 = (host: string, id: string, secret: string) => `curl --request POST \\
  --url ${host}/oauth/v1/token \\
  --header 'Content-Type: application/x-www-form-urlencoded' \\
  --user ${id}:${secret} \\
  --data 'grant_type=client_credentials'`;

const step4 = (host: string, token: string) => `curl --request GET \\
  --url ${host}/users/v1/users \\
  --header 'Authorization: Bearer ${token}'`;

test('step 3 returns a 24-hour Bearer JWT and step 4 returns the users', async () => {
  const app = await gh.createApp({ scopes: ['users.read', 'users.write'], tokenTtl: 86_400 });
  const response = JSON.parse(await sh(step3(gh.url, app.clientId, app.clientSecret)));
  assert.equal(response.token_type, 'Bearer');
  assert.equal(response.expires_in, 86_400);
  assert.equal(response.scope, 'users.read users.write');
  assert.equal(response.access_token.split('.').length, 3);
  const users = JSON.parse(await sh(`${step4(api.url, response.access_token)} --fail-with-body`));
  assert.equal(users.data.users.length, 5);
});

test('a token without users.read gets 403 insufficient_scope', async () => {
  const app = await gh.createApp({ scopes: ['users.write'], tokenTtl: 86_400 });
  const { access_token } = JSON.parse(await sh(step3(gh.url, app.clientId, app.clientSecret)));
  const out = await sh(`${step4(api.url, access_token)} --include`);
  assert.match(out, /^HTTP\/1\.1 403/);
  assert.match(
    out,
    /www-authenticate: Bearer realm="demo-api", error="insufficient_scope", .*scope="users.read"/i,
  );
  assert.equal(JSON.parse(out.slice(out.indexOf('{'))).error, 'insufficient_scope');
});
