import type { AuditEvent, AuditEventInput, Page } from './types.ts';

export interface AuditFilter {
  action?: string;
  target?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The audit log. Mutations of the other slices write their event through `MutationOptions`,
 * in their own transaction; this appends events that stand alone.
 */
export interface AuditLog {
  appendAuditEvent(event: AuditEventInput): Promise<AuditEvent>;
  /**
   * Newest first: the company's events, or with `null` the operator's events that belong to
   * no company (users, operator keys). Throws InvalidCursor on a cursor this storage did not make.
   */
  listAuditEvents(companyId: string | null, filter?: AuditFilter): Promise<Page<AuditEvent>>;
}
