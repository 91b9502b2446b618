import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Opaque access tokens (apps with token format `opaque`): only the SHA-256 of the token is
 * stored, with the claims a JWT would carry, so introspection can answer for it.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('opaque_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('jti', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('family_id', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('opaque_access_tokens_expires')
    .on('opaque_access_tokens')
    .column('expires_at')
    .execute();
}
