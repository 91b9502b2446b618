import type { ActClaim } from '../storage/authorization-types.ts';

/**
 * The longest delegation chain a token may carry: the current actor and the ones before it.
 * Each exchange adds one; past this an exchange is refused (a loop, or a design to rethink).
 */
export const MAX_ACT_DEPTH = 5;

/**
 * An `act` claim (RFC 8693 4.1) as read from a token: `{ sub, act? }` with the nesting kept
 * and any other member dropped, or null when it is not one (not an object, no string `sub`,
 * deeper than MAX_ACT_DEPTH).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-4.1
 */
export function actClaim(value: unknown, depth = 1): ActClaim | null {
  if (depth > MAX_ACT_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value))
    return null;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string' || sub.length === 0) return null;
  if (act === undefined) return { sub };
  const inner = actClaim(act, depth + 1);
  return inner === null ? null : { sub, act: inner };
}

/** How many actors the chain names (1 for `{ sub }`). */
export function actDepth(act: ActClaim | undefined): number {
  let n = 0;
  for (let a = act; a !== undefined; a = a.act) n++;
  return n;
}
