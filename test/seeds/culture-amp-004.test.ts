// Culture Amp's authentication guide (shared/seeds/004_05d3b242ebdd6b77.txt), replayed with only
// the host changed: both token requests (form-body credentials, then Basic) with a
// target-entity scope, the exact response shape (expires_in 3599, the scope echoed), and the
// API call to /v1/employees with the token.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeJwt } from 'jose';
import { CULTURE_AMP_ENTITY } from '../../packages/server/src/demo/guide-apps.ts';
import { sh } from '../helpers/shell.ts';
import { guide, maybeSkip } from './harness.ts';

const SCOPE = `target-entity:${CULTURE_AMP_ENTITY}:employees-read,performance-evaluations-read`;

guide('Culture Amp guide', (stack) => {
  it('form-body credentials: the response echoes exactly the requested scope, 3599 s', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('culture-amp');
    const res = JSON.parse(
      await sh(`curl -s -X POST \\
-H "Content-Type: application/x-www-form-urlencoded" \\
--data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=${SCOPE}" \\
--data-urlencode "client_id=${app.clientId}" \\
--data-urlencode "client_secret=${app.clientSecret}" \\
${s.gatehouse}/v1/oauth2/token`),
    );
    assert.deepEqual(Object.keys(res).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.equal(res.expires_in, 3599);
    assert.equal(res.token_type, 'Bearer');
    assert.equal(res.scope, SCOPE);
    assert.equal(decodeJwt(res.access_token).scope, SCOPE);
  });

  it('Basic credentials; the token inherits only the permissions of the credential', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('culture-amp');
    const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
    const wider = `target-entity:${CULTURE_AMP_ENTITY}:employees-read,performance-evaluations-read,surveys-read`;
    const res = JSON.parse(
      await sh(`curl -s -X POST \\
-H "Content-Type: application/x-www-form-urlencoded" \\
-H "Authorization: Basic ${basic}" \\
--data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=${wider}" \\
${s.gatehouse}/v1/oauth2/token`),
    );
    assert.equal(res.scope, SCOPE, 'narrowed to what the credential holds');
  });

  it('GET /v1/employees works for the token entity and is 403 for another', async (t) => {
    const s = maybeSkip(t, stack);
    if (!s) return;
    const app = s.app('culture-amp');
    const res = JSON.parse(
      await sh(`curl -s -X POST -u ${app.clientId}:${app.clientSecret} --data-urlencode "grant_type=client_credentials" \\
--data-urlencode "scope=${SCOPE}" ${s.gatehouse}/v1/oauth2/token`),
    );
    const employees = await fetch(`${s.demoApi}/v1/employees`, {
      headers: { authorization: `Bearer ${res.access_token}` },
    });
    assert.equal(employees.status, 200);
    const other = await fetch(`${s.demoApi}/v1/employees?entity_id=0d2c1f3e-1111-4222-8333-444455556666`, {
      headers: { authorization: `Bearer ${res.access_token}` },
    });
    assert.equal(other.status, 403);
  });
});
