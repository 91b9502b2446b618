import type { RefreshToken, RotateRefreshResult, TokenFamily } from '../authorization-types.ts';
import type { FoundRefreshToken, RotateRefreshOptions } from '../token-store.ts';
import { insertIssued, insertRefresh, revokeFamily, selectRefresh, toRefresh } from './tokens.ts';
import type { Db } from './tx.ts';
import { enqueueEvents } from './webhooks.ts';

type Next = { tokenHash: string; expiresAt: Date | ((family: TokenFamily) => Date) };

/**
 * Rotates a refresh token, in the caller's transaction (see TokenStore.rotateRefreshToken for
 * the contract). The family's row is the arbiter: every rotation takes it first (a no-op
 * write), so the rotations of one family run one after the other on PostgreSQL too (a second
 * waits for the first to commit, then re-reads the token), and a revocation committing
 * meanwhile cannot miss the access token recorded here. The partial unique index
 * `refresh_tokens_one_current` (migration 009) backs the rule that a family has at most one
 * current token.
 *
 * `snapshot` (SQLite): the transaction's reads are one consistent snapshot, and its first
 * write fails (SQLITE_BUSY_SNAPSHOT) if any other writer committed since; SQLite then holds
 * its single write lock to the end. So the first read already is what the family's row would
 * show, and neither the no-op write nor the second read is needed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export async function rotateRefresh(
  db: Db,
  oldHash: string,
  next: Next,
  now: number,
  opts: RotateRefreshOptions = {},
  snapshot = false,
): Promise<RotateRefreshResult> {
  const found = await selectRefresh(db, oldHash);
  if (!found) return { status: 'invalid' };
  const { family } = found;
  if (opts.appId !== undefined && family.appId !== opts.appId) return { status: 'foreign' };
  if (opts.accept && !opts.accept(found)) return { status: 'refused', token: found.token, family };
  if (opts.requireActiveGrant && !found.grant?.active) {
    await revokeFamily(db, family.id, now);
    return { status: 'grant-revoked', familyId: family.id };
  }
  if (!(snapshot ? family.revokedAt === null : await holdFamily(db, family.id))) {
    // Revoked already: a retired token reports nothing more (the first detection did).
    if (found.token.rotatedAt === null) return { status: 'invalid' };
    await revokeFamily(db, family.id, now);
    return { status: 'reused', familyId: family.id };
  }
  let token = found.token;
  let successor = found.successorHash;
  if (!snapshot) {
    // Read again under the family's row: a rotation that committed while this one waited shows now.
    const row = await db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', oldHash)
      .executeTakeFirst();
    if (!row) return { status: 'invalid' };
    token = toRefresh(row);
    successor = row.successor_hash;
  }
  if (token.rotatedAt === null) {
    if (token.expiresAt.getTime() <= now || family.expiresAt.getTime() <= now) return { status: 'invalid' };
    if (!(await retire(db, oldHash, now, next.tokenHash))) return reuse(db, found, now, opts);
    await issue(db, family, token, next, now, opts);
    return { status: 'rotated', family, previous: token };
  }
  if (
    successor !== null &&
    withinWindow(token, family, now, opts.reuseWindowMs) &&
    (await current(db, successor, now))
  ) {
    // The successor never reached its holder, or another tab holds it: the new token replaces
    // it, so the family still has exactly one current token, and the window does not restart.
    if (!(await retire(db, successor, now, null))) return reuse(db, found, now, opts);
    await db
      .updateTable('refresh_tokens')
      .set({ successor_hash: next.tokenHash })
      .where('token_hash', '=', oldHash)
      .execute();
    await issue(db, family, token, next, now, opts);
    return { status: 'retried', family, previous: token, superseded: successor };
  }
  return reuse(db, found, now, opts);
}

/** Revokes the family; only the first detection reports (later replays find it revoked). */
async function reuse(
  db: Db,
  found: FoundRefreshToken,
  now: number,
  opts: RotateRefreshOptions,
): Promise<RotateRefreshResult> {
  const familyId = found.family.id;
  if ((await revokeFamily(db, familyId, now)) && opts.eventsOnReuse) {
    const events = typeof opts.eventsOnReuse === 'function' ? opts.eventsOnReuse(found) : opts.eventsOnReuse;
    await enqueueEvents(db, events, now);
  }
  return { status: 'reused', familyId };
}

/** Takes the family's row for this transaction; false when the family is revoked. */
async function holdFamily(db: Db, familyId: string): Promise<boolean> {
  const res = await db
    .updateTable('token_families')
    .set((eb) => ({ revoked_at: eb.ref('revoked_at') }))
    .where('id', '=', familyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Measured from the token's own rotation, which a retry does not move: a retry of a retry gets
 * no longer than the first. A rotation stamped a little after `now` (a concurrent caller whose
 * clock was read first, or another node's clock) counts as within the window.
 */
function withinWindow(token: RefreshToken, family: TokenFamily, now: number, windowMs = 0): boolean {
  const rotatedAt = token.rotatedAt?.getTime();
  if (rotatedAt === undefined || !(windowMs > 0)) return false;
  return now - rotatedAt < windowMs && family.expiresAt.getTime() > now;
}

async function current(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['rotated_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row !== undefined && row.rotated_at === null && Number(row.expires_at) > now;
}

/**
 * Marks the token retired, recording what replaces it. `successor` null marks a token
 * superseded by a retry: it was never the predecessor of the current token, so presenting it
 * again is reuse.
 */
async function retire(db: Db, tokenHash: string, now: number, successor: string | null): Promise<boolean> {
  // Conditional although the family's row is held: should anything retire tokens without
  // taking it, this caller loses as a reuse rather than forking the family.
  const res = await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: now, successor_hash: successor })
    .where('token_hash', '=', tokenHash)
    .where('rotated_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

async function issue(
  db: Db,
  family: TokenFamily,
  from: RefreshToken,
  next: Next,
  now: number,
  opts: RotateRefreshOptions,
) {
  const expiresAt = typeof next.expiresAt === 'function' ? next.expiresAt(family) : next.expiresAt;
  await insertRefresh(
    db,
    { tokenHash: next.tokenHash, familyId: family.id, scopes: from.scopes, expiresAt },
    now,
  );
  // The family row is held unrevoked by this transaction (see holdFamily).
  if (opts.accessToken) await insertIssued(db, family.id, opts.accessToken);
}
