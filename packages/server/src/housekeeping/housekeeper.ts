import type { Logger } from 'pino';
import type { HousekeepingStore, PruneCounts } from '../storage/storage.ts';

/**
 * Runs storage.pruneExpired on a timer (every `intervalMs`, first after one interval, never
 * on a request path). Every node may run it: the deletes are idempotent.
 */
export class Housekeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly storage: HousekeepingStore,
    private readonly intervalMs: number,
    private readonly log?: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.run(), this.intervalMs).unref();
  }

  /** One pass now. Failures are logged, not thrown: the next pass tries again. */
  async run(now = new Date()): Promise<PruneCounts | undefined> {
    if (this.running) return undefined;
    const pass = this.storage
      .pruneExpired(now)
      .then((counts) => {
        if (Object.values(counts).some((n) => n > 0)) this.log?.info({ pruned: counts }, 'housekeeping');
        return counts;
      })
      .catch((err: unknown) => {
        this.log?.warn({ err }, 'housekeeping pass failed');
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
      });
    this.running = pass;
    return pass;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
