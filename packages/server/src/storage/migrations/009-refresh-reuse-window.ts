import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * The refresh reuse window (docs/tokens.md, "Refresh rotation"):
 * - `refresh_tokens.successor_hash`: for a token retired by rotation, the hash of the token
 *   that now stands in its place (moved on when a retry within the window replaces it). Null
 *   while the token is current, and for a successor that a retry superseded: presenting that
 *   one again is reuse.
 * - `refresh_tokens_one_current`: at most one current (unretired) refresh token per family,
 *   enforced by the database itself, so that no race can leave two live chains.
 * - `apps.refresh_reuse_window`: the app's window in seconds; null follows the server's
 *   `GATEHOUSE_REFRESH_REUSE_WINDOW`.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('successor_hash', 'text').execute();
  // Rotation has only ever left one current token per family, but a database edited by hand
  // could hold two: rather than refuse to start, keep the newest and retire the others.
  await sql`
    UPDATE refresh_tokens SET rotated_at = created_at
    WHERE rotated_at IS NULL AND EXISTS (
      SELECT 1 FROM refresh_tokens newer
      WHERE newer.family_id = refresh_tokens.family_id AND newer.rotated_at IS NULL
        AND (newer.created_at > refresh_tokens.created_at
          OR (newer.created_at = refresh_tokens.created_at AND newer.token_hash > refresh_tokens.token_hash)))
  `.execute(db);
  await db.schema
    .createIndex('refresh_tokens_one_current')
    .on('refresh_tokens')
    .column('family_id')
    .unique()
    .where(sql.ref('rotated_at'), 'is', null)
    .execute();
  await db.schema.alterTable('apps').addColumn('refresh_reuse_window', 'integer').execute();
}
