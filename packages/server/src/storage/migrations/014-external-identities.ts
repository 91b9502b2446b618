import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Upstream OpenID Connect sign-in (docs/sign-in.md): the people linked to an upstream
 * account by (issuer, sub), at most one subject per issuer for a user; and the sign-ins sent
 * upstream and not yet back, found by the SHA-256 of their `state`, bound to the browser
 * session that started them.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('external_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('external_identities_pk', ['issuer', 'subject'])
    .addUniqueConstraint('external_identities_user_issuer', ['user_id', 'issuer'])
    .execute();
  await db.schema
    .createTable('upstream_sign_ins')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('upstream_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text')
    .addColumn('return_to', 'text')
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('max_age', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('upstream_sign_ins_expires')
    .on('upstream_sign_ins')
    .column('expires_at')
    .execute();
}
