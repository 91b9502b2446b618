import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { RevocationList } from '../src/revocation.ts';

/**
 * A feed whose entries appear out of seq order, as on PostgreSQL when a transaction holding
 * a lower seq commits after one holding a higher seq was served.
 */
test('an entry that appears below the cursor (committed late) is still picked up by polling', async () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const feed = [{ seq: 2, kind: 'grant', hash: 'h2', exp }];
  const asked: number[] = [];
  const server = createServer((req, res) => {
    const after = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('after'));
    asked.push(after);
    const revocations = feed.filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ revocations, next_after: revocations.at(-1)?.seq ?? after, has_more: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const list = new RevocationList({
    feedUrl: async () => `http://127.0.0.1:${port}/oauth2/revocations`,
    mode: 'poll',
    pollIntervalMs: 5,
    startupTimeoutMs: 5000,
    timeoutMs: 5000,
  });
  /** Waits until the follower has made `n` more requests (bounded, so a bug cannot hang). */
  const polls = async (n: number) => {
    const target = asked.length + n;
    for (const deadline = Date.now() + 10_000; asked.length < target && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5));
    assert.ok(asked.length >= target, 'the follower kept polling');
  };
  try {
    await list.ready();
    assert.equal(list.has(['h2']), true);
    assert.equal(list.status().after, 2);
    feed.push({ seq: 1, kind: 'grant', hash: 'h1', exp });
    await polls(2);
    assert.equal(list.has(['h1']), true, 'the late entry was read');
    assert.equal(list.status().after, 2, 'the cursor stays the highest seq');
    assert.ok(asked.slice(1).every((a) => a === 0 || a === 2));
  } finally {
    list.close();
    await new Promise((r) => server.close(r));
  }
});
