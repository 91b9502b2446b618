import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * E-mailed links (docs/sign-in.md, "Password reset" and "E-mail verification"): one row per
 * link, for a password reset (1 hour) or an address verification (24 hours). Only the
 * SHA-256 of the link's token is kept (unique); `email` is the address the link was sent to,
 * so a link proves nothing once the user's address has changed; `used_at` makes it single-use.
 * A row goes with its user (cascade); housekeeping deletes expired rows.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('email_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('email_tokens_user').on('email_tokens').column('user_id').execute();
  await db.schema.createIndex('email_tokens_expires').on('email_tokens').column('expires_at').execute();
}
