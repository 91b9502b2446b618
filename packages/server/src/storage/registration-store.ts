import type { MutationOptions } from './common.ts';
import type { App, InitialAccessToken } from './types.ts';

export type NewInitialAccessToken = Omit<InitialAccessToken, 'createdAt' | 'uses' | 'revokedAt'>;

/**
 * Dynamic client registration (RFC 7591, 7592): the initial access tokens a company hands out
 * (only their SHA-256 is kept), and the registration access tokens of the apps they registered
 * (a column of the app, also a SHA-256). Company-scoped methods answer another company's
 * token as not found.
 */
export interface RegistrationStore {
  /** Atomic: the token and its audit event. `tokenHash` is unique. */
  createInitialAccessToken(token: NewInitialAccessToken, opts?: MutationOptions): Promise<InitialAccessToken>;
  /** The token with this hash, in any company (the token names its company), revoked or not. */
  findInitialAccessTokenByHash(tokenHash: string): Promise<InitialAccessToken | undefined>;
  /** Scoped lookup: undefined when the token is another company's. */
  getInitialAccessToken(companyId: string, id: string): Promise<InitialAccessToken | undefined>;
  /** UNSCOPED, operator-only (the CLI), like getAppById: the token by id in any company. */
  getInitialAccessTokenById(id: string): Promise<InitialAccessToken | undefined>;
  /** The company's tokens, newest first, revoked and expired ones included. */
  listInitialAccessTokens(companyId: string): Promise<InitialAccessToken[]>;
  /**
   * Atomic: revokes the token and writes the audit event. Exactly one concurrent caller gets
   * true; false when not this company's or already revoked.
   */
  revokeInitialAccessToken(companyId: string, id: string, opts?: MutationOptions): Promise<boolean>;
  /**
   * Atomic: counts one more app against the token when it is live (not revoked, not expired at
   * `now`) and below its `maxApps`. With one app left, exactly one concurrent caller gets true.
   */
  claimInitialAccessTokenUse(id: string, now?: Date): Promise<boolean>;
  /** Gives back a use claimed for a registration that then failed (never below 0). */
  releaseInitialAccessTokenUse(id: string): Promise<void>;
  /** The app whose registration access token has this SHA-256, or undefined. */
  findAppByRegistrationToken(tokenHash: string): Promise<App | undefined>;
  /**
   * Atomic compare-and-set: replaces the app's registration access token when its hash is
   * still `expectedHash`. Of concurrent callers presenting one token, exactly one gets true.
   */
  rotateRegistrationToken(appId: string, expectedHash: string, newHash: string): Promise<boolean>;
}
