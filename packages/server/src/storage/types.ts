/** Domain records as the services see them. Timestamps are JS Dates; lists are arrays. */

export type Role = 'admin' | 'member';
export type AppType = 'internal' | 'partner';
export type ClientType = 'confidential' | 'public';
export type SigningAlg = 'ES256' | 'RS256' | 'EdDSA';
export type TokenFormat = 'jwt' | 'opaque';
export type GrantDelivery = 'code' | 'company_grant';

export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256', 'EdDSA'];

export interface Company {
  id: string;
  name: string;
  plan: string;
  createdAt: Date;
}

export interface User {
  id: string;
  email: string;
  name: string;
  /** scrypt hash string (see users/password.ts); never leaves the server. */
  passwordHash: string | null;
  createdAt: Date;
}

export interface Membership {
  userId: string;
  companyId: string;
  role: Role;
  createdAt: Date;
}

export interface AppSecret {
  id: string;
  appId: string;
  /** SHA-256 (base64url) of the secret. The secret itself is never stored. */
  secretHash: string;
  last4: string;
  createdAt: Date;
  /** Set when the secret was rotated away: it keeps working until then (grace period). */
  expiresAt: Date | null;
}

export interface App {
  id: string;
  clientId: string;
  companyId: string;
  name: string;
  logoUrl: string | null;
  type: AppType;
  clientType: ClientType;
  grantTypes: string[];
  /** Fixed at creation. No storage method can change it (and a database trigger refuses to). */
  scopes: string[];
  redirectUris: string[];
  tokenTtl: number;
  signingAlg: SigningAlg;
  tokenFormat: TokenFormat;
  grantDelivery: GrantDelivery;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** A later authorization within the granted scopes skips the consent page. Default false. */
  skipConsent: boolean;
  /** Refresh tokens expire after this many seconds unused (default 30 days). */
  refreshIdleTtl: number;
  /** And never live longer than this from the original authorization (default 90 days). */
  refreshAbsoluteTtl: number;
}

/** An app together with the secrets currently accepted for it. */
export interface AppWithSecrets extends App {
  secrets: AppSecret[];
}

export interface Grant {
  id: string;
  /** Public identifier partners name in `x-company-guid`. */
  guid: string;
  appId: string;
  companyId: string;
  scopes: string[];
  grantedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  /** Public JWK as JSON. */
  publicJwk: string;
  /** Private JWK encrypted as a compact JWE under the server secret. */
  privateJwkEncrypted: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

export interface AuditEvent {
  id: string;
  companyId: string | null;
  /** Who did it: `user:<id>`, `cli`, `admin_key:<id>`, `system`. */
  actor: string;
  action: string;
  /** What it was done to, e.g. `app:<id>`. */
  target: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

export type AuditEventInput = Omit<AuditEvent, 'id' | 'createdAt'>;

/** One change another node must hear about to drop a cached entry. */
export interface Invalidation {
  seq: number;
  /** e.g. `client:<client_id>`, `keys`. */
  key: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  next: string | null;
}
