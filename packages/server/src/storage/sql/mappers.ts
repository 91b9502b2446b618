import type { Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type {
  App,
  AppSecret,
  AppType,
  AuditEvent,
  ClientType,
  Company,
  Grant,
  GrantDelivery,
  JwkSet,
  Membership,
  Role,
  ScopePolicy,
  SigningAlg,
  SigningKey,
  TokenEndpointAuthMethod,
  TokenExchangePolicy,
  TokenFormat,
  User,
} from '../types.ts';

type Row<T extends keyof Database> = Selectable<Database[T]>;

const date = (ms: number) => new Date(Number(ms));
const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
export const splitScopes = (s: string) => (s === '' ? [] : s.split(' '));

export const toCompany = (r: Row<'companies'>): Company => ({
  id: r.id,
  name: r.name,
  plan: r.plan,
  externalId: r.external_id ?? null,
  createdAt: date(r.created_at),
});

export const toUser = (r: Row<'users'>): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  externalId: r.external_id ?? null,
  disabledAt: r.disabled_at == null ? null : date(r.disabled_at),
  emailVerifiedAt: r.email_verified_at == null ? null : date(r.email_verified_at),
  createdAt: date(r.created_at),
});

export const toMembership = (r: Row<'memberships'>): Membership => ({
  userId: r.user_id,
  companyId: r.company_id,
  role: r.role as Role,
  createdAt: date(r.created_at),
});

export const toApp = (r: Row<'apps'>): App => ({
  id: r.id,
  clientId: r.client_id,
  companyId: r.company_id,
  name: r.name,
  logoUrl: r.logo_url,
  type: r.type as AppType,
  clientType: r.client_type as ClientType,
  grantTypes: JSON.parse(r.grant_types) as string[],
  scopes: splitScopes(r.scopes),
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  tokenTtl: Number(r.token_ttl),
  signingAlg: r.signing_alg as SigningAlg,
  tokenFormat: r.token_format as TokenFormat,
  grantDelivery: r.grant_delivery as GrantDelivery,
  createdAt: date(r.created_at),
  lastUsedAt: maybeDate(r.last_used_at),
  scopePolicy: r.scope_policy as ScopePolicy,
  skipConsent: Number(r.skip_consent) === 1,
  autoConsent: Number(r.auto_consent) === 1,
  refreshIdleTtl: Number(r.refresh_idle_ttl),
  refreshAbsoluteTtl: Number(r.refresh_absolute_ttl),
  refreshReuseWindow: r.refresh_reuse_window === null ? null : Number(r.refresh_reuse_window),
  tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
  jwks: r.jwks === null ? null : (JSON.parse(r.jwks) as JwkSet),
  jwksUri: r.jwks_uri,
  requirePushedAuthorizationRequests: Number(r.require_pushed_authorization_requests) === 1,
  dpopBoundAccessTokens: Number(r.dpop_bound_access_tokens) === 1,
  useDpopNonce: Number(r.use_dpop_nonce) === 1,
  postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris ?? '[]') as string[],
  backchannelLogoutUri: r.backchannel_logout_uri ?? null,
  tokenExchange: r.token_exchange === null ? null : (JSON.parse(r.token_exchange) as TokenExchangePolicy),
});

export const toSecret = (r: Row<'app_secrets'>): AppSecret => ({
  id: r.id,
  appId: r.app_id,
  secretHash: r.secret_hash,
  last4: r.last4,
  createdAt: date(r.created_at),
  expiresAt: maybeDate(r.expires_at),
  secretSealed: r.secret_sealed,
});

export const toGrant = (r: Row<'grants'>): Grant => ({
  id: r.id,
  guid: r.guid,
  appId: r.app_id,
  companyId: r.company_id,
  scopes: splitScopes(r.scopes),
  grantedBy: r.granted_by,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
  revokedAt: maybeDate(r.revoked_at),
  lastUsedAt: maybeDate(r.last_used_at),
});

export const toSigningKey = (r: Row<'signing_keys'>): SigningKey => ({
  kid: r.kid,
  alg: r.alg as SigningAlg,
  publicJwk: r.public_jwk,
  privateJwkEncrypted: r.private_jwk_encrypted,
  status: r.status as SigningKey['status'],
  createdAt: date(r.created_at),
  activatesAt: maybeDate(r.activates_at),
  retiredAt: maybeDate(r.retired_at),
});

export const toAuditEvent = (r: Row<'audit_events'>): AuditEvent => ({
  id: r.id,
  companyId: r.company_id,
  actor: r.actor,
  action: r.action,
  target: r.target,
  data: JSON.parse(r.data) as Record<string, unknown>,
  createdAt: date(r.created_at),
  ...(r.company_deleted_at == null ? {} : { companyDeleted: true as const }),
});
