import type { Membership, User } from './user-service.ts';

/** A user as `gatehouse user ... --json` shows it: never the password hash. */
export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  created_at: u.createdAt.toISOString(),
});

export const membershipJson = (m: Membership) => ({
  user_id: m.userId,
  company_id: m.companyId,
  role: m.role,
  created_at: m.createdAt.toISOString(),
});
