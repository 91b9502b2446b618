import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { revocationHash } from '../src/tokens/revocation-keys.ts';
import { partnerGrant } from './fixtures/partner-grant.ts';
import { type TestServer, testServer } from './helpers.ts';

/** Reads server-sent events from a live response until `until` returns true. */
async function readEvents(res: Response, until: (events: Array<{ event: string; data: string }>) => boolean) {
  const reader = res.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: string }> = [];
  let buf = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i = buf.indexOf('\n\n');
    while (i >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data });
      i = buf.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

describe('revocation feed', () => {
  let t: TestServer;
  let base: string;
  before(async () => {
    t = await testServer();
    await t.http.listen({ host: '127.0.0.1', port: 0 });
    const addr = t.http.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => t.close());

  it('lists a revoked grant by hashed id and GUID, never in clear', async () => {
    const { grant: g, customer } = await partnerGrant(t);
    await t.gh.storage.revokeGrant(customer.id, g.id);
    const res = await fetch(`${base}/oauth2/revocations?after=0`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as {
      revocations: Array<{ kind: string; hash: string; exp: number }>;
      next_after: number;
    };
    const hashes = body.revocations.map((r) => r.hash);
    assert.ok(hashes.includes(revocationHash('grant', g.id)));
    assert.ok(hashes.includes(revocationHash('guid', g.guid)));
    assert.ok(!JSON.stringify(body).includes(g.guid));
    assert.ok(body.revocations.every((r) => r.exp > Date.now() / 1000));
    const later = (await (await fetch(`${base}/oauth2/revocations?after=${body.next_after}`)).json()) as {
      revocations: unknown[];
    };
    assert.deepEqual(later.revocations, []);
  });

  it('deleting an app revokes its client_id and its grants', async () => {
    const { grant: g, appId } = await partnerGrant(t);
    const app = await t.gh.apps.get(t.companyId, appId);
    const before = (await (await fetch(`${base}/oauth2/revocations`)).json()) as { next_after: number };
    await t.gh.apps.delete(t.companyId, appId, 'test');
    const body = (await (await fetch(`${base}/oauth2/revocations?after=${before.next_after}`)).json()) as {
      revocations: Array<{ hash: string }>;
    };
    const hashes = body.revocations.map((r) => r.hash);
    assert.ok(hashes.includes(revocationHash('client', app.clientId)));
    assert.ok(hashes.includes(revocationHash('grant', g.id)));
  });

  it('streams a new revocation to a connected subscriber (even one resuming from a cursor beyond the head)', async () => {
    const { grant: g, customer } = await partnerGrant(t);
    const ctrl = new AbortController();
    const res = await fetch(`${base}/oauth2/revocations`, {
      headers: { accept: 'text/event-stream', 'last-event-id': '999999999' },
      signal: AbortSignal.any([ctrl.signal, AbortSignal.timeout(5000)]),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const want = revocationHash('grant', g.id);
    const done = readEvents(res, (evs) => evs.some((e) => e.event === 'revocation' && e.data.includes(want)));
    await t.gh.storage.revokeGrant(customer.id, g.id);
    const events = await done;
    const entry = events.find((e) => e.event === 'revocation' && e.data.includes(want));
    assert.ok(entry, 'the revocation arrived on the stream');
    ctrl.abort();
  });

  it('rejects a malformed cursor with a JSON 400', async () => {
    for (const q of ['after=-1', 'after=abc', 'limit=0', 'limit=99999']) {
      const res = await fetch(`${base}/oauth2/revocations?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    }
  });
});
