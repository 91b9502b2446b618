import type { Selectable } from 'kysely';
import type { AuthorizationFlow, Session } from '../authorization-types.ts';
import type { Database } from '../schema.ts';
import type { Db } from './tx.ts';

const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

const toSession = (r: Selectable<Database['sessions']>): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  authTime: maybeDate(r.auth_time),
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
  sid: r.sid ?? null,
});

const toFlow = (r: Selectable<Database['authorization_flows']>): AuthorizationFlow => ({
  id: r.id,
  sessionHash: r.session_hash,
  appId: r.app_id,
  request: r.request,
  companyId: r.company_id,
  grantGuid: r.grant_guid,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

export type NewSession = Omit<Session, 'createdAt'>;

export async function insertSession(db: Db, s: NewSession, now = Date.now()): Promise<Session> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: s.idHash,
      user_id: s.userId,
      auth_time: s.authTime?.getTime() ?? null,
      created_at: now,
      expires_at: s.expiresAt.getTime(),
      sid: s.sid ?? null,
    })
    .execute();
  return { ...s, sid: s.sid ?? null, createdAt: new Date(now) };
}

export async function selectSession(db: Db, idHash: string, now: number): Promise<Session | undefined> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && toSession(row);
}

/** Swaps a session for a new one (sign-in), carrying its pending flows across. */
export async function replaceSession(db: Db, oldHash: string | null, next: NewSession): Promise<Session> {
  const created = await insertSession(db, next);
  if (oldHash !== null) {
    await db
      .updateTable('authorization_flows')
      .set({ session_hash: next.idHash })
      .where('session_hash', '=', oldHash)
      .execute();
    await db.deleteFrom('sessions').where('id_hash', '=', oldHash).execute();
  }
  return created;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('authorization_flows').where('session_hash', '=', idHash).execute();
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function insertFlow(db: Db, f: Omit<AuthorizationFlow, 'createdAt'>, now = Date.now()) {
  await db
    .insertInto('authorization_flows')
    .values({
      id: f.id,
      session_hash: f.sessionHash,
      app_id: f.appId,
      request: f.request,
      company_id: f.companyId,
      grant_guid: f.grantGuid,
      created_at: now,
      expires_at: f.expiresAt.getTime(),
    })
    .execute();
  return { ...f, createdAt: new Date(now) };
}

export async function selectFlow(db: Db, id: string, sessionHash: string, now: number) {
  const row = await db
    .selectFrom('authorization_flows')
    .selectAll()
    .where('id', '=', id)
    .where('session_hash', '=', sessionHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && toFlow(row);
}

export async function setFlowCompany(db: Db, id: string, sessionHash: string, companyId: string) {
  const res = await db
    .updateTable('authorization_flows')
    .set({ company_id: companyId })
    .where('id', '=', id)
    .where('session_hash', '=', sessionHash)
    .where('grant_guid', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Deletes and returns the flow; of concurrent callers exactly one gets it. */
export async function claimFlow(db: Db, id: string, sessionHash: string, now: number) {
  const flow = await selectFlow(db, id, sessionHash, now);
  if (!flow || flow.grantGuid !== null) return undefined;
  const res = await db
    .deleteFrom('authorization_flows')
    .where('id', '=', id)
    .where('session_hash', '=', sessionHash)
    .where('grant_guid', 'is', null)
    .executeTakeFirst();
  return Number(res.numDeletedRows) === 1 ? flow : undefined;
}
