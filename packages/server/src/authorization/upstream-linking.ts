import type { UpstreamProvider } from '../config/sign-in.ts';
import type { DirectoryStore, ExternalIdentityStore, LinkOutcome } from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { newId } from '../util/random.ts';
import { type StatedMembership, syncMemberships } from './membership-sync.ts';

/** Why a person from an upstream could not be signed in as a Gatehouse user. */
export type LinkRefusal =
  /** No usable e-mail claim, and there is no linked user to fall back on. */
  | 'no-email'
  /** A user has this e-mail, and the upstream did not vouch for it (or linking by e-mail is off). */
  | 'email-unverified'
  /** The user is linked to another account of the same upstream. */
  | 'already-linked'
  /** Nobody to link, and this upstream may not create users. */
  | 'no-account'
  /** The user is disabled (operator API or `gatehouse user disable`): no path signs them in. */
  | 'disabled';

export type LinkResult =
  | { kind: 'user'; user: User; created: boolean }
  | { kind: 'refused'; reason: LinkRefusal };

const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Who a person signing in through an upstream is here (docs/sign-in.md): the user linked to
 * their (issuer, sub); else, on a first sign-in, the user with the same e-mail, only when the
 * upstream says `email_verified: true` (an unverified address never takes over an account);
 * else a new user. With a companies claim configured, the user's memberships become what the
 * claim says at every sign-in.
 */
export class UpstreamLinking {
  constructor(
    private readonly storage: ExternalIdentityStore &
      Pick<DirectoryStore, 'getUser' | 'getUserByEmail' | 'getCompany' | 'pageCompanies'>,
  ) {}

  async resolve(provider: UpstreamProvider, claims: Record<string, unknown>): Promise<LinkResult> {
    const found = await this.find(provider, claims);
    if (found.kind !== 'user') return found;
    if (found.user.disabledAt !== null) return { kind: 'refused', reason: 'disabled' };
    await this.syncMemberships(provider, found.user, claims);
    return found;
  }

  private async find(provider: UpstreamProvider, claims: Record<string, unknown>): Promise<LinkResult> {
    const { issuer } = provider;
    const subject = String(claims.sub);
    const linked = await this.linkedUser(issuer, subject);
    if (linked) return { kind: 'user', user: linked, created: false };
    const email = claims[provider.claims.email];
    if (typeof email !== 'string' || email.length > MAX_EMAIL || !EMAIL.test(email))
      return { kind: 'refused', reason: 'no-email' };
    const audit = (userId: string, action: string) => ({
      audit: {
        companyId: null,
        actor: `upstream:${provider.id}`,
        action,
        target: `user:${userId}`,
        data: { issuer },
      },
    });
    const existing = await this.storage.getUserByEmail(email);
    if (existing) {
      if (provider.link !== 'verified-email' || claims.email_verified !== true)
        return { kind: 'refused', reason: 'email-unverified' };
      const outcome = await this.storage.linkExternalIdentity(
        { issuer, subject, userId: existing.id },
        audit(existing.id, 'user.linked'),
      );
      return this.settle(outcome, existing, false);
    }
    if (!provider.provision) return { kind: 'refused', reason: 'no-account' };
    const name = claims[provider.claims.name];
    const user = {
      id: newId('usr'),
      email,
      name:
        typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : email.split('@')[0] || email,
      passwordHash: null,
      emailVerified: claims.email_verified === true,
    };
    const outcome = await this.storage.createUserWithExternalIdentity(
      user,
      { issuer, subject },
      audit(user.id, 'user.provisioned'),
    );
    const { emailVerified, ...fields } = user;
    const now = new Date();
    const provisioned = {
      ...fields,
      externalId: null,
      disabledAt: null,
      emailVerifiedAt: emailVerified ? now : null,
    };
    return this.settle(outcome, { ...provisioned, createdAt: now }, true);
  }

  /** A link just made, or one a concurrent sign-in of the same person made first. */
  private async settle(outcome: LinkOutcome, user: User, created: boolean): Promise<LinkResult> {
    if (outcome.kind === 'linked') return { kind: 'user', user, created };
    if (outcome.kind === 'subject-taken') {
      const winner = await this.storage.getUser(outcome.userId);
      if (winner) return { kind: 'user', user: winner, created: false };
    }
    if (outcome.kind === 'email-taken') return { kind: 'refused', reason: 'email-unverified' };
    return { kind: 'refused', reason: 'already-linked' };
  }

  private async linkedUser(issuer: string, subject: string): Promise<User | undefined> {
    const identity = await this.storage.getExternalIdentity(issuer, subject);
    return identity && this.storage.getUser(identity.userId);
  }

  /**
   * With `claims.companies` configured and present in the claims, the user's memberships
   * become exactly the listed companies that exist; an absent claim changes nothing. Each
   * entry names a company by its external id (the SaaS company's own id, as the operator API
   * sets it), else by its Gatehouse id: a string (role member) or
   * `{ "id": ..., "role": "admin" | "member" }`.
   */
  private async syncMemberships(provider: UpstreamProvider, user: User, claims: Record<string, unknown>) {
    const key = provider.claims.companies;
    if (key === null || !(key in claims)) return;
    const raw = claims[key];
    const stated: StatedMembership[] = [];
    for (const entry of Array.isArray(raw) ? raw : []) {
      const id = typeof entry === 'string' ? entry : (entry as { id?: unknown })?.id;
      const role =
        typeof entry === 'object' && (entry as { role?: unknown })?.role === 'admin' ? 'admin' : 'member';
      if (typeof id !== 'string' || id.length > 200) continue;
      stated.push({ company: id, role });
    }
    await syncMemberships(this.storage, user.id, stated, { actor: `upstream:${provider.id}`, byId: true });
  }
}
