import { DomainError } from '../errors.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { Company, Membership } from '../storage/types.ts';

/** What a plan unlocks. PERSCOM, for one, offers OAuth only on its Enterprise plan. */
export interface PlanRules {
  /** Plans whose admins may create OAuth apps. `GATEHOUSE_PLANS_CREATE_APPS`. */
  createApps: string[];
  /** Plans whose admins may grant apps access to the company. `GATEHOUSE_PLANS_GRANT_ACCESS`. */
  grantAccess: string[];
}

export const DEFAULT_PLAN_RULES: PlanRules = {
  createApps: ['pro', 'enterprise'],
  grantAccess: ['pro', 'enterprise'],
};

/** 403 with a stable code; the console renders it as a page, the API as JSON. */
export class PlanRequired extends DomainError {
  constructor(
    readonly feature: keyof PlanRules,
    readonly plans: string[],
  ) {
    super(
      'plan_required',
      `${feature === 'createApps' ? 'Creating OAuth apps' : 'Granting apps access'} needs the ${plans.join(' or ')} plan`,
      403,
    );
  }
}

/** 403 for a member who tries what only a company admin may do. */
export class AdminRequired extends DomainError {
  constructor() {
    super('admin_required', 'only company admins can do this', 403);
  }
}

/** Plan gating and role checks, shared by the console, the management API and the authorize flow. */
export class AccessPolicy {
  constructor(
    private readonly storage: DirectoryStore,
    readonly rules: PlanRules,
  ) {}

  planAllows(company: Pick<Company, 'plan'>, feature: keyof PlanRules): boolean {
    return this.rules[feature].includes(company.plan);
  }

  /** Throws PlanRequired unless the company's plan unlocks the feature. */
  async requirePlan(companyId: string, feature: keyof PlanRules): Promise<void> {
    const company = await this.storage.getCompany(companyId);
    if (company && !this.planAllows(company, feature)) throw new PlanRequired(feature, this.rules[feature]);
  }

  /** The user's membership, or undefined when they do not belong to the company. */
  membership(userId: string, companyId: string): Promise<Membership | undefined> {
    return this.storage.getMembership(userId, companyId);
  }

  /** Throws AdminRequired unless the user is an admin of the company. */
  async requireAdmin(userId: string, companyId: string): Promise<void> {
    const m = await this.storage.getMembership(userId, companyId);
    if (m?.role !== 'admin') throw new AdminRequired();
  }
}
