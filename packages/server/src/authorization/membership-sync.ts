import type { DirectoryStore, ExternalIdentityStore } from '../storage/storage.ts';
import type { Role } from '../storage/types.ts';

export type MembershipSyncStore = Pick<ExternalIdentityStore, 'replaceMemberships'> &
  Pick<DirectoryStore, 'getCompany' | 'pageCompanies'>;

/** One membership as a sign-in source states it: a company reference and a role. */
export interface StatedMembership {
  company: string;
  role: Role;
}

/**
 * Makes the user's memberships exactly `stated` (added, role changed, removed), in one
 * transaction with a `memberships.synced` audit event. A company is found by its external id
 * (the SaaS company's own id, as the operator API sets it) and, with `byId`, else by its
 * Gatehouse id; references that match no company are skipped and returned as `unknown`. The
 * first statement of a company counts.
 */
export async function syncMemberships(
  storage: MembershipSyncStore,
  userId: string,
  stated: readonly StatedMembership[],
  opts: { actor: string; byId: boolean },
): Promise<{ memberships: { companyId: string; role: Role }[]; unknown: string[] }> {
  const wanted = new Map<string, Role>();
  const unknown: string[] = [];
  for (const { company, role } of stated) {
    const byExternal = await storage.pageCompanies({ externalId: company, limit: 1 });
    const companyId =
      byExternal.items[0]?.id ?? (opts.byId ? (await storage.getCompany(company))?.id : undefined);
    if (companyId === undefined) unknown.push(company);
    else if (!wanted.has(companyId)) wanted.set(companyId, role);
  }
  const memberships = [...wanted].map(([companyId, role]) => ({ companyId, role }));
  await storage.replaceMemberships(userId, memberships, {
    audit: {
      companyId: null,
      actor: opts.actor,
      action: 'memberships.synced',
      target: `user:${userId}`,
      data: { memberships },
    },
  });
  return { memberships, unknown };
}
