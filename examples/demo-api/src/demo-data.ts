import { createHash } from 'node:crypto';

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Radia', 'Ken', 'Margaret'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Perlman'];
const PLACES = ['Harbour', 'Summit', 'Maple', 'Granite', 'Juniper', 'Copper', 'Willow', 'Beacon'];
const KINDS = ['Bistro', 'Cafe', 'Kitchen', 'Bakery', 'Diner', 'Grill'];

/** Bytes derived from a seed, so every run and every node shows the same demo data. */
export function digest(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

export function pick<T>(list: readonly T[], byte: number | undefined): T {
  return list[(byte ?? 0) % list.length] as T;
}

/** A company's display name, derived from its id. */
export function companyName(companyId: string): string {
  const d = digest(`company:${companyId}`);
  return `${pick(PLACES, d[0])} ${pick(KINDS, d[1])}`;
}

/** A person's name, derived from a seed and an index. */
export function personName(seed: string, i: number): { first_name: string; last_name: string } {
  const d = digest(`${seed}:${i}`);
  return { first_name: pick(FIRST, d[0]), last_name: pick(LAST, d[1]) };
}

/** A deterministic UUID-shaped id (version 8, "custom"), for demo records. */
export function demoUuid(seed: string): string {
  const h = digest(seed).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
