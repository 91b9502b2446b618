import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Token exchange (RFC 8693, docs/flows/token-exchange.md):
 *
 * - `apps.token_exchange`: the app's exchange policy as JSON text (the resources it may
 *   exchange for, the clients whose tokens it may present, whether actor tokens are refused,
 *   accepted or required); null for an app that does not exchange.
 * - `opaque_access_tokens.act`: the `act` claim (RFC 8693 4.1) of an opaque token issued by an
 *   exchange, as JSON text; null for every other token. JWTs carry it as the claim itself.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('apps').addColumn('token_exchange', 'text').execute();
  await db.schema.alterTable('opaque_access_tokens').addColumn('act', 'text').execute();
}
