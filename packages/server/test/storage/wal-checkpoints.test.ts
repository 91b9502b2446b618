import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openStorage } from '../../src/storage/sql/storage.ts';
import { newCompany } from './fixtures.ts';
import { sqliteDatabase } from './sql-target.ts';

/**
 * On a SQLite file, the server's checkpoints run on a thread of their own (sql/wal-checkpoints.ts):
 * the server's connection does not checkpoint on commit, and the database file still takes in
 * the WAL's pages shortly after they were written.
 */
describe('WAL checkpoints off the event loop (SQLite)', () => {
  async function writesReachTheFile(background: boolean): Promise<{ before: number; after: number }> {
    const database = await sqliteDatabase();
    const path = database.url.slice('sqlite:'.length);
    const storage = openStorage(database.url);
    try {
      await storage.migrate();
      if (background) storage.startBackgroundWork();
      else await storage.ping();
      const before = statSync(path).size;
      for (let i = 0; i < 150; i++) await newCompany(storage);
      await new Promise((r) => setTimeout(r, 700));
      return { before, after: statSync(path).size };
    } finally {
      await storage.close();
      await database.cleanup();
    }
  }

  it('the thread copies committed pages into the database file', async () => {
    const { before, after } = await writesReachTheFile(true);
    assert.ok(after > before, `the file grew from ${before} to ${after} bytes`);
  });

  it('without it, those commits stay in the WAL until SQLite checkpoints by itself (at 1,000 pages)', async () => {
    const { before, after } = await writesReachTheFile(false);
    assert.equal(after, before);
  });
});
