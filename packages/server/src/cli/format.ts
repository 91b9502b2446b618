import type { App, AppSecret, Company, Membership, SigningKey, User } from '../storage/types.ts';

/**
 * How records look on the CLI's stdout: snake_case JSON like the wire, ISO timestamps,
 * and never a hash, a password hash or a private key.
 */
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export const companyJson = (c: Company) => ({
  id: c.id,
  name: c.name,
  plan: c.plan,
  created_at: iso(c.createdAt),
});

export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  created_at: iso(u.createdAt),
});

export const membershipJson = (m: Membership) => ({
  user_id: m.userId,
  company_id: m.companyId,
  role: m.role,
  created_at: iso(m.createdAt),
});

export const secretJson = (s: AppSecret) => ({
  id: s.id,
  last4: s.last4,
  created_at: iso(s.createdAt),
  expires_at: iso(s.expiresAt),
});

export const appJson = (a: App) => ({
  id: a.id,
  client_id: a.clientId,
  company_id: a.companyId,
  name: a.name,
  type: a.type,
  client_type: a.clientType,
  grant_types: a.grantTypes,
  scopes: a.scopes,
  redirect_uris: a.redirectUris,
  token_ttl: a.tokenTtl,
  signing_alg: a.signingAlg,
  token_format: a.tokenFormat,
  grant_delivery: a.grantDelivery,
  refresh_reuse_window: a.refreshReuseWindow,
  logo_url: a.logoUrl,
  created_at: iso(a.createdAt),
  last_used_at: iso(a.lastUsedAt),
});

export const keyJson = (k: SigningKey) => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  created_at: iso(k.createdAt),
  retired_at: iso(k.retiredAt),
});

/** Aligned columns with a header row; an explicit line when there are no rows. */
export function table(headers: string[], rows: string[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `label: value` lines, labels aligned. */
export function summary(pairs: Array<[string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n');
}

export const when = (d: Date | null) => (d === null ? 'never' : d.toISOString());

/** Said whenever a secret is printed: it exists nowhere else in clear. */
export const SECRET_WARNING =
  'Store the client secret now: Gatehouse keeps only its hash and will not show it again.';
