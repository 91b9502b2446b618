import type { MutationOptions } from './common.ts';
import type { NewUser } from './directory-store.ts';
import type { Role } from './types.ts';

/** A person's account at an upstream OpenID Connect provider, linked to one Gatehouse user. */
export interface ExternalIdentity {
  /** The upstream's issuer URL, exactly as in its id_tokens' `iss`. */
  issuer: string;
  /** The upstream's `sub`: stable and unique only within its issuer. */
  subject: string;
  userId: string;
  createdAt: Date;
}

/**
 * A sign-in sent to an upstream and not yet back: what the callback must find to accept the
 * answer. Found by the SHA-256 of the `state` sent upstream, only for the browser session that
 * started it, once, until it expires.
 */
export interface PendingUpstreamSignIn {
  stateHash: string;
  sessionHash: string;
  upstreamId: string;
  /** The authorization flow the sign-in continues (null: a sign-in without one, the console's). */
  flowId: string | null;
  /** Without a flow: the console page to go on to after sign-in (a safe /console path). */
  returnTo: string | null;
  nonce: string;
  /** PKCE code_verifier (RFC 7636): only the party that started the sign-in can redeem its code. */
  codeVerifier: string;
  /** The `max_age` sent upstream, checked against the id_token's `auth_time`. */
  maxAge: number | null;
  createdAt: Date;
  expiresAt: Date;
}

/** What linking an (issuer, subject) to a user came to. */
export type LinkOutcome =
  | { kind: 'linked'; identity: ExternalIdentity }
  /** The (issuer, subject) is linked already (to `userId`). */
  | { kind: 'subject-taken'; userId: string }
  /** The user is linked to another subject of the same issuer: one account per upstream. */
  | { kind: 'issuer-taken' }
  /** A user with this e-mail address exists (creating only). */
  | { kind: 'email-taken' };

/**
 * External identities (who a person is at an upstream OpenID Connect provider) and the
 * upstream sign-ins on their way. An (issuer, subject) belongs to at most one user, and a
 * user has at most one subject per issuer.
 */
export interface ExternalIdentityStore {
  getExternalIdentity(issuer: string, subject: string): Promise<ExternalIdentity | undefined>;
  /** Oldest first. */
  listExternalIdentitiesOfUser(userId: string): Promise<ExternalIdentity[]>;
  /** Atomic: links an existing user; exactly one concurrent caller links a given (issuer, subject). */
  linkExternalIdentity(
    link: { issuer: string; subject: string; userId: string },
    opts?: MutationOptions,
  ): Promise<LinkOutcome>;
  /**
   * Atomic: creates the user and its link together, or neither (`email-taken`,
   * `subject-taken`); exactly one concurrent caller creates a given (issuer, subject).
   */
  createUserWithExternalIdentity(
    user: NewUser,
    link: { issuer: string; subject: string },
    opts?: MutationOptions,
  ): Promise<LinkOutcome>;
  /**
   * Atomic: the user's memberships become exactly `memberships` (added, role changed, or
   * removed), in one transaction with the audit event.
   */
  replaceMemberships(
    userId: string,
    memberships: { companyId: string; role: Role }[],
    opts?: MutationOptions,
  ): Promise<void>;

  /** Stores a pending upstream sign-in (and drops expired ones). */
  createUpstreamSignIn(pending: Omit<PendingUpstreamSignIn, 'createdAt'>): Promise<PendingUpstreamSignIn>;
  /**
   * Atomic: removes and returns the pending sign-in, only for its session and before it
   * expires; exactly one concurrent caller wins, so a callback replayed finds nothing.
   */
  claimUpstreamSignIn(
    stateHash: string,
    sessionHash: string,
    now?: Date,
  ): Promise<PendingUpstreamSignIn | undefined>;
}
