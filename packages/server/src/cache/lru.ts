/**
 * A bounded cache that keeps what was used recently, in two generations of at most
 * ceil(max / 2) entries each (the algorithm of hashlru and quick-lru). New and re-used keys go
 * into the young generation; when it is full it becomes the old one and the previous old
 * generation is dropped whole. A key read from the old generation moves back to the young one.
 * So of the ceil(max / 2) keys touched last (set, read or deleted), every one still present is
 * kept, and never more than max (rounded up to even) are held.
 *
 * Why not the textbook Map (delete and re-insert on every hit, which keeps a strict order)?
 * A hit then rewrites the Map's hash table, and V8 allocates a rehashed table in the old
 * generation when the Map already lives there, as every long-lived cache does. Each request
 * that hit a cache left old-space garbage behind, and the mark-compacts that cleared it were
 * the latency tail of the token endpoint (docs/benchmarks.md). Here a hit in the young
 * generation is one Map.get and writes nothing.
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(max: number) {
    this.generation = Math.max(1, Math.ceil(max / 2));
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.insert(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) {
      // Replacing a value in place does not touch the hash table's layout.
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.insert(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private insert(key: K, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
