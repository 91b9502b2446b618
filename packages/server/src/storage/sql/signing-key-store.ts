import type { SigningKeyStore } from '../signing-key-store.ts';
import type { SigningKey } from '../types.ts';
import type { SqlContext } from './context.ts';
import { toSigningKey } from './mappers.ts';
import { invalidate } from './tx.ts';

export class SqlSigningKeyStore implements SigningKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  async listSigningKeys() {
    const rows = await this.ctx.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toSigningKey);
  }

  async insertSigningKey(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>) {
    await this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: key.publicJwk,
          private_jwk_encrypted: key.privateJwkEncrypted,
          status: key.status,
          created_at: now,
          retired_at: null,
        })
        .execute();
      await invalidate(tx, ['keys'], now);
    });
  }

  async retireSigningKey(kid: string) {
    await this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: now })
        .where('kid', '=', kid)
        .execute();
      await invalidate(tx, ['keys'], now);
    });
  }
}
