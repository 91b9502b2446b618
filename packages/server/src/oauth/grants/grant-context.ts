import type { Metrics } from '../../metrics/metrics.ts';
import type { AuditLog, Storage } from '../../storage/storage.ts';
import type { IdTokenIssuer } from '../../tokens/id-token.ts';
import type { TokenInspector } from '../../tokens/token-inspector.ts';
import type { TokenIssuer } from '../../tokens/token-issuer.ts';
import type { ActiveGrantLookup } from '../company-grant.ts';
import type { ResourceIndicators } from '../resources.ts';
import type { ScopeModel } from '../scopes/model.ts';

/** The storage an authorization-code exchange reads and consumes (atomic: one caller wins). */
export type AuthorizationCodeStore = Pick<
  Storage,
  'getAuthorizationCode' | 'consumeAuthorizationCode' | 'getActiveGrant' | 'getUser' | 'revokeRefreshFamily'
>;

/** The storage a device_code poll records itself in (RFC 8628 3.5; atomic). */
export type DeviceCodeStore = Pick<Storage, 'recordDevicePoll'>;

/** The storage a refresh-token rotation reads and rotates (atomic: one caller wins). */
export type RefreshTokenStore = Pick<Storage, 'rotateRefreshToken'>;

/**
 * Everything a grant handler may use, built complete where the server is wired (wiring/oauth.ts):
 * no field is optional and none is filled in later. Each handler declares the fields it uses
 * (`GrantHandler<'tokens' | 'scopes'>`), so its type says what it depends on and the compiler
 * holds it to that; a custom grant declares its slice the same way.
 */
export interface GrantContext {
  /** This server's issuer identifier (RFC 8414), the `iss` of everything it signs. */
  readonly issuer: string;
  /** Signs access tokens (JWT or opaque, as the app is configured). */
  readonly tokens: TokenIssuer;
  /** The scope catalog in use and the algebra bound to it. */
  readonly scopes: ScopeModel;
  /** The catalog's resources (RFC 8707): `resource` narrows a token to one of them. */
  readonly resources: ResourceIndicators;
  /** Records that a token was issued under a company grant (the Connected Apps "last used"). */
  onGrantUsed(grantId: string): void;
  /** client_credentials with `company_guid`: the active company grant of the calling app. */
  readonly companyGrants: ActiveGrantLookup;
  /** authorization_code: the codes, and what a replay revokes. */
  readonly codes: AuthorizationCodeStore;
  /** device_code (RFC 8628): the device authorizations the polls read and slow down. */
  readonly devices: DeviceCodeStore;
  /** authorization_code with `openid`: signs the ID token. */
  readonly idTokens: IdTokenIssuer;
  /** refresh_token: the families and their rotation. */
  readonly refreshTokens: RefreshTokenStore;
  /** The server's refresh reuse window in seconds (config `refreshReuseWindowSeconds`). */
  readonly refreshReuseWindowSeconds: number;
  /**
   * The clock (ms) the refresh grant measures its reuse window on: Date.now, unless the
   * server was opened with a `clock` (tests step it past a window instead of sleeping).
   */
  now(): number;
  /**
   * token exchange: finds a presented access token (JWT or opaque, ours only) and whether it
   * is still active (not expired, not revoked, its app and grant alive).
   */
  readonly inspector: Pick<TokenInspector, 'find' | 'state'>;
  /** token exchange: every exchange is written to the exchanging app's company audit log. */
  readonly audit: Pick<AuditLog, 'appendAuditEvent'>;
  /** Where issued tokens and refresh reuse are counted; undefined when metrics are off. */
  readonly metrics: Metrics | undefined;
}
