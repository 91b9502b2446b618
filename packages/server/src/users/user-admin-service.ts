import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { changeLog, duplicate } from '../companies/company-service.ts';
import * as valid from '../companies/directory-validation.ts';
import { NotFoundError } from '../errors.ts';
import type { DirectoryStore, UserPageRequest } from '../storage/storage.ts';
import type { Page, User } from '../storage/types.ts';
import { hashPassword } from './password.ts';

/**
 * Changes to users as the operator makes them (the operator API and the CLI): update,
 * set a password, disable and enable, delete. Deleting or disabling a user ends their
 * sessions and revokes their refresh tokens at once (the revocation feed carries it to
 * resource servers); the company grants they gave stay, for they are the company's.
 */
export class UserAdminService {
  constructor(
    private readonly storage: DirectoryStore,
    private readonly bus: InvalidationBus,
  ) {}

  async get(id: string): Promise<User> {
    const user = await this.storage.getUser(id);
    if (!user) throw new NotFoundError('user');
    return user;
  }

  /** Newest first; `email` matches the address (any case), `externalId` exactly. */
  page(req: UserPageRequest): Promise<Page<User>> {
    return this.storage.pageUsers(req);
  }

  async update(
    id: string,
    changes: { email?: string; name?: string; externalId?: string | null; emailVerified?: boolean },
    actor: string,
  ): Promise<User> {
    const set = {
      ...(changes.email !== undefined ? { email: valid.email(changes.email) } : {}),
      ...(changes.name !== undefined ? { name: valid.userName(changes.name) } : {}),
      ...(changes.externalId !== undefined ? { externalId: valid.externalId(changes.externalId) } : {}),
    };
    const verified = changes.emailVerified === undefined ? {} : { emailVerified: changes.emailVerified };
    const before = await this.get(id);
    const log = {
      ...changeLog(before, set),
      ...(changes.emailVerified !== undefined && changes.emailVerified !== (before.emailVerifiedAt !== null)
        ? { email_verified: { from: before.emailVerifiedAt !== null, to: changes.emailVerified } }
        : {}),
    };
    const updated = await this.storage
      .updateUser(id, { ...set, ...verified }, { audit: audit(id, actor, 'user.updated', log) })
      .catch((err: unknown) => duplicate(err, 'user'));
    if (!updated) throw new NotFoundError('user');
    return updated;
  }

  async setPassword(id: string, password: string, actor: string): Promise<User> {
    const hash = await hashPassword(valid.password(password));
    const updated = await this.storage.updateUser(
      id,
      { passwordHash: hash },
      { audit: audit(id, actor, 'user.password_set', {}) },
    );
    if (!updated) throw new NotFoundError('user');
    return updated;
  }

  /** Disabled: cannot sign in; their sessions end and their refresh tokens are revoked now. */
  async setDisabled(id: string, disabled: boolean, actor: string): Promise<User> {
    const user = await this.storage.setUserDisabled(id, disabled, {
      audit: audit(id, actor, disabled ? 'user.disabled' : 'user.enabled', {}),
    });
    if (!user) throw new NotFoundError('user');
    if (disabled) this.bus.publishLocal('revocations');
    return user;
  }

  /** Idempotent: a second delete of the same user is 404. */
  async delete(id: string, actor: string): Promise<void> {
    const user = await this.get(id);
    const ok = await this.storage.deleteUser(id, {
      audit: audit(id, actor, 'user.deleted', { email: user.email, external_id: user.externalId }),
    });
    if (!ok) throw new NotFoundError('user');
    this.bus.publishLocal('revocations');
  }
}

// A user belongs to no one company: their own changes are audited outside any company's log.
const audit = (id: string, actor: string, action: string, data: Record<string, unknown>) => ({
  companyId: null,
  actor,
  action,
  target: `user:${id}`,
  data,
});
