import type { Logger } from 'pino';
import { LoginThrottle } from '../authorization/login-throttle.ts';
import type { Mailer } from '../mail/mailer.ts';
import { verificationMail } from '../mail/messages.ts';
import type { DirectoryStore, EmailTokenStore } from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { EmailLinks } from './email-links.ts';

/** A verification link works this long after it is mailed. */
export const VERIFICATION_TTL_MS = 24 * 3600_000;

/** The path of a verification link; the token is the last segment. */
export const VERIFICATION_PATH = '/verify-email/';

export type VerifyOutcome = { kind: 'verified'; user: User } | { kind: 'used' | 'expired' | 'unknown' };

export type ResendOutcome =
  | { kind: 'sent' }
  | { kind: 'already-verified' }
  | { kind: 'throttled'; retryAfter: number };

/**
 * Proving that a user's address is theirs (docs/sign-in.md, "E-mail verification"): a link
 * valid 24 hours is mailed to it when the user is made (`gatehouse user create`) and when a
 * signed-in person asks again; following it sets `emailVerifiedAt`, so id_tokens and userinfo
 * say `email_verified: true`. A link sent to an address the user has since changed proves
 * nothing and is refused.
 */
export class EmailVerificationService {
  private readonly links: EmailLinks;
  private readonly now: () => number;
  /** Resends per user: 3, then one every 10 minutes (a mail costs; a person needs few). */
  private readonly resends = new LoginThrottle({
    perAccount: { perSecond: 1 / 600, burst: 3 },
    perIp: { perSecond: 0, burst: 1 },
    inFlight: { perAccount: 1_000, perIp: 1_000 },
  });

  constructor(
    private readonly storage: EmailTokenStore & Pick<DirectoryStore, 'getUser'>,
    private readonly opts: { baseUrl: string; mailer: Mailer; log?: Logger | undefined; now?: () => number },
  ) {
    this.now = opts.now ?? Date.now;
    this.links = new EmailLinks(storage, opts.baseUrl, this.now);
  }

  /** Mails a verification link to the user's address, unless it is verified already or the user disabled. */
  async send(user: User): Promise<boolean> {
    if (user.emailVerifiedAt !== null || user.disabledAt !== null) return false;
    const url = await this.links.issue(user, 'email_verification', VERIFICATION_TTL_MS, VERIFICATION_PATH);
    this.opts.mailer.send(verificationMail(user.email, url, this.opts.mailer.product), 'email_verification');
    return true;
  }

  /** "Send the link again", for the signed-in user; throttled per user. */
  async resend(user: User): Promise<ResendOutcome> {
    if (user.emailVerifiedAt !== null) return { kind: 'already-verified' };
    const attempt = this.resends.begin(user.id, 'any');
    if (attempt.refused) return { kind: 'throttled', retryAfter: attempt.retryAfter };
    attempt.failed();
    await this.send(user);
    return { kind: 'sent' };
  }

  /** Follows the link: the address is verified, once. */
  async verify(token: string): Promise<VerifyOutcome> {
    const view = await this.links.view(token, 'email_verification');
    if (view.kind !== 'valid') return view;
    const done = await this.storage.completeEmailVerification(sha256(token), new Date(this.now()), {
      audit: {
        companyId: null,
        actor: `user:${view.user.id}`,
        action: 'user.email_verified',
        target: `user:${view.user.id}`,
        data: { email: view.user.email },
      },
    });
    if (!done) return { kind: 'used' };
    const user = await this.storage.getUser(view.user.id);
    return user ? { kind: 'verified', user } : { kind: 'unknown' };
  }
}
