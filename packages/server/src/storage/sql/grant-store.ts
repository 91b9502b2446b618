import type { MutationOptions } from '../common.ts';
import type { GrantPageRequest, GrantStore, NewGrant } from '../grant-store.ts';
import { touchGrants } from './apps.ts';
import type { SqlContext } from './context.ts';
import { revokeGrant, upsertGrant } from './grants.ts';
import { toGrant } from './mappers.ts';
import { pageGrants } from './pagination.ts';

/** Company grants (sql/grants.ts holds the statements of the atomic ones). */
export class SqlGrantStore implements GrantStore {
  constructor(private readonly ctx: SqlContext) {}

  upsertGrant(grant: NewGrant, opts: MutationOptions = {}) {
    return this.ctx.transaction((tx) => upsertGrant(tx, grant, opts.audit, opts.events));
  }

  async getGrantByGuid(guid: string) {
    const row = await this.ctx.db
      .selectFrom('grants')
      .selectAll()
      .where('guid', '=', guid)
      .executeTakeFirst();
    return row && toGrant(row);
  }

  async getGrantById(grantId: string) {
    const row = await this.ctx.db
      .selectFrom('grants')
      .selectAll()
      .where('id', '=', grantId)
      .executeTakeFirst();
    return row && toGrant(row);
  }

  async getActiveGrant(appId: string, companyId: string) {
    const row = await this.ctx.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .where('company_id', '=', companyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toGrant(row);
  }

  async listGrantsOfCompany(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('grants')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  async listGrantsOfApp(appId: string) {
    const rows = await this.ctx.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  async touchGrants(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.ctx.transaction((tx) => touchGrants(tx, stamps));
  }

  revokeGrant(companyId: string, grantId: string, opts: MutationOptions = {}) {
    return this.ctx.revoking((tx) => revokeGrant(tx, companyId, grantId, opts.audit, opts.events));
  }

  pageGrantsOfCompany(companyId: string, page: GrantPageRequest = {}) {
    return pageGrants(this.ctx.db, companyId, page);
  }
}
