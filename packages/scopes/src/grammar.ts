/**
 * The wire syntax of a scope parameter: space-delimited, case-sensitive scope tokens.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII except space, '"' and '\'.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Thrown by {@link parse} when a token breaks the RFC 6749 scope-token grammar. */
export class ScopeSyntaxError extends Error {
  constructor(readonly token: string) {
    super(`scope token "${printable(token)}" contains a character RFC 6749 forbids`);
    this.name = 'ScopeSyntaxError';
  }
}

/**
 * True when `s` is one RFC 6749 scope-token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function isScopeToken(s: string): boolean {
  return SCOPE_TOKEN.test(s);
}

/**
 * Splits a scope parameter into its tokens, in request order, repeats kept. Runs of
 * spaces are tolerated (clients do send them); any other forbidden character throws
 * {@link ScopeSyntaxError}. Pass the result to `normalise` for the canonical set.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function parse(value: string): string[] {
  const tokens = value.split(' ').filter((t) => t.length > 0);
  for (const t of tokens) if (!isScopeToken(t)) throw new ScopeSyntaxError(t);
  return tokens;
}

/**
 * Joins tokens into a scope parameter value (the inverse of {@link parse}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function format(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** A token made safe to quote in an error message: ASCII only, bounded length. */
export function printable(s: string): string {
  return s.replace(/[^\x20-\x7E]/g, '?').slice(0, 200);
}
