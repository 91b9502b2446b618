import type { ApiKeyTable } from '../schema.ts';
import type { ApiKeyFields, AuditEventInput } from '../types.ts';
import { type Db, insertAudit } from './tx.ts';

// What admin keys (admin-key-store.ts) and operator keys (operator-key-store.ts) share: the
// columns of a key, its creation and revocation (each with its audit event), and the
// throttled last-used stamp.

type KeyTable = 'admin_keys' | 'operator_keys';

/** A key as its creator hands it over: what the store stamps is left out. */
type NewKey = Omit<ApiKeyFields, 'createdAt' | 'lastUsedAt' | 'revokedAt'>;

/** Last-used stamps are written at most this often per key, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

/** The fields every API key record has, from its row. */
export const keyFields = (r: ApiKeyTable): ApiKeyFields => ({
  id: r.id,
  name: r.name,
  keyHash: r.key_hash,
  last4: r.last4,
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
  lastUsedAt: maybeDate(r.last_used_at),
  revokedAt: maybeDate(r.revoked_at),
});

/**
 * Stores a new key (with the columns of its table beyond the shared ones, `company_id` for
 * an admin key) and its audit event in one step; the record as stored.
 */
export async function insertKey<K extends NewKey>(
  db: Db,
  table: KeyTable,
  key: K,
  columns: { company_id?: string },
  audit?: AuditEventInput,
) {
  const now = Date.now();
  await db
    .insertInto(table)
    .values({
      id: key.id,
      ...columns,
      name: key.name,
      key_hash: key.keyHash,
      last4: key.last4,
      created_by: key.createdBy,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  if (audit) await insertAudit(db, audit, now);
  return { ...key, createdAt: new Date(now), lastUsedAt: null, revokedAt: null };
}

/**
 * Revokes a live key, within one company's keys when `scope` names it (admin keys), with its
 * audit event; false, and nothing audited, when there is no such live key.
 */
export async function revokeKey(
  db: Db,
  table: KeyTable,
  id: string,
  audit: AuditEventInput | undefined,
  scope?: { companyId: string },
): Promise<boolean> {
  const now = Date.now();
  let q = db.updateTable(table).set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null);
  if (scope) q = q.where('company_id', '=', scope.companyId);
  const res = await q.executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  if (audit) await insertAudit(db, audit, now);
  return true;
}

/** Stamps a key's last use, unless it was stamped within the last minute. */
export async function touchKey(
  db: Db,
  table: 'admin_keys' | 'operator_keys',
  id: string,
  at: number,
): Promise<void> {
  await db
    .updateTable(table)
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at - TOUCH_EVERY_MS)]))
    .execute();
}
