/**
 * A bounded map with least-recently-used eviction and per-entry expiry (epoch seconds).
 * Map keeps insertion order, so re-inserting on access makes the first key the oldest.
 */
export class ExpiringLru<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, nowSeconds: number): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    if (entry.expiresAt <= nowSeconds) return undefined;
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  /** Drops every entry whose value matches (e.g. a revoked jti). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.map) if (predicate(entry.value)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
