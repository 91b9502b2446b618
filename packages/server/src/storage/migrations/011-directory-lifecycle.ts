import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * The directory lifecycle (docs/management-api.md, "Operator API"):
 * - `companies.external_id`, `users.external_id`: the SaaS company's own id for the object,
 *   unique per kind (a unique index; both dialects let several rows hold none).
 * - `users.disabled_at`: a disabled user cannot sign in; set and cleared by the operator.
 * - `audit_events.company_deleted_at`: a deleted company's audit rows are kept, marked.
 * - `operator_keys`: keys of the operator API, which manages every company (the SHA-256 of
 *   the key and its last four, like admin keys).
 * - `idempotency_keys` loses its foreign key to `companies`: an operator request has no
 *   company (its scope is the empty company id) and a deleted company's keys are deleted with
 *   it by the storage. Rebuilt, since SQLite cannot drop a constraint; the rows are kept.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('companies').addColumn('external_id', 'text').execute();
  await db.schema
    .createIndex('companies_external_id')
    .on('companies')
    .column('external_id')
    .unique()
    .execute();
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('users_external_id').on('users').column('external_id').unique().execute();
  await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
  await db.schema.alterTable('audit_events').addColumn('company_deleted_at', 'bigint').execute();

  await db.schema
    .createTable('operator_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('idempotency_keys_011')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('lease_id', 'text', (c) => c.notNull())
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_scope_pk', ['company_id', 'caller', 'key_hash'])
    .execute();
  await sql`INSERT INTO idempotency_keys_011 SELECT company_id, caller, key_hash, fingerprint, lease_id,
    lease_expires_at, status, response, created_at, expires_at FROM idempotency_keys`.execute(db);
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.alterTable('idempotency_keys_011').renameTo('idempotency_keys').execute();
  await db.schema
    .createIndex('idempotency_keys_expires')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}
