/** A time as the console's tables show it: minutes, UTC; `Never` for none. */
export function formatTime(d: Date | null): string {
  if (d === null) return 'Never';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
