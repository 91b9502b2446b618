import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Idempotency keys of the management API's POSTs (draft-ietf-httpapi-idempotency-key-header).
 * One row per (company, caller, key): the SHA-256 of the key, a fingerprint (SHA-256) of the
 * request it was first used with, the lease of the request in flight, and once it has
 * answered, its status and its answer sealed with a key derived from the server secret (an
 * app's creation answer carries its client secret, which must never rest in clear).
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('company_id', 'text', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('lease_id', 'text', (c) => c.notNull())
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('status', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['company_id', 'caller', 'key_hash'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}
