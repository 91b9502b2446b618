import type { Logger } from 'pino';
import { addressKey } from '../authorization/address-key.ts';
import { LoginThrottle, type LoginThrottleConfig } from '../authorization/login-throttle.ts';
import { SharedSignInBuckets } from '../authorization/shared-login-throttle.ts';
import type { SharedLimits } from '../limits/shared-limits.ts';
import type { Mailer } from '../mail/mailer.ts';
import { passwordResetMail } from '../mail/messages.ts';
import type { DirectoryStore, EmailTokenStore } from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { EmailLinks, type EmailLinkView } from './email-links.ts';
import { hashPassword } from './password.ts';
import { passwordFromLink } from './password-from-link.ts';

/** A reset link works this long after it is mailed. */
export const PASSWORD_RESET_TTL_MS = 3600_000;

/** The path of a reset link's page; the token is the last segment. */
export const PASSWORD_RESET_PATH = '/password-reset/';

/**
 * Reset requests: 3 per address, then one every 10 minutes; 10 per client address, then one a
 * minute. Every request counts, whether or not the address has an account (so the throttle
 * tells nothing either). No cap on requests at once: a request does no work while it waits.
 */
export const DEFAULT_RESET_REQUEST_THROTTLE: LoginThrottleConfig = {
  perAccount: { perSecond: 1 / 600, burst: 3 },
  perIp: { perSecond: 1 / 60, burst: 10 },
  inFlight: { perAccount: 1_000, perIp: 1_000 },
};

export type ResetRequestOutcome = { kind: 'accepted' } | { kind: 'throttled'; retryAfter: number };

export type ResetOutcome =
  | { kind: 'reset'; user: User }
  | { kind: 'used' | 'expired' | 'unknown' }
  /** The password breaks the rules; the link is still good. */
  | { kind: 'invalid-password'; message: string; view: Extract<EmailLinkView, { kind: 'valid' }> }
  | { kind: 'throttled'; retryAfter: number };

export interface PasswordResetOptions {
  /** The server's public origin (the issuer): the link in the mail is absolute. */
  baseUrl: string;
  mailer: Mailer;
  /** Throttles reset requests per address and per client address. */
  requestThrottle?: LoginThrottleConfig;
  /** Throttles attempts on a link, per link and per client address (the sign-in throttle's numbers). */
  completeThrottle?: LoginThrottleConfig;
  /** With REDIS_URL: the request throttle is shared by every node. */
  shared?: SharedLimits | undefined;
  /** After a reset: forget the sign-in failures counted against the account. */
  onReset?: (user: User) => void;
  log?: Logger | undefined;
  now?: () => number;
  hash?: (password: string) => Promise<string>;
}

/**
 * "Forgot your password?": a person names their address and, when it is an enabled user's, a
 * link valid one hour is mailed to it; the link sets a new password (docs/sign-in.md). The
 * answer to a request is the same, and as fast, whether or not the address has an account:
 * the lookup, the link and the mail happen after the answer, and the throttle counts every
 * request alike.
 */
export class PasswordResetService {
  private readonly links: EmailLinks;
  private readonly requests: LoginThrottle;
  private readonly attempts: LoginThrottle;
  private readonly now: () => number;
  private readonly hash: (password: string) => Promise<string>;
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly storage: EmailTokenStore & Pick<DirectoryStore, 'getUser' | 'getUserByEmail'>,
    private readonly opts: PasswordResetOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.hash = opts.hash ?? ((pw) => hashPassword(pw));
    this.links = new EmailLinks(storage, opts.baseUrl, this.now);
    const requestThrottle = opts.requestThrottle ?? DEFAULT_RESET_REQUEST_THROTTLE;
    this.requests = new LoginThrottle(
      requestThrottle,
      opts.shared === undefined
        ? undefined
        : new SharedSignInBuckets(opts.shared, requestThrottle, {
            account: 'reset_account',
            address: 'reset_address',
          }),
    );
    this.attempts = new LoginThrottle(opts.completeThrottle);
  }

  /**
   * Asks for a reset link for `email`. Answers once the throttle has counted the request;
   * the rest (is there an enabled user with this address? the link, the mail) runs after.
   */
  async request(email: string, ip: string, flow?: string): Promise<ResetRequestOutcome> {
    const address = email.trim().slice(0, 254);
    let attempt = this.requests.admit(address, addressKey(ip));
    if (attempt instanceof Promise) attempt = await attempt;
    if (attempt.refused) return { kind: 'throttled', retryAfter: attempt.retryAfter };
    attempt.failed();
    const work = this.mailLink(address, flow)
      .catch((err: unknown) => this.opts.log?.error({ err }, 'sending a password-reset link failed'))
      .finally(() => this.background.delete(work));
    this.background.add(work);
    return { kind: 'accepted' };
  }

  /** Resolves once the requests answered so far have been looked up and their mails queued (tests). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.opts.mailer.idle();
  }

  private async mailLink(email: string, flow: string | undefined): Promise<void> {
    if (!email.includes('@')) return;
    const user = await this.storage.getUserByEmail(email);
    // A disabled user gets no mail: their link would not work either.
    if (!user || user.disabledAt !== null) return;
    const query = flow ? `?flow=${encodeURIComponent(flow)}` : '';
    const url = await this.links.issue(user, 'password_reset', PASSWORD_RESET_TTL_MS, PASSWORD_RESET_PATH);
    this.opts.mailer.send(
      passwordResetMail(user.email, `${url}${query}`, this.opts.mailer.product),
      'password_reset',
    );
  }

  /** What the link with this token leads to. */
  view(token: string): Promise<EmailLinkView> {
    return this.links.view(token, 'password_reset');
  }

  /**
   * Sets the new password from the link. Throttled per link and per client address (counted
   * before the hash runs); the link is used up only by a success, which also marks the
   * address verified and ends every session of the user.
   */
  async complete(token: string, password: string, ip: string): Promise<ResetOutcome> {
    const outcome = await passwordFromLink({
      throttle: this.attempts,
      kind: 'reset',
      token,
      password,
      ip,
      view: () => this.view(token),
      hash: this.hash,
      store: (passwordHash, view) =>
        this.storage.completePasswordReset(sha256(token), passwordHash, new Date(this.now()), {
          audit: {
            companyId: null,
            actor: `user:${view.user.id}`,
            action: 'user.password_reset',
            target: `user:${view.user.id}`,
            data: {},
          },
        }),
    });
    if (outcome.kind !== 'done') return outcome;
    this.opts.onReset?.(outcome.view.user);
    return { kind: 'reset', user: outcome.view.user };
  }
}
