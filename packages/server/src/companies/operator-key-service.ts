import { NotFoundError } from '../errors.ts';
import type { OperatorKeyStore } from '../storage/storage.ts';
import type { OperatorKey } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { lastFour, newSecret, SecretPrefix } from '../util/secrets.ts';
import { keyName } from './admin-key-service.ts';

export type { OperatorKey };

/** The audit actor for changes made with an operator key. */
export const operatorKeyActor = (key: Pick<OperatorKey, 'id'>) => `operator_key:${key.id}`;

/**
 * Keys of the operator API: the SaaS company's backend managing every company, user and
 * membership (and, naming a company in `x-company-id`, acting as an admin of it). Created and
 * revoked only by whoever runs the `gatehouse` CLI against the database; shown once, stored
 * as SHA-256 (256 random bits need no slow hash: see util/hash.ts).
 */
export class OperatorKeyService {
  constructor(private readonly storage: OperatorKeyStore) {}

  async create(input: { name?: string }, actor: string): Promise<{ key: OperatorKey; secret: string }> {
    const name = keyName(input.name, 'Operator key');
    const secret = newSecret('operatorKey');
    const id = newId('opk');
    const key = await this.storage.createOperatorKey(
      { id, name, keyHash: sha256(secret), last4: lastFour(secret), createdBy: actor },
      {
        audit: {
          companyId: null,
          actor,
          action: 'operator_key.created',
          target: `operator_key:${id}`,
          data: { name, last4: lastFour(secret) },
        },
      },
    );
    return { key, secret };
  }

  /** The live key a presented secret belongs to, or undefined (unknown, malformed or revoked). */
  async authenticate(presented: string): Promise<OperatorKey | undefined> {
    if (!presented.startsWith(SecretPrefix.operatorKey) || presented.length > 100) return undefined;
    const key = await this.storage.findOperatorKeyByHash(sha256(presented));
    if (!key || key.revokedAt !== null) return undefined;
    await this.storage.touchOperatorKey(key.id);
    return key;
  }

  list(): Promise<OperatorKey[]> {
    return this.storage.listOperatorKeys();
  }

  async revoke(id: string, actor: string): Promise<void> {
    const ok = await this.storage.revokeOperatorKey(id, {
      audit: {
        companyId: null,
        actor,
        action: 'operator_key.revoked',
        target: `operator_key:${id}`,
        data: {},
      },
    });
    if (!ok) throw new NotFoundError('active operator key');
  }
}
