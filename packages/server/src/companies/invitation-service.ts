import { LoginThrottle, type LoginThrottleConfig } from '../authorization/login-throttle.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import { invitationMail } from '../mail/messages.ts';
import type { DirectoryStore, Invitation, InvitationStore } from '../storage/storage.ts';
import type { Company, Role, User } from '../storage/types.ts';
import { hashPassword } from '../users/password.ts';
import { passwordFromLink } from '../users/password-from-link.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { newSecret } from '../util/secrets.ts';
import type { CompanyService } from './company-service.ts';
import * as valid from './directory-validation.ts';

export type { Invitation };

/** An invitation link works this long after it is made. */
export const INVITATION_TTL_MS = 72 * 3600_000;

/** The path of an invitation's page; the token is the last segment. */
export const invitationPath = (token: string) => `/invitations/${encodeURIComponent(token)}`;

/** What a link leads to: a form to set the password, or why it cannot be used. */
export type InvitationView =
  | { kind: 'valid'; invitation: Invitation; user: User; company: Company }
  | { kind: 'used' | 'expired' | 'unknown' };

export type AcceptOutcome =
  | { kind: 'accepted'; user: User; company: Company }
  | { kind: 'used' | 'expired' | 'unknown' }
  /** The password breaks the rules user creation has; the link is still good. */
  | { kind: 'invalid-password'; message: string; view: Extract<InvitationView, { kind: 'valid' }> }
  /** Too many attempts from this address or on this link: 429 with Retry-After. */
  | { kind: 'throttled'; retryAfter: number };

export interface InvitationOptions {
  /** The server's public origin (the issuer): invitation links are absolute, so they can be mailed. */
  baseUrl: string;
  throttle?: LoginThrottleConfig;
  /** The clock (ms); Date.now unless given. */
  now?: () => number;
  /** The password hash; scrypt (users/password.ts) unless given. */
  hash?: (password: string) => Promise<string>;
  /** Mails each new link to the invitee as well, when SMTP_URL is set (the console still shows it once). */
  mailer?: Mailer;
}

/**
 * Inviting a new user into a company: a company admin names them, Gatehouse creates the user
 * (without a password) and their membership, and returns a link valid 72 hours that lets
 * them set a password. The link's token (256 random bits) is returned once and stored only as
 * its SHA-256; it works once. The link is mailed to the invitee (with a mailer) and returned,
 * so the console shows it once too. Setting the password from it marks the address verified.
 */
export class InvitationService {
  private readonly throttle: LoginThrottle;
  private readonly now: () => number;
  private readonly hash: (password: string) => Promise<string>;

  constructor(
    private readonly storage: DirectoryStore & InvitationStore,
    private readonly companies: CompanyService,
    private readonly opts: InvitationOptions,
  ) {
    this.throttle = new LoginThrottle(opts.throttle);
    this.now = opts.now ?? Date.now;
    this.hash = opts.hash ?? ((pw) => hashPassword(pw));
  }

  /**
   * Creates the user, their membership with `role` and the invitation. 409 when a user
   * with this address exists (add them as a member instead), 400 for a bad field.
   */
  async invite(
    companyId: string,
    input: { email: string; name?: string; role: string },
    actor: string,
  ): Promise<{ invitation: Invitation; user: User; url: string }> {
    if (input.role !== 'admin' && input.role !== 'member')
      throw new ValidationError('role must be admin or member', { role: 'admin or member' });
    const role: Role = input.role;
    const email = valid.email(input.email);
    if (await this.storage.getUserByEmail(email))
      throw new ConflictError(
        `a user with email ${email} exists: add them as a member instead of inviting them`,
      );
    const name = input.name?.trim() ? valid.userName(input.name) : undefined;
    const user = await this.companies.createUser(
      { email, ...(name ? { name } : {}), companyId, role },
      actor,
    );
    return this.issue(companyId, user, role, actor);
  }

  /**
   * A new link for a user whose invitation to this company was never used (it expired, or
   * the link was lost): only for an account this company's invitation made and that no one
   * else has a say over, i.e. without a password, not disabled, in no other company. 404 when
   * there is no such invitation, 409 when the account is no longer only the invitation's.
   */
  async reissue(companyId: string, userId: string, actor: string) {
    const pending = (await this.pending(companyId)).get(userId);
    const user = await this.storage.getUser(userId);
    const membership = await this.storage.getMembership(userId, companyId);
    if (!pending || !user || !membership) throw new NotFoundError('invitation');
    const companies = await this.storage.listMembershipsOfUser(userId);
    if (user.passwordHash !== null || user.disabledAt !== null || companies.length !== 1)
      throw new ConflictError('this account is no longer only an invitation: it cannot be given a new link');
    return this.issue(companyId, user, membership.role, actor);
  }

  private async issue(companyId: string, user: User, role: Role, actor: string) {
    const token = newSecret('invitation');
    const expiresAt = new Date(this.now() + INVITATION_TTL_MS);
    const invitation = await this.storage.createInvitation(
      {
        id: newId('inv'),
        tokenHash: sha256(token),
        companyId,
        userId: user.id,
        role,
        createdBy: actor,
        expiresAt,
      },
      {
        audit: {
          companyId,
          actor,
          action: 'invitation.created',
          target: `user:${user.id}`,
          data: { email: user.email, role, expires_at: expiresAt.toISOString() },
        },
      },
    );
    const url = `${this.opts.baseUrl}${invitationPath(token)}`;
    // Without SMTP_URL the mail would only go to the log: the console shows the link anyway,
    // and a credential in the log would serve no one.
    if (this.opts.mailer && !this.opts.mailer.logOnly) {
      const company = await this.companies.getCompany(companyId);
      this.opts.mailer.send(
        invitationMail(user.email, url, company.name, this.opts.mailer.product),
        'invitation',
      );
    }
    return { invitation, user, url };
  }

  /** The company's invitations not yet used, by user id (the newest per user). */
  async pending(companyId: string): Promise<Map<string, Invitation>> {
    const out = new Map<string, Invitation>();
    for (const i of await this.storage.listPendingInvitations(companyId))
      if (!out.has(i.userId)) out.set(i.userId, i);
    return out;
  }

  /** What the link with this token leads to. */
  async view(token: string): Promise<InvitationView> {
    const invitation =
      token.length <= 100 ? await this.storage.findInvitationByHash(sha256(token)) : undefined;
    if (!invitation) return { kind: 'unknown' };
    if (invitation.acceptedAt) return { kind: 'used' };
    if (invitation.expiresAt.getTime() <= this.now()) return { kind: 'expired' };
    const user = await this.storage.getUser(invitation.userId);
    const company = await this.storage.getCompany(invitation.companyId);
    // A disabled user cannot be signed in by a link either, and a link sets a first password
    // only (one set since, by the operator, is not replaced): the answer an unknown link gets.
    if (!user || !company || user.disabledAt || user.passwordHash !== null) return { kind: 'unknown' };
    return { kind: 'valid', invitation, user, company };
  }

  /**
   * Sets the invited user's password from the link. Throttled per link and per client
   * address (counted before the hash runs); the link is used up only by a success.
   */
  async accept(token: string, password: string, ip: string): Promise<AcceptOutcome> {
    const outcome = await passwordFromLink({
      throttle: this.throttle,
      kind: 'invitation',
      token,
      password,
      ip,
      view: () => this.view(token),
      hash: this.hash,
      store: (passwordHash, view: Extract<InvitationView, { kind: 'valid' }>) =>
        this.storage.acceptInvitation(sha256(token), passwordHash, new Date(this.now()), {
          audit: {
            companyId: view.company.id,
            actor: `user:${view.user.id}`,
            action: 'invitation.accepted',
            target: `user:${view.user.id}`,
            data: { invitation: view.invitation.id },
          },
        }),
    });
    if (outcome.kind !== 'done') return outcome;
    return { kind: 'accepted', user: outcome.view.user, company: outcome.view.company };
  }
}
