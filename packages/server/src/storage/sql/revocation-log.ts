import type { RevocationLog } from '../revocation-log.ts';
import type { RevocationInput } from '../types.ts';
import type { SqlContext } from './context.ts';
import { insertRevocations, selectRevocationsSince } from './revocations.ts';

/** The revocation feed (sql/revocations.ts holds the statements the other slices append with). */
export class SqlRevocationLog implements RevocationLog {
  constructor(private readonly ctx: SqlContext) {}

  async recordRevocations(entries: RevocationInput[]) {
    await this.ctx.revoking((tx) => insertRevocations(tx, entries));
  }

  revocationsSince(seq: number, limit = 1000) {
    return selectRevocationsSince(this.ctx.db, seq, Math.min(Math.max(limit, 1), 5000));
  }

  async pruneRevocations(now = new Date()) {
    await this.ctx.db.deleteFrom('revocations').where('expires_at', '<=', now.getTime()).execute();
  }

  onRevocationsCommitted(listener: () => void) {
    return this.ctx.onRevocationsCommitted(listener);
  }
}
