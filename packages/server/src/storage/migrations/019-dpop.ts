import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * DPoP (RFC 9449, docs/dpop.md):
 *
 * - `apps.dpop_bound_access_tokens`: the token endpoint refuses a request without a DPoP proof.
 * - `apps.use_dpop_nonce`: proofs must carry a server nonce (`use_dpop_nonce` error otherwise).
 * - `opaque_access_tokens.dpop_jkt`: the JWK thumbprint an opaque token is bound to (JWTs carry
 *   it as `cnf.jkt`); introspection reports it as `cnf`.
 * - `token_families.dpop_jkt`: a public client's refresh tokens are bound to the key of the
 *   proof that came with the code exchange, for the family's whole life.
 * - `opaque_access_tokens.audience`: the resource (RFC 8707) an opaque token was narrowed to;
 *   null for the server's default audience (docs/resource-indicators.md).
 * - `dpop_proofs`: the proofs already used at the token endpoint (SHA-256 of key thumbprint and
 *   `jti`) until they could no longer pass the `iat` check; one insert-if-absent per proof,
 *   pruned by housekeeping. Nodes with Redis keep them there instead.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('dpop_bound_access_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('apps')
    .addColumn('use_dpop_nonce', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('opaque_access_tokens').addColumn('dpop_jkt', 'text').execute();
  // Resource indicators (RFC 8707): the audience of an opaque token narrowed to a resource.
  await db.schema.alterTable('opaque_access_tokens').addColumn('audience', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('dpop_jkt', 'text').execute();
  await db.schema
    .createTable('dpop_proofs')
    .addColumn('proof_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dpop_proofs_expires').on('dpop_proofs').column('expires_at').execute();
}
