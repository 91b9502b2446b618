import type { AuditFilter, AuditLog } from '../storage/storage.ts';
import type { AuditEvent, Page } from '../storage/types.ts';

export type { AuditEvent, AuditFilter };

/**
 * The audit log, read back: who did what to a company's apps, grants, keys and members, and
 * when. Events are written by the services that make the changes, in the change's own
 * transaction (MutationOptions.audit); this reads them for the console, the management API
 * and the CLI.
 */
export class AuditService {
  constructor(private readonly storage: Pick<AuditLog, 'listAuditEvents'>) {}

  /**
   * The company's events (null: the operator's, outside any company), newest first, optionally only one action or one target. A cursor
   * this server did not issue throws InvalidCursor.
   */
  list(companyId: string | null, filter: AuditFilter = {}): Promise<Page<AuditEvent>> {
    return this.storage.listAuditEvents(companyId, filter);
  }
}
