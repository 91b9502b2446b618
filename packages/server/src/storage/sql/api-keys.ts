import type { Db } from './tx.ts';

// What admin keys (admin-key-store.ts) and operator keys (operator-key-store.ts) share: the
// columns of a key and the throttled last-used stamp.

/** Last-used stamps are written at most this often per key, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60_000;

const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

interface KeyRow {
  id: string;
  name: string;
  key_hash: string;
  last4: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** The fields every API key record has, from its row. */
export const keyFields = (r: KeyRow) => ({
  id: r.id,
  name: r.name,
  keyHash: r.key_hash,
  last4: r.last4,
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
  lastUsedAt: maybeDate(r.last_used_at),
  revokedAt: maybeDate(r.revoked_at),
});

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
