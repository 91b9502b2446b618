import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';

/** The required scopes the token does not hold. */
export function missingScopes(
  claims: Pick<AccessTokenClaims, 'scope'>,
  required: readonly string[],
): string[] {
  const held = new Set(claims.scope);
  return required.filter((s) => !held.has(s));
}

/**
 * Throws `insufficient_scope` (403) unless the token holds every required scope. The error
 * names all required scopes, as RFC 6750 asks (`scope` lists what the request needs).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function assertScopes(claims: Pick<AccessTokenClaims, 'scope'>, required: readonly string[]): void {
  const missing = missingScopes(claims, required);
  if (missing.length === 0) return;
  const list = missing.map((s) => `"${s}"`).join(', ');
  throw new ResourceServerError(
    'insufficient_scope',
    `the token lacks the scope${missing.length === 1 ? '' : 's'} ${list} this request needs`,
    required,
  );
}
