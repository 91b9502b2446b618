import { Generations } from './generations.ts';

/**
 * A bounded cache that keeps what was used recently (two generations: see `Generations` for
 * the guarantee and why not a strictly ordered Map). `get` is on the hot path of the token
 * endpoint (rate-limit buckets, the app cache): a hit in the young generation is one
 * Map.get, with no allocation and no write.
 */
export class Lru<K, V> extends Generations<K, V> {
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
    this.put(key, value);
  }
}
