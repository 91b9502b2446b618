import { MAX_ACCESS_TOKEN_TTL_MS, revocationHash } from '../../tokens/revocation-keys.ts';
import type { Revocation, RevocationInput } from '../types.ts';
import { type Db, invalidate } from './tx.ts';

/**
 * Transactions (or connections) that appended to the feed: the storage class checks this
 * after commit to tell in-process listeners (SqlContext.revoking).
 */
export const wroteRevocations = new WeakSet<Db>();

/** Appends entries to the revocation feed in the caller's transaction. */
export async function insertRevocations(
  db: Db,
  entries: readonly RevocationInput[] | undefined,
  now = Date.now(),
) {
  if (!entries || entries.length === 0) return;
  wroteRevocations.add(db);
  await db
    .insertInto('revocations')
    .values(
      entries.map((e) => ({
        kind: e.kind,
        key_hash: e.hash,
        expires_at: e.expiresAt.getTime(),
        created_at: now,
      })),
    )
    .execute();
  // Wakes every node's feed within its invalidation poll interval.
  await invalidate(db, ['revocations'], now);
}

export async function selectRevocationsSince(db: Db, seq: number, limit: number, now = Date.now()) {
  const rows = await db
    .selectFrom('revocations')
    .selectAll()
    .where('seq', '>', seq)
    .where('expires_at', '>', now)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(
    (r): Revocation => ({
      seq: Number(r.seq),
      kind: r.kind,
      hash: r.key_hash,
      expiresAt: new Date(Number(r.expires_at)),
    }),
  );
}

/** A revoked grant kills tokens carrying its id and every use of its GUID. */
export function grantRevocations(grantId: string, guid: string, now: number): RevocationInput[] {
  const expiresAt = new Date(now + MAX_ACCESS_TOKEN_TTL_MS);
  return [
    { kind: 'grant', hash: revocationHash('grant', grantId), expiresAt },
    { kind: 'guid', hash: revocationHash('guid', guid), expiresAt },
  ];
}
