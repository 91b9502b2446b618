import type {
  AuthorizationCode,
  AuthorizationFlow,
  CodeMatch,
  ConsumeCodeResult,
  FamilyIssue,
  Session,
} from './authorization-types.ts';

/**
 * What lives between the browser's visits and the token request: sessions, pending
 * authorization flows and authorization codes.
 */
export interface AuthorizationStateStore {
  createSession(session: Omit<Session, 'createdAt'>): Promise<Session>;
  /** The session if it exists and has not expired. */
  getSession(idHash: string, now?: Date): Promise<Session | undefined>;
  /** Atomic: creates `next`, moves the old session's pending flows to it, deletes the old one. */
  replaceSession(oldHash: string | null, next: Omit<Session, 'createdAt'>): Promise<Session>;
  /** Atomic: deletes the session and its pending flows (sign-out). */
  deleteSession(idHash: string): Promise<void>;

  createAuthorizationFlow(flow: Omit<AuthorizationFlow, 'createdAt'>): Promise<AuthorizationFlow>;
  /** Only for the session the flow is bound to, and only until it expires. */
  getAuthorizationFlow(id: string, sessionHash: string, now?: Date): Promise<AuthorizationFlow | undefined>;
  /** False when the flow is gone, another session's, or already granted. */
  setAuthorizationFlowCompany(id: string, sessionHash: string, companyId: string): Promise<boolean>;
  /** Atomic: removes and returns the pending flow; exactly one concurrent caller wins. */
  claimAuthorizationFlow(id: string, sessionHash: string, now?: Date): Promise<AuthorizationFlow | undefined>;

  /** Stores a code by its hash (single use, see consumeAuthorizationCode). */
  createAuthorizationCode(
    code: Omit<AuthorizationCode, 'createdAt' | 'consumedAt' | 'familyId'>,
  ): Promise<void>;
  /** The code with this hash, consumed or not, expired or not (the caller checks). */
  getAuthorizationCode(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Atomic: marks the code consumed and creates the token family `family.id` for what it
   * issues, only while the code's grant stands (not revoked). Exactly one concurrent caller
   * wins (`consumed`); the others get `replayed` (and must revoke `code.familyId`). A code
   * whose grant was revoked is left unconsumed (`grant-revoked`); a revocation committing
   * meanwhile either comes first (and this is `grant-revoked`) or sees the new family.
   * `issue` (the access token's jti, a refresh token with the code's scopes) is stored in the
   * same transaction, only for the winner.
   *
   * With `match`, it consumes the code only if it also matches (see CodeMatch), and answers
   * `unmatched` for anything else (no such code, used, expired, another app's, its grant
   * revoked) without reading further: the caller then reads the code and says what is wrong.
   * So a token endpoint checks and spends a valid code in one call.
   */
  consumeAuthorizationCode(
    codeHash: string,
    family: { id: string; expiresAt: Date; dpopJkt?: string | null },
    now?: Date,
    issue?: FamilyIssue,
    match?: CodeMatch,
  ): Promise<ConsumeCodeResult>;
}
