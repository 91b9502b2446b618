import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createVerifier } from '@gatehouse/resource-server';
import { authFetch, clientCredentials } from '../src/index.ts';
import { type LiveGatehouse, liveGatehouse } from './live.ts';

const TOKEN = '/oauth2/token';
let gh: LiveGatehouse;
let api: Server;
let apiUrl: string;
let apiCalls = 0;
/** jti values this API has learnt are revoked (as from Gatehouse's revocation feed). */
const revoked = new Set<string>();
let rejectAll = false;

before(async () => {
  gh = await liveGatehouse();
  const verifier = createVerifier({ issuer: gh.issuer, audience: gh.ts.config.audience });
  // A resource server on @gatehouse/resource-server that echoes what it saw.
  api = createServer((req, res) => {
    apiCalls++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      try {
        const claims = await verifier.verify(token);
        if (rejectAll || revoked.has(claims.jti)) throw new Error('revoked');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jti: claims.jti,
            company: req.headers['x-company-guid'] ?? null,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      } catch {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
after(async () => {
  api.close();
  await gh.close();
});

test('authFetch adds the bearer token and x-company-guid; a 401 invalidates and retries once with a new token', async () => {
  const app = await gh.ts.createApp({ scopes: ['users.read'] });
  const source = clientCredentials({ issuer: gh.issuer, ...app });
  const call = authFetch(source, { companyGuid: 'cmp_guid_123' });
  const first = (await (await call(`${apiUrl}/echo`)).json()) as { jti: string; company: string };
  assert.equal(first.company, 'cmp_guid_123');

  revoked.add(first.jti);
  const tokensBefore = gh.count(TOKEN);
  const callsBefore = apiCalls;
  // Twenty requests at once meet the rejected token; one new token serves every retry.
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => call(`${apiUrl}/echo`, { method: 'POST', body: `payload ${i}` })),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array(20).fill(200),
  );
  const bodies = (await Promise.all(results.map((r) => r.json()))) as { jti: string; body: string }[];
  assert.ok(bodies.every((b) => b.jti !== first.jti));
  assert.deepEqual(
    bodies.map((b) => b.body),
    Array.from({ length: 20 }, (_, i) => `payload ${i}`),
    'the body is replayed on the retry',
  );
  assert.equal(gh.count(TOKEN) - tokensBefore, 1);
  assert.equal(apiCalls - callsBefore, 40);
});

test('a second 401 is returned as is, after exactly one retry', async () => {
  const app = await gh.ts.createApp({ scopes: ['users.read'] });
  const call = authFetch(clientCredentials({ issuer: gh.issuer, ...app }));
  rejectAll = true;
  try {
    const callsBefore = apiCalls;
    const res = await call(new Request(`${apiUrl}/echo`));
    assert.equal(res.status, 401);
    assert.equal(apiCalls - callsBefore, 2);
  } finally {
    rejectAll = false;
  }
});
