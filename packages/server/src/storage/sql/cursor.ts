import { InvalidCursor } from '../common.ts';

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

/** A cursor over (timestamp, id) keys, for lists ordered by creation time. */
export function encodeKeyCursor(ms: number, id: string): string {
  return Buffer.from(`v2:${ms}:${id}`, 'utf8').toString('base64url');
}

export function decodeKeyCursor(cursor: string): { ms: number; id: string } {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(cursor)) throw new InvalidCursor();
  const m = /^v2:(\d{1,15}):([a-z]{2,5}_[a-z0-9]{10,40})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!m) throw new InvalidCursor();
  return { ms: Number(m[1]), id: m[2] as string };
}
