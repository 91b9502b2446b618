import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * When a user's e-mail address was verified (docs/sign-in.md): by a verification link, by
 * an upstream provider that said `email_verified: true`, or by the operator API. Null while
 * it is not; a changed address is unverified again. id_tokens and userinfo say
 * `email_verified: true` only when this is set.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
}
