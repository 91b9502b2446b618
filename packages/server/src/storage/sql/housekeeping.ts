import type { HousekeepingStore, PruneCounts } from '../housekeeping-store.ts';
import type { SqlContext } from './context.ts';
import type { Db } from './tx.ts';

/** How long past their natural end rows are kept, for audits and for replay detection. */
export const RETAIN = {
  /** Cache invalidations: every node has long read them. */
  invalidationsMs: 60 * 60_000,
  /** Consumed or expired codes: a replay within a day still revokes what the code issued. */
  codesMs: 86_400_000,
  /** Delivered or failed webhook deliveries (with their attempts) stay listed for 30 days. */
  deliveriesMs: 30 * 86_400_000,
};

const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);

/**
 * Deletes rows nothing can use any more. Each statement is independent and idempotent, so
 * several nodes may run it at once. Token families go only when expired: their rotated
 * refresh tokens are what detects reuse until then.
 */
async function pruneExpired(db: Db, now: number): Promise<PruneCounts> {
  const sessions = n(await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst());
  const flows = n(
    await db.deleteFrom('authorization_flows').where('expires_at', '<=', now).executeTakeFirst(),
  );
  const codes = n(
    await db
      .deleteFrom('authorization_codes')
      .where('expires_at', '<=', now - RETAIN.codesMs)
      .executeTakeFirst(),
  );
  // refresh_tokens cascade with their family.
  const families = n(await db.deleteFrom('token_families').where('expires_at', '<=', now).executeTakeFirst());
  const accessTokens =
    n(await db.deleteFrom('issued_access_tokens').where('expires_at', '<=', now).executeTakeFirst()) +
    n(await db.deleteFrom('revoked_access_tokens').where('expires_at', '<=', now).executeTakeFirst()) +
    n(await db.deleteFrom('opaque_access_tokens').where('expires_at', '<=', now).executeTakeFirst());
  const revocations = n(await db.deleteFrom('revocations').where('expires_at', '<=', now).executeTakeFirst());
  const invalidations = n(
    await db
      .deleteFrom('invalidations')
      .where('created_at', '<', now - RETAIN.invalidationsMs)
      .executeTakeFirst(),
  );
  const deliveries = n(
    await db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('created_at', '<', now - RETAIN.deliveriesMs)
      .executeTakeFirst(),
  );
  const idempotencyKeys = n(
    await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst(),
  );
  const assertionJtis = n(
    await db.deleteFrom('client_assertion_jtis').where('expires_at', '<=', now).executeTakeFirst(),
  );
  const pushedRequests = n(
    await db.deleteFrom('pushed_authorization_requests').where('expires_at', '<=', now).executeTakeFirst(),
  );
  const dpopProofs = n(await db.deleteFrom('dpop_proofs').where('expires_at', '<=', now).executeTakeFirst());
  const emailTokens = n(
    await db.deleteFrom('email_tokens').where('expires_at', '<=', now).executeTakeFirst(),
  );
  const deviceAuthorizations = n(
    await db
      .deleteFrom('device_authorizations')
      .where('expires_at', '<', now - RETAIN.codesMs)
      .executeTakeFirst(),
  );
  const logouts =
    n(await db.deleteFrom('session_apps').where('expires_at', '<=', now).executeTakeFirst()) +
    n(
      await db
        .deleteFrom('backchannel_logouts')
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', now - RETAIN.deliveriesMs)
        .executeTakeFirst(),
    );
  return {
    sessions,
    flows,
    codes,
    families,
    accessTokens,
    revocations,
    invalidations,
    deliveries,
    idempotencyKeys,
    assertionJtis,
    pushedRequests,
    dpopProofs,
    emailTokens,
    deviceAuthorizations,
    logouts,
  };
}

export class SqlHousekeepingStore implements HousekeepingStore {
  constructor(private readonly ctx: SqlContext) {}

  pruneExpired(now = new Date()) {
    return pruneExpired(this.ctx.db, now.getTime());
  }
}
