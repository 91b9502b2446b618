import type { AuditEvent } from './audit-service.ts';

/** An audit event as the management API and `gatehouse audit list --json` show it. */
export const auditEventJson = (e: AuditEvent) => ({
  id: e.id,
  actor: e.actor,
  action: e.action,
  target: e.target,
  data: e.data,
  created_at: e.createdAt.toISOString(),
  ...(e.companyDeleted ? { company_deleted: true as const } : {}),
});
