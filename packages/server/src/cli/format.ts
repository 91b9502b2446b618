/**
 * How the CLI prints text: tables, `label: value` summaries and times. JSON output comes from
 * the same mappers the management API uses (<domain>/wire.ts): snake_case like the wire, ISO
 * timestamps, and never a hash, a password hash or a private key.
 */

/** Aligned columns with a header row; an explicit line when there are no rows. */
export function table(headers: string[], rows: string[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `label: value` lines, labels aligned. */
export function summary(pairs: Array<[string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n');
}

export const when = (d: Date | null) => (d === null ? 'never' : d.toISOString());

/** Said whenever a secret is printed: it exists nowhere else in clear. */
export const SECRET_WARNING =
  'Store the client secret now: Gatehouse keeps only its hash and will not show it again.';

/** An API key's row fields (admin or operator key): never the key or its hash. */
interface KeyRow {
  id: string;
  name: string;
  last4: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The table `admin-key list` and `operator-key list` print. */
export function keyTable(keys: KeyRow[], empty: string): string {
  return table(
    ['ID', 'NAME', 'LAST4', 'CREATED', 'LAST USED', 'REVOKED'],
    keys.map((k) => [
      k.id,
      k.name,
      k.last4,
      when(k.createdAt),
      when(k.lastUsedAt),
      k.revokedAt ? when(k.revokedAt) : '-',
    ]),
    empty,
  );
}
