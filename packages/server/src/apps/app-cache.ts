import { Lru } from '@gatehouse/cache';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { AppStore } from '../storage/storage.ts';
import type { AppWithSecrets } from '../storage/types.ts';

const NEGATIVE_TTL_MS = 30_000;
/** At most one re-read per client in this long (reload). */
export const RELOAD_INTERVAL_MS = 1000;

interface Entry {
  app: AppWithSecrets | null;
  loadedAt: number;
  /** When reload() last read this client (0: never), the brake on wrong secrets. */
  reloadedAt: number;
}

/**
 * client_id -> app (with live secrets), so that the token endpoint's steady state makes no
 * database round trip. Entries are dropped on `client:<id>` invalidations (local at once,
 * other nodes within the poll interval). Unknown client ids are remembered briefly to keep
 * a flood of bogus ids off the database; creating the app invalidates that entry too.
 * fresh() always reads (the authorization endpoint, so that an edit applies there at once).
 * Concurrent misses for one id share a single load. reload() reads an app again when a
 * secret did not match it, so that a secret rotated elsewhere works at once.
 */
export class AppCache {
  private readonly lru: Lru<string, Entry>;
  private readonly loading = new Map<string, Promise<AppWithSecrets | null>>();
  private generation = 0;

  constructor(
    private readonly storage: Pick<AppStore, 'findAppByClientId'>,
    bus: InvalidationBus,
    /** config.appCacheSize */
    max: number,
    private readonly clock: () => number = Date.now,
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
    if (hit && (hit.app !== null || this.clock() - hit.loadedAt < NEGATIVE_TTL_MS)) return hit.app;
    return this.load(clientId, 0);
  }

  /**
   * Reads a cached app again from the database, bypassing the cache, and caches what it
   * finds: for a presented secret that matched none of the cached app's, in case it was
   * rotated on another node or by the CLI since (the invalidation poll would tell this node
   * only up to `invalidationPollMs` later). Wrong secrets must not turn into database load,
   * so a client is re-read at most once per RELOAD_INTERVAL_MS and concurrent callers share
   * one read. Undefined when the brake held (nothing was read): the cached app is the
   * freshest there is.
   */
  async reload(clientId: string): Promise<AppWithSecrets | null | undefined> {
    const inFlight = this.loading.get(clientId);
    if (inFlight) return inFlight;
    const now = this.clock();
    const hit = this.lru.get(clientId);
    if (hit && now - hit.reloadedAt < RELOAD_INTERVAL_MS) return undefined;
    // Braked from now, even if the read below fails or is not cached.
    if (hit) hit.reloadedAt = now;
    return this.load(clientId, now);
  }

  /**
   * The app as the database holds it now, cached for the next get(): for the authorization
   * endpoint, whose answers (redirect URIs, implicit, grant delivery) must follow an edit made
   * on any node at once. It reads on every call, so it is for requests that write a pending
   * flow to the database anyway, never for the token endpoint's steady state. An unknown
   * client_id remembered as such is answered from memory, as get() does.
   */
  async fresh(clientId: string): Promise<AppWithSecrets | null> {
    const hit = this.lru.get(clientId);
    if (hit?.app === null && this.clock() - hit.loadedAt < NEGATIVE_TTL_MS) return null;
    return this.load(clientId, hit?.reloadedAt ?? 0);
  }

  private load(clientId: string, reloadedAt: number): Promise<AppWithSecrets | null> {
    let p = this.loading.get(clientId);
    if (!p) {
      const gen = this.generation;
      p = this.storage
        .findAppByClientId(clientId)
        .then((app) => {
          // Skip caching if an invalidation raced the load: the row we read may be stale.
          if (gen === this.generation)
            this.lru.set(clientId, { app: app ?? null, loadedAt: this.clock(), reloadedAt });
          return app ?? null;
        })
        .finally(() => this.loading.delete(clientId));
      this.loading.set(clientId, p);
    }
    return p;
  }
}
