import { NotFoundError, ValidationError } from '../errors.ts';
import type { AdminKeyStore, DirectoryStore } from '../storage/storage.ts';
import type { AdminKey } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { lastFour, newSecret, SecretPrefix } from '../util/secrets.ts';

export type { AdminKey };

/** An API key's name as given (trimmed), or `fallback`; 1 to 100 characters. */
export function keyName(raw: string | undefined, fallback: string): string {
  const name = (raw ?? fallback).trim();
  if (name.length === 0 || name.length > 100)
    throw new ValidationError('key name must be 1 to 100 characters', {
      name: 'must be 1 to 100 characters',
    });
  return name;
}

/** The audit actor for changes made with an admin key. */
export const adminKeyActor = (key: Pick<AdminKey, 'id'>) => `admin_key:${key.id}`;

/**
 * Company-scoped keys for the management API. A key acts as an admin of its company; the
 * key is shown once at creation and only its SHA-256 is stored (256 random bits need no
 * slow hash: see util/hash.ts).
 */
export class AdminKeyService {
  constructor(private readonly storage: AdminKeyStore & DirectoryStore) {}

  async create(
    input: { companyId: string; name?: string },
    actor: string,
  ): Promise<{ key: AdminKey; secret: string }> {
    const name = keyName(input.name, 'Admin key');
    const company = await this.storage.getCompany(input.companyId);
    if (!company) throw new NotFoundError('company');
    const secret = newSecret('adminKey');
    const id = newId('ak');
    const key = await this.storage.createAdminKey(
      { id, companyId: company.id, name, keyHash: sha256(secret), last4: lastFour(secret), createdBy: actor },
      {
        audit: {
          companyId: company.id,
          actor,
          action: 'admin_key.created',
          target: `admin_key:${id}`,
          data: { name, last4: lastFour(secret) },
        },
      },
    );
    return { key, secret };
  }

  /** The live key a presented secret belongs to, or undefined (unknown, malformed or revoked). */
  async authenticate(presented: string): Promise<AdminKey | undefined> {
    if (!presented.startsWith(SecretPrefix.adminKey) || presented.length > 100) return undefined;
    const key = await this.storage.findAdminKeyByHash(sha256(presented));
    if (!key || key.revokedAt !== null) return undefined;
    await this.storage.touchAdminKey(key.id);
    return key;
  }

  list(companyId: string): Promise<AdminKey[]> {
    return this.storage.listAdminKeys(companyId);
  }

  /**
   * UNSCOPED, operator-only (the CLI names a key by id alone): revokes the key in whichever
   * company holds it, through the same company-scoped revocation. Returns the key.
   */
  async revokeById(id: string, actor: string): Promise<AdminKey> {
    const key = await this.storage.getAdminKeyById(id);
    if (!key) throw new NotFoundError(`admin key ${id}`);
    await this.revoke(key.companyId, key.id, actor);
    return key;
  }

  async revoke(companyId: string, id: string, actor: string): Promise<void> {
    const ok = await this.storage.revokeAdminKey(companyId, id, {
      audit: { companyId, actor, action: 'admin_key.revoked', target: `admin_key:${id}`, data: {} },
    });
    if (!ok) throw new NotFoundError('active admin key');
  }
}
