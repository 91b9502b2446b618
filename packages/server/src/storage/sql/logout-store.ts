import type { Selectable } from 'kysely';
import { newId } from '../../util/random.ts';
import type { BackchannelLogout, EndedSession, LogoutStore } from '../logout-store.ts';
import type { Database } from '../schema.ts';
import type { DeliveryStatus } from '../types.ts';
import type { AttemptOutcome } from '../webhook-outbox.ts';
import type { SqlContext } from './context.ts';
import { deleteSession } from './sessions.ts';
import type { Db } from './tx.ts';

const date = (ms: number) => new Date(Number(ms));

const toLogout = (r: Selectable<Database['backchannel_logouts']>): BackchannelLogout => ({
  id: r.id,
  appId: r.app_id,
  subject: r.subject,
  sid: r.sid,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: date(r.next_attempt_at),
  lastError: r.last_error,
  createdAt: date(r.created_at),
  deliveredAt: r.delivered_at === null ? null : date(r.delivered_at),
});

/** Ends the session in `tx`; see LogoutStore.endSession. */
async function endSessionIn(db: Db, idHash: string, now: number): Promise<EndedSession | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row) return undefined;
  const gone = await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
  // A concurrent caller deleted it first (it waited on our row lock): it owns the logout.
  if (Number(gone.numDeletedRows) !== 1) return undefined;
  await deleteSession(db, idHash);
  const session = {
    idHash: row.id_hash,
    userId: row.user_id,
    authTime: row.auth_time === null ? null : date(row.auth_time),
    createdAt: date(row.created_at),
    expiresAt: date(row.expires_at),
    sid: row.sid ?? null,
  };
  const sid = row.sid;
  if (sid === null || row.user_id === null) return { session, appIds: [], logouts: [] };
  const apps = await db
    .selectFrom('session_apps')
    .innerJoin('apps', 'apps.id', 'session_apps.app_id')
    .select(['session_apps.app_id as appId', 'apps.backchannel_logout_uri as uri'])
    .where('session_apps.sid', '=', sid)
    .orderBy('session_apps.created_at')
    .execute();
  await db.deleteFrom('session_apps').where('sid', '=', sid).execute();
  const logouts: BackchannelLogout[] = [];
  for (const app of apps) {
    if (app.uri === null) continue;
    const logout = {
      id: newId('bcl', 24),
      app_id: app.appId,
      subject: row.user_id,
      sid,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    };
    await db.insertInto('backchannel_logouts').values(logout).execute();
    logouts.push(toLogout(logout));
  }
  return { session, appIds: apps.map((a) => a.appId), logouts };
}

/** Sessions' apps and the back-channel logout outbox (leased like sql/webhooks.ts's deliveries). */
export class SqlLogoutStore implements LogoutStore {
  constructor(private readonly ctx: SqlContext) {}

  async recordSessionApp(e: { sid: string; appId: string; userId: string; expiresAt: Date }) {
    await this.ctx.db
      .insertInto('session_apps')
      .values({
        sid: e.sid,
        app_id: e.appId,
        user_id: e.userId,
        created_at: Date.now(),
        expires_at: e.expiresAt.getTime(),
      })
      .onConflict((oc) => oc.columns(['sid', 'app_id']).doNothing())
      .execute();
  }

  async listSessionApps(sid: string) {
    const rows = await this.ctx.db
      .selectFrom('session_apps')
      .select('app_id')
      .where('sid', '=', sid)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => r.app_id);
  }

  endSession(idHash: string, now = new Date()) {
    return this.ctx.transaction((tx) => endSessionIn(tx, idHash, now.getTime()));
  }

  claimDueBackchannelLogouts(now: Date, limit: number, leaseMs: number) {
    return this.ctx.transaction(async (tx) => {
      const at = now.getTime();
      const due = await tx
        .selectFrom('backchannel_logouts')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      const claimed: BackchannelLogout[] = [];
      for (const { id } of due) {
        const res = await tx
          .updateTable('backchannel_logouts')
          .set({ locked_until: at + leaseMs })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) continue;
        const row = await tx
          .selectFrom('backchannel_logouts')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        if (row) claimed.push(toLogout(row));
      }
      return claimed;
    });
  }

  async releaseBackchannelLogoutLease(id: string, lockedUntil: Date) {
    const res = await this.ctx.db
      .updateTable('backchannel_logouts')
      .set({ locked_until: null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('locked_until', '=', lockedUntil.getTime())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async recordBackchannelLogoutAttempt(id: string, o: AttemptOutcome) {
    const status: DeliveryStatus = o.delivered
      ? 'delivered'
      : o.nextAttemptAt === null
        ? 'failed'
        : 'pending';
    await this.ctx.db
      .updateTable('backchannel_logouts')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status,
        locked_until: null,
        last_error: o.delivered ? null : (o.error ?? `HTTP ${o.statusCode}`),
        next_attempt_at: o.nextAttemptAt ?? o.attemptedAt,
        delivered_at: o.delivered ? o.attemptedAt : null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async listBackchannelLogouts(appId: string, limit = 50) {
    const rows = await this.ctx.db
      .selectFrom('backchannel_logouts')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(limit, 1), 200))
      .execute();
    return rows.map(toLogout);
  }
}
