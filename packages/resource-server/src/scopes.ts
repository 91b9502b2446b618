import { covers, grammar, intersect, missing, type ScopeGrammar } from '@gatehouse/scopes';
import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';

/** Gatehouse's default catalog declares one parameterized template: Culture Amp's. */
export const DEFAULT_SCOPE_GRAMMAR: ScopeGrammar = grammar(['target-entity']);

/**
 * What a partner's request for a company may do: the token's scope intersected with the
 * scope the company approved in its grant (`grant` space-delimited, as the grant lookup
 * answers it). Parameterized scopes intersect by atom, so `target-entity:E:a,b` and a grant
 * of `target-entity:E:b,c` leave `target-entity:E:b`, and another entity leaves nothing.
 * The result is normalised (sorted, one token per entity).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function effectiveScope(
  token: readonly string[],
  grant: string,
  g: ScopeGrammar = DEFAULT_SCOPE_GRAMMAR,
): string[] {
  return intersect(
    token,
    grant.split(' ').filter((s) => s.length > 0),
    g,
  );
}

/**
 * The required scopes the token does not hold. Parameterized scopes compare by atom:
 * `target-entity:E:a,b` holds `target-entity:E:a`, not `target-entity:F:a`.
 */
export function missingScopes(
  claims: Pick<AccessTokenClaims, 'scope'>,
  required: readonly string[],
  g: ScopeGrammar = DEFAULT_SCOPE_GRAMMAR,
): string[] {
  return missing(claims.scope, required, g);
}

/**
 * Throws `insufficient_scope` (403) unless the token holds every required scope. The error
 * names all required scopes, as RFC 6750 asks (`scope` lists what the request needs).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function assertScopes(
  claims: Pick<AccessTokenClaims, 'scope'> & { tokenScope?: readonly string[] },
  required: readonly string[],
  g: ScopeGrammar = DEFAULT_SCOPE_GRAMMAR,
): void {
  if (covers(claims.scope, required, g)) return;
  const lacking = missing(claims.scope, required, g);
  const list = lacking.map((s) => `"${s}"`).join(', ');
  const s = lacking.length === 1 ? '' : 's';
  // An AuthContext narrowed by a grant says which side is short, so a partner knows whether
  // to ask for a token with more scope or for the company to approve more.
  const byGrant = claims.tokenScope !== undefined && covers(claims.tokenScope, lacking, g);
  throw new ResourceServerError(
    'insufficient_scope',
    byGrant
      ? `the company's grant does not include the scope${s} ${list} this request needs`
      : `the token lacks the scope${s} ${list} this request needs`,
    required,
  );
}

/**
 * Throws `insufficient_scope` unless the token holds `permission` on `entityId` through a
 * parameterized scope (`target-entity:<entityId>:<permission>` by default).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function assertEntityPermission(
  claims: Pick<AccessTokenClaims, 'scope'> & { tokenScope?: readonly string[] },
  entityId: string,
  permission: string,
  opts: { template?: string; grammar?: ScopeGrammar } = {},
): void {
  const template = opts.template ?? 'target-entity';
  if (!/^[\x21\x23-\x2B\x2D-\x39\x3B-\x5B\x5D-\x7E]{1,200}$/.test(entityId))
    throw new ResourceServerError('request_invalid', 'the entity id is not valid');
  assertScopes(claims, [`${template}:${entityId}:${permission}`], opts.grammar ?? grammar([template]));
}
