import type { NewGrant } from '../grant-store.ts';
import type { AuditEventInput, DomainEventInput, Grant } from '../types.ts';
import { toGrant } from './mappers.ts';
import { grantRevocations, insertRevocations } from './revocations.ts';
import { type Db, insertAudit, invalidate } from './tx.ts';
import { enqueueEvents } from './webhooks.ts';

export async function upsertGrant(
  db: Db,
  grant: NewGrant,
  audit?: AuditEventInput,
  events?: DomainEventInput[],
): Promise<Grant> {
  const now = Date.now();
  const existing = await db
    .selectFrom('grants')
    .selectAll()
    .where('app_id', '=', grant.appId)
    .where('company_id', '=', grant.companyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('grants')
      .set({ scopes: grant.scopes.join(' '), granted_by: grant.grantedBy, updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    await invalidate(db, [`grant:${existing.guid}`], now);
  } else {
    await db
      .insertInto('grants')
      .values({
        id: grant.id,
        guid: grant.guid,
        app_id: grant.appId,
        company_id: grant.companyId,
        scopes: grant.scopes.join(' '),
        granted_by: grant.grantedBy,
        created_at: now,
        updated_at: now,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
  }
  if (audit) await insertAudit(db, audit, now);
  await enqueueEvents(db, events, now);
  const row = await db
    .selectFrom('grants')
    .selectAll()
    .where('id', '=', existing?.id ?? grant.id)
    .executeTakeFirstOrThrow();
  return toGrant(row);
}

export async function revokeGrant(
  db: Db,
  companyId: string,
  grantId: string,
  audit?: AuditEventInput,
  events?: DomainEventInput[],
) {
  const now = Date.now();
  const row = await db
    .selectFrom('grants')
    .select(['guid'])
    .where('id', '=', grantId)
    .where('company_id', '=', companyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return false;
  // Conditional, so that of two concurrent revocations exactly one writes the feed, audit and
  // webhook rows: on PostgreSQL the second waits for the first's row lock, then finds the row
  // revoked and updates nothing.
  const updated = await db
    .updateTable('grants')
    .set({ revoked_at: now, updated_at: now })
    .where('id', '=', grantId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await insertRevocations(db, grantRevocations(grantId, row.guid, now), now);
  await invalidate(db, [`grant:${row.guid}`], now);
  if (audit) await insertAudit(db, audit, now);
  await enqueueEvents(db, events, now);
  return true;
}
