import type { MutationOptions } from './common.ts';
import type { App, AppSecret, AppWithSecrets, Page, PageRequest } from './types.ts';

export interface NewApp extends Omit<App, 'createdAt' | 'lastUsedAt'> {}
export interface NewAppSecret extends Omit<AppSecret, 'createdAt' | 'expiresAt' | 'appId' | 'secretSealed'> {
  /** Only for a client_secret_jwt app (AppSecret.secretSealed). */
  secretSealed?: string | null;
}

/**
 * The fields of an app that may change after creation. Scopes never do (companies granted
 * exactly those; a database trigger refuses the change too), nor the app's type or client type.
 */
export type AppEdit = Partial<
  Pick<
    App,
    | 'name'
    | 'logoUrl'
    | 'redirectUris'
    | 'tokenTtl'
    | 'signingAlg'
    | 'tokenFormat'
    | 'grantDelivery'
    | 'grantTypes'
    | 'skipConsent'
    | 'tokenEndpointAuthMethod'
    | 'jwks'
    | 'jwksUri'
    | 'requirePushedAuthorizationRequests'
    | 'dpopBoundAccessTokens'
    | 'useDpopNonce'
    | 'postLogoutRedirectUris'
    | 'backchannelLogoutUri'
    | 'autoConsent'
    | 'tokenExchange'
  >
>;

/** What updateApp found: the app as changed, `changed` when it was edited meanwhile, or undefined. */
export type AppUpdate = AppWithSecrets | 'changed' | undefined;

/**
 * Apps (OAuth clients) and their secrets. Every method that takes a company id is scoped to
 * it: another company's app is answered as not found.
 */
export interface AppStore {
  /**
   * Atomic: the app, its first secret and the audit event. `secret` is null for a public
   * client, which has none.
   */
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
  /** Newest first. */
  listApps(companyId: string): Promise<App[]>;
  /** The company's apps, newest first. Throws InvalidCursor on a cursor this storage did not make. */
  pageApps(companyId: string, page?: PageRequest): Promise<Page<App>>;
  /**
   * Atomic: adds the new secret and sets every older live secret to expire at `graceUntil`
   * (now, for no grace period; never later than it already expires). Returns undefined when
   * the app is not the company's.
   */
  rotateAppSecret(
    companyId: string,
    appId: string,
    secret: NewAppSecret,
    graceUntil: Date,
    opts?: MutationOptions,
  ): Promise<AppWithSecrets | undefined>;
  /**
   * Atomic compare-and-set: sets the fields of `edit` only if every field of `expected` still
   * holds that value (else answers `changed` and writes nothing), with the cache
   * invalidation, the audit event and the webhook events. Of concurrent edits made from the
   * same `expected`, exactly one wins. Undefined when the app is not the company's.
   */
  updateApp(
    companyId: string,
    appId: string,
    expected: AppEdit,
    edit: AppEdit,
    opts?: MutationOptions,
  ): Promise<AppUpdate>;
  /**
   * Atomic: deletes the app with its secrets and grants, and appends their revocations to the
   * feed. False when not found in this company.
   */
  deleteApp(companyId: string, appId: string, opts?: MutationOptions): Promise<boolean>;
  /** Batched last-used stamps (written off the hot path); unknown ids are ignored. */
  touchApps(stamps: ReadonlyMap<string, Date>): Promise<void>;
  /** Whether any app may use this grant type (metadata lists `token` only when one may). */
  anyAppWithGrantType(grantType: string): Promise<boolean>;
}
