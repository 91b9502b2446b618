import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { loadConfig } from '../../src/config/index.ts';
import { connect } from '../../src/storage/sql/connect.ts';
import { StatementNames } from '../../src/storage/sql/pg-pool.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';

describe('statement names', () => {
  it('GATEHOUSE_DB_PREPARED_STATEMENTS: on unless set false; anything else is refused', () => {
    const env = { GATEHOUSE_SECRET: 'x'.repeat(32), GATEHOUSE_DATA_DIR: '/nonexistent' };
    assert.equal(loadConfig({ env }).databasePreparedStatements, true);
    const off = { ...env, GATEHOUSE_DB_PREPARED_STATEMENTS: 'false' };
    assert.equal(loadConfig({ env: off }).databasePreparedStatements, false);
    const bad = { ...env, GATEHOUSE_DB_PREPARED_STATEMENTS: 'sometimes' };
    assert.throws(() => loadConfig({ env: bad }), /GATEHOUSE_DB_PREPARED_STATEMENTS must be 1 or 0/);
  });

  it('gives each text one name until renamed, and none past the capacity', () => {
    const names = new StatementNames(2);
    const a = names.nameOf('select $1');
    assert.ok(a);
    assert.equal(names.nameOf('select $1'), a);
    const b = names.nameOf('select $1, $2');
    assert.ok(b);
    assert.notEqual(b, a);
    assert.equal(names.nameOf('select $1, $2, $3'), undefined, 'past the capacity: unnamed');
    const renamed = names.rename('select $1');
    assert.notEqual(renamed, a);
    assert.notEqual(renamed, b);
    assert.equal(names.nameOf('select $1'), renamed);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the tests' own table is not in Gatehouse's schema.
type AnyDb = Kysely<any>;

/** The names of the statements prepared on the connection that runs this. */
async function prepared(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(
    db,
  );
  return rows.map((r) => r.name);
}

await forDialects(['postgres'], (_dialect, skip) => {
  describe('PostgreSQL prepared statements', { skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await withTestPostgres();
    });
    after(() => database?.cleanup());

    /** One connection, so that what one query prepared is there for the next. */
    async function open(preparedStatements?: boolean) {
      const { db } = connect(database.url, { poolSize: 1, preparedStatements });
      const kdb = db as unknown as AnyDb;
      await sql`drop table if exists notes`.execute(kdb);
      await sql`create table notes (id int primary key, body text)`.execute(kdb);
      await sql`insert into notes values (1, 'one'), (2, 'two')`.execute(kdb);
      return kdb;
    }
    const read = (db: AnyDb, id: number) => db.selectFrom('notes').selectAll().where('id', '=', id).execute();

    it('a query with parameters is prepared once per connection and then only executed', async () => {
      const db = await open();
      try {
        assert.deepEqual(await read(db, 1), [{ id: 1, body: 'one' }]);
        const after1 = await prepared(db);
        assert.equal(after1.length, 1, 'the read is prepared under one name');
        assert.deepEqual(await read(db, 2), [{ id: 2, body: 'two' }]);
        assert.deepEqual(await prepared(db), after1, 'the same text runs under the same name');
        // A batch's many parameters: its text changes with its length, it is not kept.
        const many = Array.from({ length: 65 }, (_, i) => i + 1);
        const batch = await db
          .selectFrom('notes')
          .select('id')
          .where('id', 'in', many)
          .orderBy('id')
          .execute();
        assert.deepEqual(batch, [{ id: 1 }, { id: 2 }]);
        assert.deepEqual(await prepared(db), after1, 'a 65-parameter query runs unnamed');
        // Without parameters: the simple protocol, which runs several statements in one text.
        // Named, it would fail: "cannot insert multiple commands into a prepared statement".
        await sql.raw('create index notes_body on notes (body); drop index notes_body').execute(db);
      } finally {
        await db.destroy();
      }
    });

    it('preparedStatements: false names nothing', async () => {
      const db = await open(false);
      try {
        assert.deepEqual(await read(db, 1), [{ id: 1, body: 'one' }]);
        assert.deepEqual(await prepared(db), []);
      } finally {
        await db.destroy();
      }
    });

    it('a column added under a running server: a query outside a transaction is prepared again and answers', async () => {
      const db = await open();
      try {
        assert.deepEqual(await read(db, 1), [{ id: 1, body: 'one' }]);
        await sql`alter table notes add column pinned boolean not null default false`.execute(db);
        // Prepared as `select *` with two columns, the statement now has three: PostgreSQL
        // refuses it ("cached plan must not change result type") and the pool retries renamed.
        assert.deepEqual(await read(db, 1), [{ id: 1, body: 'one', pinned: false }]);
        assert.deepEqual(await read(db, 2), [{ id: 2, body: 'two', pinned: false }]);
      } finally {
        await db.destroy();
      }
    });

    it('inside a transaction the change fails that transaction only; the next one answers', async () => {
      const db = await open();
      try {
        assert.deepEqual(await read(db, 1), [{ id: 1, body: 'one' }]);
        await sql`alter table notes add column pinned boolean not null default false`.execute(db);
        await assert.rejects(
          db.transaction().execute((tx) => read(tx, 1)),
          (err: Error & { code?: string }) => err.code === '0A000',
        );
        const rows = await db.transaction().execute((tx) => read(tx, 1));
        assert.deepEqual(rows, [{ id: 1, body: 'one', pinned: false }]);
      } finally {
        await db.destroy();
      }
    });
  });
});
