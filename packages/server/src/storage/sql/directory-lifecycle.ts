import type { MembershipChange } from '../directory-store.ts';
import type { AuditEventInput, DomainEventInput, Role } from '../types.ts';
import { removeApp } from './apps.ts';
import type { Dialect } from './connect.ts';
import { toMembership } from './mappers.ts';
import { grantRevocations, insertRevocations } from './revocations.ts';
import { revokeFamily } from './tokens.ts';
import { type Db, insertAudit, invalidate } from './tx.ts';
import { enqueueEvents } from './webhooks.ts';

// The statements behind the directory's deletions and guarded changes (directory-store.ts).
// Each runs inside the caller's transaction, which SqlContext.revoking opens so that this
// process's revocation listeners hear of what was appended to the feed.

/** Revokes the live token families of the user and/or the company, each onto the feed. */
async function revokeFamiliesWhere(
  db: Db,
  where: { userId?: string; companyId?: string },
  now: number,
): Promise<void> {
  let q = db.selectFrom('token_families').select('id').where('revoked_at', 'is', null);
  if (where.userId !== undefined) q = q.where('user_id', '=', where.userId);
  if (where.companyId !== undefined) q = q.where('company_id', '=', where.companyId);
  for (const f of await q.execute()) await revokeFamily(db, f.id, now);
}

/** Ends the user's sessions with their pending flows, and drops codes not yet exchanged. */
export async function endSessions(db: Db, userId: string): Promise<void> {
  const sessions = await db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).execute();
  const hashes = sessions.map((s) => s.id_hash);
  if (hashes.length > 0)
    await db.deleteFrom('authorization_flows').where('session_hash', 'in', hashes).execute();
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('authorization_codes')
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .execute();
}

async function finish(db: Db, now: number, audit?: AuditEventInput, events?: DomainEventInput[]) {
  if (audit) await insertAudit(db, audit, now);
  await enqueueEvents(db, events, now);
}

export async function setUserDisabled(
  db: Db,
  id: string,
  disabled: boolean,
  audit?: AuditEventInput,
): Promise<boolean> {
  const now = Date.now();
  const res = await db
    .updateTable('users')
    .set({ disabled_at: disabled ? now : null })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  if (disabled) {
    await endSessions(db, id);
    await revokeFamiliesWhere(db, { userId: id }, now);
  }
  await finish(db, now, audit);
  return true;
}

export async function deleteUser(db: Db, id: string, audit?: AuditEventInput): Promise<boolean> {
  const now = Date.now();
  // Takes the row first: of two concurrent deletes on PostgreSQL the second waits here, then
  // finds nothing and writes nothing.
  const locked = await db
    .updateTable('users')
    .set({ name: (eb) => eb.ref('name') })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) return false;
  await endSessions(db, id);
  await revokeFamiliesWhere(db, { userId: id }, now);
  await db.deleteFrom('memberships').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
  await finish(db, now, audit);
  return true;
}

export async function deleteCompany(
  db: Db,
  id: string,
  audit?: AuditEventInput,
  events?: DomainEventInput[],
): Promise<boolean> {
  const now = Date.now();
  const locked = await db
    .updateTable('companies')
    .set({ name: (eb) => eb.ref('name') })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) return false;
  // The grants it gave: every token carrying one, and every use of its GUID, is refused.
  const given = await db
    .selectFrom('grants')
    .select(['id', 'guid'])
    .where('company_id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  await insertRevocations(
    db,
    given.flatMap((g) => grantRevocations(g.id, g.guid, now)),
    now,
  );
  await invalidate(
    db,
    given.map((g) => `grant:${g.guid}`),
    now,
  );
  // Its apps, with their secrets and every grant to them (removeApp writes their revocations).
  const apps = await db.selectFrom('apps').select('id').where('company_id', '=', id).execute();
  for (const app of apps) await removeApp(db, id, app.id);
  // Tokens users got for it through other companies' apps.
  await revokeFamiliesWhere(db, { companyId: id }, now);
  await db.deleteFrom('idempotency_keys').where('company_id', '=', id).execute();
  await finish(db, now, audit, events);
  // Kept, marked: the audit log outlives the company (its own deletion event included).
  await db
    .updateTable('audit_events')
    .set({ company_deleted_at: now })
    .where('company_id', '=', id)
    .execute();
  // Memberships, grants, webhook endpoints (and their deliveries), admin keys and logos cascade.
  await db.deleteFrom('companies').where('id', '=', id).execute();
  return true;
}

export async function changeMembership(
  db: Db,
  dialect: Dialect,
  userId: string,
  companyId: string,
  role: Role | null,
  audit?: AuditEventInput,
): Promise<MembershipChange> {
  // One change per company at a time, so two admins demoting each other cannot both pass the
  // count below (SQLite has one writer already).
  let lock = db.selectFrom('companies').select('id').where('id', '=', companyId);
  if (dialect === 'postgres') lock = lock.forUpdate();
  if (!(await lock.executeTakeFirst())) return { kind: 'not_found' };
  const row = await db
    .selectFrom('memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  if (!row) return { kind: 'not_found' };
  const previous = row.role as Role;
  if (previous === 'admin' && role !== 'admin') {
    const admins = await db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('company_id', '=', companyId)
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    if (Number(admins.n) <= 1) return { kind: 'last_admin' };
  }
  const now = Date.now();
  if (role === null) {
    await db
      .deleteFrom('memberships')
      .where('user_id', '=', userId)
      .where('company_id', '=', companyId)
      .execute();
    await revokeFamiliesWhere(db, { userId, companyId }, now);
    await finish(db, now, audit);
    return { kind: 'removed', previous };
  }
  await db
    .updateTable('memberships')
    .set({ role })
    .where('user_id', '=', userId)
    .where('company_id', '=', companyId)
    .execute();
  await finish(db, now, audit);
  return { kind: 'changed', membership: toMembership({ ...row, role }), previous };
}
