import type { Selectable } from 'kysely';
import type { AdminKeyStore } from '../admin-key-store.ts';
import type { MutationOptions } from '../common.ts';
import type { Database } from '../schema.ts';
import type { AdminKey, AuditEventInput } from '../types.ts';
import { keyFields, touchKey } from './api-keys.ts';
import type { SqlContext } from './context.ts';
import { type Db, insertAudit } from './tx.ts';

const toAdminKey = (r: Selectable<Database['admin_keys']>): AdminKey => ({
  ...keyFields(r),
  companyId: r.company_id,
});

async function insertAdminKey(
  db: Db,
  key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
  audit?: AuditEventInput,
): Promise<AdminKey> {
  const now = Date.now();
  await db
    .insertInto('admin_keys')
    .values({
      id: key.id,
      company_id: key.companyId,
      name: key.name,
      key_hash: key.keyHash,
      last4: key.last4,
      created_by: key.createdBy,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  if (audit) await insertAudit(db, audit, now);
  return { ...key, createdAt: new Date(now), lastUsedAt: null, revokedAt: null };
}

async function revokeAdminKey(db: Db, companyId: string, id: string, audit?: AuditEventInput) {
  const now = Date.now();
  const res = await db
    .updateTable('admin_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('company_id', '=', companyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  if (audit) await insertAudit(db, audit, now);
  return true;
}

export class SqlAdminKeyStore implements AdminKeyStore {
  constructor(private readonly ctx: SqlContext) {}

  createAdminKey(key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>, opts: MutationOptions = {}) {
    return this.ctx.transaction((tx) => insertAdminKey(tx, key, opts.audit));
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
    return this.ctx.transaction((tx) => revokeAdminKey(tx, companyId, id, opts.audit));
  }

  touchAdminKey(id: string, at = new Date()) {
    return touchKey(this.ctx.db, 'admin_keys', id, at.getTime());
  }
}
