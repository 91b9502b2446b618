import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { IdempotencyService } from '../../src/idempotency/idempotency-service.ts';
import { answerEncryptionKey } from '../../src/keys/crypto.ts';
import type { SqlStorage } from '../../src/storage/sql/storage.ts';
import { sha256 } from '../../src/util/hash.ts';
import { twoNodes } from '../fixtures/two-nodes.ts';
import type { TestServer } from '../helpers.ts';
import { forDialects } from '../pg.ts';
import { NO_WEBHOOK_DELIVERY, signedIn, type Tenant, tenant } from './fixtures.ts';

/**
 * Idempotency-Key on the management API's POSTs (issue 15): a retry after a lost answer
 * replays the first answer instead of creating a second app, on SQLite and PostgreSQL, with
 * two nodes on one database where it matters.
 */
const DAY_MS = 86_400_000;
const as = (x: Tenant, key?: string) => ({
  authorization: `Bearer ${x.key}`,
  ...(key === undefined ? {} : { 'idempotency-key': key }),
});
let counter = 0;
const freshKey = () => `test-${process.pid}-${Date.now()}-${++counter}`;

async function appsNamed(t: TestServer, x: Tenant, name: string) {
  const res = await t.http.inject({ url: '/api/v1/apps?limit=200', headers: as(x) });
  return (res.json().items as Array<{ id: string; name: string }>).filter((i) => i.name === name);
}

function createApp(t: TestServer, x: Tenant, key: string | undefined, payload: unknown) {
  return t.http.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: as(x, key),
    payload: payload as object,
  });
}

const replayed = (res: LightMyRequestResponse) => res.headers['idempotent-replayed'] === 'true';

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`management API: Idempotency-Key (${dialect})`, { skip: skip || false }, () => {
    let nodes: Awaited<ReturnType<typeof twoNodes>>;
    let a: Tenant;
    let b: Tenant;
    before(async () => {
      nodes = await twoNodes(dialect, NO_WEBHOOK_DELIVERY);
      a = await tenant(nodes.a, 'A');
      b = await tenant(nodes.a, 'B');
    });
    after(() => nodes?.close());

    it('a retry after a lost answer replays it and creates no second app, on either node', async () => {
      const key = freshKey();
      const body = { name: 'Lost answer app', scopes: ['users.read'] };
      const first = await createApp(nodes.a, a, key, body);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      // The answer is "lost"; the client retries with the same key, here through the other node.
      const retry = await createApp(nodes.b, a, key, body);
      assert.equal(retry.statusCode, 201);
      assert.ok(replayed(retry));
      assert.equal(retry.body, first.body, 'the same answer, client secret included');
      assert.equal(retry.headers.location, first.headers.location);
      assert.match(String(retry.headers['content-type']), /^application\/json/);
      assert.equal(retry.headers['cache-control'], 'no-store');
      assert.equal((await appsNamed(nodes.a, a, body.name)).length, 1);
      // The replayed secret is the app's real one: it gets a token.
      const app = first.json();
      const token = await nodes.b.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=${app.client_id}&client_secret=${retry.json().client_secret}`,
      });
      assert.equal(token.statusCode, 200, token.body);
      // Same request in another spelling (keys reordered, other whitespace): still a replay.
      const respelled = await nodes.a.http.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: { ...as(a, key), 'content-type': 'application/json' },
        payload: `{ "scopes" : ["users.read"],\n "name": "Lost answer app" }`,
      });
      assert.equal(respelled.statusCode, 201);
      assert.ok(replayed(respelled));
      assert.equal(respelled.body, first.body);
    });

    it('without a key, a retry does create a second app (what the key is for)', async () => {
      const body = { name: 'No key app', scopes: ['users.read'] };
      assert.equal((await createApp(nodes.a, a, undefined, body)).statusCode, 201);
      assert.equal((await createApp(nodes.a, a, undefined, body)).statusCode, 201);
      assert.equal((await appsNamed(nodes.a, a, body.name)).length, 2);
    });

    it('the kept answer rests sealed: neither the client secret nor the key is stored in clear', async () => {
      const key = freshKey();
      const first = await createApp(nodes.a, a, key, { name: 'Sealed app', scopes: ['users.read'] });
      assert.equal(first.statusCode, 201);
      const secret = first.json().client_secret as string;
      const rows = await (nodes.a.gh.storage as SqlStorage).db
        .selectFrom('idempotency_keys')
        .selectAll()
        .execute();
      assert.ok(rows.length > 0);
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(secret), 'no client secret in clear');
      assert.ok(!dump.includes(secret.slice(-12)), 'not even part of it');
      assert.ok(!dump.includes(key), 'the key is stored as its hash');
      assert.ok(!dump.includes('Sealed app'), 'the whole answer is sealed');
    });

    it("a sealed answer copied onto another caller's key is never replayed to them", async () => {
      const key = freshKey();
      const body = { name: 'Bound app', scopes: ['users.read'] };
      const mine = await createApp(nodes.a, a, key, body);
      const theirs = await createApp(nodes.a, b, key, body);
      assert.equal(theirs.statusCode, 201);
      // Someone with write access to the database moves A's kept answer onto B's record.
      const db = (nodes.a.gh.storage as SqlStorage).db;
      const row = await db
        .selectFrom('idempotency_keys')
        .select('response')
        .where('company_id', '=', a.companyId)
        .where('key_hash', '=', sha256(key))
        .executeTakeFirstOrThrow();
      await db
        .updateTable('idempotency_keys')
        .set({ response: row.response })
        .where('company_id', '=', b.companyId)
        .where('key_hash', '=', sha256(key))
        .execute();
      const replay = await createApp(nodes.a, b, key, body);
      assert.equal(replay.statusCode, 500);
      assert.deepEqual(Object.keys(replay.json()).sort(), ['error', 'error_description']);
      assert.ok(!replay.body.includes(mine.json().client_secret), "A's secret does not reach B");
    });

    it('the same key with a different body, or on another route, is 422 and runs nothing', async () => {
      const key = freshKey();
      const first = await createApp(nodes.a, a, key, { name: 'Reuse app', scopes: ['users.read'] });
      assert.equal(first.statusCode, 201);
      const before = (await appsNamed(nodes.a, a, 'Reuse app 2')).length;
      for (const res of [
        await createApp(nodes.b, a, key, { name: 'Reuse app 2', scopes: ['users.read'] }),
        await createApp(nodes.a, a, key, { name: 'Reuse app', scopes: ['users.read', 'users.write'] }),
        await nodes.a.http.inject({
          method: 'POST',
          url: '/api/v1/webhooks',
          headers: as(a, key),
          payload: { url: 'https://hooks.example/in', events: ['app.deleted'] },
        }),
      ]) {
        assert.equal(res.statusCode, 422, res.body);
        assert.equal(res.json().error, 'idempotency_key_reused');
        assert.match(res.json().error_description, /different request/);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
      assert.equal((await appsNamed(nodes.a, a, 'Reuse app 2')).length, before);
      assert.equal((await appsNamed(nodes.a, a, 'Reuse app')).length, 1);
    });

    it('concurrent requests with one key over two nodes create exactly one app', async () => {
      const key = freshKey();
      const body = { name: 'Racing app', scopes: ['users.read'] };
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => createApp(i % 2 ? nodes.b : nodes.a, a, key, body)),
      );
      const ran = answers.filter((r) => r.statusCode === 201 && !replayed(r));
      assert.equal(ran.length, 1, answers.map((r) => r.statusCode).join(','));
      for (const r of answers) {
        if (r.statusCode === 201) assert.equal(r.json().id, ran[0]?.json().id);
        else {
          assert.equal(r.statusCode, 409, r.body);
          assert.equal(r.json().error, 'idempotency_key_in_use');
          assert.equal(r.headers['retry-after'], '1');
        }
      }
      assert.equal((await appsNamed(nodes.a, a, body.name)).length, 1);
      const later = await createApp(nodes.b, a, key, body);
      assert.ok(replayed(later));
      assert.equal(later.json().id, ran[0]?.json().id);
    });

    it('while the first request is in flight a retry is 409 and does not run; then it replays', async () => {
      const key = freshKey();
      const body = { name: 'In flight app', scopes: ['users.read'] };
      // Another node holds the key, mid-request: claimed through the service the hook uses.
      const service = new IdempotencyService(nodes.b.gh.storage, {
        encryptionKey: answerEncryptionKey(nodes.b.config.serverSecret),
      });
      const begun = await service.begin({
        companyId: a.companyId,
        caller: `admin_key:${a.keyId}`,
        key,
        method: 'POST',
        path: '/api/v1/apps',
        body,
      });
      assert.ok('run' in begun);
      const blocked = await createApp(nodes.a, a, key, body);
      assert.equal(blocked.statusCode, 409, blocked.body);
      assert.equal(blocked.json().error, 'idempotency_key_in_use');
      assert.match(blocked.json().error_description, /still being processed/);
      assert.equal((await appsNamed(nodes.a, a, body.name)).length, 0, 'not run a second time');
      // A different body under the held key is a client bug: 422 even now.
      const other = await createApp(nodes.a, a, key, { ...body, name: 'Other' });
      assert.equal(other.statusCode, 422);
      await service.finish(begun.run, {
        status: 201,
        headers: { 'content-type': 'application/json; charset=utf-8', location: '/api/v1/apps/app_x' },
        body: '{"id":"app_x"}',
      });
      const after = await createApp(nodes.a, a, key, body);
      assert.equal(after.statusCode, 201);
      assert.ok(replayed(after));
      assert.equal(after.body, '{"id":"app_x"}');
      assert.equal(after.headers.location, '/api/v1/apps/app_x');
    });

    it('keys are scoped to the caller: other companies, other admin keys and sessions never collide', async () => {
      const key = freshKey();
      const body = { name: 'Scoped app', scopes: ['users.read'] };
      const mine = await createApp(nodes.a, a, key, body);
      const theirs = await createApp(nodes.a, b, key, body);
      assert.equal(mine.statusCode, 201);
      assert.equal(theirs.statusCode, 201);
      assert.ok(!replayed(theirs), "B's request runs: it is not A's answer");
      assert.notEqual(theirs.json().id, mine.json().id);
      assert.equal((await appsNamed(nodes.a, b, body.name)).length, 1);
      // A second admin key of the same company, and a signed-in admin, have keys of their own.
      const second = await nodes.a.http.inject({
        method: 'POST',
        url: '/api/v1/admin-keys',
        headers: as(a),
        payload: { name: 'second' },
      });
      const a2 = { ...a, key: second.json().key as string };
      const byOtherKey = await createApp(nodes.a, a2, key, body);
      assert.equal(byOtherKey.statusCode, 201);
      assert.ok(!replayed(byOtherKey));
      const admin = await signedIn(nodes.a, a.companyId, 'admin');
      const bySession = await nodes.a.http.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'idempotency-key': key },
        payload: body,
      });
      assert.equal(bySession.statusCode, 201, bySession.body);
      assert.ok(!replayed(bySession));
      assert.equal((await appsNamed(nodes.a, a, body.name)).length, 3);
      // and each caller's retry replays its own answer
      const again = await createApp(nodes.b, a2, key, body);
      assert.ok(replayed(again));
      assert.equal(again.json().id, byOtherKey.json().id);
    });

    it('a key is kept 24 hours: past that it runs again, and housekeeping prunes it', async () => {
      const key = freshKey();
      const body = { name: 'Expiring app', scopes: ['users.read'] };
      const first = await createApp(nodes.a, a, key, body);
      assert.equal(first.statusCode, 201);
      const storage = nodes.a.gh.storage as SqlStorage;
      // 23 hours on, it still replays (the rows are aged, as the clock cannot be moved).
      const age = (ms: number) =>
        storage.db
          .updateTable('idempotency_keys')
          .set((eb) => ({ created_at: eb('created_at', '-', ms), expires_at: eb('expires_at', '-', ms) }))
          .where('company_id', '=', a.companyId)
          .where('key_hash', '=', sha256(key))
          .execute();
      await age(23 * 3_600_000);
      assert.ok(replayed(await createApp(nodes.a, a, key, body)));
      await age(3_600_000);
      const afterADay = await createApp(nodes.a, a, key, body);
      assert.equal(afterADay.statusCode, 201);
      assert.ok(!replayed(afterADay), 'an expired key starts afresh');
      assert.notEqual(afterADay.json().id, first.json().id);

      // Housekeeping: a pass a day ahead prunes the records, a pass now keeps them.
      const count = async () =>
        (await storage.db.selectFrom('idempotency_keys').select('key_hash').execute()).length;
      const live = await count();
      assert.ok(live > 0);
      const now = await nodes.a.gh.housekeeper.run(new Date());
      assert.equal(now?.idempotencyKeys, 0);
      assert.equal(await count(), live);
      const later = await nodes.a.gh.housekeeper.run(new Date(Date.now() + DAY_MS + 60_000));
      assert.equal(later?.idempotencyKeys, live);
      assert.equal(await count(), 0);
    });

    it('answers the operation gave are kept, 4xx included; refusals before it runs are not', async () => {
      // The service refuses this app (a scope not in the catalog): kept and replayed.
      const key = freshKey();
      const bad = { name: 'Refused app', scopes: ['no_such.scope'] };
      const refused = await createApp(nodes.a, a, key, bad);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().error, 'validation_failed');
      const again = await createApp(nodes.a, a, key, bad);
      assert.ok(replayed(again));
      assert.equal(again.body, refused.body);
      // A body that fails the schema never started the operation: the key stays free, and the
      // corrected request runs under it.
      const key2 = freshKey();
      const unknown = await createApp(nodes.a, a, key2, {
        name: 'Fixed app',
        scopes: ['users.read'],
        colour: 1,
      });
      assert.equal(unknown.statusCode, 400);
      const fixed = await createApp(nodes.a, a, key2, { name: 'Fixed app', scopes: ['users.read'] });
      assert.equal(fixed.statusCode, 201, fixed.body);
      assert.ok(!replayed(fixed));
      // Nor is a refused credential.
      const key3 = freshKey();
      const denied = await nodes.a.http.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: { authorization: 'Bearer gtha_nope', 'idempotency-key': key3 },
        payload: { name: 'Denied', scopes: ['users.read'] },
      });
      assert.equal(denied.statusCode, 401);
      assert.equal(
        (await createApp(nodes.a, a, key3, { name: 'Denied', scopes: ['users.read'] })).statusCode,
        201,
      );
    });

    it('an answer that is not kept (5xx, 409) frees the key for the next request', async () => {
      const service = new IdempotencyService(nodes.a.gh.storage, {
        encryptionKey: answerEncryptionKey(nodes.a.config.serverSecret),
      });
      const call = {
        companyId: a.companyId,
        caller: `admin_key:${a.keyId}`,
        key: freshKey(),
        method: 'POST',
        path: '/api/v1/apps',
        body: { name: 'x' },
      };
      for (const status of [500, 503, 409]) {
        const first = await service.begin(call);
        assert.ok('run' in first);
        await service.finish(first.run, { status, headers: {}, body: '{}' });
      }
      const kept = await service.begin(call);
      assert.ok('run' in kept, 'still free after three failures');
      await service.finish(kept.run, { status: 404, headers: {}, body: '{"error":"not_found"}' });
      const replay = await service.begin(call);
      assert.ok('replay' in replay);
      assert.equal(replay.replay.status, 404);
    });

    it('a malformed key is 400 validation_failed, checked before anything runs', async () => {
      for (const bad of ['x'.repeat(256), 'caf\u00e9', ' ']) {
        const res = await nodes.a.http.inject({
          method: 'POST',
          url: '/api/v1/apps',
          headers: { ...as(a), 'idempotency-key': bad },
          payload: { name: 'Malformed key app', scopes: ['users.read'] },
        });
        assert.equal(res.statusCode, 400, `${JSON.stringify(bad)}: ${res.body}`);
        assert.equal(res.json().error, 'validation_failed');
        assert.match(res.json().fields['idempotency-key'], /1 to 255 printable ASCII/);
      }
      assert.equal((await appsNamed(nodes.a, a, 'Malformed key app')).length, 0);
      // 255 characters is the most, and the draft's quoted form names the same key as the bare one.
      const long = 'k'.repeat(255);
      assert.equal(
        (await createApp(nodes.a, a, long, { name: 'Long key', scopes: ['users.read'] })).statusCode,
        201,
      );
      const bare = freshKey();
      const body = { name: 'Quoted key app', scopes: ['users.read'] };
      assert.equal((await createApp(nodes.a, a, bare, body)).statusCode, 201);
      assert.ok(replayed(await createApp(nodes.a, a, `"${bare}"`, body)));
    });

    it('over real HTTP: a key sent twice is 400, and a replay carries its header', async () => {
      await nodes.a.http.listen({ host: '127.0.0.1', port: 0 });
      const addr = nodes.a.http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const post = (key: string | string[]) =>
        new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/v1/webhooks',
              headers: { ...as(a), 'content-type': 'application/json', 'Idempotency-Key': key },
            },
            (res) => {
              let body = '';
              res.setEncoding('utf8').on('data', (c) => {
                body += c;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ url: 'https://hooks.example/real', events: ['app.deleted'] }));
        });
      const twice = await post([freshKey(), freshKey()]);
      assert.equal(twice.status, 400, twice.body);
      assert.match(JSON.parse(twice.body).fields['idempotency-key'], /once/);
      const key = freshKey();
      const first = await post(key);
      assert.equal(first.status, 201, first.body);
      const second = await post(key);
      assert.equal(second.status, 201);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.equal(second.body, first.body, 'the webhook signing secret too');
    });
  });
});
