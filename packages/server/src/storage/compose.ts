import type { Storage, StorageSlices } from './storage.ts';

/**
 * The names of the members a slice object provides: its class's methods and accessors, up
 * its prototype chain (instance fields, such as a slice's private handle on the database,
 * are not members of any storage interface and are left out).
 */
export function sliceMembers(prototype: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') names.add(name);
  return [...names];
}

/**
 * Gives `target` every member of every slice: methods bound to the slice that implements
 * them, accessors read through to it. Two slices defining one name is a programming error
 * and throws at once.
 */
function joinSlices(target: object, slices: StorageSlices): void {
  const owner = new Map<string, string>();
  for (const [sliceName, slice] of Object.entries(slices) as [string, object][]) {
    for (const name of sliceMembers(Object.getPrototypeOf(slice))) {
      const taken = owner.get(name);
      if (taken) throw new Error(`storage slices "${taken}" and "${sliceName}" both define ${name}`);
      owner.set(name, sliceName);
      const value: unknown = Reflect.get(slice, name);
      // Writable, like a method on a prototype: tests wrap a live method to count calls.
      Object.defineProperty(
        target,
        name,
        typeof value === 'function'
          ? { value: value.bind(slice), writable: true, configurable: true }
          : { get: () => Reflect.get(slice, name), configurable: true },
      );
    }
  }
}

class JoinedSlices {
  constructor(slices: StorageSlices) {
    joinSlices(this, slices);
  }
}

/**
 * A base class for a storage implementation: built from one object per slice, its instances
 * are the whole `Storage`, composed rather than inherited (sql/storage.ts extends it). The
 * cast is safe because `Storage` is exactly the slices of `StorageSlices` (checked below) and
 * every slice's members are joined.
 */
export const ComposedStorage = JoinedSlices as unknown as new (slices: StorageSlices) => Storage;

type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Expect<T extends true> = T;

/** Compile-time: `Storage` has exactly the members of the slices in `StorageSlices`. */
export type StorageIsItsSlices = Expect<SameKeys<Storage, AllOf<StorageSlices[keyof StorageSlices]>>>;
