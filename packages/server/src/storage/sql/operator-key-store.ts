import type { Selectable } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { OperatorKeyStore } from '../operator-key-store.ts';
import type { Database } from '../schema.ts';
import type { OperatorKey } from '../types.ts';
import { keyFields, touchKey } from './api-keys.ts';
import type { SqlContext } from './context.ts';
import { insertAudit } from './tx.ts';

const toOperatorKey = (r: Selectable<Database['operator_keys']>): OperatorKey => keyFields(r);

/** Operator API keys (migration 011). */
export class SqlOperatorKeyStore implements OperatorKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  createOperatorKey(
    key: Omit<OperatorKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
    opts: MutationOptions = {},
  ) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('operator_keys')
        .values({
          id: key.id,
          name: key.name,
          key_hash: key.keyHash,
          last4: key.last4,
          created_by: key.createdBy,
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return { ...key, createdAt: new Date(now), lastUsedAt: null, revokedAt: null };
    });
  }

  async findOperatorKeyByHash(keyHash: string) {
    const row = await this.ctx.db
      .selectFrom('operator_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row && toOperatorKey(row);
  }

  async listOperatorKeys() {
    const rows = await this.ctx.db
      .selectFrom('operator_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toOperatorKey);
  }

  revokeOperatorKey(id: string, opts: MutationOptions = {}) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      const res = await tx
        .updateTable('operator_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return true;
    });
  }

  touchOperatorKey(id: string, at = new Date()) {
    return touchKey(this.ctx.db, 'operator_keys', id, at.getTime());
  }
}
