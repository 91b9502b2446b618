/** Domain records as the services see them. Timestamps are JS Dates; lists are arrays. */

export type Role = 'admin' | 'member';
export type AppType = 'internal' | 'partner';
export type ClientType = 'confidential' | 'public';
export type SigningAlg = 'ES256' | 'RS256' | 'EdDSA';
export type TokenFormat = 'jwt' | 'opaque';
export type GrantDelivery = 'code' | 'company_grant';
/**
 * A request for scopes beyond the app's: `strict` refuses it (invalid_scope), `narrow`
 * grants the part the app holds (Culture Amp: "the token inherits the permissions of the credential").
 */
export type ScopePolicy = 'strict' | 'narrow';

/**
 * How an app authenticates at the token, introspection and revocation endpoints (RFC 7591 2):
 * one method per app. `client_secret_basic` and `client_secret_post` both present the secret
 * itself, and an app registered with either accepts both.
 */
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];

/** A JSON Web Key Set (RFC 7517 5) of public keys, as an app registers it. */
export interface JwkSet {
  keys: Array<Record<string, unknown>>;
}

export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256', 'EdDSA'];

export interface Company {
  id: string;
  name: string;
  plan: string;
  /** The SaaS company's own id for it, unique among companies; null when not set. */
  externalId: string | null;
  createdAt: Date;
}

export interface User {
  id: string;
  email: string;
  name: string;
  /** scrypt hash string (see users/password.ts); never leaves the server. */
  passwordHash: string | null;
  /** The SaaS company's own id for them, unique among users; null when not set. */
  externalId: string | null;
  /** Set while the user is disabled: they cannot sign in. */
  disabledAt: Date | null;
  /** When the e-mail address was verified; null while it is not (a changed address is not). */
  emailVerifiedAt: Date | null;
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
  /**
   * client_secret_jwt only: the secret sealed under the server secret, since verifying an
   * HMAC needs the raw value. Null for every other app's secrets (only the hash is kept).
   */
  secretSealed: string | null;
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
  scopePolicy: ScopePolicy;
  /** A later authorization within the granted scopes skips the consent page. Default false. */
  skipConsent: boolean;
  /** Internal apps only: their own company's admins are not shown the consent page (a grant is still recorded). */
  autoConsent: boolean;
  /** Refresh tokens expire after this many seconds unused (default 30 days). */
  refreshIdleTtl: number;
  /** And never live longer than this from the original authorization (default 90 days). */
  refreshAbsoluteTtl: number;
  /**
   * Seconds after a rotation during which presenting the token just rotated away (while its
   * successor is unused) gets a fresh pair instead of revoking the family; 0 turns it off.
   * Null follows the server's `GATEHOUSE_REFRESH_REUSE_WINDOW` (docs/tokens.md).
   */
  refreshReuseWindow: number | null;
  /** The one way the app authenticates (docs/client-authentication.md). */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** private_key_jwt: the app's public keys, inline; or null when it gives `jwksUri`. */
  jwks: JwkSet | null;
  /** private_key_jwt: where the app publishes its public keys (fetched, cached). */
  jwksUri: string | null;
  /** RFC 9126 6: the authorization endpoint accepts only pushed requests from this app. */
  requirePushedAuthorizationRequests: boolean;
  /** The token endpoint refuses token requests without a DPoP proof (RFC 9449 5.2). Default false. */
  dpopBoundAccessTokens: boolean;
  /** DPoP proofs must carry a nonce from the server (RFC 9449 8). Default false. */
  useDpopNonce: boolean;
  /**
   * Where the end-session endpoint may send the browser after logout (exact match; OIDC
   * RP-Initiated Logout 1.0 section 3). Default none.
   */
  postLogoutRedirectUris: string[];
  /** Where logout tokens are POSTed (OIDC Back-Channel Logout 1.0 section 2.2); null: none. */
  backchannelLogoutUri: string | null;
  /**
   * Who this app may exchange tokens for (RFC 8693, docs/flows/token-exchange.md); null for an
   * app that does not exchange. Only with the token-exchange grant type.
   */
  tokenExchange: TokenExchangePolicy | null;
}

/** Whether an exchange may, or must, come with an actor token (RFC 8693 2.1 `actor_token`). */
export type ActorTokenRule = 'forbidden' | 'allowed' | 'required';
export const ACTOR_TOKEN_RULES: readonly ActorTokenRule[] = ['forbidden', 'allowed', 'required'];

/**
 * What an app allowed `urn:ietf:params:oauth:grant-type:token-exchange` may exchange: the
 * resources (RFC 8707 URIs of the scope catalog) the new tokens may be for, the client_ids
 * whose tokens it may present as subject tokens (null: any client's), and the actor-token rule.
 */
export interface TokenExchangePolicy {
  allowedResources: string[];
  allowedSubjectClients: string[] | null;
  actorToken: ActorTokenRule;
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
  status: SigningKeyStatus;
  createdAt: Date;
  /**
   * For a `next` key, when it is to become the signing key; for the others, when it became
   * the signing key (null only on rows written outside Gatehouse).
   */
  activatesAt: Date | null;
  retiredAt: Date | null;
}

/**
 * `next`: published in the JWKS, not yet signing (pre-publication); `active`: signs;
 * `retired`: published until every token it signed has expired, then deleted.
 */
export type SigningKeyStatus = 'next' | 'active' | 'retired';

export interface AuditEvent {
  id: string;
  companyId: string | null;
  /** Who did it: `user:<id>`, `cli`, `admin_key:<id>`, `operator_key:<id>`, `system`. */
  actor: string;
  action: string;
  /** What it was done to, e.g. `app:<id>`. */
  target: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  /** Present on the events of a company since deleted: its audit log is kept, marked. */
  companyDeleted?: true;
}

export type AuditEventInput = Omit<AuditEvent, 'id' | 'createdAt' | 'companyDeleted'>;

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

/** Events Gatehouse reports to webhook endpoints. */
export const WEBHOOK_EVENT_TYPES = [
  'authorization.granted',
  'authorization.revoked',
  'app.updated',
  'app.secret_rotated',
  'app.deleted',
  'refresh_token.reuse_detected',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A change to report, written to the outbox in the change's own transaction. */
export interface DomainEventInput {
  type: WebhookEventType;
  /** Companies whose endpoints hear of it (e.g. the granting company and the app's owner). */
  companyIds: string[];
  /** The app it concerns; an endpoint pinned to another app does not hear of it. */
  appId: string | null;
  data: Record<string, unknown>;
}

export interface WebhookEndpoint {
  id: string;
  companyId: string;
  /** When set, only events about this app (a partner app's own endpoint). */
  appId: string | null;
  url: string;
  /** Subscribed event types; `*` for all. */
  events: string[];
  description: string;
  /** Signing secret sealed under the server secret (HMAC needs the raw value to sign). */
  secretEncrypted: string;
  secretLast4: string;
  createdAt: Date;
  disabledAt: Date | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  /** Also the `webhook-id` header: stable across retries, so receivers can deduplicate. */
  id: string;
  endpointId: string;
  companyId: string;
  eventType: string;
  /** The exact JSON body sent on every attempt. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface WebhookAttempt {
  id: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One entry of the revocation feed. */
export interface Revocation {
  seq: number;
  kind: string;
  /** SHA-256 (base64url) of `kind:value`; see tokens/revocation-keys.ts. */
  hash: string;
  /** After this no live token can carry the key; the entry may be dropped. */
  expiresAt: Date;
}

export interface RevocationInput {
  kind: 'client' | 'grant' | 'guid' | 'jti' | 'family';
  hash: string;
  expiresAt: Date;
}

/** A logo uploaded for an app: PNG or JPEG bytes checked on upload, served from Gatehouse. */
export interface AppLogo {
  id: string;
  companyId: string;
  contentType: 'image/png' | 'image/jpeg';
  bytes: Uint8Array;
  /** SHA-256 (base64url) of the bytes: the ETag. */
  sha256: string;
  width: number;
  height: number;
  createdAt: Date;
}

/** What every API key record holds. Only the key's SHA-256 and last four are kept. */
export interface ApiKeyFields {
  id: string;
  name: string;
  /** SHA-256 (base64url) of the key; never leaves the server. */
  keyHash: string;
  last4: string;
  /** Who created it: `cli`, or the caller (`user:<id>`, `admin_key:<id>`, `operator_key:<id>`). */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A company-scoped key for the management API. */
export interface AdminKey extends ApiKeyFields {
  companyId: string;
}

/** A key of the operator API, which manages every company. */
export type OperatorKey = ApiKeyFields;

/** Where a cursor-paged list starts and how much it returns. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}
