import type { ExpressionBuilder, Selectable } from 'kysely';
import type { IdempotencyStore } from '../idempotency-store.ts';
import type {
  IdempotencyBegin,
  IdempotencyRecord,
  IdempotencyScope,
  IdempotentAnswer,
  IdempotentRequest,
} from '../idempotency-types.ts';
import type { Database } from '../schema.ts';
import type { SqlContext } from './context.ts';
import type { Db } from './tx.ts';

type Row = Selectable<Database['idempotency_keys']>;

const toRecord = (r: Row): IdempotencyRecord => ({
  fingerprint: r.fingerprint,
  status: r.status === null ? null : Number(r.status),
  response: r.response,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

const scoped = (db: Db, s: IdempotencyScope) =>
  db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('company_id', '=', s.companyId)
    .where('caller', '=', s.caller)
    .where('key_hash', '=', s.keyHash);

/** The record of this scope that `leaseId` holds in flight (not answered yet). */
const heldBy =
  (s: IdempotencyScope, leaseId: string) => (eb: ExpressionBuilder<Database, 'idempotency_keys'>) =>
    eb.and([
      eb('company_id', '=', s.companyId),
      eb('caller', '=', s.caller),
      eb('key_hash', '=', s.keyHash),
      eb('lease_id', '=', leaseId),
      eb('status', 'is', null),
    ]);

/**
 * Claims the key for `req`. Each statement is atomic on its own, so no transaction is needed
 * and exactly one concurrent caller wins: the INSERT (ON CONFLICT DO NOTHING) for a new key,
 * or the conditional UPDATE for a record that is dead (past its expiry, or in flight past its
 * lease). A caller that wins neither gets the live record. A record can vanish between the
 * statements (housekeeping), hence the bounded retry.
 */
async function beginRequest(db: Db, req: IdempotentRequest, now: number): Promise<IdempotencyBegin> {
  const fresh = {
    fingerprint: req.fingerprint,
    lease_id: req.leaseId,
    lease_expires_at: req.leaseUntil.getTime(),
    status: null,
    response: null,
    created_at: now,
    expires_at: req.expiresAt.getTime(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ company_id: req.companyId, caller: req.caller, key_hash: req.keyHash, ...fresh })
      .onConflict((oc) => oc.columns(['company_id', 'caller', 'key_hash']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { outcome: 'started' };
    const taken = await db
      .updateTable('idempotency_keys')
      .set(fresh)
      .where('company_id', '=', req.companyId)
      .where('caller', '=', req.caller)
      .where('key_hash', '=', req.keyHash)
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now),
          eb.and([eb('status', 'is', null), eb('lease_expires_at', '<=', now)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) return { outcome: 'started' };
    const row = await scoped(db, req).executeTakeFirst();
    if (row) return { outcome: 'held', record: toRecord(row) };
  }
  throw new Error('idempotency key: the record kept changing under three attempts');
}

/** Stores the answer, if `leaseId` still holds the key in flight. False when it does not. */
async function completeRequest(
  db: Db,
  s: IdempotencyScope,
  leaseId: string,
  answer: IdempotentAnswer,
): Promise<boolean> {
  const res = await db
    .updateTable('idempotency_keys')
    .set({ status: answer.status, response: answer.response, lease_expires_at: null })
    .where(heldBy(s, leaseId))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Frees the key of a request whose answer is not kept, if `leaseId` still holds it. */
async function releaseRequest(db: Db, s: IdempotencyScope, leaseId: string): Promise<boolean> {
  const res = await db.deleteFrom('idempotency_keys').where(heldBy(s, leaseId)).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly ctx: SqlContext) {}

  beginIdempotentRequest(req: IdempotentRequest, now = new Date()) {
    return beginRequest(this.ctx.db, req, now.getTime());
  }

  completeIdempotentRequest(scope: IdempotencyScope, leaseId: string, answer: IdempotentAnswer) {
    return completeRequest(this.ctx.db, scope, leaseId, answer);
  }

  releaseIdempotentRequest(scope: IdempotencyScope, leaseId: string) {
    return releaseRequest(this.ctx.db, scope, leaseId);
  }
}
