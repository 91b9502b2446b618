import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Login delegation (docs/sign-in.md): the login requests sent to the SaaS company's login
 * application (GATEHOUSE_LOGIN_URL), found by the SHA-256 of their `login_challenge`, bound
 * to the browser session and the authorization flow that started them; once accepted or
 * rejected through the operator API, by the SHA-256 of the single-use `login_verifier` the
 * browser brings back. And apps' `auto_consent`: an internal app whose own company's admins
 * are not shown the consent page.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('login_requests')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text')
    .addColumn('return_to', 'text')
    .addColumn('session_user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('error', 'text')
    .addColumn('error_description', 'text')
    .addColumn('verifier_hash', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_requests_expires').on('login_requests').column('expires_at').execute();
  // Consent skipped for an internal app's own company (docs/sign-in.md#skipping-consent).
  await db.schema
    .alterTable('apps')
    .addColumn('auto_consent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
