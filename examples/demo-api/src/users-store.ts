import { createHash } from 'node:crypto';

export interface DemoUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: 'admin' | 'manager' | 'user';
  created_at: string;
}

export type NewDemoUser = Pick<DemoUser, 'first_name' | 'last_name' | 'email' | 'role'>;

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Radia', 'Ken', 'Margaret'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Liskov',
  'Dijkstra',
  'Allen',
  'Knuth',
  'Perlman',
  'Thompson',
  'Hamilton',
];
const ROLES: DemoUser['role'][] = ['admin', 'manager', 'user', 'user', 'user'];
const SEEDED_AT = '2024-01-01T00:00:00.000Z';

/** Most users one company may hold, so the demo cannot be used to fill memory. */
export const MAX_USERS_PER_COMPANY = 1000;
/** Companies kept in memory; the least recently used is dropped (and reseeded if it returns). */
export const MAX_COMPANIES = 1000;

interface CompanyUsers {
  nextId: number;
  users: Map<number, DemoUser>;
}

/**
 * The demo's user directory: in memory, one per company (the token's `company_id`). A
 * company's first request seeds five users derived from its id, so every run and every
 * node shows the same people for the same company.
 */
export class UsersStore {
  private readonly companies = new Map<string, CompanyUsers>();

  list(companyId: string): DemoUser[] {
    return [...this.company(companyId).users.values()];
  }

  /** The new user, or why not: a user with this email (case-insensitive) exists, or the company is full. */
  create(companyId: string, input: NewDemoUser, now = new Date()): DemoUser | 'duplicate' | 'full' {
    const c = this.company(companyId);
    const email = input.email.toLowerCase();
    for (const u of c.users.values()) if (u.email.toLowerCase() === email) return 'duplicate';
    if (c.users.size >= MAX_USERS_PER_COMPANY) return 'full';
    const user: DemoUser = { id: c.nextId++, ...input, created_at: now.toISOString() };
    c.users.set(user.id, user);
    return user;
  }

  delete(companyId: string, id: number): boolean {
    return this.company(companyId).users.delete(id);
  }

  private company(companyId: string): CompanyUsers {
    const existing = this.companies.get(companyId);
    if (existing) {
      this.companies.delete(companyId);
      this.companies.set(companyId, existing);
      return existing;
    }
    const seeded = seed(companyId);
    this.companies.set(companyId, seeded);
    for (const key of this.companies.keys()) {
      if (this.companies.size <= MAX_COMPANIES) break;
      this.companies.delete(key);
    }
    return seeded;
  }
}

function seed(companyId: string): CompanyUsers {
  const digest = createHash('sha256').update(companyId).digest();
  const users = new Map<number, DemoUser>();
  for (let i = 0; i < 5; i++) {
    const first = FIRST[(digest[i] ?? 0) % FIRST.length] ?? 'Ada';
    const last = LAST[(digest[i + 5] ?? 0) % LAST.length] ?? 'Lovelace';
    const id = 1000 + i + 1;
    users.set(id, {
      id,
      first_name: first,
      last_name: last,
      email: `${first}.${last}.${id}@example.com`.toLowerCase(),
      role: ROLES[i] ?? 'user',
      created_at: SEEDED_AT,
    });
  }
  return { nextId: 1006, users };
}
