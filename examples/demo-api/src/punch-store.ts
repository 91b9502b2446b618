export interface Punch {
  id: number;
  user_id: number;
  type: 'clock_in' | 'clock_out';
  at: string;
}

const MAX_PER_COMPANY = 1000;
const MAX_COMPANIES = 1000;

/** Time-clock punches in memory, bounded per company and in companies (oldest dropped). */
export class PunchStore {
  private readonly companies = new Map<string, Punch[]>();

  add(companyId: string, userId: number, type: Punch['type'], now = new Date()): Punch | undefined {
    const list = this.companies.get(companyId) ?? [];
    this.companies.delete(companyId);
    this.companies.set(companyId, list);
    for (const key of this.companies.keys()) {
      if (this.companies.size <= MAX_COMPANIES) break;
      this.companies.delete(key);
    }
    if (list.length >= MAX_PER_COMPANY) return undefined;
    const punch: Punch = { id: list.length + 1, user_id: userId, type, at: now.toISOString() };
    list.push(punch);
    return punch;
  }
}
