import type { AppEdit, AppStore, NewApp, NewAppSecret } from '../app-store.ts';
import type { MutationOptions } from '../common.ts';
import type { PageRequest } from '../types.ts';
import { insertApp, removeApp, rotateSecret, selectAppWithSecrets, touchApps, updateApp } from './apps.ts';
import type { SqlContext } from './context.ts';
import { toApp } from './mappers.ts';
import { pageApps } from './pagination.ts';

/** Apps and their secrets (sql/apps.ts holds the statements shared with other slices). */
export class SqlAppStore implements AppStore {
  constructor(private readonly ctx: SqlContext) {}

  async createApp(app: NewApp, secret: NewAppSecret | null, opts: MutationOptions = {}) {
    await this.ctx.transaction((tx) => insertApp(tx, app, secret, opts.audit));
    const created = await selectAppWithSecrets(this.ctx.db, { appId: app.id });
    if (!created) throw new Error('app vanished after insert');
    return created;
  }

  findAppByClientId(clientId: string, now = new Date()) {
    return selectAppWithSecrets(this.ctx.db, { clientId }, now.getTime());
  }

  getApp(companyId: string, appId: string) {
    return selectAppWithSecrets(this.ctx.db, { appId, companyId });
  }

  getAppById(appId: string) {
    return selectAppWithSecrets(this.ctx.db, { appId });
  }

  async listApps(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('apps')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toApp);
  }

  rotateAppSecret(
    companyId: string,
    appId: string,
    secret: NewAppSecret,
    graceUntil: Date,
    opts: MutationOptions = {},
  ) {
    return this.ctx.transaction((tx) =>
      rotateSecret(tx, companyId, appId, secret, graceUntil, opts.audit, opts.events),
    );
  }

  updateApp(companyId: string, appId: string, expected: AppEdit, edit: AppEdit, opts: MutationOptions = {}) {
    return this.ctx.transaction((tx) => updateApp(tx, companyId, appId, expected, edit, opts));
  }

  deleteApp(companyId: string, appId: string, opts: MutationOptions = {}) {
    return this.ctx.revoking((tx) => removeApp(tx, companyId, appId, opts.audit, opts.events));
  }

  async touchApps(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.ctx.transaction((tx) => touchApps(tx, stamps));
  }

  pageApps(companyId: string, page: PageRequest = {}) {
    return pageApps(this.ctx.db, companyId, page);
  }

  async anyAppWithGrantType(grantType: string) {
    const row = await this.ctx.db
      .selectFrom('apps')
      .select('id')
      .where('grant_types', 'like', `%${JSON.stringify(grantType)}%`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
