import type { CompanyService } from '../companies/company-service.ts';
import { ConflictError, DomainError } from '../errors.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { Role, User } from '../storage/types.ts';
import type { UserAdminService } from '../users/user-admin-service.ts';
import { type MembershipSyncStore, syncMemberships } from './membership-sync.ts';

/** The person a login application vouches for when it accepts a login request. */
export interface DelegatedSubject {
  /** The SaaS company's own id of the person: the link to the Gatehouse user. */
  externalId: string;
  email: string;
  name?: string;
  emailVerified?: boolean;
  /** Present: the memberships become exactly these (companies by external id). Absent: unchanged. */
  companies?: { externalId: string; role: Role }[];
}

export class UserDisabledError extends DomainError {
  constructor() {
    super('user_disabled', 'this user is disabled: no sign-in is accepted for them', 403);
  }
}

/**
 * The user a login application's subject is, made or updated just in time (docs/sign-in.md):
 * the user with the subject's external id; else the user with its e-mail address, linked only
 * when that user has no external id yet and the login application says the address is
 * verified; else a new user without a password. An address that belongs to another user is a
 * 409, never a takeover; a disabled user is a 403.
 */
export class DelegatedUsers {
  constructor(
    private readonly storage: MembershipSyncStore & Pick<DirectoryStore, 'pageUsers' | 'getUserByEmail'>,
    private readonly companies: Pick<CompanyService, 'createUser'>,
    private readonly userAdmin: Pick<UserAdminService, 'update'>,
  ) {}

  async upsert(
    subject: DelegatedSubject,
    actor: string,
  ): Promise<{ user: User; unknownCompanies: string[] }> {
    const user = await this.find(subject, actor);
    if (subject.companies === undefined) return { user, unknownCompanies: [] };
    const stated = subject.companies.map((c) => ({ company: c.externalId, role: c.role }));
    const synced = await syncMemberships(this.storage, user.id, stated, { actor, byId: false });
    return { user, unknownCompanies: synced.unknown };
  }

  private async find(subject: DelegatedSubject, actor: string): Promise<User> {
    const { externalId, email } = subject;
    const linked = (await this.storage.pageUsers({ externalId, limit: 1 })).items[0];
    const holder = await this.storage.getUserByEmail(email);
    if (linked) {
      if (linked.disabledAt !== null) throw new UserDisabledError();
      if (holder && holder.id !== linked.id)
        throw new ConflictError(
          `the e-mail address ${email} belongs to another user; the user with external id ${externalId} keeps ${linked.email}`,
        );
      const changes = {
        ...(linked.email !== email ? { email } : {}),
        ...(subject.name !== undefined && subject.name !== linked.name ? { name: subject.name } : {}),
        ...(subject.emailVerified !== undefined && subject.emailVerified !== (linked.emailVerifiedAt !== null)
          ? { emailVerified: subject.emailVerified }
          : {}),
      };
      return Object.keys(changes).length === 0 ? linked : this.userAdmin.update(linked.id, changes, actor);
    }
    if (holder) {
      if (holder.externalId !== null)
        throw new ConflictError(
          `the e-mail address ${email} belongs to a user with another external id; nobody was signed in`,
        );
      if (holder.disabledAt !== null) throw new UserDisabledError();
      if (subject.emailVerified !== true)
        throw new ConflictError(
          `a user with the e-mail address ${email} exists; it is linked to external id ${externalId} only when email_verified is true`,
        );
      return this.userAdmin.update(
        holder.id,
        { externalId, ...(subject.name !== undefined ? { name: subject.name } : {}), emailVerified: true },
        actor,
      );
    }
    return this.companies.createUser(
      {
        email,
        externalId,
        ...(subject.name !== undefined ? { name: subject.name } : {}),
        ...(subject.emailVerified !== undefined ? { emailVerified: subject.emailVerified } : {}),
      },
      actor,
    );
  }
}
