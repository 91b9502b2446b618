import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Invitations (docs/console.md, "Members"): a link that lets a user created by a company
 * admin set their password. Only the SHA-256 of the link's token is kept (unique); a row
 * goes with its company or its user (cascade). `accepted_at` makes the link single-use.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .execute();
  await db.schema.createIndex('invitations_company').on('invitations').column('company_id').execute();
  await db.schema.createIndex('invitations_user').on('invitations').column('user_id').execute();
}
