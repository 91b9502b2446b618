import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Automatic signing-key rotation (docs/security.md, "Signing keys"):
 * - `signing_keys.activates_at`: for a `next` key, when it becomes the signing key (it is
 *   published in the JWKS until then); for an active or retired key, when it became the
 *   signing key. Keys made before this migration became the signing key when created.
 * - `signing_keys_one_next`: at most one pending (`next`) key per algorithm, enforced by the
 *   database, so that two nodes racing to pre-publish cannot publish two.
 * - `leases`: named leases held by one node at a time until `expires_at` (ms), so that exactly
 *   one node performs each rotation step.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('activates_at', 'bigint').execute();
  await sql`UPDATE signing_keys SET activates_at = created_at`.execute(db);
  await db.schema
    .createIndex('signing_keys_one_next')
    .on('signing_keys')
    .column('alg')
    .unique()
    .where(sql.ref('status'), '=', 'next')
    .execute();
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}
