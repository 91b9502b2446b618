import type { MutationOptions } from './common.ts';
import type { Role } from './types.ts';

/** An invitation to set a password: only the SHA-256 of its link's token is kept. */
export interface Invitation {
  id: string;
  tokenHash: string;
  companyId: string;
  /** The user it lets set a password (created, without one, with the invitation). */
  userId: string;
  /** The role the user was given in the company when invited. */
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** When the link was used; a used link is never accepted again. */
  acceptedAt: Date | null;
}

export type NewInvitation = Omit<Invitation, 'createdAt' | 'acceptedAt'>;

/** Invitations of users to companies (migration 015). */
export interface InvitationStore {
  /** Atomic: the invitation and its audit event. `tokenHash` is unique. */
  createInvitation(invitation: NewInvitation, opts?: MutationOptions): Promise<Invitation>;
  /** The invitation with this token hash, used, expired or not. */
  findInvitationByHash(tokenHash: string): Promise<Invitation | undefined>;
  /** The company's invitations not yet accepted, expired ones included; newest first. */
  listPendingInvitations(companyId: string): Promise<Invitation[]>;
  /**
   * Atomic: marks the invitation accepted, gives its user `passwordHash` and marks their
   * address verified (the link was mailed to it), with the audit event. Exactly one concurrent caller gets the invitation; undefined when the token is
   * unknown, already used, expired at `now`, or its user is disabled or has a password already
   * (an invitation sets a first password only; then nothing changes).
   */
  acceptInvitation(
    tokenHash: string,
    passwordHash: string,
    now: Date,
    opts?: MutationOptions,
  ): Promise<Invitation | undefined>;
}
