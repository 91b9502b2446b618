import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Admin API keys for the management API: company-scoped, stored as the SHA-256 of the key
 * (the key itself is shown once), with its last four characters for recognition.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('admin_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('admin_keys_company')
    .on('admin_keys')
    .columns(['company_id', 'created_at'])
    .execute();
}
