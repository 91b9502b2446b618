import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Dynamic client registration (RFC 7591 and 7592, docs/flows/registration.md):
 *
 * - `initial_access_tokens`: what a company admin hands a developer so that their software
 *   can register apps in the company. Only the SHA-256 of the token is kept (unique), with
 *   its last four characters; the limits it puts on what may be registered (grant types,
 *   scopes, redirect URI patterns: JSON arrays, null for no limit beyond the app rules), how
 *   many apps it may register (`max_apps`, null: no limit) and how many it has (`uses`),
 *   when it expires and when it was revoked. It goes with its company (cascade).
 * - `apps.initial_access_token_id`: the token an app was registered with; null for an app
 *   created by hand (console, API, CLI). No foreign key: a revoked token stays, and the mark
 *   must outlive any future clean-up of tokens.
 * - `apps.registration_token_hash`: the SHA-256 of the app's registration access token
 *   (RFC 7592), unique; null for an app created by hand.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('initial_access_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('allowed_grant_types', 'text')
    .addColumn('allowed_scopes', 'text')
    .addColumn('redirect_uri_patterns', 'text')
    .addColumn('max_apps', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('initial_access_tokens_company')
    .on('initial_access_tokens')
    .columns(['company_id', 'created_at'])
    .execute();
  await db.schema.alterTable('apps').addColumn('initial_access_token_id', 'text').execute();
  await db.schema.alterTable('apps').addColumn('registration_token_hash', 'text').execute();
  await db.schema
    .createIndex('apps_registration_token')
    .on('apps')
    .column('registration_token_hash')
    .unique()
    .execute();
}
