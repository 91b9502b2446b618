import type { InvalidationLog } from '../invalidation-log.ts';
import type { SqlContext } from './context.ts';

/** Reads the invalidations the other slices write (sql/tx.ts, `invalidate`). */
export class SqlInvalidationLog implements InvalidationLog {
  constructor(private readonly ctx: SqlContext) {}

  async latestInvalidationSeq() {
    const row = await this.ctx.db
      .selectFrom('invalidations')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async invalidationsSince(seq: number, limit = 1000) {
    const rows = await this.ctx.db
      .selectFrom('invalidations')
      .select(['seq', 'key'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), key: r.key }));
  }

  async pruneInvalidations(before: Date) {
    await this.ctx.db.deleteFrom('invalidations').where('created_at', '<', before.getTime()).execute();
  }
}
