import type { Selectable } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { OperatorKeyStore } from '../operator-key-store.ts';
import type { Database } from '../schema.ts';
import type { OperatorKey } from '../types.ts';
import { insertKey, keyFields, revokeKey, touchKey } from './api-keys.ts';
import type { SqlContext } from './context.ts';

const toOperatorKey = (r: Selectable<Database['operator_keys']>): OperatorKey => keyFields(r);

/** Operator API keys (migration 011). */
export class SqlOperatorKeyStore implements OperatorKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  createOperatorKey(
    key: Omit<OperatorKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
    opts: MutationOptions = {},
  ) {
    return this.ctx.transaction((tx) => insertKey(tx, 'operator_keys', key, {}, opts.audit));
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
    return this.ctx.transaction((tx) => revokeKey(tx, 'operator_keys', id, opts.audit));
  }

  touchOperatorKey(id: string, at = new Date()) {
    return touchKey(this.ctx.db, 'operator_keys', id, at.getTime());
  }
}
