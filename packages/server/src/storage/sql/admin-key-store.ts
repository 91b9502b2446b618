import type { Selectable } from 'kysely';
import type { AdminKeyStore } from '../admin-key-store.ts';
import type { MutationOptions } from '../common.ts';
import type { Database } from '../schema.ts';
import type { AdminKey } from '../types.ts';
import { insertKey, keyFields, revokeKey, touchKey } from './api-keys.ts';
import type { SqlContext } from './context.ts';

const toAdminKey = (r: Selectable<Database['admin_keys']>): AdminKey => ({
  ...keyFields(r),
  companyId: r.company_id,
});

export class SqlAdminKeyStore implements AdminKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  createAdminKey(key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>, opts: MutationOptions = {}) {
    return this.ctx.transaction((tx) =>
      insertKey(tx, 'admin_keys', key, { company_id: key.companyId }, opts.audit),
    );
  }

  async findAdminKeyByHash(keyHash: string) {
    const row = await this.ctx.db
      .selectFrom('admin_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row && toAdminKey(row);
  }

  async getAdminKeyById(id: string) {
    const row = await this.ctx.db
      .selectFrom('admin_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAdminKey(row);
  }

  async listAdminKeys(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('admin_keys')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toAdminKey);
  }

  revokeAdminKey(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.ctx.transaction((tx) => revokeKey(tx, 'admin_keys', id, opts.audit, { companyId }));
  }

  touchAdminKey(id: string, at = new Date()) {
    return touchKey(this.ctx.db, 'admin_keys', id, at.getTime());
  }
}
