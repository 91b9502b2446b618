import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_ROUTES } from '../../src/console/api/index.ts';
import { openApiPath } from '../../src/console/api/openapi.ts';
import type { TestServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { callFor, NO_WEBHOOK_DELIVERY, routes, type Tenant, tenant, testServer } from './fixtures.ts';

/**
 * Every POST of the management API takes an Idempotency-Key, and the OpenAPI document says
 * so: the loop runs over each POST route, checked against the document's POST operations.
 */
type Operation = {
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  responses: Record<string, { headers?: Record<string, unknown> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>> };

const posts = routes.filter((r) => r.method === 'POST');
/** Another request than callFor's for the same route: another body, or another id. */
const OTHER: Record<string, (x: Tenant) => { url?: string; payload?: Record<string, unknown> }> = {
  'POST /apps': () => ({ payload: { name: 'Another app', scopes: ['users.read'] } }),
  'POST /apps/:id/rotate-secret': () => ({ payload: { grace_seconds: 60 } }),
  'POST /grants/:id/revoke': () => ({ url: '/api/v1/grants/gr_someotherid/revoke' }),
  'POST /webhooks': () => ({ payload: { url: 'https://hooks.example/other', events: ['app.deleted'] } }),
  'POST /admin-keys': () => ({ payload: { name: 'another' } }),
  'POST /initial-access-tokens': () => ({ payload: { name: 'another' } }),
};

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`management API: Idempotency-Key on every POST (${dialect})`, { skip: skip || false }, () => {
    let t: TestServer;
    let db: TestDatabase | undefined;
    let x: Tenant;
    let doc: Doc;
    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      t = await testServer({ config: { ...NO_WEBHOOK_DELIVERY, ...(db ? { databaseUrl: db.url } : {}) } });
      x = await tenant(t, 'A');
      doc = (await t.http.inject({ url: '/api/v1/openapi.json' })).json();
    });
    after(async () => {
      await t?.close();
      await db?.cleanup();
    });
    const auth = () => ({ authorization: `Bearer ${x.key}` });
    const events = async () => (await t.gh.storage.listAuditEvents(x.companyId, { limit: 200 })).items.length;

    it('the document lists the header, 409 and 422 on exactly the POST operations', () => {
      const documented: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(ops)) {
          const param = op.parameters?.find((p) => p.name === 'Idempotency-Key');
          const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'))?.[1];
          if (method !== 'post') {
            assert.equal(param, undefined, `${method} ${path}`);
            continue;
          }
          documented.push(`POST ${path}`);
          assert.deepEqual({ in: param?.in, required: param?.required }, { in: 'header', required: false });
          assert.ok('409' in op.responses && '422' in op.responses, path);
          assert.ok(success?.headers && 'Idempotent-Replayed' in success.headers, path);
        }
      // Every POST, the operator's included (operator-routes.test.ts runs theirs with a key).
      const allPosts = API_ROUTES.filter((r) => r.method === 'POST');
      assert.deepEqual(
        documented.sort(),
        allPosts.map((r) => `POST ${openApiPath(`/api/v1${r.url}`)}`).sort(),
      );
      assert.ok(posts.length >= 5);
    });

    for (const r of posts) {
      it(`POST /api/v1${r.url}: runs once per key, replays, refuses another request and a bad key`, async () => {
        const call = callFor(r, x);
        const send = (key: string, over: { url?: string; payload?: Record<string, unknown> } = {}) =>
          t.http.inject({
            method: 'POST',
            url: over.url ?? call.url,
            headers: { ...auth(), 'idempotency-key': key },
            ...((over.payload ?? call.payload) ? { payload: over.payload ?? call.payload } : {}),
          });
        const bad = await send('x'.repeat(256));
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().error, 'validation_failed');

        const key = `route-${r.operationId}-${Date.now()}`;
        const before = await events();
        const first = await send(key);
        assert.ok(first.statusCode >= 200 && first.statusCode < 300, first.body);
        const ran = await events();
        assert.ok(ran > before, 'the operation ran (and was audited)');
        const retry = await send(key);
        assert.equal(retry.statusCode, first.statusCode);
        assert.equal(retry.headers['idempotent-replayed'], 'true');
        assert.equal(retry.body, first.body);
        assert.equal(await events(), ran, 'the retry did not run it again');

        const other = OTHER[`POST ${r.url}`];
        assert.ok(other, `no other request for POST ${r.url}: add one to OTHER`);
        const reused = await send(key, other(x));
        assert.equal(reused.statusCode, 422, reused.body);
        assert.equal(reused.json().error, 'idempotency_key_reused');
        assert.equal(await events(), ran);
      });
    }

    it('other methods ignore the header (GET and DELETE are idempotent already)', async () => {
      const get = await t.http.inject({
        url: '/api/v1/apps',
        headers: { ...auth(), 'idempotency-key': 'k' },
      });
      assert.equal(get.statusCode, 200);
      assert.equal(get.headers['idempotent-replayed'], undefined);
      const again = await t.http.inject({
        url: '/api/v1/apps',
        headers: { ...auth(), 'idempotency-key': 'k' },
      });
      assert.equal(again.headers['idempotent-replayed'], undefined);
    });
  });
});
