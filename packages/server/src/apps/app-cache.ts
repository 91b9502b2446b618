import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { Lru } from '../cache/lru.ts';
import type { Storage } from '../storage/storage.ts';
import type { AppWithSecrets } from '../storage/types.ts';

const NEGATIVE_TTL_MS = 30_000;

interface Entry {
  app: AppWithSecrets | null;
  loadedAt: number;
}

/**
 * client_id -> app (with live secrets), so that the token endpoint's steady state makes no
 * database round trip. Entries are dropped on `client:<id>` invalidations (local at once,
 * other nodes within the poll interval). Unknown client ids are remembered briefly to keep
 * a flood of bogus ids off the database; creating the app invalidates that entry too.
 * Concurrent misses for one id share a single load.
 */
export class AppCache {
  private readonly lru: Lru<string, Entry>;
  private readonly loading = new Map<string, Promise<AppWithSecrets | null>>();
  private generation = 0;

  constructor(
    private readonly storage: Storage,
    bus: InvalidationBus,
    /** config.appCacheSize */
    max: number,
  ) {
    this.lru = new Lru(max);
    bus.subscribe((key) => {
      if (key.startsWith('client:')) this.evict(key.slice('client:'.length));
    });
  }

  evict(clientId: string): void {
    this.lru.delete(clientId);
    this.generation++;
  }

  async get(clientId: string): Promise<AppWithSecrets | null> {
    const hit = this.lru.get(clientId);
    if (hit && (hit.app !== null || Date.now() - hit.loadedAt < NEGATIVE_TTL_MS)) return hit.app;
    let p = this.loading.get(clientId);
    if (!p) {
      const gen = this.generation;
      p = this.storage
        .findAppByClientId(clientId)
        .then((app) => {
          // Skip caching if an invalidation raced the load: the row we read may be stale.
          if (gen === this.generation) this.lru.set(clientId, { app: app ?? null, loadedAt: Date.now() });
          return app ?? null;
        })
        .finally(() => this.loading.delete(clientId));
      this.loading.set(clientId, p);
    }
    return p;
  }
}
