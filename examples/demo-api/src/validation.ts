import type { NewDemoUser } from './users-store.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = new Set(['admin', 'manager', 'user']);

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t.length >= 1 && t.length <= max ? t : undefined;
}

/** Checks a POST /users/v1/users body. Returns the user or a field-by-field problem list. */
export function parseNewUser(body: unknown): { user: NewDemoUser } | { fields: Record<string, string> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { fields: { body: 'must be a JSON object' } };
  const b = body as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const first = text(b.first_name, 100);
  if (!first) fields.first_name = 'required, 1 to 100 characters';
  const last = text(b.last_name, 100);
  if (!last) fields.last_name = 'required, 1 to 100 characters';
  const email = text(b.email, 254);
  if (!email || !EMAIL.test(email)) fields.email = 'required, a valid email address';
  const role = b.role === undefined ? 'user' : b.role;
  if (typeof role !== 'string' || !ROLES.has(role)) fields.role = 'one of admin, manager, user';
  for (const key of Object.keys(b))
    if (!['first_name', 'last_name', 'email', 'role'].includes(key)) fields[key] = 'unknown field';
  if (Object.keys(fields).length > 0 || !first || !last || !email) return { fields };
  return { user: { first_name: first, last_name: last, email, role: role as NewDemoUser['role'] } };
}
