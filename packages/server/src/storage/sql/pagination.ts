import type { Page, PageRequest } from '../types.ts';
import { decodeKeyCursor, encodeKeyCursor } from './cursor.ts';
import { toApp, toGrant } from './mappers.ts';
import type { Db } from './tx.ts';

/** Page sizes: 50 unless asked, never more than 200. */
export function pageLimit(req: PageRequest): number {
  return Math.min(Math.max(req.limit ?? 50, 1), 200);
}

/**
 * Newest-first keyset paging over (created_at, id): stable while rows are added, and a
 * cursor is validated before it reaches the query (a forged one throws InvalidCursor).
 */
function after(cursor: string | undefined) {
  return cursor === undefined ? undefined : decodeKeyCursor(cursor);
}

function finish<R extends { created_at: number; id: string }, T>(
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

export async function pageApps(db: Db, companyId: string, req: PageRequest) {
  const limit = pageLimit(req);
  const c = after(req.cursor);
  let q = db.selectFrom('apps').selectAll().where('company_id', '=', companyId);
  if (c)
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', c.ms), eb.and([eb('created_at', '=', c.ms), eb('id', '<', c.id)])]),
    );
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return finish(rows, limit, toApp);
}

export async function pageGrants(db: Db, companyId: string, req: PageRequest & { active?: boolean }) {
  const limit = pageLimit(req);
  const c = after(req.cursor);
  let q = db.selectFrom('grants').selectAll().where('company_id', '=', companyId);
  if (req.active === true) q = q.where('revoked_at', 'is', null);
  if (req.active === false) q = q.where('revoked_at', 'is not', null);
  if (c)
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', c.ms), eb.and([eb('created_at', '=', c.ms), eb('id', '<', c.id)])]),
    );
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return finish(rows, limit, toGrant);
}
