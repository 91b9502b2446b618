/**
 * The storage of a bounded cache that keeps what was used recently, in two generations of at
 * most ceil(max / 2) entries each (the algorithm of hashlru and quick-lru). New and re-used
 * keys go into the young generation; when it is full it becomes the old one and the previous
 * old generation is dropped whole. A key read from the old generation moves back to the
 * young one. So of the ceil(max / 2) keys touched last (set, read or deleted), every one
 * still present is kept, and never more than max (rounded up to even) are held.
 *
 * Why not the textbook Map (delete and re-insert on every hit, which keeps a strict order)?
 * A hit then rewrites the Map's hash table, and V8 allocates a rehashed table in the old
 * generation when the Map already lives there, as every long-lived cache does. Each request
 * that hit a cache left old-space garbage behind, and the mark-compacts that cleared it were
 * the latency tail of the token endpoint and of the resource-server verifier
 * (docs/benchmarks.md). Here a hit in the young generation is one Map.get and writes nothing.
 *
 * `Lru` and `ExpiringLru` read and write through these two maps; each decides what a hit is.
 */
export abstract class Generations<K, E> {
  protected young = new Map<K, E>();
  protected old = new Map<K, E>();
  private readonly generation: number;

  constructor(max: number) {
    this.generation = Math.max(1, Math.ceil(max / 2));
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

  /** Stores an entry as used now: in place when young, else into the young generation. */
  protected put(key: K, entry: E): void {
    if (this.young.has(key)) {
      // Replacing a value in place does not touch the hash table's layout.
      this.young.set(key, entry);
      return;
    }
    this.old.delete(key);
    this.insert(key, entry);
  }

  /** Adds a key that is in neither generation, turning the young one old when it is full. */
  protected insert(key: K, entry: E): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, entry);
  }
}
