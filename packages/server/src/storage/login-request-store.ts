/** Where a login request stands: waiting for the login application, or answered by it. */
export type LoginRequestStatus = 'pending' | 'accepted' | 'rejected';

/**
 * A sign-in delegated to the SaaS company's login application (docs/sign-in.md): found by the
 * SHA-256 of the `login_challenge` sent to it, bound to the browser session and the
 * authorization flow that started it; once answered, found by the SHA-256 of the single-use
 * `login_verifier` the browser brings back, only for that session.
 */
export interface LoginRequest {
  challengeHash: string;
  sessionHash: string;
  /** The authorization flow the sign-in continues (null: the console's sign-in). */
  flowId: string | null;
  /** Without a flow: the console page to go on to after sign-in (a safe /console path). */
  returnTo: string | null;
  /** Who the session had signed in when the request started (`prompt=login`), if anyone. */
  sessionUserId: string | null;
  status: LoginRequestStatus;
  /** Accepted: the user the login application vouched for. */
  userId: string | null;
  /** Rejected: the OAuth error code and description for the client. */
  error: string | null;
  errorDescription: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What the login application answered. */
export type LoginAnswer =
  | { status: 'accepted'; userId: string }
  | { status: 'rejected'; error: string; errorDescription: string | null };

/** Login requests delegated to the SaaS company's login application, on their way. */
export interface LoginRequestStore {
  /** Stores a pending login request (and drops expired ones). */
  createLoginRequest(
    request: Omit<LoginRequest, 'createdAt' | 'status' | 'userId' | 'error' | 'errorDescription'>,
  ): Promise<LoginRequest>;
  /** The request with this challenge hash, pending or answered, until it expires. */
  getLoginRequest(challengeHash: string, now?: Date): Promise<LoginRequest | undefined>;
  /**
   * Atomic: records the answer and the verifier's hash, only while the request is pending and
   * unexpired; exactly one concurrent caller wins (true), a second answer finds it answered.
   */
  answerLoginRequest(
    challengeHash: string,
    answer: LoginAnswer,
    verifierHash: string,
    now?: Date,
  ): Promise<boolean>;
  /**
   * Atomic: removes and returns the answered request with this verifier hash, only for its
   * session and before it expires; exactly one concurrent caller wins, so a replay finds nothing.
   */
  claimLoginVerifier(
    verifierHash: string,
    sessionHash: string,
    now?: Date,
  ): Promise<LoginRequest | undefined>;
}
