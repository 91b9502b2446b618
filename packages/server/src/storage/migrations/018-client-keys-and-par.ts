import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Client authentication with keys and pushed authorization requests
 * (docs/client-authentication.md, docs/par.md):
 * - `apps.token_endpoint_auth_method`: the one method the app authenticates with (RFC 7591
 *   2); `client_secret_basic` for every existing confidential app (which keeps accepting
 *   `client_secret_post` too, as before), `none` for public ones.
 * - `apps.jwks` / `apps.jwks_uri`: the app's public keys for `private_key_jwt`, inline (a JWK
 *   Set as JSON text) or fetched from a URL.
 * - `apps.require_pushed_authorization_requests`: 0/1 (RFC 9126 6).
 * - `app_secrets.secret_sealed`: for `client_secret_jwt` only, the secret sealed under the
 *   server secret (HMAC needs the raw value to verify); null for every other secret.
 * - `client_assertion_jtis`: the `jti` of every client assertion accepted, until it expires
 *   (single use on every node; pruned by housekeeping).
 * - `pushed_authorization_requests`: a pushed request by the hash of its `request_uri`, bound
 *   to the client, single use, 60 s.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull().defaultTo('client_secret_basic'))
    .execute();
  await sql`UPDATE apps SET token_endpoint_auth_method = 'none' WHERE client_type = 'public'`.execute(db);
  await db.schema.alterTable('apps').addColumn('jwks', 'text').execute();
  await db.schema.alterTable('apps').addColumn('jwks_uri', 'text').execute();
  await db.schema
    .alterTable('apps')
    .addColumn('require_pushed_authorization_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('app_secrets').addColumn('secret_sealed', 'text').execute();
  await db.schema
    .createTable('client_assertion_jtis')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_assertion_jtis_pk', ['client_id', 'jti'])
    .execute();
  await db.schema
    .createIndex('client_assertion_jtis_expiry')
    .on('client_assertion_jtis')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('pushed_authorization_requests')
    .addColumn('request_uri_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pushed_authorization_requests_expiry')
    .on('pushed_authorization_requests')
    .column('expires_at')
    .execute();
}
