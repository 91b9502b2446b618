import type {
  FamilyIssue,
  OpaqueAccessToken,
  RefreshToken,
  RevokedAccessToken,
  RotateRefreshResult,
  TokenFamily,
} from './authorization-types.ts';
import type { DomainEventInput } from './types.ts';

/** What a rotation found, as its checks and callbacks see it. */
export interface FoundRefreshToken {
  token: RefreshToken;
  family: TokenFamily;
  /** The family's company grant, or null when it no longer exists. */
  grant: { guid: string; active: boolean } | null;
}

/** Options of a refresh-token rotation. */
export interface RotateRefreshOptions {
  /**
   * Enqueued with the family's revocation when this call detects reuse; a function builds them
   * from what the rotation found (the grant's GUID, for instance).
   */
  eventsOnReuse?: DomainEventInput[] | ((found: FoundRefreshToken) => DomainEventInput[]);
  /** The access token about to be signed, recorded with the family in the same transaction. */
  accessToken?: FamilyIssue['accessToken'];
  /** The refresh reuse window in ms (default 0: any retired token is reuse). */
  reuseWindowMs?: number;
  /**
   * The app presenting the token: a token of another app is `foreign`, and nothing is
   * touched (rotating it would log its owner out).
   */
  appId?: string;
  /**
   * The family's company grant must be active: when it is not, the family is revoked in the
   * same transaction and the answer is `grant-revoked`.
   */
  requireActiveGrant?: boolean;
  /**
   * The caller's own check of the token (a requested scope within the token's, say): false
   * answers `refused`, with what was found, and nothing is touched.
   */
  accept?: (found: FoundRefreshToken) => boolean;
}

/**
 * Issued tokens: token families with their refresh tokens and access-token records, opaque
 * access tokens, and single-token revocation (RFC 7009).
 */
export interface TokenStore {
  /** Records an access token of a family (born revoked when the family already is). */
  recordFamilyAccessToken(familyId: string, jti: string, expiresAt: Date): Promise<void>;
  /** The database refuses a second current (unretired) refresh token in one family. */
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
   * - Before any of that, in the same transaction, the checks of `opts` (`appId`, `accept`,
   *   `requireActiveGrant`): one read, one transaction, for the whole refresh grant.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
   */
  rotateRefreshToken(
    oldHash: string,
    next: { tokenHash: string; expiresAt: Date | ((family: TokenFamily) => Date) },
    now?: Date,
    opts?: RotateRefreshOptions,
  ): Promise<RotateRefreshResult>;
  /**
   * Atomic: revokes the family, its refresh tokens and its unexpired access tokens, and
   * appends them to the revocation feed. Exactly one concurrent caller gets true.
   */
  revokeRefreshFamily(familyId: string, now?: Date): Promise<boolean>;
  isAccessTokenRevoked(jti: string): Promise<boolean>;
  /** Revoked access tokens that have not expired yet, oldest revocation first. */
  listRevokedAccessTokens(now?: Date): Promise<RevokedAccessToken[]>;

  /** Stores an opaque access token by its hash, with its claims. */
  createOpaqueAccessToken(token: OpaqueAccessToken): Promise<void>;
  /** The opaque access token with this hash, expired or not (the caller checks). */
  getOpaqueAccessToken(tokenHash: string): Promise<OpaqueAccessToken | undefined>;
  /**
   * Atomic: revokes one access token (JWT or opaque) by its jti and appends a `jti` entry to
   * the revocation feed. Exactly one concurrent caller gets true; the others, and any call
   * for a token already revoked, get false and write nothing.
   *
   * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
   */
  revokeAccessToken(jti: string, expiresAt: Date, now?: Date): Promise<boolean>;

  /**
   * Atomic insert-if-absent: records a DPoP proof (`proofHash`, SHA-256 of its key thumbprint
   * and `jti`) as used until `expiresAt`. True for the first use; false for a replay, of which
   * exactly one concurrent caller is spared. Pruned by housekeeping once expired.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
   */
  useDpopProof(proofHash: string, expiresAt: Date): Promise<boolean>;
}
