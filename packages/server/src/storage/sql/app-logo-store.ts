import type { AppLogoStore } from '../app-logo-store.ts';
import type { AppLogo } from '../types.ts';
import type { SqlContext } from './context.ts';
import type { Db } from './tx.ts';

export class SqlAppLogoStore implements AppLogoStore {
  constructor(private readonly ctx: SqlContext) {}

  putAppLogo(logo: Omit<AppLogo, 'createdAt'>) {
    return insertLogo(this.ctx.db, logo);
  }

  getAppLogo(id: string) {
    return selectLogo(this.ctx.db, id);
  }

  deleteAppLogo(companyId: string, id: string) {
    return removeLogo(this.ctx.db, companyId, id);
  }
}

async function insertLogo(db: Db, logo: Omit<AppLogo, 'createdAt'>, now = Date.now()): Promise<AppLogo> {
  await db
    .insertInto('app_logos')
    .values({
      id: logo.id,
      company_id: logo.companyId,
      content_type: logo.contentType,
      bytes: logo.bytes,
      sha256: logo.sha256,
      width: logo.width,
      height: logo.height,
      created_at: now,
    })
    .execute();
  return { ...logo, createdAt: new Date(now) };
}

async function selectLogo(db: Db, id: string): Promise<AppLogo | undefined> {
  const row = await db.selectFrom('app_logos').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    companyId: row.company_id,
    contentType: row.content_type === 'image/png' ? 'image/png' : 'image/jpeg',
    // better-sqlite3 and pg both answer a Buffer; copy into a plain Uint8Array view.
    bytes: new Uint8Array(row.bytes),
    sha256: row.sha256,
    width: Number(row.width),
    height: Number(row.height),
    createdAt: new Date(Number(row.created_at)),
  };
}

async function removeLogo(db: Db, companyId: string, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom('app_logos')
    .where('id', '=', id)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
