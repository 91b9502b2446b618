import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * RP-initiated and back-channel logout (docs/flows/logout.md):
 *
 * - `apps.post_logout_redirect_uris`: JSON array, where the end-session endpoint may send the
 *   browser back to (exact match, the redirect URI rules).
 * - `apps.backchannel_logout_uri`: where the app receives logout tokens; null: none.
 * - `sessions.sid`: the public session id put into ID tokens as `sid`; set at sign-in.
 * - `authorization_codes.sid`: the session a code was issued in, for the ID token's `sid`.
 * - `session_apps`: which apps were issued a code with `openid` in a session (so a logout
 *   knows whom to tell), until the session would have expired.
 * - `backchannel_logouts`: the logout tokens still to deliver, an outbox leased and retried
 *   like webhook_deliveries (status, attempts, next_attempt_at, locked_until).
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('apps').addColumn('backchannel_logout_uri', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('sid', 'text').execute();
  await db.schema.createIndex('sessions_sid').on('sessions').column('sid').execute();
  await db.schema.alterTable('authorization_codes').addColumn('sid', 'text').execute();
  await db.schema
    .createTable('session_apps')
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_apps_pk', ['sid', 'app_id'])
    .execute();
  await db.schema.createIndex('session_apps_expires').on('session_apps').column('expires_at').execute();
  await db.schema
    .createTable('backchannel_logouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('backchannel_logouts_due')
    .on('backchannel_logouts')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('backchannel_logouts_app').on('backchannel_logouts').column('app_id').execute();
}
