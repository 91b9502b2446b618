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

test('target-entity scopes: GET /v1/employees for the token entity is 200, another entity 403', async () => {
  const entity = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
  const scope = `target-entity:${entity}:employees-read,performance-evaluations-read`;
  const cultureAmp = await gh.createApp({
    scopes: [scope, 'target-entity:' + crypto.randomUUID() + ':surveys-read'],
  });
  const response = JSON.parse(
    await sh(`curl -X POST \\
-H "Content-Type: application/x-www-form-urlencoded" \\
--data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=${scope}" \\
--data-urlencode "client_id=${cultureAmp.clientId}" \\
--data-urlencode "client_secret=${cultureAmp.clientSecret}" \\
${gh.url}/v1/oauth2/token`),
  );
  assert.equal(response.scope, scope);
  const get = async (query: string) => {
    const out = await sh(
      `curl -s -w '\\n%{http_code}' -H "Authorization: Bearer ${response.access_token}" "${api.url}/v1/employees${query}"`,
    );
    const [body, code] = out.split('\n');
    return { status: Number(code), body: JSON.parse(body as string) };
  };
  // The guide's call names no entity: the token's only entity is used.
  const own = await get('');
  assert.equal(own.status, 200);
  assert.equal(own.body.data.length, 5);
  assert.equal(own.body.data[0].entity_id, entity);
  assert.equal((await get(`?entity_id=${entity}`)).status, 200);
  const other = await get(`?entity_id=${crypto.randomUUID()}`);
  assert.equal(other.status, 403);
  assert.equal(other.body.error, 'insufficient_scope');
  // A token for performance evaluations only does not read employees.
  const perf = await gh.token(cultureAmp, `target-entity:${entity}:performance-evaluations-read`);
  assert.equal(
    Number(
      await sh(
        `curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${perf}" ${api.url}/v1/employees`,
      ),
    ),
    403,
  );
});
