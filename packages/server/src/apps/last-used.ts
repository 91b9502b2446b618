import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';

/** Which "last used" column a recorder stamps. */
export type UsageKind = 'apps' | 'grants';

/**
 * Collects "last used" stamps in memory and writes them in one batch every few seconds,
 * so that recording usage never puts a write on the token endpoint's path. One recorder
 * per kind: apps (any token request) and grants (delegated tokens, GUID resolutions).
 */
export class LastUsedRecorder {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly flushMs = 5000,
    private readonly log?: Logger,
    private readonly kind: UsageKind = 'apps',
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs).unref();
  }

  record(id: string, at = new Date()): void {
    this.pending.set(id, at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await (this.kind === 'apps' ? this.storage.touchApps(batch) : this.storage.touchGrants(batch));
    } catch (err) {
      this.log?.warn({ err, kind: this.kind }, 'could not record last-used times');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
