import { InvalidScope } from '../errors.ts';

/**
 * Scope grammar shared by every endpoint: one parser, one normaliser, one `covers`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII except space, '"' and '\'.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(s: string): boolean {
  return SCOPE_TOKEN.test(s);
}

/**
 * Parses a space-delimited scope string. Repeated tokens collapse; order is normalised
 * (sorted) so that equal sets always print the same. Throws InvalidScope on bad syntax.
 */
export function parseScope(value: string): string[] {
  const tokens = value.split(' ').filter((t) => t.length > 0);
  for (const t of tokens) {
    if (!isScopeToken(t))
      throw new InvalidScope(`scope token "${printable(t)}" contains a character RFC 6749 forbids`);
  }
  return normaliseScopes(tokens);
}

export function normaliseScopes(tokens: Iterable<string>): string[] {
  return [...new Set(tokens)].sort();
}

export function formatScope(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** True when every requested scope is held. */
export function covers(held: readonly string[], requested: readonly string[]): boolean {
  const set = new Set(held);
  return requested.every((s) => set.has(s));
}

/** Scopes requested but not held, for error messages. */
export function missingScopes(held: readonly string[], requested: readonly string[]): string[] {
  const set = new Set(held);
  return requested.filter((s) => !set.has(s));
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7E]/g, '?').slice(0, 64);
}
