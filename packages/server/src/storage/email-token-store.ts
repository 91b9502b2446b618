import type { MutationOptions } from './common.ts';

/** What an e-mailed link is for. */
export type EmailTokenPurpose = 'password_reset' | 'email_verification';

/** A link sent by e-mail: only the SHA-256 of its token is kept. */
export interface EmailToken {
  id: string;
  tokenHash: string;
  purpose: EmailTokenPurpose;
  userId: string;
  /** The address the link was sent to: once the user's address changes, the link proves nothing. */
  email: string;
  createdAt: Date;
  expiresAt: Date;
  /** When the link was used; a used link is never accepted again. */
  usedAt: Date | null;
}

export type NewEmailToken = Omit<EmailToken, 'createdAt' | 'usedAt'>;

/** E-mailed password-reset and verification links (migration 021). */
export interface EmailTokenStore {
  /** Atomic: the link and its audit event. `tokenHash` is unique. */
  createEmailToken(token: NewEmailToken, opts?: MutationOptions): Promise<EmailToken>;
  /** The link with this token hash, used, expired or not. */
  findEmailToken(tokenHash: string): Promise<EmailToken | undefined>;
  /**
   * Atomic: uses up the password-reset link and, with it, every other unused reset link of
   * its user; gives the user `passwordHash`, marks their address verified (the link reached
   * it), ends all their sessions (with their pending flows and unexchanged codes), and writes
   * the audit event. Exactly one concurrent caller wins; undefined, and nothing changes, when
   * the token is unknown, not a reset link, used, expired at `now`, or its user is disabled or
   * no longer has the address the link was sent to.
   */
  completePasswordReset(
    tokenHash: string,
    passwordHash: string,
    now: Date,
    opts?: MutationOptions,
  ): Promise<EmailToken | undefined>;
  /**
   * Atomic: uses up the verification link and marks its user's address verified, with the
   * audit event. Exactly one concurrent caller wins; undefined, and nothing changes, when the
   * token is unknown, not a verification link, used, expired at `now`, or its user is
   * disabled or no longer has the address the link was sent to.
   */
  completeEmailVerification(
    tokenHash: string,
    now: Date,
    opts?: MutationOptions,
  ): Promise<EmailToken | undefined>;
}
