import type { Kysely, Transaction } from 'kysely';
import { newId } from '../../util/random.ts';
import type { Database } from '../schema.ts';
import type { AuditEvent, AuditEventInput } from '../types.ts';

export type Db = Kysely<Database> | Transaction<Database>;

export async function insertAudit(db: Db, event: AuditEventInput, now = Date.now()): Promise<AuditEvent> {
  const id = newId('evt');
  await db
    .insertInto('audit_events')
    .values({
      id,
      company_id: event.companyId,
      actor: event.actor,
      action: event.action,
      target: event.target,
      data: JSON.stringify(event.data),
      created_at: now,
    })
    .execute();
  return { ...event, id, createdAt: new Date(now) };
}

/** Records that cached state under `keys` changed, in the caller's transaction. */
export async function invalidate(db: Db, keys: string[], now = Date.now()): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insertInto('invalidations')
    .values(keys.map((key) => ({ key, created_at: now })))
    .execute();
}
