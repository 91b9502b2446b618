import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { GrantPageRequest } from '../grant-store.ts';
import type { Page, PageRequest } from '../types.ts';
import { decodeKeyCursor, encodeKeyCursor } from './cursor.ts';
import { toApp, toGrant } from './mappers.ts';
import type { Db } from './tx.ts';

/** Page sizes: 50 unless asked, never more than 200. */
export function pageLimit(req: PageRequest): number {
  return Math.min(Math.max(req.limit ?? 50, 1), 200);
}

/**
 * Newest-first keyset paging over (created_at, id): stable while rows are added. The
 * condition for the rows after a cursor, or none without one; the cursor is validated
 * before it reaches the query (a forged one throws InvalidCursor).
 */
export function afterCursor(cursor: string | undefined): Expression<SqlBool> | undefined {
  if (cursor === undefined) return undefined;
  const c = decodeKeyCursor(cursor);
  return sql<SqlBool>`(created_at < ${c.ms} OR (created_at = ${c.ms} AND id < ${c.id}))`;
}

/** The order keyset pages are read in: by (created_at, id), newest first. */
export const NEWEST_FIRST = sql`created_at DESC, id DESC`;

/** The page out of `limit + 1` rows read newest first, with the cursor for the next one. */
export function toPage<R extends { created_at: number; id: string }, T>(
  rows: R[],
  limit: number,
  map: (r: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(map),
    next: rows.length > limit && last ? encodeKeyCursor(Number(last.created_at), last.id) : null,
  };
}

/**
 * One newest-first page of a filtered query: the rows after the request's cursor, in
 * (created_at, id) order, `limit + 1` read to know whether another page follows.
 */
export async function readPage<DB, TB extends keyof DB, R extends { created_at: number; id: string }, T>(
  query: SelectQueryBuilder<DB, TB, R>,
  req: PageRequest,
  map: (r: R) => T,
): Promise<Page<T>> {
  const limit = pageLimit(req);
  const after = afterCursor(req.cursor);
  const rows = await (after ? query.where(after) : query)
    .orderBy(NEWEST_FIRST)
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, map);
}

export function pageApps(db: Db, companyId: string, req: PageRequest) {
  return readPage(db.selectFrom('apps').selectAll().where('company_id', '=', companyId), req, toApp);
}

export function pageGrants(db: Db, companyId: string, req: GrantPageRequest) {
  let q = db.selectFrom('grants').selectAll().where('company_id', '=', companyId);
  if (req.active === true) q = q.where('revoked_at', 'is', null);
  if (req.active === false) q = q.where('revoked_at', 'is not', null);
  return readPage(q, req, toGrant);
}
