import type { DirectoryStore, EmailToken, EmailTokenPurpose, EmailTokenStore } from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { newSecret } from '../util/secrets.ts';

/** What an e-mailed link leads to: its user, or why it cannot be used. */
export type EmailLinkView =
  | { kind: 'valid'; token: EmailToken; user: User }
  | { kind: 'used' | 'expired' | 'unknown' };

const SECRET_KIND = { password_reset: 'passwordReset', email_verification: 'emailVerification' } as const;

/**
 * The links Gatehouse mails (password reset, address verification), made and read the way
 * invitation links are: 256 random bits shown once (in the mail), only their SHA-256 stored,
 * single use, an expiry, and bound to the address they were sent to.
 */
export class EmailLinks {
  constructor(
    private readonly storage: EmailTokenStore & Pick<DirectoryStore, 'getUser'>,
    private readonly baseUrl: string,
    private readonly now: () => number,
  ) {}

  /** A new link for `user` at `path` + the token; the absolute URL to mail. */
  async issue(user: User, purpose: EmailTokenPurpose, ttlMs: number, path: string): Promise<string> {
    const token = newSecret(SECRET_KIND[purpose]);
    await this.storage.createEmailToken({
      id: newId('eml'),
      tokenHash: sha256(token),
      purpose,
      userId: user.id,
      email: user.email,
      expiresAt: new Date(this.now() + ttlMs),
    });
    return `${this.baseUrl}${path}${encodeURIComponent(token)}`;
  }

  /**
   * What the link with this token leads to. A link of another purpose, of a disabled user, or
   * sent to an address the user no longer has gets the answer an unknown link gets.
   */
  async view(token: string, purpose: EmailTokenPurpose): Promise<EmailLinkView> {
    const found = token.length <= 100 ? await this.storage.findEmailToken(sha256(token)) : undefined;
    if (!found || found.purpose !== purpose) return { kind: 'unknown' };
    if (found.usedAt) return { kind: 'used' };
    if (found.expiresAt.getTime() <= this.now()) return { kind: 'expired' };
    const user = await this.storage.getUser(found.userId);
    if (!user || user.disabledAt || user.email.toLowerCase() !== found.email.toLowerCase())
      return { kind: 'unknown' };
    return { kind: 'valid', token: found, user };
  }
}
