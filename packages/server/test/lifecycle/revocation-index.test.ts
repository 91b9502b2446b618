import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.ts';
import type { Revocation } from '../../src/storage/types.ts';
import { RevocationIndex } from '../../src/tokens/revocation-index.ts';
import { twoNodes } from '../fixtures/two-nodes.ts';
import { forDialects } from '../pg.ts';
import {
  clientCredentialsToken,
  delegatedTokens,
  introspect,
  partnerApp,
  refresh,
  revoke,
} from './helpers.ts';

/** Long enough that no node reads the feed on its own during a test. */
const NEVER = 3_600_000;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  // A generous bound: a node follows the feed every 50 ms here; this only stops a hang.
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; )
    if (await check()) return;
    else await new Promise((r) => setTimeout(r, 25));
  assert.fail(`still not ${what}`);
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`introspection answers revocation from memory (${dialect})`, { skip: skip || false }, () => {
    describe('nodes that never poll on their own', () => {
      let nodes: Awaited<ReturnType<typeof twoNodes>>;
      before(async () => {
        nodes = await twoNodes(dialect, { invalidationPollMs: NEVER });
      });
      after(() => nodes?.close());

      it('a token revoked on this node is inactive here at once', async () => {
        const { a } = nodes;
        for (const tokenFormat of ['opaque', 'jwt'] as const) {
          const app = await a.createApp({ name: `Same node ${tokenFormat}`, tokenFormat });
          const token = await clientCredentialsToken(a, app);
          assert.equal((await introspect(a, app, token)).active, true);
          await revoke(a, app, token);
          assert.deepEqual(await introspect(a, app, token), { active: false });
        }
      });

      it('a token revoked on another node is inactive once this node reads the feed', async () => {
        const { a, b } = nodes;
        for (const tokenFormat of ['opaque', 'jwt'] as const) {
          const app = await a.createApp({ name: `Other node ${tokenFormat}`, tokenFormat });
          const token = await clientCredentialsToken(a, app);
          assert.equal((await introspect(b, app, token)).active, true);
          await revoke(a, app, token);
          assert.deepEqual(await introspect(a, app, token), { active: false });
          // Node b has not read the feed since: this is the documented delay (one poll).
          assert.equal((await introspect(b, app, token)).active, true);
          await b.gh.revocationIndex.refresh();
          assert.deepEqual(await introspect(b, app, token), { active: false });
        }
      });

      it('a refresh token replayed on this node kills its family’s opaque access tokens here at once', async () => {
        const { a } = nodes;
        const app = await partnerApp(a, { name: 'Replayed', tokenFormat: 'opaque' });
        const first = await delegatedTokens(a, app);
        assert.equal((await introspect(a, app, first.access_token)).active, true);
        const second = await refresh(a, app, first.refresh_token);
        assert.equal(second.statusCode, 200);
        // Once its successor is used, presenting the first token again is a replay, not a retry
        // within the refresh reuse window.
        assert.equal((await refresh(a, app, second.json().refresh_token)).statusCode, 200);
        const replay = await refresh(a, app, first.refresh_token);
        assert.equal(replay.statusCode, 400, replay.body);
        assert.deepEqual(await introspect(a, app, first.access_token), { active: false });
      });

      it('revoking the grant makes its access tokens inactive on this node at once, on another once it reads the feed', async () => {
        const { a, b } = nodes;
        for (const tokenFormat of ['opaque', 'jwt'] as const) {
          const app = await partnerApp(a, { name: `Grant ${tokenFormat}`, tokenFormat });
          const tokens = await delegatedTokens(a, app);
          assert.equal((await introspect(a, app, tokens.access_token)).active, true);
          assert.equal((await introspect(b, app, tokens.access_token)).active, true);
          const grant = await a.gh.storage.getActiveGrant(app.appId, a.companyId);
          assert.ok(grant);
          await a.gh.grants.revoke(a.companyId, grant.id, 'user:test');
          assert.deepEqual(await introspect(a, app, tokens.access_token), { active: false });
          // The refresh token's grant is read from the database: inactive everywhere at once.
          assert.deepEqual(await introspect(b, app, tokens.refresh_token), { active: false });
          assert.equal((await introspect(b, app, tokens.access_token)).active, true);
          await b.gh.revocationIndex.refresh();
          assert.deepEqual(await introspect(b, app, tokens.access_token), { active: false });
        }
      });

      it('a cached opaque record and the revocation state cost no query per call', async () => {
        const { b } = nodes;
        const app = await b.createApp({ name: 'Counted', tokenFormat: 'opaque' });
        const token = await clientCredentialsToken(b, app);
        const storage = b.gh.storage;
        const calls = { record: 0, revoked: 0 };
        const getOpaque = storage.getOpaqueAccessToken.bind(storage);
        const isRevoked = storage.isAccessTokenRevoked.bind(storage);
        storage.getOpaqueAccessToken = (hash) => {
          calls.record++;
          return getOpaque(hash);
        };
        storage.isAccessTokenRevoked = (jti) => {
          calls.revoked++;
          return isRevoked(jti);
        };
        try {
          for (let i = 0; i < 3; i++) assert.equal((await introspect(b, app, token)).active, true);
        } finally {
          storage.getOpaqueAccessToken = getOpaque;
          storage.isAccessTokenRevoked = isRevoked;
        }
        assert.deepEqual(calls, { record: 1, revoked: 0 });
      });

      it('the grant behind a delegated token is read once, then answered from memory', async () => {
        const { b } = nodes;
        const app = await partnerApp(b, { name: 'Counted grant', tokenFormat: 'opaque' });
        const tokens = await delegatedTokens(b, app);
        const storage = b.gh.storage;
        let reads = 0;
        const getGrant = storage.getActiveGrant.bind(storage);
        storage.getActiveGrant = (appId, companyId) => {
          reads++;
          return getGrant(appId, companyId);
        };
        try {
          for (let i = 0; i < 3; i++) {
            const info = await introspect(b, app, tokens.access_token);
            assert.equal(info.active, true);
            assert.ok(info.grant_guid);
          }
        } finally {
          storage.getActiveGrant = getGrant;
        }
        assert.equal(reads, 1);
      });
    });

    describe('nodes that follow the feed every 50 ms', () => {
      let nodes: Awaited<ReturnType<typeof twoNodes>>;
      before(async () => {
        nodes = await twoNodes(dialect, { invalidationPollMs: 50 });
      });
      after(() => nodes?.close());

      it('a token revoked on another node becomes inactive here without any call', async () => {
        const { a, b } = nodes;
        const app = await a.createApp({ name: 'Followed', tokenFormat: 'opaque' });
        const token = await clientCredentialsToken(a, app);
        assert.equal((await introspect(b, app, token)).active, true);
        await revoke(a, app, token);
        await until(async () => (await introspect(b, app, token)).active === false, 'inactive on node b');
      });

      it('deleting the app on another node makes its opaque tokens inactive here', async () => {
        const { a, b } = nodes;
        const rsApp = await a.createApp({ name: 'Checker', tokenFormat: 'opaque' });
        const token = await clientCredentialsToken(a, rsApp);
        assert.equal((await introspect(b, rsApp, token)).active, true);
        await a.gh.apps.delete(a.companyId, rsApp.appId, 'test');
        // The deleted app can no longer authenticate: ask through the storage-level check.
        const found = await b.gh.tokenInspector.find(token);
        assert.ok(found);
        const caller = await a.gh.storage.findAppByClientId((await a.createApp({ name: 'Caller' })).clientId);
        assert.ok(caller);
        await until(
          async () => (await b.gh.tokenInspector.state(found, caller)).active === false,
          'inactive after the app was deleted',
        );
      });
    });
  });
});

/** A feed held in memory, whose entries can commit out of order as on PostgreSQL. */
function fakeFeed() {
  const entries: Revocation[] = [];
  const listeners = new Set<() => void>();
  const storage = {
    async revocationsSince(seq: number, limit = 1000) {
      return entries
        .filter((e) => e.seq > seq)
        .sort((x, y) => x.seq - y.seq)
        .slice(0, limit);
    },
    onRevocationsCommitted(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as Storage;
  const expiresAt = new Date(Date.now() + 60_000);
  return {
    storage,
    commit(seq: number, hash: string, local = false) {
      entries.push({ seq, kind: 'jti', hash, expiresAt });
      if (local) for (const l of listeners) l();
    },
  };
}

describe('RevocationIndex', () => {
  it('answers nothing before its first read', async () => {
    const feed = fakeFeed();
    const index = new RevocationIndex(feed.storage, { pollMs: NEVER });
    assert.equal(index.isRevoked(['h1']), undefined);
    await index.refresh();
    assert.equal(index.isRevoked(['h1']), false);
  });

  it('a local commit makes it answer nothing until it has read again', async () => {
    const feed = fakeFeed();
    const index = new RevocationIndex(feed.storage, { pollMs: NEVER });
    await index.refresh();
    feed.commit(1, 'h1', true);
    assert.equal(index.stale, true);
    assert.equal(index.isRevoked(['h1']), undefined);
    await index.refresh();
    assert.equal(index.isRevoked(['h0', 'h1']), true);
  });

  it('picks up an entry that commits below one already read (PostgreSQL sequences)', async () => {
    const feed = fakeFeed();
    const index = new RevocationIndex(feed.storage, { pollMs: NEVER });
    feed.commit(1, 'h1');
    await index.refresh();
    // seq 2 was handed out first but its transaction commits after seq 3's.
    feed.commit(3, 'h3');
    await index.refresh();
    assert.equal(index.isRevoked(['h3']), true);
    assert.equal(index.isRevoked(['h2']), false);
    feed.commit(2, 'h2');
    await index.refresh();
    assert.equal(index.isRevoked(['h2']), true);
  });

  it('over capacity it answers nothing (the caller asks the database)', async () => {
    const feed = fakeFeed();
    for (let i = 1; i <= 5; i++) feed.commit(i, `h${i}`);
    const index = new RevocationIndex(feed.storage, { pollMs: NEVER, max: 3 });
    await index.refresh();
    assert.equal(index.isRevoked(['h1']), undefined);
    assert.equal(index.isRevoked(['nope']), undefined);
  });
});
