import type { AssertionReplayStore } from '../assertion-replay-store.ts';
import type { SqlContext } from './context.ts';

/**
 * One INSERT ... ON CONFLICT DO NOTHING: atomic on its own. A row left expired (housekeeping
 * not yet run) is taken over by a conditional UPDATE, itself atomic.
 */
export class SqlAssertionReplayStore implements AssertionReplayStore {
  constructor(private readonly ctx: SqlContext) {}

  async useAssertionJti(clientId: string, jti: string, expiresAt: Date, now = new Date()): Promise<boolean> {
    const db = this.ctx.db;
    const inserted = await db
      .insertInto('client_assertion_jtis')
      .values({ client_id: clientId, jti, expires_at: expiresAt.getTime() })
      .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
      .returning('jti')
      .executeTakeFirst();
    if (inserted !== undefined) return true;
    const revived = await db
      .updateTable('client_assertion_jtis')
      .set({ expires_at: expiresAt.getTime() })
      .where('client_id', '=', clientId)
      .where('jti', '=', jti)
      .where('expires_at', '<=', now.getTime())
      .executeTakeFirst();
    return Number(revived.numUpdatedRows) === 1;
  }
}
