import type {
  DeviceAuthorization,
  DeviceAuthorizationStore,
  DevicePoll,
  NewDeviceAuthorization,
} from '../device-authorization-store.ts';
import type { Database } from '../schema.ts';
import type { SqlContext } from './context.ts';

type Row = Database['device_authorizations'];

const toAuthorization = (r: Row): DeviceAuthorization => ({
  id: r.id,
  deviceCodeHash: r.device_code_hash,
  userCodeHash: r.user_code_hash,
  appId: r.app_id,
  clientId: r.client_id,
  scopes: JSON.parse(r.scopes) as string[],
  intervalSeconds: Number(r.interval_seconds),
  status: r.status as DeviceAuthorization['status'],
  sessionHash: r.session_hash,
  companyId: r.company_id,
  codeHash: r.code_hash,
  lastPolledAt: r.last_polled_at === null ? null : new Date(Number(r.last_polled_at)),
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

/**
 * Every state change is one conditional UPDATE (status still pending, unexpired, the same
 * session), so of concurrent callers exactly one changes a row.
 */
export class SqlDeviceAuthorizationStore implements DeviceAuthorizationStore {
  constructor(private readonly ctx: SqlContext) {}

  async createDeviceAuthorization(a: NewDeviceAuthorization): Promise<DeviceAuthorization> {
    const row: Row = {
      id: a.id,
      device_code_hash: a.deviceCodeHash,
      user_code_hash: a.userCodeHash,
      app_id: a.appId,
      client_id: a.clientId,
      scopes: JSON.stringify(a.scopes),
      interval_seconds: a.intervalSeconds,
      status: 'pending',
      session_hash: null,
      company_id: null,
      code_hash: null,
      last_polled_at: null,
      created_at: Date.now(),
      expires_at: a.expiresAt.getTime(),
    };
    await this.ctx.db.insertInto('device_authorizations').values(row).execute();
    return toAuthorization(row);
  }

  async findDeviceAuthorizationByUserCode(userCodeHash: string, now = new Date()) {
    const row = await this.ctx.db
      .selectFrom('device_authorizations')
      .selectAll()
      .where('user_code_hash', '=', userCodeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return row ? toAuthorization(row) : undefined;
  }

  async getDeviceVerification(id: string, sessionHash: string, now = new Date()) {
    const row = await this.ctx.db
      .selectFrom('device_authorizations')
      .selectAll()
      .where('id', '=', id)
      .where('session_hash', '=', sessionHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return row ? toAuthorization(row) : undefined;
  }

  async bindDeviceAuthorization(id: string, sessionHash: string, now = new Date()): Promise<boolean> {
    const res = await this.ctx.db
      .updateTable('device_authorizations')
      .set({ session_hash: sessionHash, company_id: null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async setDeviceAuthorizationCompany(id: string, sessionHash: string, companyId: string): Promise<boolean> {
    const res = await this.ctx.db
      .updateTable('device_authorizations')
      .set({ company_id: companyId })
      .where('id', '=', id)
      .where('session_hash', '=', sessionHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async decideDeviceAuthorization(
    id: string,
    sessionHash: string,
    decision: { status: 'approved'; codeHash: string } | { status: 'denied' },
    now = new Date(),
  ): Promise<boolean> {
    const res = await this.ctx.db
      .updateTable('device_authorizations')
      .set({ status: decision.status, code_hash: decision.status === 'approved' ? decision.codeHash : null })
      .where('id', '=', id)
      .where('session_hash', '=', sessionHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async recordDevicePoll(
    deviceCodeHash: string,
    stepSeconds: number,
    now = new Date(),
  ): Promise<DevicePoll | undefined> {
    const at = now.getTime();
    // Compare-and-set on last_polled_at: a poll that loses the race was too fast by definition.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.ctx.db
        .selectFrom('device_authorizations')
        .selectAll()
        .where('device_code_hash', '=', deviceCodeHash)
        .executeTakeFirst();
      if (!row) return undefined;
      const last = row.last_polled_at === null ? null : Number(row.last_polled_at);
      const interval = Number(row.interval_seconds);
      const slowDown = last !== null && at - last < interval * 1000;
      const next = slowDown ? interval + stepSeconds : interval;
      let update = this.ctx.db
        .updateTable('device_authorizations')
        .set({ last_polled_at: at, interval_seconds: next })
        .where('id', '=', row.id)
        .where('interval_seconds', '=', interval);
      update =
        last === null
          ? update.where('last_polled_at', 'is', null)
          : update.where('last_polled_at', '=', row.last_polled_at);
      const res = await update.executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1)
        return {
          authorization: toAuthorization({ ...row, last_polled_at: at, interval_seconds: next }),
          slowDown,
        };
    }
    return undefined;
  }
}
