import type { StorageLifecycle } from '../lifecycle.ts';
import type { SqlContext } from './context.ts';
import { migrate } from './migrate.ts';

export class SqlLifecycle implements StorageLifecycle {
  constructor(private readonly ctx: SqlContext) {}

  get dialect() {
    return this.ctx.dialect;
  }

  migrate(): Promise<void> {
    return migrate(this.ctx.db, this.ctx.dialect);
  }

  async ping(): Promise<void> {
    await this.ctx.db.selectFrom('companies').select('id').limit(1).execute();
  }

  poolStats() {
    return this.ctx.poolStats?.();
  }

  startBackgroundWork(onError?: (err: unknown) => void): void {
    this.ctx.checkpoints?.start(onError);
  }

  async close(): Promise<void> {
    await this.ctx.settle();
    await this.ctx.checkpoints?.stop();
    await this.ctx.db.destroy();
  }
}
