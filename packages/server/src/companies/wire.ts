import type { AdminKey } from './admin-key-service.ts';
import type { Company } from './company-service.ts';
import type { OperatorKey } from './operator-key-service.ts';

/** A company as the management API and `gatehouse company ... --json` show it. */
export const companyJson = (c: Company) => ({
  id: c.id,
  name: c.name,
  plan: c.plan,
  external_id: c.externalId,
  created_at: c.createdAt.toISOString(),
});

/**
 * An admin key as the management API and `gatehouse admin-key ... --json` show it: never the
 * key itself nor its hash. The management API's response schema leaves out `company_id`
 * (there it is always the caller's own company).
 */
export const adminKeyJson = (k: AdminKey) => ({ ...operatorKeyJson(k), company_id: k.companyId });

/** An operator key as the operator API and `gatehouse operator-key ... --json` show it (so, too, an admin key's common fields). */
export const operatorKeyJson = (k: OperatorKey | AdminKey) => ({
  id: k.id,
  name: k.name,
  last4: k.last4,
  created_by: k.createdBy,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
});
