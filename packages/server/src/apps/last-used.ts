import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';

/**
 * Collects "last used" stamps in memory and writes them in one batch every few seconds,
 * so that recording usage never puts a write on the token endpoint's path.
 */
export class LastUsedRecorder {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly flushMs = 5000,
    private readonly log?: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs).unref();
  }

  record(appId: string, at = new Date()): void {
    this.pending.set(appId, at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.storage.touchApps(batch);
    } catch (err) {
      this.log?.warn({ err }, 'could not record app last-used times');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
