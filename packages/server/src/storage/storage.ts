import type {
  AuthorizationCode,
  AuthorizationFlow,
  ConsumeCodeResult,
  FamilyIssue,
  OpaqueAccessToken,
  RefreshToken,
  RevokedAccessToken,
  RotateRefreshResult,
  Session,
  TokenFamily,
} from './authorization-types.ts';
import type {
  IdempotencyBegin,
  IdempotencyScope,
  IdempotentAnswer,
  IdempotentRequest,
} from './idempotency-types.ts';
import type { PruneCounts } from './sql/housekeeping.ts';
import type { AttemptOutcome } from './sql/webhooks.ts';

export type { PruneCounts };

import type {
  AdminKey,
  App,
  AppLogo,
  AppSecret,
  AppWithSecrets,
  AuditEvent,
  AuditEventInput,
  Company,
  DeliveryStatus,
  DomainEventInput,
  Grant,
  Invalidation,
  Membership,
  Page,
  PageRequest,
  Revocation,
  RevocationInput,
  Role,
  SigningKey,
  User,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from './types.ts';

export type { AttemptOutcome };

export interface NewApp extends Omit<App, 'createdAt' | 'lastUsedAt'> {}
export interface NewAppSecret extends Omit<AppSecret, 'createdAt' | 'expiresAt' | 'appId'> {}

/** Options every mutating method accepts so the change and its audit record commit together. */
export interface MutationOptions {
  audit?: AuditEventInput;
  /** Webhook events, enqueued to the outbox in the same transaction as the change. */
  events?: DomainEventInput[];
}

export interface DeliveryFilter {
  endpointId?: string;
  status?: DeliveryStatus;
  limit?: number;
  cursor?: string;
}

export interface AuditFilter {
  action?: string;
  target?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Everything Gatehouse persists, named after the domain. Services call these; nothing
 * else talks SQL. Every method that can be scoped to a company takes the company id,
 * so that a tenant can never reach another tenant's rows by id alone.
 *
 * Methods documented as atomic run in one transaction; the audit event passed in
 * `MutationOptions` commits (or rolls back) with the change.
 *
 * One conformance suite (test/storage/conformance.ts) runs against every dialect.
 */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';

  /** Applies pending migrations. Safe to call on every start and from several nodes. */
  migrate(): Promise<void>;
  /** Cheap liveness probe. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // companies
  createCompany(company: Omit<Company, 'createdAt'>, opts?: MutationOptions): Promise<Company>;
  getCompany(id: string): Promise<Company | undefined>;
  listCompanies(): Promise<Company[]>;

  // users and memberships
  createUser(user: Omit<User, 'createdAt'>, opts?: MutationOptions): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  /** Case-insensitive on the address. */
  getUserByEmail(email: string): Promise<User | undefined>;
  /** Adds or changes the user's role in a company. */
  putMembership(userId: string, companyId: string, role: Role, opts?: MutationOptions): Promise<Membership>;
  getMembership(userId: string, companyId: string): Promise<Membership | undefined>;
  listMembershipsOfUser(userId: string): Promise<Membership[]>;
  listMembersOfCompany(companyId: string): Promise<Membership[]>;

  // apps
  /** Atomic: the app, its first secret and the audit event. */
  /** `secret` is null for a public client, which has none. */
  createApp(app: NewApp, secret: NewAppSecret | null, opts?: MutationOptions): Promise<AppWithSecrets>;
  /** The app and its unexpired secrets, by public client_id, across companies (token endpoint). */
  findAppByClientId(clientId: string, now?: Date): Promise<AppWithSecrets | undefined>;
  /** Scoped lookup: undefined when the app belongs to another company. */
  getApp(companyId: string, appId: string): Promise<AppWithSecrets | undefined>;
  /**
   * UNSCOPED, operator-only: the app and its live secrets by id in any company. Only the
   * `gatehouse` CLI (run by whoever holds the database) may call this, to learn an app's
   * company before calling the scoped methods; nothing reachable over HTTP does.
   */
  getAppById(appId: string): Promise<AppWithSecrets | undefined>;
  listApps(companyId: string): Promise<App[]>;
  /**
   * Atomic: adds the new secret and sets every older live secret to expire at `graceUntil`
   * (now, for no grace period). Returns undefined when the app is not the company's.
   */
  rotateAppSecret(
    companyId: string,
    appId: string,
    secret: NewAppSecret,
    graceUntil: Date,
    opts?: MutationOptions,
  ): Promise<AppWithSecrets | undefined>;
  /** Atomic: deletes the app with its secrets and revokes its grants. False when not found. */
  deleteApp(companyId: string, appId: string, opts?: MutationOptions): Promise<boolean>;
  /** Batched last-used stamps (written off the hot path). */
  touchApps(stamps: ReadonlyMap<string, Date>): Promise<void>;

  // grants
  /**
   * Atomic: creates the grant of an app to a company, or, if one is active, replaces its
   * scopes with `scopes` and returns it with the same GUID.
   */
  upsertGrant(
    grant: Pick<Grant, 'id' | 'guid' | 'appId' | 'companyId' | 'scopes' | 'grantedBy'>,
    opts?: MutationOptions,
  ): Promise<Grant>;
  getGrantByGuid(guid: string): Promise<Grant | undefined>;
  getActiveGrant(appId: string, companyId: string): Promise<Grant | undefined>;
  listGrantsOfCompany(companyId: string): Promise<Grant[]>;
  listGrantsOfApp(appId: string): Promise<Grant[]>;
  /** Batched last-used stamps of grants (written off the hot path). */
  touchGrants(stamps: ReadonlyMap<string, Date>): Promise<void>;
  /** Marks the grant revoked. False when it is not this company's or already revoked. */
  revokeGrant(companyId: string, grantId: string, opts?: MutationOptions): Promise<boolean>;

  // signing keys
  listSigningKeys(): Promise<SigningKey[]>;
  /** Inserts keys unless a concurrent node already created active keys for those algorithms. */
  insertSigningKey(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>): Promise<void>;
  retireSigningKey(kid: string): Promise<void>;

  // audit
  appendAuditEvent(event: AuditEventInput): Promise<AuditEvent>;
  /** Newest first. Throws InvalidCursor on a cursor this storage did not make. */
  listAuditEvents(companyId: string, filter?: AuditFilter): Promise<Page<AuditEvent>>;

  // webhooks
  createWebhookEndpoint(
    endpoint: Omit<WebhookEndpoint, 'createdAt' | 'disabledAt'>,
    opts?: MutationOptions,
  ): Promise<WebhookEndpoint>;
  listWebhookEndpoints(companyId: string): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(companyId: string, id: string): Promise<WebhookEndpoint | undefined>;
  /** Unscoped, for the delivery worker. */
  getWebhookEndpointById(id: string): Promise<WebhookEndpoint | undefined>;
  /** Deletes the endpoint and its pending deliveries. False when not this company's. */
  deleteWebhookEndpoint(companyId: string, id: string, opts?: MutationOptions): Promise<boolean>;
  /**
   * Atomic per row: each due delivery is leased to exactly one caller until `now + leaseMs`
   * (the `lockedUntil` to give to releaseDeliveryLease).
   */
  claimDueDeliveries(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  /**
   * Atomic: clears the lease taken until `lockedUntil`, counting no attempt, so the delivery
   * is due again at once. False when that lease is no longer held (it expired and another
   * node took the delivery, or an attempt was recorded).
   */
  releaseDeliveryLease(deliveryId: string, lockedUntil: Date): Promise<boolean>;
  /** Atomic: records the attempt and moves the delivery to delivered, failed or its next try. */
  recordDeliveryAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<void>;
  /** Newest first, cursor-paged. */
  listWebhookDeliveries(companyId: string, filter?: DeliveryFilter): Promise<Page<WebhookDelivery>>;
  listWebhookAttempts(companyId: string, deliveryId: string): Promise<WebhookAttempt[]>;
  /** The earliest time a pending delivery is due, or null when none is pending. */
  nextDeliveryDue(): Promise<Date | null>;

  // revocation feed
  /** Appends entries (e.g. a single revoked access token's jti). */
  recordRevocations(entries: RevocationInput[]): Promise<void>;
  /** Live entries after `seq`, oldest first. Revoking a grant or deleting an app adds entries itself. */
  revocationsSince(seq: number, limit?: number): Promise<Revocation[]>;
  /** Deletes entries no live token can carry any more. */
  pruneRevocations(now?: Date): Promise<void>;
  /**
   * Calls `listener` synchronously right after a transaction of THIS process that appended
   * to the revocation feed has committed, before the storage call returns: in-process
   * caches of revocation state (tokens/revocation-index.ts) mark themselves stale at once.
   * Other processes learn of it by reading the feed. Returns an unsubscribe function.
   */
  onRevocationsCommitted(listener: () => void): () => void;

  // housekeeping
  /**
   * Deletes what nothing can use any more: expired sessions, flows, token families (with their
   * refresh tokens), access-token records and revocation entries; codes a day after expiry;
   * invalidations after an hour; finished webhook deliveries after 30 days; management API
   * idempotency keys once expired (24 hours after first use). Idempotent.
   */
  pruneExpired(now?: Date): Promise<PruneCounts>;

  // cross-node cache invalidation
  /** Highest sequence number written so far (0 when none). */
  latestInvalidationSeq(): Promise<number>;
  invalidationsSince(seq: number, limit?: number): Promise<Invalidation[]>;
  /** Deletes invalidations older than `before` (housekeeping). */
  pruneInvalidations(before: Date): Promise<void>;

  // browser sessions and pending authorization flows
  createSession(session: Omit<Session, 'createdAt'>): Promise<Session>;
  /** The session if it exists and has not expired. */
  getSession(idHash: string, now?: Date): Promise<Session | undefined>;
  /** Atomic: creates `next`, moves the old session's pending flows to it, deletes the old one. */
  replaceSession(oldHash: string | null, next: Omit<Session, 'createdAt'>): Promise<Session>;
  /** Deletes the session and its pending flows (sign-out). */
  deleteSession(idHash: string): Promise<void>;
  createAuthorizationFlow(flow: Omit<AuthorizationFlow, 'createdAt'>): Promise<AuthorizationFlow>;
  /** Only for the session the flow is bound to, and only until it expires. */
  getAuthorizationFlow(id: string, sessionHash: string, now?: Date): Promise<AuthorizationFlow | undefined>;
  /** False when the flow is gone, another session's, or already granted. */
  setAuthorizationFlowCompany(id: string, sessionHash: string, companyId: string): Promise<boolean>;
  /** Atomic: removes and returns the pending flow; exactly one concurrent caller wins. */
  claimAuthorizationFlow(id: string, sessionHash: string, now?: Date): Promise<AuthorizationFlow | undefined>;

  // authorization codes, token families, refresh tokens
  createAuthorizationCode(
    code: Omit<AuthorizationCode, 'createdAt' | 'consumedAt' | 'familyId'>,
  ): Promise<void>;
  getAuthorizationCode(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Atomic: marks the code consumed and creates the token family `familyId` for what it
   * issues. Exactly one concurrent caller wins (`consumed`); the others get `replayed`.
   * `issue` (the access token's jti, a refresh token with the code's scopes) is stored in the
   * same transaction, only for the winner.
   */
  consumeAuthorizationCode(
    codeHash: string,
    family: { id: string; expiresAt: Date },
    now?: Date,
    issue?: FamilyIssue,
  ): Promise<ConsumeCodeResult>;
  /** Records an access token of a family (born revoked when the family already is). */
  recordFamilyAccessToken(familyId: string, jti: string, expiresAt: Date): Promise<void>;
  createRefreshToken(token: Omit<RefreshToken, 'createdAt' | 'rotatedAt'>): Promise<void>;
  getRefreshToken(tokenHash: string): Promise<{ token: RefreshToken; family: TokenFamily } | undefined>;
  /**
   * Atomic, one family at a time: concurrent calls for tokens of one family run one after
   * the other, each seeing what the previous one committed. A family never holds more than
   * one current (unretired) refresh token: the database refuses a second.
   *
   * - `oldHash` current: it is retired and `next` (same scopes, same family) takes its place
   *   (`rotated`). Of concurrent callers exactly one rotates.
   * - `oldHash` retired less than `reuseWindowMs` before `now` by a rotation, and its successor
   *   still current (never used): the successor is retired, `next` takes its place as the
   *   family's one current token (`retried`). A concurrent caller that lost the rotation gets
   *   this, as does a client retrying a lost answer.
   * - Any other retired token (outside the window, an older ancestor, a successor superseded
   *   by a retry, or after the successor itself was used) revokes the whole family (`reused`).
   */
  rotateRefreshToken(
    oldHash: string,
    next: { tokenHash: string; expiresAt: Date },
    now?: Date,
    opts?: {
      /** Enqueued with the family's revocation when this call detects reuse. */
      eventsOnReuse?: DomainEventInput[];
      /** The access token about to be signed, recorded with the family in the same transaction. */
      accessToken?: FamilyIssue['accessToken'];
      /** The refresh reuse window in ms (default 0: any retired token is reuse). */
      reuseWindowMs?: number;
    },
  ): Promise<RotateRefreshResult>;
  /** Atomic: revokes the family, its refresh tokens and its unexpired access tokens. */
  revokeRefreshFamily(familyId: string, now?: Date): Promise<boolean>;
  /** Whether any app may use this grant type (metadata lists `token` only when one may). */
  anyAppWithGrantType(grantType: string): Promise<boolean>;
  isAccessTokenRevoked(jti: string): Promise<boolean>;
  /** Revoked access tokens that have not expired yet (for the revocation feed). */
  listRevokedAccessTokens(now?: Date): Promise<RevokedAccessToken[]>;

  // opaque access tokens and single-token revocation (RFC 7009)
  /** Stores an opaque access token by its hash, with its claims. */
  createOpaqueAccessToken(token: OpaqueAccessToken): Promise<void>;
  /** The opaque access token with this hash, expired or not (the caller checks). */
  getOpaqueAccessToken(tokenHash: string): Promise<OpaqueAccessToken | undefined>;
  /**
   * Atomic: revokes one access token (JWT or opaque) by its jti and appends a `jti` entry to
   * the revocation feed. Exactly one concurrent caller gets true; the others, and any call
   * for a token already revoked, get false and write nothing.
   */
  revokeAccessToken(jti: string, expiresAt: Date, now?: Date): Promise<boolean>;

  // app logos
  /** Stores an uploaded logo (already checked to be a PNG or JPEG). */
  putAppLogo(logo: Omit<AppLogo, 'createdAt'>): Promise<AppLogo>;
  /** Unscoped: logos are public, served to any browser that shows the app. */
  getAppLogo(id: string): Promise<AppLogo | undefined>;
  /** False when there is no such logo in this company. */
  deleteAppLogo(companyId: string, id: string): Promise<boolean>;

  // management API: cursor-paged lists and admin keys
  /** The company's apps, newest first. Throws InvalidCursor on a cursor this storage did not make. */
  pageApps(companyId: string, page?: PageRequest): Promise<Page<App>>;
  /** Grants to the company, newest first, optionally only active or only revoked ones. */
  pageGrantsOfCompany(companyId: string, page?: GrantPageRequest): Promise<Page<Grant>>;
  /** Atomic: the key and its audit event. `keyHash` is unique. */
  createAdminKey(
    key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
    opts?: MutationOptions,
  ): Promise<AdminKey>;
  /** The key with this hash, revoked or not, in any company (the key itself names its company). */
  findAdminKeyByHash(keyHash: string): Promise<AdminKey | undefined>;
  /** One delivery of this company's endpoints; undefined for another company's. */
  getWebhookDelivery(companyId: string, id: string): Promise<WebhookDelivery | undefined>;
  /** UNSCOPED, operator-only (the CLI), like getAppById: the key by id in any company. */
  getAdminKeyById(id: string): Promise<AdminKey | undefined>;
  /** The company's keys, newest first, revoked ones included. */
  listAdminKeys(companyId: string): Promise<AdminKey[]>;
  /** Atomic: revokes the key and writes the audit event. False when not this company's or already revoked. */
  revokeAdminKey(companyId: string, id: string, opts?: MutationOptions): Promise<boolean>;
  /** Stamps last use (at most about once a minute per key). */
  touchAdminKey(id: string, at?: Date): Promise<void>;

  // idempotency keys of the management API (sql/idempotency.ts)
  /**
   * Atomic: claims the caller's key for this request. Exactly one concurrent caller gets
   * `started` (for a new key, or one whose record is past its expiry or in flight past its
   * lease); every other gets `held` with the live record (in flight, or answered).
   */
  beginIdempotentRequest(req: IdempotentRequest, now?: Date): Promise<IdempotencyBegin>;
  /** Atomic: keeps the answer, only if `leaseId` still holds the key in flight (else false). */
  completeIdempotentRequest(
    scope: IdempotencyScope,
    leaseId: string,
    answer: IdempotentAnswer,
  ): Promise<boolean>;
  /** Atomic: frees the key of an answer that is not kept, only if `leaseId` still holds it in flight. */
  releaseIdempotentRequest(scope: IdempotencyScope, leaseId: string): Promise<boolean>;
}

export interface GrantPageRequest extends PageRequest {
  /** true: only active grants; false: only revoked ones; absent: both. */
  active?: boolean;
}

export class InvalidCursor extends Error {
  constructor() {
    super('the cursor is not one this server issued');
    this.name = 'InvalidCursor';
  }
}
