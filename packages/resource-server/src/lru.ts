interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded cache with per-entry expiry (epoch seconds) that keeps what was used recently, in
 * two generations of at most ceil(maxEntries / 2) entries (the algorithm of hashlru and
 * quick-lru). New and re-used keys go into the young generation; when it is full it becomes the
 * old one and the previous old generation is dropped whole. So the ceil(maxEntries / 2) keys
 * used last are always kept.
 *
 * Not the textbook Map that deletes and re-inserts on every hit: that rewrites the hash table
 * on each hit, and V8 allocates the rewritten table in the old generation once the Map lives
 * there, so every cached verification left old-space garbage for mark-compacts to clear. Here
 * a hit in the young generation is one Map.get.
 */
export class ExpiringLru<V> {
  private young = new Map<string, Entry<V>>();
  private old = new Map<string, Entry<V>>();
  private readonly generation: number;

  constructor(private readonly maxEntries: number) {
    this.generation = Math.max(1, Math.ceil(maxEntries / 2));
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
    const entry = { value, expiresAt };
    if (this.young.has(key)) {
      this.young.set(key, entry);
      return;
    }
    this.old.delete(key);
    this.insert(key, entry);
  }

  /** Drops every entry whose value matches (e.g. a revoked jti). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const map of [this.young, this.old])
      for (const [key, entry] of map) if (predicate(entry.value)) map.delete(key);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private insert(key: string, entry: Entry<V>): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, entry);
  }
}
