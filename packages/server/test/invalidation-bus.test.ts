import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { InvalidationBus } from '../src/cache/invalidation-bus.ts';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import type { Revocation } from '../src/storage/types.ts';
import { RevocationFeed } from '../src/tokens/revocation-feed.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

/** Long enough that the bus never polls on its own during a test: the test polls. */
const NEVER = 3_600_000;

/**
 * A second connection to the same database, writing rows the way a mutation on another
 * node does: in a transaction that stays open until `commit`. Returns the rows' seqs.
 */
interface Writer {
  begin(): Promise<void>;
  invalidate(key: string): Promise<number>;
  revoke(hash: string): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

async function pgWriter(url: string): Promise<Writer> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const insert = async (sql: string, params: unknown[]) =>
    Number((await c.query<{ seq: string }>(sql, params)).rows[0]?.seq);
  return {
    begin: async () => void (await c.query('BEGIN')),
    invalidate: (key) =>
      insert('INSERT INTO invalidations (key, created_at) VALUES ($1, $2) RETURNING seq', [key, Date.now()]),
    async revoke(hash) {
      const seq = await insert(
        'INSERT INTO revocations (kind, key_hash, expires_at, created_at) VALUES ($1, $2, $3, $4) RETURNING seq',
        ['grant', hash, Date.now() + 3_600_000, Date.now()],
      );
      await insert('INSERT INTO invalidations (key, created_at) VALUES ($1, $2) RETURNING seq', [
        'revocations',
        Date.now(),
      ]);
      return seq;
    },
    commit: async () => void (await c.query('COMMIT')),
    rollback: async () => void (await c.query('ROLLBACK')),
    close: () => c.end(),
  };
}

async function sqliteWriter(path: string): Promise<Writer> {
  // No busy timeout: a second writer is refused at once instead of waiting.
  const c = new SQLite(path, { timeout: 0 });
  const insert = (sql: string, params: unknown[]) =>
    Number((c.prepare(sql).get(...params) as { seq: number }).seq);
  return {
    begin: async () => void c.exec('BEGIN'),
    invalidate: async (key) =>
      insert('INSERT INTO invalidations (key, created_at) VALUES (?, ?) RETURNING seq', [key, Date.now()]),
    async revoke(hash) {
      const seq = insert(
        'INSERT INTO revocations (kind, key_hash, expires_at, created_at) VALUES (?, ?, ?, ?) RETURNING seq',
        ['grant', hash, Date.now() + 3_600_000, Date.now()],
      );
      insert('INSERT INTO invalidations (key, created_at) VALUES (?, ?) RETURNING seq', [
        'revocations',
        Date.now(),
      ]);
      return seq;
    },
    commit: async () => void c.exec('COMMIT'),
    rollback: async () => void c.exec('ROLLBACK'),
    close: async () => void c.close(),
  };
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`rows committed out of seq order are still delivered (${dialect})`, {
    skip: skip || false,
  }, () => {
    let db: TestDatabase | undefined;
    let dir: string | undefined;
    let url: string;
    let storage: SqlStorage;
    let writer: () => Promise<Writer>;
    before(async () => {
      if (dialect === 'postgres') {
        db = await withTestPostgres();
        url = db.url;
        writer = () => pgWriter(url);
      } else {
        dir = mkdtempSync(join(tmpdir(), 'gh-bus-'));
        const path = join(dir, 'bus.db');
        url = `sqlite:${path}`;
        writer = () => sqliteWriter(path);
      }
      storage = openStorage(url);
      await storage.migrate();
    });
    after(async () => {
      await storage?.close();
      await db?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Transaction A takes a seq, B takes the next one and commits, the reader reads, then A
     * commits: on PostgreSQL the reader has already read past A's seq. SQLite refuses B's
     * insert while A is open (one writer), so there B commits after A: in order.
     */
    async function outOfOrder(
      write: (w: Writer, name: 'a' | 'b') => Promise<number>,
      read: () => Promise<void>,
    ): Promise<void> {
      const [a, b] = [await writer(), await writer()];
      try {
        await a.begin();
        const seqA = await write(a, 'a');
        await b.begin();
        if (dialect === 'sqlite') {
          await assert.rejects(write(b, 'b'), /SQLITE_BUSY|database is locked/);
          await b.rollback();
          await a.commit();
          await read();
          await b.begin();
          await write(b, 'b');
          await b.commit();
          await read();
          return;
        }
        const seqB = await write(b, 'b');
        assert.ok(seqA < seqB, 'A took the lower seq');
        await b.commit();
        await read();
        await a.commit();
        await read();
      } finally {
        await a.close();
        await b.close();
      }
    }

    it('the invalidation bus delivers an invalidation committed below one already read', async () => {
      const bus = new InvalidationBus(storage, NEVER);
      const got: string[] = [];
      bus.subscribe((key) => got.push(key));
      await bus.start();
      try {
        await outOfOrder(
          (w, name) => w.invalidate(`client:${dialect}-${name}`),
          () => bus.poll(),
        );
        assert.deepEqual(
          got.sort(),
          [`client:${dialect}-a`, `client:${dialect}-b`],
          'each invalidation delivered exactly once',
        );
        await bus.poll();
        assert.equal(got.length, 2, 'a late row is not delivered again');
      } finally {
        await bus.stop();
      }
    });

    it('a node started while a transaction is still open below the newest row still hears it', async () => {
      const [a, b] = [await writer(), await writer()];
      const bus = new InvalidationBus(storage, NEVER);
      const got: string[] = [];
      bus.subscribe((key) => got.push(key));
      try {
        if (dialect === 'sqlite') {
          // One writer at a time: there is never a row committed above an open one.
          await a.begin();
          await a.invalidate('client:start-a');
          await a.commit();
          await bus.start();
          await bus.poll();
          assert.deepEqual(got, []);
          return;
        }
        await a.begin();
        await a.invalidate('client:start-a');
        await b.begin();
        await b.invalidate('client:start-b');
        await b.commit();
        await bus.start();
        await bus.poll();
        assert.deepEqual(got, [], 'rows committed before start are not news');
        await a.commit();
        await bus.poll();
        assert.deepEqual(got, ['client:start-a']);
      } finally {
        await bus.stop();
        await a.close();
        await b.close();
      }
    });

    it('the revocation feed pushes an entry committed below one already pushed', async () => {
      const bus = new InvalidationBus(storage, NEVER);
      const feed = new RevocationFeed(storage, bus);
      await bus.start();
      await feed.start();
      const pushed: Revocation[] = [];
      feed.subscribe((entries) => pushed.push(...entries));
      try {
        const seqs: number[] = [];
        await outOfOrder(
          async (w, name) => {
            const seq = await w.revoke(`${dialect}-late-${name}`);
            seqs.push(seq);
            return seq;
          },
          async () => {
            await bus.poll(); // hears `revocations`, which starts a feed read
            await feed.pull();
          },
        );
        assert.deepEqual(
          pushed.map((e) => e.hash).sort(),
          [`${dialect}-late-a`, `${dialect}-late-b`],
          'each entry pushed exactly once',
        );
        assert.equal(feed.head, Math.max(...seqs));
      } finally {
        await bus.stop();
      }
    });
  });
});
