import type { AuditFilter, AuditLog } from '../audit-log.ts';
import type { AuditEventInput } from '../types.ts';
import type { SqlContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { toAuditEvent } from './mappers.ts';
import { insertAudit } from './tx.ts';

export class SqlAuditLog implements AuditLog {
  constructor(private readonly ctx: SqlContext) {}

  appendAuditEvent(event: AuditEventInput) {
    return insertAudit(this.ctx.db, event);
  }

  async listAuditEvents(companyId: string | null, filter: AuditFilter = {}) {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    let q = this.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('company_id', companyId === null ? 'is' : '=', companyId);
    if (filter.cursor !== undefined) q = q.where('seq', '<', decodeCursor(filter.cursor));
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (filter.target !== undefined) q = q.where('target', '=', filter.target);
    const rows = await q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toAuditEvent),
      next: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
    };
  }
}
