import type { Membership, User } from './user-service.ts';

/** A user as the operator API and `gatehouse user ... --json` show it: never the password hash. */
export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  external_id: u.externalId,
  email_verified: u.emailVerifiedAt !== null,
  has_password: u.passwordHash !== null,
  disabled: u.disabledAt !== null,
  disabled_at: u.disabledAt?.toISOString() ?? null,
  created_at: u.createdAt.toISOString(),
});

export const membershipJson = (m: Membership) => ({
  user_id: m.userId,
  company_id: m.companyId,
  role: m.role,
  created_at: m.createdAt.toISOString(),
});
