import { Generations } from './generations.ts';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded cache with per-entry expiry (epoch seconds) that keeps what was used recently
 * (two generations: see `Generations`). An expired entry is never returned: it is dropped
 * when read, and not moved back to the young generation, so reading it cannot push live
 * entries out. A size of 0 caches nothing.
 */
export class ExpiringLru<V> extends Generations<string, Entry<V>> {
  constructor(private readonly maxEntries: number) {
    super(maxEntries);
  }

  get(key: string, nowSeconds: number): V | undefined {
    let entry = this.young.get(key);
    if (entry === undefined) {
      entry = this.old.get(key);
      if (entry === undefined) return undefined;
      this.old.delete(key);
      if (entry.expiresAt <= nowSeconds) return undefined;
      this.insert(key, entry);
      return entry.value;
    }
    if (entry.expiresAt <= nowSeconds) {
      this.young.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (this.maxEntries <= 0) return;
    this.put(key, { value, expiresAt });
  }

  /** Drops every entry whose value matches (e.g. a revoked jti). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const map of [this.young, this.old])
      for (const [key, entry] of map) if (predicate(entry.value)) map.delete(key);
  }
}
