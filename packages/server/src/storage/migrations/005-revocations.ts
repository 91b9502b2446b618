import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * The revocation feed: what resource servers must stop accepting, as hashed keys, until
 * no token that could carry them is still alive (`expires_at`).
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('revocations')
    .addColumn('seq', ctx.dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      ctx.dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revocations_expires').on('revocations').column('expires_at').execute();
}
