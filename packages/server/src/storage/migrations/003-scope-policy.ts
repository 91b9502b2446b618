import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Per-app scope policy: `strict` (a request beyond the app's scopes is invalid_scope) or
 * `narrow` (it is cut down to them). Existing apps keep today's behaviour, strict.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('scope_policy', 'text', (c) => c.notNull().defaultTo('strict'))
    .execute();
}
