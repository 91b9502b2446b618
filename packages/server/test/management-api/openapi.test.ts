import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import { API_PREFIX, managementApiRoutes } from '../../src/console/api/index.ts';
import { openApiPath } from '../../src/console/api/openapi.ts';
import type { TestServer } from '../helpers.ts';
import { NO_WEBHOOK_DELIVERY, testServer } from './fixtures.ts';

type Doc = {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};

describe('management API: OpenAPI 3.1 document', () => {
  let t: TestServer;
  let doc: Doc;
  before(async () => {
    t = await testServer({ config: NO_WEBHOOK_DELIVERY });
    const res = await t.http.inject({ url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    doc = res.json();
  });
  after(() => t.close());

  it('is served without credentials and validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator['validate']>[0],
    );
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
  });

  it('lists exactly the routes Fastify registers under /api/v1, every method', async () => {
    const registered = new Set<string>();
    const app = Fastify();
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.add(`${m} ${openApiPath(r.url)}`);
    });
    await managementApiRoutes(app, t.gh);
    await app.ready();
    await app.close();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    assert.ok([...registered].every((r) => r.includes(`${API_PREFIX}/`)));
    assert.deepEqual([...documented].sort(), [...registered].sort());
    assert.ok(registered.size >= 20);
    // and the server under test really answers each of them (not 404/405 from the router)
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      assert.ok(t.http.hasRoute({ method: method as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), op);
    }
  });

  it('gives every operation a unique id and documents 401 and its error statuses', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    assert.equal(new Set(ids).size, ids.length);
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path.endsWith('/openapi.json')) continue;
      for (const [method, op] of Object.entries(ops)) {
        assert.ok('401' in op.responses, `${method} ${path}`);
        if (path.includes('{id}')) assert.ok('404' in op.responses, `${method} ${path}`);
      }
    }
  });
});
