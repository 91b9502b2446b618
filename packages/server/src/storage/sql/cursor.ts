import { InvalidCursor } from '../storage.ts';

/**
 * Opaque pagination cursors: base64url of `v1:<seq>`. A cursor only positions a query that
 * is already scoped to the caller's company, so it needs no signature; it must only never
 * reach the database unvalidated.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(`v1:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) throw new InvalidCursor();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^v1:(\d{1,15})$/.exec(text);
  if (!m) throw new InvalidCursor();
  return Number(m[1]);
}
