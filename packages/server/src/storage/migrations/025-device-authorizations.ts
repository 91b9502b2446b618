import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * The device authorization grant (RFC 8628, docs/flows/device.md): one row per request of a
 * device. Only SHA-256 hashes of the device code and of the normalised user code are kept
 * (each unique). `status` moves once from pending to approved (with `code_hash`, the
 * authorization code the device's poll redeems) or denied; `session_hash` binds the
 * verification to the browser that entered the code. A row goes with its app (cascade);
 * housekeeping deletes rows a day after they expire.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('device_authorizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('session_hash', 'text')
    .addColumn('company_id', 'text')
    .addColumn('code_hash', 'text')
    .addColumn('last_polled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('device_authorizations_expires')
    .on('device_authorizations')
    .column('expires_at')
    .execute();
}
